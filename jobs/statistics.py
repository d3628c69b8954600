"""A job's figures for its company's members: views, apply clicks and applications in total and
day by day over the last weeks, stored figures plus the counts not yet flushed from Redis."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from jobs import counters
from jobs.charts import DayChart, day_chart
from jobs.models import Application, Job, JobDailyStats

# How many days the statistics page shows at most, today included.
DAYS = 30
MEASURES = [
    ("views", "Views"),
    ("apply_clicks", "Apply clicks"),
    ("applications", "Applications"),
]


@dataclass(frozen=True)
class DayFigures:
    day: date
    views: int
    apply_clicks: int
    applications: int


@dataclass(frozen=True)
class JobStatistics:
    totals: dict[str, int]  # since the job was posted
    days: list[DayFigures]  # oldest first
    charts: list[DayChart]
    since_publication: bool  # the days start on the day of publication, not DAYS ago

    @property
    def first_day(self) -> date:
        return self.days[0].day


def live_totals(jobs: list[Job]) -> None:
    """Give each job its figures as they stand (`views_live`, `apply_clicks_live`): stored plus
    counted and not yet flushed, read for all the jobs in one round trip to Redis."""
    pending = counters.pending_totals(job.pk for job in jobs)
    for job in jobs:
        counts = pending.get(job.pk, {})
        job.views_live = job.view_count + counts.get("views", 0)
        job.apply_clicks_live = job.apply_click_count + counts.get("apply_clicks", 0)


def job_statistics(job: Job, *, today: date | None = None) -> JobStatistics:
    """The job's totals and its last DAYS days (or the days since its publication, if fewer),
    each day's views and apply clicks stored by the flush plus those still in Redis, and its
    applications counted by the day they were made."""
    today = today or timezone.localdate()
    posted = timezone.localdate(job.published_at or job.created_at)
    first = max(today - timedelta(days=DAYS - 1), min(posted, today))
    days = [first + timedelta(days=n) for n in range((today - first).days + 1)]
    stored = {
        row.day: row for row in JobDailyStats.objects.filter(job=job, day__range=(days[0], today))
    }
    since = timezone.make_aware(datetime.combine(days[0], time()))
    applied = dict(
        Application.objects.filter(job=job, created_at__gte=since)
        .annotate(day=TruncDate("created_at"))
        .values("day")
        .annotate(n=Count("id"))
        .values_list("day", "n")
    )
    pending = counters.pending_days(job.pk, days)
    figures = []
    for day in days:
        row, waiting = stored.get(day), pending.get(day, {})
        figures.append(
            DayFigures(
                day=day,
                views=(row.views if row else 0) + waiting.get("views", 0),
                apply_clicks=(row.apply_clicks if row else 0) + waiting.get("apply_clicks", 0),
                applications=applied.get(day, 0),
            )
        )
    live_totals([job])
    totals = {
        "views": job.views_live,
        "apply_clicks": job.apply_clicks_live,
        "applications": job.applications.count(),
    }
    charts = [
        day_chart(key, title, [(f.day, getattr(f, key)) for f in figures])
        for key, title in MEASURES
    ]
    return JobStatistics(
        totals=totals, days=figures, charts=charts, since_publication=first == posted
    )
