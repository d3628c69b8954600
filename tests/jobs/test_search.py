"""Job search: full text, ranking, every filter, facets, typos and bad input."""

import json
from datetime import timedelta
from math import inf

import pytest
from django.db import connection
from django.db.models import BigIntegerField, DateTimeField, F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from jobs.filters import KEYWORDS, SALARY_FLOOR, JobFilterSet
from jobs.search.query import build_search_query, required_words
from jobs.services import search_terms_rebuild
from tests.factories import (
    ClosedJobFactory,
    CompanyFactory,
    ExpiredJobFactory,
    PendingJobFactory,
    PublishedJobFactory,
    SkillFactory,
)

pytestmark = pytest.mark.django_db


def search(**params):
    filterset = JobFilterSet(params)
    return list(filterset.qs)


def titles(**params):
    return [job.title for job in search(**params)]


def test_title_match_outranks_description_match():
    PublishedJobFactory(title="Office manager", description="We use Kafka everywhere. Kafka!")
    PublishedJobFactory(title="Kafka platform engineer", description="Streams at scale.")
    assert titles(q="kafka") == ["Kafka platform engineer", "Office manager"]


def test_skill_and_company_names_are_searchable():
    rust = SkillFactory(name="Rust", aliases=["rustlang"])
    PublishedJobFactory(title="Systems developer", skills=[rust])
    PublishedJobFactory(title="Accountant", company=CompanyFactory(name="Zebracorp"))
    assert titles(q="rustlang") == ["Systems developer"]
    assert titles(q="zebracorp") == ["Accountant"]


def test_websearch_syntax_phrases_or_and_negation():
    PublishedJobFactory(title="Python developer", description="Django and Celery.")
    PublishedJobFactory(title="Java developer", description="Spring services.")
    PublishedJobFactory(title="Go developer", description="Python scripts too.")
    assert set(titles(q="python -go")) == {"Python developer"}
    assert set(titles(q="java or django")) == {"Python developer", "Java developer"}
    assert titles(q='"spring services"') == ["Java developer"]


def test_last_word_matches_as_a_prefix_while_typing():
    PublishedJobFactory(title="PostgreSQL administrator")
    assert titles(q="postg") == ["PostgreSQL administrator"]
    assert titles(q="administrator postg") == ["PostgreSQL administrator"]
    assert titles(q="gardener postg") == []


def test_only_public_jobs_are_found_even_before_expiry_cleanup():
    PublishedJobFactory(title="Visible role")
    ExpiredJobFactory(title="Expired role")
    ClosedJobFactory(title="Closed role")
    PendingJobFactory(title="Pending role")
    assert titles(q="role") == ["Visible role"]


def test_location_filter_treats_country_names_and_codes_as_one_place():
    PublishedJobFactory(title="London job", places=["London, UK"])
    PublishedJobFactory(title="Leeds job", places=["Leeds, United Kingdom"])
    PublishedJobFactory(title="Berlin job", places=["Berlin, Germany"])
    assert set(titles(location="United Kingdom")) == {"London job", "Leeds job"}
    assert set(titles(location="gb")) == {"London job", "Leeds job"}
    assert titles(location="london") == ["London job"]
    assert titles(location="Berlin, DE") == ["Berlin job"]
    assert titles(location="Atlantis") == []


def test_choice_filters_combine_within_and_across_dimensions():
    PublishedJobFactory(title="A", workplace="remote", remote_anywhere=True, seniority="senior")
    PublishedJobFactory(title="B", workplace="hybrid", seniority="senior")
    PublishedJobFactory(title="C", workplace="hybrid", seniority="junior")
    assert set(titles(workplace=["remote", "hybrid"], seniority=["senior"])) == {"A", "B"}
    assert titles(workplace=["hybrid"], seniority=["junior"]) == ["C"]


def test_minimum_salary_compares_yearly_equivalents():
    PublishedJobFactory(
        title="Hourly", salary_min=40, salary_max=60, salary_currency="USD", salary_period="hour"
    )
    PublishedJobFactory(
        title="Yearly",
        salary_min=70000,
        salary_max=90000,
        salary_currency="USD",
        salary_period="year",
    )
    PublishedJobFactory(title="Unpaid info")
    assert set(titles(salary_min="100000", currency="USD")) == {"Hourly"}
    assert set(titles(salary_min="80000", currency="USD")) == {"Hourly", "Yearly"}


def test_skills_filter_requires_every_chosen_skill():
    python, sql = SkillFactory(name="Python"), SkillFactory(name="SQL")
    PublishedJobFactory(title="Both", skills=[python], skills__nice=[sql])
    PublishedJobFactory(title="Python only", skills=[python])
    assert titles(skill=["python", "sql"]) == ["Both"]
    assert set(titles(skill=["python"])) == {"Both", "Python only"}


def test_posted_within_and_company_filters():
    now = timezone.now()
    acme = CompanyFactory(name="Acme")
    PublishedJobFactory(title="Fresh", company=acme, published_at=now - timedelta(hours=2))
    PublishedJobFactory(title="Week old", published_at=now - timedelta(days=5))
    PublishedJobFactory(title="Old", published_at=now - timedelta(days=20))
    assert titles(posted="1") == ["Fresh"]
    assert set(titles(posted="7")) == {"Fresh", "Week old"}
    assert titles(company="acme") == ["Fresh"]


def test_sort_by_newest_and_by_highest_yearly_salary(exchange_rates):
    now = timezone.now()
    PublishedJobFactory(
        title="Old rich",
        published_at=now - timedelta(days=3),
        salary_min=100,
        salary_max=120,
        salary_currency="USD",
        salary_period="hour",
    )
    PublishedJobFactory(
        title="New modest",
        published_at=now - timedelta(hours=1),
        salary_max=90000,
        salary_currency="USD",
        salary_period="year",
    )
    PublishedJobFactory(title="No salary", published_at=now - timedelta(days=1))
    assert titles() == ["New modest", "No salary", "Old rich"]
    assert titles(sort="salary") == ["Old rich", "New modest", "No salary"]


def test_facets_count_each_option_as_if_it_were_ticked():
    PublishedJobFactory(workplace="remote", remote_anywhere=True, seniority="senior")
    PublishedJobFactory(workplace="hybrid", seniority="senior")
    PublishedJobFactory(workplace="hybrid", seniority="junior")
    counts = JobFilterSet({"workplace": ["hybrid"]}).counted()
    assert counts.total == 2
    # The workplace facet ignores its own choice; the others respect it.
    assert counts.facets["workplace"] == {"onsite": 0, "hybrid": 2, "remote": 1}
    assert counts.facets["seniority"]["senior"] == 1
    assert counts.facets["seniority"]["junior"] == 1


def test_with_two_facets_ticked_each_counts_under_the_other():
    now = timezone.now()
    for workplace, seniority, days in [
        ("remote", "senior", 2),
        ("hybrid", "senior", 2),
        ("hybrid", "senior", 20),
        ("hybrid", "junior", 2),
        ("onsite", "junior", 2),
    ]:
        PublishedJobFactory(
            workplace=workplace,
            seniority=seniority,
            published_at=now - timedelta(days=days),
            remote_anywhere=workplace == "remote",
        )
    counts = JobFilterSet({"workplace": ["hybrid"], "seniority": ["senior"]}).counted()
    assert counts.total == 2
    assert counts.facets["workplace"] == {"onsite": 0, "hybrid": 2, "remote": 1}
    assert counts.facets["seniority"] == {
        "intern": 0,
        "junior": 1,
        "mid": 0,
        "senior": 2,
        "lead": 0,
    }
    assert counts.facets["posted"] == {"1": 0, "7": 1, "30": 2}


def test_typo_suggests_the_closest_known_term(client):
    python = SkillFactory(name="Python")
    PublishedJobFactory(title="Python developer", skills=[python])
    search_terms_rebuild()
    response = client.get(reverse("jobs:job_list"), {"q": "pyhton"})
    assert response.status_code == 200
    assert response.context["suggestion"] == "python"
    assert "q=python" in response.context["suggestion_params"]


@pytest.mark.parametrize(
    ("params", "field_with_error"),
    [
        ({"workplace": "moon"}, "workplace"),
        ({"salary_min": "-5"}, "salary_min"),
        ({"salary_min": "lots"}, "salary_min"),
        ({"q": "x" * 10240}, "q"),
        ({"q": "\x00"}, "q"),
        ({"skill": "no-such-skill"}, "skill"),
        ({"posted": "365"}, "posted"),
        ({"sort": "random"}, "sort"),
        ({"currency": "XXX"}, "currency"),
        ({"q": "𝔭𝔶𝔱𝔥𝔬𝔫 ∀∃ \u202e"}, None),
        ({"q": "&|!():*<->"}, None),
        ({"q": '"unclosed'}, None),
        ({"location": ",,,"}, None),
    ],
)
def test_bad_parameters_are_reported_and_never_crash(client, params, field_with_error):
    PublishedJobFactory(title="Python developer")
    response = client.get(reverse("jobs:job_list"), params)
    assert response.status_code == 200
    errors = response.context["form"].errors
    if field_with_error:
        assert field_with_error in errors
        # The box at the top names the field by a label a person can read.
        label = str(response.context["form"][field_with_error].label)
        assert "invalid" not in label and label in response.content.decode()
    else:
        assert not errors


@pytest.mark.parametrize("page", ["999999", "abc", "-1"])
def test_a_page_out_of_range_says_so_and_shows_a_real_page(client, page):
    PublishedJobFactory(title="Python developer")
    response = client.get(reverse("jobs:job_list"), {"page": page})
    assert response.status_code == 200
    assert response.context["page"].number == 1
    assert "showing page 1" in response.context["page_note"]


def test_search_page_query_count_does_not_grow_with_results(
    client, settings, django_assert_max_num_queries
):
    python = SkillFactory(name="Python")
    for n in range(25):
        PublishedJobFactory(title=f"Python dev {n}", skills=[python], places=["Paris, France"])
    params = {"q": "python", "skill": "python"}
    # Without caches: the skills (to check the slug), the table's size, whether "python" is a
    # whole known word, how PostgreSQL reads the keywords, facets and top skills, the skills
    # again (to name them), the page's rows, its jobs with their places' and skills' ids, the
    # places and the skills: the same ten whatever the page holds.
    with django_assert_max_num_queries(10):
        response = client.get(reverse("jobs:job_list"), params)
    assert len(response.context["jobs"]) == 20
    # As in production, a worker keeps skills, places and the table's size: another search
    # reads the public data version, the word, the counts, the page's rows and its jobs.
    settings.PAGE_CACHE_SECONDS = 60
    client.get(reverse("jobs:job_list"), params)
    with django_assert_max_num_queries(5):
        response = client.get(reverse("jobs:job_list"), {**params, "page": "2"})
    assert len(response.context["jobs"]) == 5


@pytest.fixture
def sampled_board(monkeypatch):
    """A board taken for a million rows, whose whole table is "the sample", so that estimates
    can be checked exactly."""
    monkeypatch.setattr("jobs.search.sampling.search_rows", lambda: 1_000_000)
    monkeypatch.setattr("jobs.search.sampling.STATS_SAMPLE_ROWS", 1_000_000)


def post_interns(count: int) -> None:
    """`count` internships for interns: the common part of a board on which a senior's
    internship is rare."""
    for n in range(count):
        PublishedJobFactory(title=f"Intern {n}", seniority="intern", employment_type="internship")


def test_a_sample_with_keywords_counts_the_rows_a_check_of_the_keywords_would_read(
    sampled_board,
):
    """Over a sample with keywords, one pass counts the matches per facet and, without the
    keywords, the rows the other filters leave: all of them, and those with the choices."""
    for title, workplace, seniority in [
        ("Rust developer", "remote", "senior"),
        ("Rust developer", "onsite", "senior"),
        ("Rust developer", "remote", "junior"),
        ("Go developer", "remote", "senior"),
        ("Go developer", "remote", "senior"),
        ("Go developer", "onsite", "junior"),
    ]:
        PublishedJobFactory(title=title, workplace=workplace, seniority=seniority, places=[])
    filterset = JobFilterSet({"q": "rust", "workplace": ["remote"], "seniority": ["senior"]})
    stats = filterset.stats()
    assert (stats.total, stats.base) == (1, 3)
    assert stats.facets["workplace"]["remote"] == 1 and stats.facets["workplace"]["onsite"] == 1
    assert stats.facets["seniority"]["junior"] == 1
    # Without the keywords: six rows, three of them remote and senior.
    assert (stats.keywordless, stats.keywordless_chosen) == (6, 3)


def test_a_worker_reads_how_postgresql_reads_keywords_once(client, sampled_board):
    """How PostgreSQL reads a search's keywords depends on no data: each worker keeps it for its
    life, with or without public caches, and each query checks and ranks rows against it as a
    constant. The same keywords with another sort, filter or page, or after a change on the
    board, spare the round trip; other keywords are read."""
    for n in range(3):
        PublishedJobFactory(title=f"Senior Rust developer {n}", places=["Oslo, Norway"])

    def text_reads(params) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("jobs:job_list"), params)
        assert response.status_code == 200
        reads = [query["sql"] for query in queries if "websearch_to_tsquery" in query["sql"]]
        assert all(sql.startswith("SELECT (regexp_replace(") for sql in reads), reads
        return len(reads)

    assert text_reads({"q": "senior rust"}) == 1
    assert text_reads({"q": "senior rust", "sort": "newest", "workplace": "remote"}) == 0
    assert text_reads({"q": "senior rust", "page": "2"}) == 0
    PublishedJobFactory(title="Senior Rust developer 3")
    assert text_reads({"q": "senior rust", "sort": "relevance"}) == 0
    assert text_reads({"q": "rust developer"}) == 1


class TestLargeBoard:
    """On a large board counts are sampled estimates, cached, and the page says so."""

    @pytest.fixture
    def large_board(self, monkeypatch, sampled_board):
        monkeypatch.setattr("jobs.search.sampling.MIN_SAMPLE_HITS", 1)
        for n in range(45):
            PublishedJobFactory(title=f"Python developer {n}", workplace="hybrid")

    def test_counts_are_estimates_and_the_page_says_about(self, client, large_board):
        response = client.get(reverse("jobs:job_list"), {"q": "python"})
        assert response.context["counts"] == {"total": 45, "is_estimate": True}
        assert response.context["stats"].facets["workplace"]["hybrid"] == 45
        assert "About 45 jobs" in response.content.decode()

    def test_a_short_last_page_makes_the_total_exact(self, client, large_board):
        response = client.get(reverse("jobs:job_list"), {"q": "python", "page": "3"})
        assert len(response.context["jobs"]) == 5
        assert response.context["counts"] == {"total": 45, "is_estimate": False}

    def test_stats_are_cached_between_requests(
        self, client, large_board, settings, django_assert_max_num_queries
    ):
        settings.PAGE_CACHE_SECONDS = 60
        client.get(reverse("jobs:job_list"), {"q": "python"})
        filterset = JobFilterSet({"q": "python"})
        with django_assert_max_num_queries(1):  # the public data version
            filterset.stats()


def test_relevance_ranks_a_bounded_set_of_the_newest_matches(monkeypatch):
    monkeypatch.setattr("jobs.search.plans.RANK_CANDIDATES", 2)
    now = timezone.now()
    PublishedJobFactory(title="Kafka engineer", published_at=now - timedelta(days=9))
    PublishedJobFactory(title="Support", description="kafka", published_at=now - timedelta(days=1))
    PublishedJobFactory(title="Kafka lead", published_at=now - timedelta(days=2))
    assert titles(q="kafka") == ["Kafka lead", "Support"]


@pytest.mark.parametrize("walk_budget", [0, 10**9], ids=["sparse-plan", "date-index-plan"])
def test_both_ways_of_finding_the_newest_matches_give_the_same_page(
    client, monkeypatch, walk_budget
):
    # The plan depends on how common the matches are; what the seeker sees must not.
    monkeypatch.setattr("jobs.search.plans.WALK_BUDGET_ROWS", walk_budget)
    monkeypatch.setattr("jobs.search.plans.RANK_ALL_UP_TO", 0)
    monkeypatch.setattr("jobs.search.plans.RANK_CANDIDATES", 2)
    now = timezone.now()
    PublishedJobFactory(title="Kafka engineer", published_at=now - timedelta(days=9))
    PublishedJobFactory(title="Support", description="kafka", published_at=now - timedelta(days=1))
    PublishedJobFactory(title="Kafka lead", published_at=now - timedelta(days=2))
    PublishedJobFactory(title="Remote Go", workplace="remote", published_at=now - timedelta(days=3))

    def page(**params):
        response = client.get(reverse("jobs:job_list"), params)
        return [job.title for job in response.context["jobs"]]

    assert page(q="kafka") == ["Kafka lead", "Support"]
    assert page(q="kafka", sort="newest") == ["Support", "Kafka lead", "Kafka engineer"]
    assert page() == ["Support", "Kafka lead", "Remote Go", "Kafka engineer"]


@pytest.mark.parametrize("walk_budget", [0, 10**9], ids=["sorted", "walked-per-seniority"])
def test_best_paid_first_at_chosen_seniorities_whichever_way_the_page_is_read(
    client, monkeypatch, walk_budget
):
    """Pay rises with seniority, so best paid first at "intern or mid" reads each seniority's
    part of the salary order; pages must be those of sorting every match."""
    monkeypatch.setattr("jobs.search.plans.WALK_BUDGET_ROWS", walk_budget)
    monkeypatch.setattr("jobs.search.plans.SORT_ALL_UP_TO", 0)
    pay = {"senior": range(200_000, 210_000, 1000), "mid": range(50_000, 76_000, 1000)}
    pay["intern"] = range(40_500, 65_500, 1000)
    expected = []
    for seniority, salaries in pay.items():
        for salary in salaries:
            title = f"{seniority} {salary}"
            PublishedJobFactory(
                title=title,
                seniority=seniority,
                salary_max=salary,
                salary_currency="EUR",
                salary_period="year",
            )
            if seniority != "senior":
                expected.append((salary, title))
    best_first = [title for _, title in sorted(expected, key=lambda pair: -pair[0])]

    def page(number, **params):
        params = {"sort": "salary", "page": number, **params}
        return [job.title for job in client.get(reverse("jobs:job_list"), params).context["jobs"]]

    both = {"seniority": ["intern", "mid"]}
    assert page(1, **both) + page(2, **both) + page(3, **both) == best_first
    assert page(1, seniority="mid") == [title for title in best_first if "mid" in title][:20]


@pytest.mark.parametrize("row_cost", [10**9, 0], ids=["looked-up", "checked-on-rows"])
def test_best_paid_first_at_one_seniority_and_a_workplace_however_it_is_read(
    client, monkeypatch, row_cost
):
    """The seniority is read from its part of the seniority and salary index; the workplace
    is looked up with it or checked on the rows it finds: the same page either way."""
    monkeypatch.setattr("jobs.filters.ROW_COST_IN_LOOKUPS", row_cost)
    for n, (seniority, workplace) in enumerate(
        [("senior", "onsite"), ("senior", "remote"), ("junior", "onsite"), ("senior", "onsite")]
    ):
        PublishedJobFactory(
            title=f"{seniority} {workplace} {n}",
            seniority=seniority,
            workplace=workplace,
            salary_max=100_000 + 1000 * n,
            salary_currency="EUR",
            salary_period="year",
        )
    params = {"seniority": "senior", "workplace": "onsite", "sort": "salary"}
    response = client.get(reverse("jobs:job_list"), params)
    assert [job.title for job in response.context["jobs"]] == ["senior onsite 3", "senior onsite 0"]


def test_the_choices_are_weighed_on_the_rows_of_the_day_and_seniority_indexes_find(
    monkeypatch,
):
    """At 1,000,000 listings, best paid first (onsite is 40% of jobs, senior 25%):
    - in the last day (4% of jobs, a range of the date index), the 10,000 senior jobs read from
      the seniority and salary index have "onsite" checked on them, rather than its 400,000 ids
      looked up;
    - in a city (17,750 jobs), the seniority is checked on the city's rows too: its part of the
      index is 250,000 rows, and the 2,500 matches are sorted however they are found;
    - with 7,250 matches, a walk of the seniority's part may serve the page: it is read there.
    Newest first, the day's choices are looked up (250,000 ids, the rarer facet's), which costs
    less than checking them on the day's 40,000 rows."""
    monkeypatch.setattr(
        "jobs.filters.tag_shares",
        lambda: {"workplace:onsite": 0.4, "seniority:senior": 0.25},
    )

    def read(base, expected, sort="salary", **params):
        params = {"workplace": ["onsite"], "seniority": ["senior"], "sort": sort, **params}
        filterset = JobFilterSet(params)
        filterset.board_rows = 1_000_000
        filterset.base_estimate, filterset.expected_total = base, expected
        if params.get("posted"):
            filterset.window_share = 0.04
        return filterset.choices_on_rows(), filterset._indexed_seniority_share()

    assert read(1_000_000, 3_750, posted="1") == (True, 0.25)
    assert read(17_750, 2_500) == (True, None)
    assert read(27_250, 7_250) == (True, 0.25)
    assert read(1_000_000, 3_750, sort="newest", posted="1") == (False, None)


@pytest.mark.parametrize("bound", [1, 10**6], ids=["walk-cut-short", "walk-to-the-end"])
def test_best_paid_internships_whether_the_walk_finds_them_or_is_cut_short(
    client, monkeypatch, bound
):
    """Interns are paid least, so best paid first walks past everyone else before it meets
    them; a walk cut short by its bound gives way to sorting the matches, same page."""
    monkeypatch.setattr("jobs.search.plans.WALK_BUDGET_ROWS", 10**9)
    monkeypatch.setattr("jobs.search.plans.SORT_ALL_UP_TO", 0)
    monkeypatch.setattr("jobs.search.plans.SALARY_WALK_MIN_ROWS", bound)
    monkeypatch.setattr("jobs.search.plans.SALARY_WALK_OVERRUN", 0)
    for salary in range(100_000, 130_000, 1000):
        PublishedJobFactory(
            title=f"Engineer {salary}",
            salary_max=salary,
            salary_currency="EUR",
            salary_period="year",
        )
    for salary in range(20_500, 45_500, 1000):
        PublishedJobFactory(
            title=f"Intern {salary}",
            employment_type="internship",
            salary_max=salary,
            salary_currency="EUR",
            salary_period="year",
        )
    interns = [f"Intern {salary}" for salary in range(44_500, 20_000, -1000)]

    def page(number):
        params = {"employment_type": "internship", "sort": "salary", "page": number}
        return [job.title for job in client.get(reverse("jobs:job_list"), params).context["jobs"]]

    assert page(1) + page(2) == interns


def test_a_hyphenated_word_finds_jobs_however_they_write_it():
    PublishedJobFactory(title="Web developer", description="We render pages server side.")
    PublishedJobFactory(title="API developer", description="Server-side code in Go.")
    PublishedJobFactory(title="Designer", description="Pages for the side project server.")
    assert set(titles(q="server-side", sort="newest")) == {
        "Web developer",
        "API developer",
        "Designer",
    }
    assert set(titles(q="server side", sort="newest")) == {
        "Web developer",
        "API developer",
        "Designer",
    }


def test_a_quoted_phrase_finds_its_words_in_a_description():
    PublishedJobFactory(title="Engineer", description="You will do machine learning daily.")
    PublishedJobFactory(title="Mechanic", description="Machine repairs.")
    assert titles(q='"machine learning"') == ["Engineer"]


@pytest.mark.parametrize("walk_budget", [0, 10**9], ids=["sorted-matches", "salary-index"])
def test_both_ways_of_reading_by_salary_give_the_same_page(client, monkeypatch, walk_budget):
    monkeypatch.setattr("jobs.search.plans.WALK_BUDGET_ROWS", walk_budget)
    for title, salary in [("Low", 40_000), ("High", 90_000), ("Mid", 60_000), ("None", None)]:
        PublishedJobFactory(
            title=title,
            salary_min=salary,
            salary_max=salary,
            salary_currency="EUR" if salary else "",
            salary_period="year" if salary else "",
        )
    response = client.get(reverse("jobs:job_list"), {"sort": "salary"})
    assert [job.title for job in response.context["jobs"]] == ["High", "Mid", "Low", "None"]


class TestRareAfterChoiceFilters:
    """Common before the choice filters and rare after them (an internship for a senior): the
    sample sees none, so the total is counted, and a count of 0 reads no page at all."""

    @pytest.fixture
    def large_board(self, monkeypatch, sampled_board):
        monkeypatch.setattr("jobs.search.sampling.MIN_SAMPLE_HITS", 2)
        post_interns(10)

    def test_none_found_is_said_exactly_and_no_page_is_read(self, client, large_board):
        params = {"employment_type": "internship", "seniority": "senior", "sort": "salary"}
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("jobs:job_list"), params)
        assert response.context["counts"] == {"total": 0, "is_estimate": False}
        # The one read that counted the matches, and no page read after it.
        page_queries = [
            q for q in queries if q["sql"].startswith('SELECT "jobs_searchrow"."job_id"')
        ]
        assert len(page_queries) == 1
        assert ">0 jobs<" in response.content.decode()

    def test_one_found_is_counted_exactly(self, client, large_board):
        PublishedJobFactory(title="Odd one", seniority="senior", employment_type="internship")
        params = {"employment_type": "internship", "seniority": "senior"}
        response = client.get(reverse("jobs:job_list"), params)
        assert response.context["counts"] == {"total": 1, "is_estimate": False}
        assert [job.title for job in response.context["jobs"]] == ["Odd one"]


class TestFewMatchesReadOnce:
    """Too rare for the sample to see after the choice filters: counting reads every match in
    the page's order, and the page is cut from them, not found again."""

    @pytest.fixture
    def board(self, monkeypatch, sampled_board):
        monkeypatch.setattr("jobs.search.sampling.MIN_SAMPLE_HITS", 30)
        post_interns(40)
        now = timezone.now()
        for n in range(25):
            PublishedJobFactory(
                title=f"Senior intern {n}",
                seniority="senior",
                employment_type="internship",
                published_at=now - timedelta(hours=n + 1),
                salary_min=1000 * (50 + (n * 7) % 25),
                salary_max=1000 * (50 + (n * 7) % 25),
                salary_currency="EUR",
                salary_period="year",
            )

    @pytest.mark.parametrize("sort", ["newest", "salary", "relevance"])
    def test_each_page_is_the_matches_in_order_from_one_read(self, client, board, sort):
        params = {"employment_type": "internship", "seniority": "senior", "sort": sort}
        if sort == "relevance":
            params["q"] = "intern"
        pages = []
        for page in ("1", "2"):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(reverse("jobs:job_list"), {**params, "page": page})
            assert response.context["counts"]["total"] == 25
            reads = [
                q["sql"]
                for q in queries
                if 'FROM "jobs_searchrow"' in q["sql"] and "MATERIALIZED" not in q["sql"]
            ]
            assert len(reads) == 1, reads
            pages.append([job.title for job in response.context["jobs"]])
        assert [len(page) for page in pages] == [20, 5]
        every = JobFilterSet({**params, "employment_type": ["internship"], "seniority": ["senior"]})
        every.stats()
        every.first_matches = None  # read the way a page is read when nothing was kept
        assert pages[0] + pages[1] == [job.title for job in every.qs[:25]]
        if sort == "newest":
            assert pages[0][:3] == ["Senior intern 0", "Senior intern 1", "Senior intern 2"]


class TestTooFewForTheSampleReadOnce:
    """Too rare for the sample to see at all (a word in one city): the count reads every match
    and, in the same statement, the first ones in the page's order; the page is cut from them."""

    @pytest.fixture
    def board(self, monkeypatch, sampled_board):
        monkeypatch.setattr("jobs.search.sampling.MIN_SAMPLE_HITS", 100)
        now = timezone.now()
        for n in range(50):
            pay = None if n % 5 == 0 else 1000 * (40 + (n * 7) % 30)
            PublishedJobFactory(
                title=f"Kotlin {'developer' if n % 3 else 'developer, Kotlin first'} {n}",
                places=["Oslo, Norway" if n % 2 else "Bergen, Norway"],
                published_at=now - timedelta(hours=n + 1),
                salary_min=pay,
                salary_max=pay,
                salary_currency="EUR" if pay else "",
                salary_period="year" if pay else "",
            )

    @pytest.mark.parametrize("sort", ["newest", "salary", "relevance"])
    def test_each_page_comes_with_the_count(self, client, board, sort):
        params = {"q": "kotlin", "location": "Oslo", "sort": sort}
        pages = []
        for page in ("1", "2"):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(reverse("jobs:job_list"), {**params, "page": page})
            assert response.context["counts"] == {"total": 25, "is_estimate": False}
            reads = [
                q["sql"]
                for q in queries
                if 'FROM "jobs_searchrow"' in q["sql"] and "MATERIALIZED" not in q["sql"]
            ]
            assert reads == []  # no read but the sample and the count
            pages.append([job.title for job in response.context["jobs"]])
        every = JobFilterSet(params)
        every.stats()
        every.first_matches = None  # read the way a page is read when nothing was kept
        expected = [job.title for job in every.qs[:25]]
        assert pages == [expected[:20], expected[20:]]
        if sort == "newest":
            assert expected[:2] == ["Kotlin developer 1", "Kotlin developer, Kotlin first 3"]

    def test_what_the_sample_saw_too_few_of_is_bounded_not_taken_for_none(self, board):
        """The 25 jobs in Oslo are too few for this sample (it needs 100): the rows a check of
        the keywords would read are taken to be as many as it needs, never fewer, so that no
        condition is checked on rows for a share the sample could not see."""
        filterset = JobFilterSet({"q": "kotlin", "location": "Oslo"})
        filterset.stats()
        assert (filterset.base_estimate, filterset.keywordless_estimate) == (25, 100)


def test_a_whole_known_word_is_not_read_as_the_start_of_longer_ones():
    PublishedJobFactory(title="JavaScript developer")
    PublishedJobFactory(title="Java developer")
    assert titles(q="java") == ["Java developer"]
    assert set(titles(q="jav")) == {"Java developer", "JavaScript developer"}
    assert titles(q="developer an") == titles(q="developer")


@pytest.mark.parametrize("row_cost", [10**9, 0], ids=["looked-up", "checked-on-rows"])
def test_a_choice_filter_finds_the_same_jobs_however_it_is_read(monkeypatch, row_cost):
    monkeypatch.setattr("jobs.filters.ROW_COST_IN_LOOKUPS", row_cost)

    def titles(**params):
        filterset = JobFilterSet(params)
        filterset.stats()
        return [job.title for job in filterset.qs]

    pay = {"salary_min": 50_000, "salary_max": 60_000, "salary_period": "year"}
    PublishedJobFactory(title="Senior Go", seniority="senior", salary_currency="EUR", **pay)
    PublishedJobFactory(title="Junior Go", seniority="junior")
    PublishedJobFactory(title="Senior Java", seniority="senior", salary_currency="USD", **pay)
    assert titles(q="go", seniority=["senior"]) == ["Senior Go"]
    assert titles(q="senior", currency="EUR") == ["Senior Go"]
    assert titles(seniority=["senior"], sort="newest") == ["Senior Java", "Senior Go"]


@pytest.mark.parametrize("row_cost", [10**9, 0], ids=["looked-up", "checked-on-rows"])
def test_skills_find_the_same_jobs_however_they_are_read(monkeypatch, row_cost):
    monkeypatch.setattr("jobs.filters.ROW_COST_IN_LOOKUPS", row_cost)
    python, sql = SkillFactory(name="Python"), SkillFactory(name="SQL")
    monkeypatch.setattr("jobs.filters.skill_shares", lambda: {python.pk: 0.4, sql.pk: 0.3})
    PublishedJobFactory(title="Data engineer", skills=[python, sql])
    PublishedJobFactory(title="Python engineer", skills=[python])
    PublishedJobFactory(title="Report writer", skills=[sql])

    def titles(**params):
        filterset = JobFilterSet(params)
        filterset.stats()
        return sorted(job.title for job in filterset.qs)

    assert titles(q="engineer", skill=["python"]) == ["Data engineer", "Python engineer"]
    assert titles(q="engineer", skill=["python", "sql"]) == ["Data engineer"]
    assert titles(skill=["sql"]) == ["Data engineer", "Report writer"]


def test_the_planner_knows_how_common_a_value_checked_on_rows_is():
    """A choice checked on rows is an expression (jobs.filters.unindexed); without statistics of
    its own the planner takes it to match 0.5% of rows and walks the wrong index."""
    for n in range(60):
        PublishedJobFactory(title=f"Job {n}", seniority="senior" if n % 2 else "junior")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE jobs_searchrow")
        cursor.execute(
            "EXPLAIN (FORMAT JSON) SELECT 1 FROM jobs_searchrow WHERE (seniority || '') = 'senior'"
        )
        plan = cursor.fetchone()[0][0]["Plan"]
    assert 20 <= plan["Plan Rows"] <= 40


def test_keywords_choices_skills_and_places_are_looked_up_in_one_index_scan():
    """All in one GIN index: the scan reads the rarest one's ids and skips through the others'
    to them, rather than reading every id of a broad choice or skill and ANDing the bitmaps."""
    python = SkillFactory(name="Python")
    for n in range(30):
        workplace = "remote" if n % 3 else "onsite"
        PublishedJobFactory(title=f"Agile job {n}", workplace=workplace, skills=[python])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE jobs_searchrow")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            "EXPLAIN (FORMAT JSON) SELECT job_id FROM jobs_searchrow WHERE document @@ "
            "'agil'::tsquery AND tags && '{workplace:remote}' AND skill_ids @> %s::bigint[] "
            "AND location_ids && %s::bigint[]",
            [[python.pk], [1, 2]],
        )
        plan = json.dumps(cursor.fetchone()[0])
    assert plan.count('"Bitmap Index Scan"') == 1
    assert '"Index Name": "searchrow_lookups"' in plan


def test_a_condition_is_checked_on_rows_only_when_the_other_filters_leave_few():
    """At 1,000,000 listings: Python (40% of jobs) with a keyword that finds 25,000 is checked
    on those rows; of two skills of 3% each, which with a keyword leave 56 jobs, one at most
    (checking the keyword's 96,000 rows for both took 130 ms, looking them up 30 ms); a salary
    floor half the board meets is checked on the rows a keyword and a skill leave."""
    filterset = JobFilterSet({"q": "engineer"})
    filterset.board_rows = 1_000_000

    def checked(base, weighed):
        filterset.base_estimate = base
        filterset._weighed = weighed
        return filterset.on_rows()

    assert checked(10_000, {1: 0.4}) == {1}
    assert checked(56, {50: 0.03, 51: 0.03}) == {50}
    assert checked(10_000, {1: 0.4, 77: 0.0}) == {1}  # 77 is too rare for the statistics
    assert checked(10_600, {SALARY_FLOOR: 0.5, 12: 0.083}) == {SALARY_FLOOR}
    # The floor is weighed before the skills, which ride in the keyword's scan when looked up:
    # pay in 18% of jobs is checked on 1,250 rows, not Java (23%), after which the floor
    # would have been weighed on 5,400 rows and looked up.
    assert checked(1_250, {2: 0.23, 15: 0.07, SALARY_FLOOR: 0.18}) == {SALARY_FLOOR}
    assert checked(200_000, {1: 0.4}) == set()


def test_common_keywords_are_checked_on_the_rows_rare_choices_find(monkeypatch):
    """At 1,000,000 listings "python" (43% of jobs) for remote internships: the choices are
    looked up (10,000 jobs, 4% of the board's ids for internships) and python is checked on
    their rows, not its 430,000 ids looked up. Remote jobs alone are a quarter of the board:
    python is looked up for them."""
    monkeypatch.setattr(
        "jobs.filters.tag_shares",
        lambda: {"workplace:remote": 0.25, "seniority:intern": 0.04},
    )

    def checked(params, keywordless_chosen):
        filterset = JobFilterSet({"q": "python", **params})
        filterset.board_rows = 1_000_000
        filterset.base_estimate = 430_000 * keywordless_chosen // 1_000_000
        filterset.keywordless_estimate = 1_000_000
        filterset.keywordless_chosen_estimate = keywordless_chosen
        filterset._word_shares, filterset._weighed = [0.43], {}
        return filterset.on_rows(), filterset.choices_on_rows()

    assert checked({"workplace": ["remote"], "seniority": ["intern"]}, 10_000) == (
        {KEYWORDS},
        False,
    )
    assert checked({"workplace": ["remote"]}, 250_000) == (set(), False)


def test_few_choices_are_looked_up_in_the_scan_of_keywords_or_a_place(monkeypatch):
    """At 1,000,000 listings, a keyword that finds 20,000 jobs, for remote jobs (25%): remote
    is looked up in the keyword's GIN scan, which skips through its list, rather than checked
    on the keyword's rows; so in a city's scan. Onsite or remote (65%) is still checked on the
    rows when they are few, and so is remote without keywords or a place."""
    monkeypatch.setattr(
        "jobs.filters.tag_shares", lambda: {"workplace:remote": 0.25, "workplace:onsite": 0.4}
    )

    def checked(**params):
        filterset = JobFilterSet(params)
        filterset.board_rows = 1_000_000
        filterset.base_estimate = 20_000
        return filterset.choices_on_rows()

    assert checked(q="agile", workplace=["remote"]) is False
    assert checked(location="Seoul", workplace=["remote"]) is False
    assert checked(q="agile", workplace=["remote", "onsite"]) is True
    assert checked(workplace=["remote"], posted="7") is True


def test_conditions_are_weighed_on_the_rows_the_choices_leave_when_those_are_looked_up(
    monkeypatch,
):
    """At 1,000,000 listings, "analysis" (3% of jobs) for senior hybrid full-time jobs paid at
    least 60,000 USD (24%): the keyword finds 7,250 such jobs before the choices, 1,000 with
    them. The choices are looked up in the keyword's scan, so the pay is checked on the rows
    that have them, not looked up (259,000 ids of the currency and salary index). Full-time
    alone (79%) is checked on the keyword's rows, as the pay then is not. A sample that saw
    none of the matches (each stands for 250) counts them as MIN_SAMPLE_HITS: the few rows
    it would leave are not trusted. Skills are weighed on the rows before the choices."""
    monkeypatch.setattr(
        "jobs.filters.tag_shares",
        lambda: {
            "workplace:hybrid": 0.35,
            "type:full_time": 0.79,
            "type:internship": 0.04,
            "seniority:senior": 0.3,
        },
    )

    def checked(total, scale=1, **choices):
        params = {"q": "analysis", "salary_min": "60000", "currency": "USD", **choices}
        filterset = JobFilterSet(params)
        filterset.board_rows = 1_000_000
        filterset.base_estimate, filterset.expected_total = 7_250, total
        filterset.sample_scale = scale
        filterset._word_shares, filterset._salary_floor_share = [0.03], 0.24
        return filterset.on_rows()

    chosen = {"workplace": ["hybrid"], "employment_type": ["full_time"], "seniority": ["senior"]}
    assert checked(1_000, **chosen) == {SALARY_FLOOR}
    assert checked(5_700, employment_type=["full_time"]) == set()
    # A sampled match for 250 jobs: the sample's 0 stands for up to 750, still worth checking.
    assert checked(0, scale=250, **chosen) == {SALARY_FLOOR}
    # For 2,000: up to 6,000, which the pay is checked on only if 25,000 rows read cost less
    # than its 240,000 ids.
    assert checked(0, scale=2_000, **chosen) == set()

    # Skills are looked up in the choices' GIN scan, which skips through their lists: two
    # (23% and 19% of jobs) with internships (4%), 36,000 jobs before the choice and 400 with
    # it, are not checked on the rows of internships.
    filterset = JobFilterSet({"employment_type": ["internship"]})
    filterset.board_rows = 1_000_000
    filterset.base_estimate, filterset.expected_total = 36_000, 400
    filterset._weighed = {2: 0.23, 27: 0.19}
    assert filterset.on_rows() == set()


def test_a_floor_in_one_currency_is_weighed_best_paid_first_when_the_matches_are_sorted():
    """Best paid first in one currency, the page walks that currency's part of the currency
    and salary index when the matches are many, with the floor in the walk's index condition.
    When they are few enough to be sorted however they are found (SORT_ALL_UP_TO), the floor
    is weighed: "brightline" (2,600 jobs) paid at least 73,000 USD (22%) is checked on the
    keyword's rows; before the total is counted exactly, the rows the other filters leave
    bound it."""

    def checked(base, total):
        params = {"q": "brightline", "salary_min": "73000", "currency": "USD", "sort": "salary"}
        filterset = JobFilterSet(params)
        filterset.board_rows = 1_000_000
        filterset.base_estimate, filterset.expected_total = base, total
        filterset._word_shares, filterset._salary_floor_share = [0.0026], 0.22
        return filterset.on_rows()

    assert checked(600, 170) == {SALARY_FLOOR}
    assert checked(600, None) == {SALARY_FLOOR}
    assert checked(60_000, None) == set()
    assert checked(9_000, 6_000) == set()


def test_one_condition_is_always_looked_up():
    """Checking every condition on rows would read the whole board: the rarest checked is
    looked up instead. Two skills alone (40% and 30% of jobs) that leave 1,000 jobs: Python is
    checked on the rows of the other; "data" with Spring (3%) and pay of at least 154,000 EUR
    (1%), which leave 40 jobs: the pay is looked up."""
    filterset = JobFilterSet({"skill": ["python", "sql"]})
    filterset.board_rows = 1_000_000
    filterset.base_estimate = 1_000
    filterset._weighed = {1: 0.4, 2: 0.3}
    assert filterset.on_rows() == {1}

    filterset = JobFilterSet({"q": "data"})
    filterset.board_rows = 1_000_000
    filterset.base_estimate, filterset.keywordless_estimate = 25, 40
    filterset._word_shares = [0.6]
    filterset._weighed = {15: 0.03, SALARY_FLOOR: 0.01}
    assert filterset.on_rows() == {KEYWORDS, 15}


@pytest.mark.parametrize("row_cost", [10**9, 0], ids=["looked-up", "checked-on-rows"])
def test_a_salary_floor_finds_the_same_jobs_however_it_is_read(monkeypatch, row_cost):
    monkeypatch.setattr("jobs.filters.ROW_COST_IN_LOOKUPS", row_cost)
    monkeypatch.setattr("jobs.filters.salary_share", lambda minimum: 0.5)
    for title, pay in [("Well paid", 90_000), ("Paid", 60_000), ("Unpaid", None)]:
        PublishedJobFactory(
            title=f"{title} engineer",
            salary_min=pay,
            salary_max=pay,
            salary_currency="EUR" if pay else "",
            salary_period="year" if pay else "",
        )
    filterset = JobFilterSet({"q": "engineer", "salary_min": "70000"})
    filterset.stats()
    assert [job.title for job in filterset.qs] == ["Well paid engineer"]
    assert (SALARY_FLOOR in filterset.on_rows()) is (row_cost == 0)


@pytest.mark.parametrize("row_cost", [10**9, 0], ids=["looked-up", "checked-on-rows"])
def test_a_salary_floor_in_one_currency_finds_the_same_jobs_however_it_is_read(
    monkeypatch, exchange_rates, row_cost
):
    """The floor and the currency are looked up together in the currency and salary index, or
    checked on rows together; best paid first in that currency reads that index unless the
    matches are few enough to sort. The floor is weighed at its value in euros (80,000 USD at
    1.25 to the euro)."""
    monkeypatch.setattr("jobs.filters.ROW_COST_IN_LOOKUPS", row_cost)
    weighed = []

    def currency_salary_share(currency, minimum):
        weighed.append((currency, minimum))
        return 0.3

    monkeypatch.setattr("jobs.filters.currency_salary_share", currency_salary_share)
    for title, pay, currency in [
        ("Dollar lead", 150_000, "USD"),
        ("Dollar engineer", 90_000, "USD"),
        ("Dollar intern", 20_000, "USD"),
        ("Euro engineer", 95_000, "EUR"),
        ("Unpaid engineer", None, ""),
    ]:
        PublishedJobFactory(
            title=title,
            salary_min=pay,
            salary_max=pay,
            salary_currency=currency,
            salary_period="year" if pay else "",
        )

    def read(**params):
        filterset = JobFilterSet(params)
        total = filterset.stats().total
        return [job.title for job in filterset.qs], total, SALARY_FLOOR in filterset.on_rows()

    floor = {"salary_min": "80000", "currency": "USD"}
    # Alone, it is looked up however cheap rows are: else every row would be read.
    assert read(**floor, sort="newest") == (["Dollar engineer", "Dollar lead"], 2, False)
    assert read(q="engineer", **floor) == (["Dollar engineer"], 1, row_cost == 0)
    assert read(**floor, sort="salary") == (["Dollar lead", "Dollar engineer"], 2, False)
    assert read(q="engineer", **floor, sort="salary") == (["Dollar engineer"], 1, row_cost == 0)
    if row_cost == 0:  # else the base is too large for anything to be weighed
        assert set(weighed) == {("USD", 64_000)}


@pytest.mark.parametrize("row_cost", [10**9, 0], ids=["looked-up", "checked-on-rows"])
def test_keywords_find_the_same_jobs_however_they_are_read(monkeypatch, row_cost):
    """Common words with a place: looked up in the documents' index, or checked on the jobs in
    that place; either way the same jobs, in the same order, and the same counts."""
    monkeypatch.setattr("jobs.filters.ROW_COST_IN_LOOKUPS", row_cost)
    monkeypatch.setattr("jobs.filters.word_shares", lambda: {"senior": 0.4, "develop": 0.5})
    # Counted over a sample, as on a large board, which here is every page.
    monkeypatch.setattr("jobs.search.sampling.sample_percent", lambda rows_factor=1: 100.0)
    now = timezone.now()
    for n, (title, place) in enumerate(
        [
            ("Senior developer", "London, UK"),
            ("Developer", "London, UK"),
            ("Senior tester", "London, UK"),
            ("Senior developer", "Berlin, Germany"),
            ("Junior developer", "London, UK"),
        ]
    ):
        PublishedJobFactory(
            title=f"{title} {n}", places=[place], published_at=now - timedelta(hours=n + 1)
        )

    def read(**params):
        filterset = JobFilterSet(params)
        total = filterset.stats().total
        return [job.title for job in filterset.qs], total, KEYWORDS in filterset.on_rows()

    newest = {"location": "london", "sort": "newest"}
    assert read(q="developer", **newest) == (
        ["Senior developer 0", "Developer 1", "Junior developer 4"],
        3,
        row_cost == 0,
    )
    assert read(q="senior developers", **newest) == (["Senior developer 0"], 1, row_cost == 0)
    sampled = JobFilterSet({"q": "developer", **newest})
    sampled.stats()
    assert (sampled.base_estimate, sampled.keywordless_estimate) == (3, 4)  # 4 in London
    by_relevance, total, _ = read(q="developer", location="london")
    assert (sorted(by_relevance), total) == (
        ["Developer 1", "Junior developer 4", "Senior developer 0"],
        3,
    )
    # "Either word" is always looked up.
    assert read(q="tester or junior", **newest) == (
        ["Senior tester 2", "Junior developer 4"],
        2,
        False,
    )


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Senior developers", ["senior", "develop"]),
        ('"server-side rendering" python', ["server", "side", "render", "python"]),
        ("python or go", None),
        ("python -java", None),
        ("pyth", None),  # a prefix, while typing
        ("the and", None),  # only words search ignores
    ],
)
def test_a_query_is_weighed_for_checking_on_rows_only_when_it_wants_every_word(text, words):
    query = build_search_query(text, is_known=lambda word: word != "pyth")
    assert required_words(query) == words


def test_common_keywords_are_checked_on_the_rows_the_other_filters_find():
    """At 1,000,000 listings: "developer" (43% of jobs) is checked on London's 18,000 jobs
    rather than its 430,000 ids looked up; "senior developer" (42% and 43%) on Berlin's 30,000,
    not "api html" (30% and 10%) on the 15,000 a skill and pay leave: the index skips through
    the ids of "api" to those of "html". Nor "developer" with Python (400,000 jobs), a word too
    rare for the statistics, or keywords on a board too small to sample."""
    filterset = JobFilterSet({"q": "developer", "location": "London"})
    filterset.board_rows = 1_000_000

    def checked(keywordless, word_shares):
        filterset.base_estimate = 1_000
        filterset.keywordless_estimate = keywordless
        filterset._word_shares = word_shares
        return filterset.on_rows()

    assert checked(18_000, [0.43]) == {KEYWORDS}
    assert checked(30_000, [0.42, 0.43]) == {KEYWORDS}
    assert checked(15_000, [0.3, 0.1]) == set()
    assert checked(None, [0.43]) == set()
    assert checked(400_000, [0.43]) == set()
    assert checked(3_000, [0.0]) == set()
    # With the words checked on rows, a skill in 5% of jobs and pay a third of them meet would
    # be looked up; with the words looked up, they are checked on the few rows those find.
    filterset._weighed, filterset._salary_floor_share = {25: 0.05}, 0.32
    assert checked(10_700, [0.41, 0.13]) == set()


def test_a_sample_keeps_the_best_pay_of_its_matches(sampled_board):
    for pay in (50_000, 90_000, 70_000, None):
        PublishedJobFactory(
            title="Engineer",
            salary_min=pay,
            salary_max=pay,
            salary_currency="EUR" if pay else "",
            salary_period="year" if pay else "",
        )
    PublishedJobFactory(
        title="Accountant",
        salary_min=200_000,
        salary_max=200_000,
        salary_currency="EUR",
        salary_period="year",
    )
    filterset = JobFilterSet({"q": "engineer"})
    filterset.stats()
    assert filterset.sampled_pay == [90_000, 70_000, 50_000]


def test_best_paid_first_walks_only_as_far_as_the_sampled_pay_allows(monkeypatch):
    """At 1,000,000 listings 40,000 internships, best paid first, page 40: spread evenly over
    the salary order, its 800 best paid would lie in the first 20,000 rows, a short walk. But
    interns are paid least: the 4th best-paid sampled internship (each stands for 250) is paid
    what 70% of the board earns at least, so the walk would read 700,000 rows, and the
    internships are found and sorted instead."""
    monkeypatch.setattr("jobs.search.plans.salary_share", lambda minimum: 0.7)
    filterset = JobFilterSet({"employment_type": ["internship"], "sort": "salary"})
    filterset.board_rows = 1_000_000
    filterset.expected_total, filterset.base_estimate = 40_000, 1_000_000
    filterset.sample_scale = 250

    def walked(sampled_pay):
        filterset.walks, filterset.sampled_pay = False, sampled_pay
        filterset.in_order(F("salary_max_eur"), 800, BigIntegerField, nulls_last=True)
        return filterset.walks, filterset.salary_walk_rows(800, 20_000)

    assert walked(None) == (True, 20_000)  # no sample: spread evenly
    assert walked([46_000, 45_500, 45_000, 44_000, 43_000]) == (False, 700_000)
    assert walked([46_000, 45_500]) == (False, inf)  # fewer paid than the page needs
    # The sample never makes a walk look shorter than the even spread does.
    monkeypatch.setattr("jobs.search.plans.salary_share", lambda minimum: 0.001)
    assert walked([46_000, 45_500, 45_000, 44_000, 43_000]) == (True, 1_000)


def test_newest_in_a_posted_window_walks_only_that_window(monkeypatch):
    """ "Posted in the last day", newest first: the walk of the date order meets only that day's
    rows, so it is chosen when the day's matches are dense, however large the board."""
    monkeypatch.setattr("jobs.search.sampling.search_rows", lambda: 1000)
    now = timezone.now()
    for n in range(40):
        PublishedJobFactory(title=f"Python today {n}", published_at=now - timedelta(minutes=n + 1))
    for n in range(160):
        PublishedJobFactory(title=f"Python earlier {n}", published_at=now - timedelta(days=3))
    filterset = JobFilterSet({"q": "python", "posted": "1", "sort": "newest"})
    filterset.stats()
    page = [job.title for job in filterset.qs[:20]]
    assert filterset.window_share == pytest.approx(0.2)
    assert filterset.walks
    assert page == [f"Python today {n}" for n in range(20)]


@pytest.mark.parametrize(
    "bound", [None, 2, 10**6], ids=["sorted", "walk-cut-short", "walk-finds-them"]
)
def test_the_newest_matches_are_the_same_whether_walked_first_or_not(client, monkeypatch, bound):
    """Relevance's candidates and a page of the newest, from a bounded walk of the date order
    or, when the walk meets too few of them, from the matches found and sorted: the page is the
    same. Cut short after two rows, the walk has met one match, and the sort must supply all."""
    monkeypatch.setattr("jobs.search.plans.WALK_BUDGET_ROWS", 0)  # in_order() sorts
    monkeypatch.setattr("jobs.search.plans.RANK_ALL_UP_TO", 0)
    monkeypatch.setattr("jobs.search.plans.RANK_CANDIDATES", 2)
    monkeypatch.setattr(JobFilterSet, "date_walk_bound", lambda filterset: bound)
    now = timezone.now()
    PublishedJobFactory(title="Kafka engineer", published_at=now - timedelta(days=9))
    PublishedJobFactory(title="Support", description="kafka", published_at=now - timedelta(days=1))
    PublishedJobFactory(title="Kafka lead", published_at=now - timedelta(days=2))
    PublishedJobFactory(title="Go lead", published_at=now - timedelta(hours=1))

    def page(**params):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("jobs:job_list"), params)
        walked = [query for query in queries.captured_queries if "WITH walked" in query["sql"]]
        assert len(walked) == (0 if bound is None else 1)
        return [job.title for job in response.context["jobs"]]

    assert page(q="kafka") == ["Kafka lead", "Support"]
    assert page(q="kafka", sort="newest") == ["Support", "Kafka lead", "Kafka engineer"]


def test_the_date_order_is_not_walked_when_finding_and_sorting_the_matches_costs_less(
    monkeypatch,
):
    """At 1,000,000 listings, "apache sql" (6% and 36% of jobs) for onsite jobs (40%) matches
    8,750: page 40 newest first needs the 800 newest, about 91,000 rows down the date order,
    within the walk's budget. But each row walked is checked for the words too, and the sort
    costs less: the words' 65,000 ids and onsite checked on the 23,250 rows they find. The
    walk took 136 ms under EXPLAIN ANALYZE. With three times the matches the walk is taken."""
    monkeypatch.setattr("jobs.filters.tag_shares", lambda: {"workplace:onsite": 0.4})

    def walks(total, base):
        params = {"q": "apache sql", "workplace": ["onsite"], "sort": "newest"}
        filterset = JobFilterSet(params)
        filterset.board_rows = 1_000_000
        filterset.expected_total, filterset.base_estimate = total, base
        filterset._word_shares, filterset._weighed = [0.065, 0.358], {}
        filterset.in_order(F("published_at"), 800, DateTimeField)
        return filterset.walks, round(filterset.sort_cost())

    assert walks(8_750, 23_250) == (False, 297_500)
    assert walks(26_000, 69_000)[0] is True


def test_relevance_walks_first_when_the_lookups_cost_more_than_the_walk(monkeypatch):
    """At 1,000,000 listings, "java" (31% of jobs) for remote jobs (25%) asking for JavaScript
    (12%) matches 8,400 jobs: its 500 newest lie about 60,000 rows down the date order, more than
    four times the rows a sort reads, so in_order() sorts. But the sort's lookups yield 675,000
    ids, and the 8,400 rows they leave are read one by one: more than a walk of twice that length
    costs, so the walk is tried first, for at most 120,000 rows. "kafka" (1%) alone yields 10,000
    ids: no walk is worth that."""
    monkeypatch.setattr("jobs.filters.tag_shares", lambda: {"workplace:remote": 0.25})
    filterset = JobFilterSet({"q": "java", "workplace": ["remote"]})
    filterset.board_rows = 1_000_000
    filterset.expected_total, filterset.base_estimate = 8_400, 33_600
    filterset._word_shares, filterset._weighed = [0.306], {5: 0.119}
    filterset.in_order(F("published_at"), 500, DateTimeField)
    assert not filterset.walks
    assert filterset.looked_up_ids() == pytest.approx(675_000)
    assert filterset.sort_cost() == pytest.approx(675_000 + 84_000)
    assert filterset.date_walk_bound() == 119_048

    filterset = JobFilterSet({"q": "kafka"})
    filterset.board_rows = 1_000_000
    filterset.expected_total = filterset.base_estimate = 10_000
    filterset._word_shares, filterset._weighed = [0.01], {}
    filterset.in_order(F("published_at"), 500, DateTimeField)
    assert not filterset.walks
    assert filterset.date_walk_bound() is None
