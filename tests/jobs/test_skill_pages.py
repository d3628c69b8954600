"""Skill pages: counts of open jobs, the jobs themselves, hidden skills, fixed query counts."""

from dataclasses import astuple
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from careerboard.caching import skill_markets_max_age
from jobs import services
from jobs.market import _skill_market, skill_market, skill_markets_refresh
from jobs.models import Job, SkillMarketFigures
from tests.factories import AdminFactory, ExpiredJobFactory, PublishedJobFactory, SkillFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def board():
    python, go = SkillFactory(name="Python"), SkillFactory(name="Go")
    for n in range(3):
        PublishedJobFactory(title=f"Python role {n}", skills=[python])
    PublishedJobFactory(title="Go role", skills=[go], skills__nice=[python])
    ExpiredJobFactory(title="Old Python role", skills=[python])
    return python, go


def test_skill_list_counts_open_jobs_per_skill(client, board):
    response = client.get(reverse("skill_list"))
    counts = {
        skill.slug: skill.open_jobs
        for skills in response.context["categories"].values()
        for skill in skills
    }
    assert counts == {"python": 4, "go": 1}


def test_skill_page_lists_open_jobs_needing_the_skill(client, board):
    response = client.get(reverse("skill_detail", args=["python"]))
    assert response.context["open_jobs"] == 4
    titles = {job.title for job in response.context["jobs"]}
    assert titles == {"Python role 0", "Python role 1", "Python role 2", "Go role"}
    assert "4 open jobs asking for Python" in response.content.decode()


@pytest.fixture
def sampled(monkeypatch):
    """A board counted from a sample of its pages, as a large one is (the sample here being all
    of them, so that its figures are known)."""
    monkeypatch.setattr("jobs.search.sampling.search_rows", lambda: 1_000_000)
    monkeypatch.setattr("jobs.search.sampling.STATS_SAMPLE_ROWS", 1_000_000)
    monkeypatch.setattr("jobs.market.search_rows", lambda: 1_000_000)


def paid(skills, low, high, currency="EUR", **kwargs):
    return PublishedJobFactory(
        skills=skills,
        salary_min=low,
        salary_max=high,
        salary_currency=currency,
        salary_period="year",
        **kwargs,
    )


def test_a_common_skills_page_samples_fewer_pages_and_gives_the_lists_count(
    client, monkeypatch, sampled
):
    """On a large board with no stored figures, a skill's come from a sample of the table's
    pages. Python, in 40% of jobs, has enough of them in 0.5% of the pages, fewer than the skill
    list counts (here all of them); the page then gives the list's count, not an estimate of its
    own."""
    python = SkillFactory(name="Python")
    for n in range(30):
        PublishedJobFactory(title=f"Python role {n}", skills=[python])
    monkeypatch.setattr("jobs.market.skill_shares", lambda: {python.pk: 0.4})
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("skill_detail", args=["python"]))
    figures = [q["sql"] for q in queries if "WITH s AS MATERIALIZED" in q["sql"]]
    assert "TABLESAMPLE SYSTEM (0.5000)" in figures[0]
    listed = client.get(reverse("skill_list")).context["categories"]
    assert [skill.open_jobs for skills in listed.values() for skill in skills] == [30]
    assert response.context["open_jobs"] == 30
    assert "30 open jobs asking for Python" in response.content.decode()


def test_a_hidden_skill_has_no_page(client, board):
    python, _ = board
    python.is_hidden = True
    python.save()
    assert client.get(reverse("skill_detail", args=["python"])).status_code == 404
    assert client.get(reverse("skill_detail", args=["nope"])).status_code == 404


def test_home_shows_the_most_asked_for_skills(client, board):
    response = client.get(reverse("home"))
    assert [(s.slug, n) for s, n in response.context["popular_skills"]] == [
        ("python", 4),
        ("go", 1),
    ]


@pytest.mark.parametrize("url", ["/", "/skills/", "/skills/python/"])
def test_skill_pages_have_a_fixed_query_count(client, board, url, django_assert_max_num_queries):
    python, _ = board
    for n in range(30):
        PublishedJobFactory(title=f"Another {n}", skills=[python], places=["Oslo, Norway"])
    # Counts, market figures and their skills are cached after the first request; a page of
    # jobs is its search rows' ids, then the jobs, their places and their skills; a skill page
    # also reads the roles that need the skill.
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200


def test_skill_page_shows_skills_asked_for_together_and_the_median_salary(client, board):
    python, go = board
    for low, high in [(40_000, 60_000), (60_000, 80_000)]:
        PublishedJobFactory(
            skills=[python],
            salary_min=low,
            salary_max=high,
            salary_currency="EUR",
            salary_period="year",
        )
    response = client.get(reverse("skill_detail", args=["python"]))
    assert [(skill.slug, n) for skill, n in response.context["together"]] == [("go", 1)]
    (eur,) = response.context["market"].pay
    assert (eur.currency, eur.median, eur.jobs) == ("EUR", 60_000, 2)
    assert "EUR 60,000 a year" in response.content.decode()


def test_a_hidden_skill_is_not_shown_as_asked_for_together(client, board):
    _, go = board
    go.is_hidden = True
    go.save()
    response = client.get(reverse("skill_detail", args=["python"]))
    assert response.context["together"] == []
    assert reverse("skill_detail", args=["go"]) not in response.content.decode()


def test_a_large_boards_skill_page_shows_stored_figures_beside_the_current_jobs(
    client, board, sampled
):
    """Its pay and skills asked for together are those of the last refresh, read without a
    pass over the rows; its count and its jobs are those of the moment."""
    python, _ = board
    paid([python], 40_000, 60_000)
    skill_markets_refresh()
    paid([python], 100_000, 120_000, title="Newer Python role")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("skill_detail", args=["python"]))
    assert not [q for q in queries if "WITH s AS MATERIALIZED" in q["sql"]]
    assert response.context["open_jobs"] == 6
    assert "Newer Python role" in {job.title for job in response.context["jobs"]}
    (eur,) = response.context["market"].pay
    assert (eur.median, eur.jobs) == (50_000, 1)
    assert [(skill.slug, n) for skill, n in response.context["together"]] == [("go", 1)]
    assert "On the board (estimated)" in response.content.decode()
    skill_markets_refresh()
    (eur,) = skill_market(python.pk).pay
    assert (eur.median, eur.jobs) == (80_000, 2)


def test_stored_figures_left_by_a_stopped_beat_are_not_shown(client, board, sampled):
    python, _ = board
    paid([python], 40_000, 60_000)
    skill_markets_refresh()
    paid([python], 100_000, 120_000)
    SkillMarketFigures.objects.update(
        refreshed_at=timezone.now() - skill_markets_max_age() - timedelta(seconds=1)
    )
    (eur,) = client.get(reverse("skill_detail", args=["python"])).context["market"].pay
    assert (eur.median, eur.jobs) == (80_000, 2)


def test_a_small_boards_skill_page_works_its_figures_out_whatever_is_stored(client, board):
    python, _ = board
    paid([python], 40_000, 60_000)
    skill_markets_refresh()
    paid([python], 100_000, 120_000)
    (eur,) = client.get(reverse("skill_detail", args=["python"])).context["market"].pay
    assert (eur.median, eur.jobs) == (80_000, 2)


def test_the_stored_figures_are_those_a_page_works_out_for_itself(board):
    python, go = board
    rust = SkillFactory(name="Rust")
    paid([python, go], 40_000, 60_000)
    paid([python, rust], 70_000, 90_000)
    paid([rust], 50_000, 50_000)
    paid([go, rust], 90_000, 110_000, currency="USD")
    skill_markets_refresh()
    for skill in (python, go, rust):
        stored = SkillMarketFigures.objects.get(skill=skill)
        worked_out = _skill_market(skill.pk)
        assert stored.together == [list(pair) for pair in worked_out.together]
        assert stored.pay == [list(astuple(pay)) for pay in worked_out.pay]
    assert [pay.currency for pay in _skill_market(go.pk).pay] == ["EUR", "USD"]


def test_a_refresh_drops_the_figures_of_a_skill_no_open_job_asks_for(board):
    python, go = board
    skill_markets_refresh()
    assert set(SkillMarketFigures.objects.values_list("skill", flat=True)) == {python.pk, go.pk}
    for job in Job.objects.filter(title="Go role"):
        services.job_close(job=job, by=AdminFactory())
    skill_markets_refresh()
    assert set(SkillMarketFigures.objects.values_list("skill", flat=True)) == {python.pk}


def test_the_refresh_command_stores_the_figures_and_its_dry_run_stores_nothing(board):
    out = StringIO()
    call_command("refresh_skill_markets", "--dry-run", stdout=out)
    assert "Would store the market figures of 2 skills." in out.getvalue()
    assert not SkillMarketFigures.objects.exists()
    call_command("refresh_skill_markets", stdout=out)
    assert "Market figures of 2 skills." in out.getvalue()
    assert SkillMarketFigures.objects.count() == 2
