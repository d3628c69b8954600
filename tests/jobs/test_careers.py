"""Career pages and resources: seeded figures with their sources, the board's own market data."""

import re
import tomllib
from decimal import Decimal

import pytest
from django.urls import reverse

from careerboard.models import Resource, SalaryFigure
from careerboard.seeding import SEEDS_DIR, seeds_load
from jobs.market import role_market
from tests.factories import PublishedJobFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    seeds_load(directory=SEEDS_DIR)


def money(value) -> str:
    value = Decimal(str(value))
    return f"{value:,.0f}" if value == value.to_integral() else f"{value:,.2f}"


def test_every_seeded_figure_of_a_role_is_on_its_page_with_its_source(client, seeded):
    with (SEEDS_DIR / "figures.toml").open("rb") as handle:
        figures = tomllib.load(handle)
    with (SEEDS_DIR / "sources.toml").open("rb") as handle:
        titles = {d["file_name"]: d["title"] for d in tomllib.load(handle)["document"]}
    pages = {}
    for entry in figures["salary"] + figures["outlook"]:
        role = entry["role"]
        if role not in pages:
            response = client.get(reverse("career_detail", args=[role]))
            assert response.status_code == 200
            pages[role] = response.content.decode()
        html = pages[role]
        # Cited as a reader would cite it, by title, never by our file name.
        assert f"<cite>{titles[entry['source']]}</cite>" in html, entry["key"]
        assert entry["source"] not in html, entry["key"]
        for field in ("amount", "low", "high", "openings"):
            if entry.get(field):
                assert money(entry[field]) in html, (entry["key"], field)
        if entry.get("growth_percent"):
            assert f"{entry['growth_percent']:g}%" in html, entry["key"]


def test_back_end_career_page_draws_its_pay_charts_and_path_in_words(client, seeded):
    for low, high, currency in [(90_000, 110_000, "USD"), (110_000, 130_000, "USD")]:
        PublishedJobFactory(
            title="Backend Engineer",
            salary_min=low,
            salary_max=high,
            salary_currency=currency,
            salary_period="year",
        )
    PublishedJobFactory(
        title="Backend Developer",
        salary_min=50_000,
        salary_max=60_000,
        salary_currency="GBP",
        salary_period="year",
    )
    page = client.get(reverse("career_detail", args=["backend-developer"]))
    html = " ".join(page.content.decode().split())
    charts = {chart.currency: chart for chart in page.context["pay_charts"]}
    # One chart per currency the figures come in, each titled with its unit, shown on the page.
    assert list(charts) == ["USD", "CAD", "GBP"]
    assert '<strong id="pay-chart-USD">Yearly pay of a Back-end Developer, in US dollars per year'
    assert "in Canadian dollars per year</strong>" in html
    assert "in Pounds sterling per year</strong>" in html
    assert "Figures quoted per hour, day, week or month count 2,080 hours a year." in html
    # Every mark carries its value in words; hourly figures say what they were.
    assert "$127,254 a year, from $61.18 per hour" in html
    assert "$72,000–$146,000 a year" in html
    assert "median $110,000, middle half $105,000–$115,000" in html
    assert "middle half of the salaries of 2 open jobs<" in html
    assert "middle half of the salaries of 1 open job<" in html
    # Round ticks from 0, and a key for only what is drawn: no CAD jobs, no blue bar.
    assert [label for label, _ in charts["USD"].ticks] == ["$0", "$50k", "$100k", "$150k"]
    assert not any("blue" in key for key in charts["CAD"].legend)
    assert any("blue bar" in key for key in charts["USD"].legend)
    assert any("blue dot" in key for key in charts["GBP"].legend)
    # Nothing on the page is cut short (the head's description for search engines may be).
    body = html.split("<body")[1]
    assert "…" not in body
    assert 'class="diagram"' in html and "Chief Technology Officer" in html
    assert "<script" not in html.split("</header>")[1].split("<footer")[0]


def test_board_salaries_for_a_role_come_from_matching_open_jobs(seeded):
    from careerboard.models import CareerRole

    for low, high in [(80_000, 100_000), (100_000, 120_000), (120_000, 140_000)]:
        PublishedJobFactory(
            title="Backend Engineer",
            salary_min=low,
            salary_max=high,
            salary_currency="USD",
            salary_period="year",
        )
    PublishedJobFactory(
        title="Gardener", salary_min=1, salary_max=2, salary_currency="USD", salary_period="year"
    )
    market = role_market(CareerRole.objects.get(slug="backend-developer"))
    assert market.open_jobs == 3
    (usd,) = market.pay
    assert (usd.currency, usd.jobs, usd.median) == ("USD", 3, 110_000)
    assert (usd.low, usd.high) == (100_000, 120_000)


def test_hidden_figures_and_resources_leave_every_page(client, seeded):
    SalaryFigure.objects.filter(seed_key="onet-median-annual-2024").update(is_hidden=True)
    Resource.objects.filter(seed_key="coursera").update(is_hidden=True)
    career = client.get(reverse("career_detail", args=["backend-developer"])).content.decode()
    assert "127,260" not in career
    assert "Coursera" not in client.get(reverse("resource_list")).content.decode()
    assert "Coursera" not in client.get(reverse("skill_detail", args=["python"])).content.decode()


def test_resources_are_grouped_by_kind_featured_first_and_filterable(client, seeded):
    response = client.get(reverse("resource_list"))
    kinds = response.context["kinds"]
    assert set(kinds) >= {"Job boards", "Communities", "Learning", "Blogs and news"}
    learning = kinds["Learning"]
    assert learning[0].is_featured
    filtered = client.get(reverse("resource_list"), {"kind": "learning", "skill": "python"})
    names = [r.name for rs in filtered.context["kinds"].values() for r in rs]
    assert "Coursera" in names and "Indeed" not in names


@pytest.mark.parametrize("params", [{"kind": "moon"}, {"skill": "no-such-skill"}])
def test_bad_resource_filters_are_explained_not_a_500(client, seeded, params):
    response = client.get(reverse("resource_list"), params)
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


def test_unknown_or_hidden_role_is_404(client, seeded):
    assert client.get(reverse("career_detail", args=["astronaut"])).status_code == 404


def test_career_pages_have_bounded_query_counts(client, seeded, django_assert_max_num_queries):
    with django_assert_max_num_queries(20):
        client.get(reverse("career_detail", args=["backend-developer"]))
    with django_assert_max_num_queries(5):
        client.get(reverse("resource_list"))
    with django_assert_max_num_queries(11):
        client.get(reverse("career_list"))


def count_on_search_page(client, query: str) -> int:
    return client.get(f"{reverse('jobs:job_list')}?{query}").context["counts"]["total"]


def items_in_feed(client, query: str) -> int:
    return client.get(f"{reverse('job_feed_rss')}?{query}").content.decode().count("<item>")


def test_a_role_page_its_button_its_search_and_its_feed_count_the_same_jobs(client, seeded):
    from careerboard.models import CareerRole

    for title, seniority in [
        ("Database Administrator", "mid"),
        ("Senior DBA", "senior"),
        ("Backend Engineer", "senior"),
        ("Backend Engineer", "junior"),
        ("Site Reliability Engineer", "mid"),
        ("DevOps Engineer", "mid"),
        ("Software Architect", "lead"),
        ("Gardener", "junior"),
    ]:
        PublishedJobFactory(title=title, seniority=seniority)
    checked = 0
    for role in CareerRole.objects.visible():
        page = client.get(reverse("career_detail", args=[role.slug]))
        html = page.content.decode()
        query = role.job_search_query()
        open_jobs = page.context["market"].open_jobs
        assert f"{reverse('jobs:job_list')}?{query}".replace("&", "&amp;") in html, role.slug
        assert count_on_search_page(client, query) == open_jobs, role.slug
        assert items_in_feed(client, query) == open_jobs, role.slug
        checked += open_jobs > 0
    # The example jobs reach the roles that name them, entry-level roles by seniority alone.
    counts = {r.slug: role_market(r).open_jobs for r in CareerRole.objects.visible()}
    assert counts["database-administrator"] == 2
    assert counts["devops-engineer"] == 2
    assert counts["entry-level-it"] == 2
    assert counts["senior-backend-developer"] == 1
    assert checked >= 6


def test_sources_are_cited_with_publisher_date_and_what_they_quote(client, seeded):
    html = client.get(reverse("career_detail", args=["backend-developer"])).content.decode()
    sources = html.split('<h2 id="sources-title">Sources</h2>')[1]
    assert (
        "<cite>Back-end Developer Career Path in 2024</cite>, publisher not named, 2024; "
        "it quotes O*NET OnLine, BLS Occupational Employment and Wage Statistics."
    ) in sources
    assert (
        "<cite>Backend Developer Jobs: A Complete Guide</cite>, inTulsa Talent Network" in sources
    )
    # Each figure links to its document in that list.
    (key,) = re.findall(r'<li id="source-(\d+)"><cite>Back-end Developer Career Path', sources)
    assert (
        f'<a href="#source-{key}"><cite>Back-end Developer Career Path in 2024</cite></a>' in html
    )
    assert ".txt" not in html


def test_figures_keep_their_qualifiers_undated_ones_say_so_and_sit_on_the_documents_role(
    client, seeded
):
    senior = client.get(reverse("career_detail", args=["senior-backend-developer"]))
    assert "USD 68.27 or more per hour" in senior.content.decode()
    html = " ".join(
        client.get(reverse("career_detail", args=["backend-developer"])).content.decode().split()
    )
    assert "64,957 open back-end developer positions counted (date not stated)" in html
    assert "21% from 2019 to 2029" in html


def test_every_seeded_role_search_is_a_valid_search(seeded):
    from careerboard.models import CareerRole
    from jobs.market import role_search

    for role in CareerRole.objects.all():
        search = role_search(role)
        assert search.is_valid(), (role.slug, search.errors)


def test_every_career_step_cites_a_document_or_says_it_is_the_boards_own_view(client, seeded):
    from careerboard.models import CareerStep

    steps = CareerStep.objects.select_related("from_role", "to_role")
    assert steps.count() >= 20
    for step in steps:
        assert step.sources, str(step)
    html = " ".join(
        client.get(reverse("career_detail", args=["full-stack-developer"])).content.decode().split()
    )
    # Full stack -> tech lead is in no document: it is shown as the board's own view.
    lead = html.split('href="/careers/technical-lead/">Technical Lead</a>')[1].split("</li>")[0]
    assert "CareerBoard's own editorial view: no source document states this" in lead
    html = " ".join(
        client.get(reverse("career_detail", args=["backend-developer"])).content.decode().split()
    )
    software = html.split('href="/careers/software-engineer/">Software Engineer</a>')[1]
    assert software.split("</li>")[0].startswith(' <span class="source">(source: <a href="#source-')


def test_no_page_claims_what_no_document_says(client, seeded):
    pages = [reverse("career_detail", args=["backend-developer"])]
    pages += [reverse("skill_detail", args=[slug]) for slug in ("aws", "spring", "ruby")]
    for url in pages:
        html = client.get(url).content.decode().lower()
        for claim in ("largest employer", "most widely used", "most popular"):
            assert claim not in html, (url, claim)


def test_who_hires_is_shown_for_the_roles_the_documents_describe_and_said_missing_for_others(
    client, seeded
):
    backend = " ".join(
        client.get(reverse("career_detail", args=["backend-developer"])).content.decode().split()
    )
    hires = backend.split('<h2 id="sectors-title">Who hires</h2>')[1].split("</section>")[0]
    assert "<strong>Government agencies</strong>" in hires and "(source: <a href=" in hires
    devops = " ".join(
        client.get(reverse("career_detail", args=["devops-engineer"])).content.decode().split()
    )
    hires = devops.split('<h2 id="sectors-title">Who hires</h2>')[1].split("</section>")[0]
    assert "No source document says who hires a DevOps Engineer." in hires
    assert "<strong>" not in hires
