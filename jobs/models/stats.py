"""Jobs' figures day by day, as the counter flush writes them, and the flushes already applied."""

from django.db import models
from django.db.models import Q

from jobs.models.postings import Job


class JobDailyStats(models.Model):
    """A job's views and apply clicks on one day (the board's time zone), added to by every
    flush of the counters; a day with neither has no row."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="daily_stats")
    day = models.DateField()
    views = models.PositiveIntegerField(default=0)
    apply_clicks = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["day"]
        verbose_name_plural = "job daily stats"
        constraints = [
            models.UniqueConstraint(fields=["job", "day"], name="jobdailystats_once_per_day"),
            models.CheckConstraint(
                name="jobdailystats_counts_something",
                condition=Q(views__gt=0) | Q(apply_clicks__gt=0),
            ),
        ]

    def __str__(self):
        return f"{self.job_id} on {self.day}: {self.views} views, {self.apply_clicks} apply clicks"


class CounterFlush(models.Model):
    """A batch of counts the flush took from Redis and added to the database, by the token it
    was set aside under: a batch whose Redis copy outlived the commit is never added twice."""

    token = models.CharField(max_length=32, unique=True)
    flushed_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"Counter batch {self.token}"


class SkillMarketFigures(models.Model):
    """What the open jobs asking for a skill pay and the skills they ask for with it, as the
    last pass over every skill's search rows found them (jobs.market.skill_markets_refresh): a
    large board's skill pages read these instead of sampling the table for each visit."""

    skill = models.OneToOneField(
        "careerboard.Skill", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    # [[skill id, open jobs asking for both], ...], most first.
    together = models.JSONField(default=list)
    # [[currency, jobs with a salary, 25th percentile, median, 75th percentile], ...], yearly.
    pay = models.JSONField(default=list)
    refreshed_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "skill market figures"

    def __str__(self):
        return f"Market figures of skill {self.skill_id} at {self.refreshed_at:%Y-%m-%d %H:%M}"
