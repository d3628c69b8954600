"""Skill pages: counts of open jobs, the jobs themselves, hidden skills, fixed query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import ExpiredJobFactory, PublishedJobFactory, SkillFactory

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


def test_a_common_skills_page_samples_fewer_pages_and_gives_the_lists_count(client, monkeypatch):
    """On a large board a skill's figures come from a sample of the table's pages. Python, in
    40% of jobs, has enough of them in 0.5% of the pages, fewer than the skill list counts
    (here all of them); the page then gives the list's count, not an estimate of its own."""
    python = SkillFactory(name="Python")
    for n in range(30):
        PublishedJobFactory(title=f"Python role {n}", skills=[python])
    monkeypatch.setattr("jobs.search.sampling.search_rows", lambda: 1_000_000)
    monkeypatch.setattr("jobs.search.sampling.STATS_SAMPLE_ROWS", 1_000_000)
    monkeypatch.setattr("jobs.market.search_rows", lambda: 1_000_000)
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
