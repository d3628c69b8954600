"""Employers see their jobs' figures as they stand, before the counter flush has run, and each
job's views, apply clicks and applications day by day; the flush adds every count once."""

from datetime import datetime, time, timedelta

import pytest
import redis
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jobs import counters
from jobs.models import Application, CompanyMembership, JobDailyStats
from tests.factories import (
    AdminFactory,
    CompanyFactory,
    EmployerFactory,
    PublishedJobFactory,
    SeekerFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("counter_keys")]
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"


@pytest.fixture
def redis_down(monkeypatch):
    down = redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2)
    monkeypatch.setattr(counters, "_client", lambda: down)


@pytest.fixture
def job(company):
    """Published six weeks ago, so the page shows its last 30 days."""
    return PublishedJobFactory(
        company=company,
        apply_url="https://acme.example/apply",
        view_count=40,
        apply_click_count=3,
        published_at=timezone.now() - timedelta(days=42),
        expires_at=timezone.now() + timedelta(days=20),
    )


def visit(job, *, address, click=False):
    """A person looks at the job (and clicks to apply); their visit reaches Redis at once."""
    client = Client(HTTP_USER_AGENT=FIREFOX, REMOTE_ADDR=address)
    assert client.get(job.get_absolute_url()).status_code == 200
    if click:
        client.get(reverse("jobs:job_apply", args=[job.pk]))
    counters.push()


def dashboard_row(client, company, job) -> tuple[int, int]:
    response = client.get(reverse("jobs:company_dashboard", args=[company.slug]))
    assert response.status_code == 200
    [shown] = [j for j in response.context["jobs"] if j.pk == job.pk]
    return shown.views_live, shown.apply_clicks_live


def stats_url(job) -> str:
    return reverse("jobs:job_statistics", args=[job.pk])


# The live figure ------------------------------------------------------------------------------


def test_the_dashboard_shows_stored_figures_plus_counts_not_yet_flushed(
    client, company, member, job
):
    visit(job, address="192.0.2.1", click=True)
    visit(job, address="192.0.2.2")
    client.force_login(member)
    assert dashboard_row(client, company, job) == (42, 4)
    page = client.get(reverse("jobs:company_dashboard", args=[company.slug])).content.decode()
    assert '<td data-label="Views">42</td>' in page
    assert '<td data-label="Apply clicks">4</td>' in page
    counters.flush()
    job.refresh_from_db()
    assert (job.view_count, job.apply_click_count) == (42, 4)
    assert dashboard_row(client, company, job) == (42, 4)


def test_counts_a_flush_has_set_aside_but_not_yet_stored_still_show(
    client, company, member, job, monkeypatch
):
    visit(job, address="192.0.2.1")

    def database_lost(batch):
        raise RuntimeError("the database went away mid-flush")

    monkeypatch.setattr(counters, "_add_totals", database_lost)
    with pytest.raises(RuntimeError):
        counters.flush()
    client.force_login(member)
    assert dashboard_row(client, company, job) == (41, 3)


def test_with_redis_down_the_dashboard_and_statistics_show_the_stored_figures(
    client, company, member, job, redis_down
):
    client.force_login(member)
    assert dashboard_row(client, company, job) == (40, 3)
    response = client.get(stats_url(job))
    assert response.status_code == 200
    assert response.context["stats"].totals["views"] == 40


def test_the_dashboard_reads_redis_once_and_keeps_its_query_count_whatever_the_jobs(
    client, company, member, django_assert_max_num_queries, monkeypatch
):
    jobs = [PublishedJobFactory(company=company) for _ in range(30)]
    for n, job in enumerate(jobs[:5]):
        visit(job, address=f"192.0.2.{n + 1}")
    round_trips = []
    real_execute = redis.client.Pipeline.execute

    def counted_execute(pipeline, *args, **kwargs):
        round_trips.append(len(pipeline.command_stack))
        return real_execute(pipeline, *args, **kwargs)

    monkeypatch.setattr(redis.client.Pipeline, "execute", counted_execute)
    client.force_login(member)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("jobs:company_dashboard", args=[company.slug]))
    assert len(round_trips) == 1
    assert sum(job.views_live for job in response.context["jobs"]) == 5


# The flush and the daily rows -------------------------------------------------------------


@pytest.fixture
def some_day():
    """Noon of a day ahead, so that its markers are new in the real Redis."""
    day = timezone.localdate() + timedelta(days=2)
    return timezone.make_aware(datetime.combine(day, time(12)))


def daily_rows(job) -> list[tuple]:
    return list(JobDailyStats.objects.filter(job=job).values_list("day", "views", "apply_clicks"))


def test_the_flush_moves_each_days_counts_into_daily_rows_exactly_once(job, some_day):
    first, second = some_day, some_day + timedelta(days=1)
    with time_machine.travel(first, tick=False):
        visit(job, address="192.0.2.1", click=True)
        visit(job, address="192.0.2.2")
    with time_machine.travel(second, tick=False):
        visit(job, address="192.0.2.1")
    assert counters.flush() == {"views": 1, "apply_clicks": 1}
    expected = [(first.date(), 2, 1), (second.date(), 1, 0)]
    assert daily_rows(job) == expected
    assert counters.flush() == {"views": 0, "apply_clicks": 0}
    assert daily_rows(job) == expected
    with time_machine.travel(second + timedelta(hours=1), tick=False):
        visit(job, address="192.0.2.3", click=True)
    counters.flush()
    assert daily_rows(job) == [(first.date(), 2, 1), (second.date(), 2, 1)]
    job.refresh_from_db()
    assert (job.view_count, job.apply_click_count) == (44, 5)


def test_a_flush_that_dies_after_its_commit_is_not_added_a_second_time(job, monkeypatch):
    visit(job, address="192.0.2.1", click=True)
    real_delete = redis.Redis.delete

    def died(client, *keys):
        raise redis.ConnectionError("the flush died before it could clean up")

    monkeypatch.setattr(redis.Redis, "delete", died)
    with pytest.raises(redis.ConnectionError):
        counters.flush()
    monkeypatch.setattr(redis.Redis, "delete", real_delete)
    visit(job, address="192.0.2.2")
    counters.flush()
    counters.flush()
    job.refresh_from_db()
    assert (job.view_count, job.apply_click_count) == (42, 4)
    [(_, views, clicks)] = daily_rows(job)
    assert (views, clicks) == (2, 1)


def test_a_flush_that_fails_before_its_commit_is_added_by_the_next(job, monkeypatch):
    visit(job, address="192.0.2.1")
    real_add_days = counters._add_days

    def database_lost(batch):
        raise RuntimeError("the database went away mid-flush")

    monkeypatch.setattr(counters, "_add_days", database_lost)
    with pytest.raises(RuntimeError):
        counters.flush()
    job.refresh_from_db()
    assert job.view_count == 40 and not daily_rows(job)
    monkeypatch.setattr(counters, "_add_days", real_add_days)
    counters.flush()
    job.refresh_from_db()
    assert job.view_count == 41 and [row[1] for row in daily_rows(job)] == [1]


def test_counts_of_a_job_deleted_before_the_flush_are_dropped(company):
    draft = PublishedJobFactory(company=company)
    kept = PublishedJobFactory(company=company)
    visit(draft, address="192.0.2.1")
    visit(kept, address="192.0.2.1")
    draft.delete()
    counters.flush()
    assert [row[1] for row in daily_rows(kept)] == [1]
    assert JobDailyStats.objects.count() == 1


# The statistics page ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 302),
        ("seeker", 404),
        ("other_company_employer", 404),
        ("admin", 404),
        ("member", 200),
    ],
)
def test_only_the_jobs_company_members_see_its_statistics(
    client, company, member, job, who, status
):
    if who == "other_company_employer":
        other = EmployerFactory()
        CompanyMembership.objects.create(company=CompanyFactory(), user=other)
        client.force_login(other)
    elif who != "anonymous":
        users = {"seeker": SeekerFactory, "admin": AdminFactory, "member": lambda: member}
        client.force_login(users[who]())
    response = client.get(stats_url(job))
    assert response.status_code == status
    if who == "anonymous":
        assert "/accounts/login/" in response.url


def test_statistics_show_each_day_stored_plus_pending_and_applications_by_day(
    client, company, member, job
):
    today = timezone.localdate()
    JobDailyStats.objects.create(job=job, day=today - timedelta(days=3), views=7, apply_clicks=2)
    JobDailyStats.objects.create(job=job, day=today, views=5, apply_clicks=1)
    JobDailyStats.objects.create(job=job, day=today - timedelta(days=45), views=9, apply_clicks=0)
    visit(job, address="192.0.2.1", click=True)
    applicant = SeekerFactory()
    Application.objects.create(job=job, applicant=applicant)
    earlier = Application.objects.create(job=job, applicant=SeekerFactory())
    Application.objects.filter(pk=earlier.pk).update(created_at=timezone.now() - timedelta(days=3))
    client.force_login(member)
    response = client.get(stats_url(job))
    stats = response.context["stats"]
    by_day = {f.day: (f.views, f.apply_clicks, f.applications) for f in stats.days}
    assert len(by_day) == 30 and stats.days[-1].day == today
    assert by_day[today] == (6, 2, 1)
    assert by_day[today - timedelta(days=3)] == (7, 2, 1)
    assert by_day[today - timedelta(days=1)] == (0, 0, 0)
    assert stats.totals == {"views": 41, "apply_clicks": 4, "applications": 2}
    views_chart = stats.charts[0]
    assert (views_chart.total, views_chart.top, views_chart.busiest.value) == (13, 8, 7)
    assert views_chart.bars[-1].height == "75.00%"
    page = response.content.decode()
    assert "Views a day" in page and "Applications a day" in page
    assert "Day by day, last 30 days" in page and "13 in 30 days" in page
    row = (
        f'<th scope="row" class="day-cell"><time datetime="{today:%Y-%m-%d}">'
        f"{today.day} {today:%b}</time></th><td>6</td><td>2</td><td>1</td>"
    )
    assert row in page
    assert 'style="height:75.00%"' in page


def test_a_job_with_no_figures_yet_shows_an_empty_chart_and_zeros(client, company, member):
    job = PublishedJobFactory(company=company)
    client.force_login(member)
    response = client.get(stats_url(job))
    assert response.status_code == 200
    stats = response.context["stats"]
    assert stats.totals == {"views": 0, "apply_clicks": 0, "applications": 0}
    assert all(chart.busiest is None and chart.top == 1 for chart in stats.charts)
    page = response.content.decode()
    assert "No views yet." in page and "No apply clicks yet." in page
    assert "No applications yet." in page
    assert "A full column" not in page and "0 in" not in page


def test_a_job_published_days_ago_shows_the_days_since_its_publication(client, company, member):
    today = timezone.localdate()
    job = PublishedJobFactory(company=company, published_at=timezone.now() - timedelta(days=3))
    JobDailyStats.objects.create(job=job, day=today - timedelta(days=1), views=4, apply_clicks=0)
    client.force_login(member)
    response = client.get(stats_url(job))
    stats = response.context["stats"]
    assert [f.day for f in stats.days] == [today - timedelta(days=n) for n in (3, 2, 1, 0)]
    page = response.content.decode()
    assert "Day by day, since it was published" in page
    assert "4 since it was published" in page


def test_the_dashboard_links_each_job_to_its_statistics(client, company, member, job):
    client.force_login(member)
    page = client.get(reverse("jobs:company_dashboard", args=[company.slug])).content.decode()
    assert f'href="{stats_url(job)}"' in page
