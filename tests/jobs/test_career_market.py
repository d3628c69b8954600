"""Career pages' live figures, worked by hand on a small board: pay per level and currency, top
skills, remote share, the junior-to-senior path, and roles compared side by side."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from careerboard.models import CareerRole, Skill
from careerboard.seeding import SEEDS_DIR, seeds_load
from jobs import market
from jobs.market import role_market
from tests.factories import PublishedJobFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    seeds_load(directory=SEEDS_DIR)


def job(seniority, workplace, pay=None, currency="USD", skills=()):
    low, high = pay or (None, None)
    return PublishedJobFactory(
        title="Backend Developer",
        seniority=seniority,
        workplace=workplace,
        salary_min=low,
        salary_max=high,
        salary_currency=currency if pay else "",
        salary_period="year",
        skills=list(Skill.objects.filter(slug__in=skills)),
    )


@pytest.fixture
def board(seeded):
    """Six back-end jobs from intern to lead, and one that no career role matches."""
    job("intern", "remote", (40_000, 60_000), skills=["python", "git"])
    job("junior", "onsite", (60_000, 80_000), skills=["python", "sql"])
    job("mid", "remote", (90_000, 110_000), skills=["python", "django"])
    job("mid", "hybrid", (60_000, 80_000), currency="EUR", skills=["python", "postgresql"])
    job("senior", "remote", (130_000, 150_000), skills=["python", "aws", "server-architecture"])
    job("lead", "onsite", skills=["python", "mentoring"])
    PublishedJobFactory(title="Gardener", workplace="remote", seniority="lead")


def text(html: str) -> str:
    """The page as a reader sees it: no tags, spaces collapsed."""
    words = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    return re.sub(r" ([,.;)])", r"\1", words)


def section(html: str, title_id: str) -> str:
    return html.split(f'id="{title_id}"')[1].split("</section>")[0]


def page(client, slug: str) -> str:
    response = client.get(reverse("career_detail", args=[slug]))
    assert response.status_code == 200
    return response.content.decode()


def test_role_page_shows_open_jobs_remote_share_top_skills_and_pay_per_level_and_currency(
    client, board
):
    html = page(client, "backend-developer")
    assert '<h2 id="market-title">Back-end Developer jobs on CareerBoard now</h2>' in html
    live = section(html, "market-title")
    words = text(live)
    assert "Open jobs: 6." in words
    assert "Remote: 50% of them can be done fully remotely." in words  # 3 of 6
    assert "about" not in words.lower()
    # Python in all six; AWS and Server architecture in two; none of the gardener's.
    skills = words.split("Skills they ask for most:")[1]
    assert skills.startswith(" Python (100%),")
    assert "Amazon Web Services (17%)" in skills
    rows = [text(row) for row in live.split("<tbody>")[1].split("</tr>")[:-1]]
    assert rows == [
        # Intern and junior midpoints 50,000 and 70,000: the quartiles of two values.
        "Intern / junior USD 60,000 55,000–65,000 2",
        # The euro and the dollar job are never mixed in one median.
        "Mid-level EUR 70,000 all at the median 1",
        "Mid-level USD 100,000 all at the median 1",
        "Senior USD 140,000 all at the median 1",
        "Lead / principal No open job at this level gives a salary.",
    ]


def test_the_markets_pay_over_every_level_is_one_figure_per_currency(board):
    usd, eur = role_market(CareerRole.objects.get(slug="backend-developer")).pay
    # USD midpoints 50k, 70k, 100k, 140k: median 85k, quartiles 65k and 110k.
    assert (usd.currency, usd.jobs, usd.low, usd.median, usd.high) == (
        "USD", 4, 65_000, 85_000, 110_000,
    )  # fmt: skip
    assert (eur.currency, eur.jobs, eur.median) == ("EUR", 1, 70_000)


def test_back_end_path_goes_level_by_level_with_the_documents_junior_and_senior_figures(
    client, board
):
    ladder = text(section(page(client, "backend-developer"), "ladder-title"))
    levels = ladder.split(" Intern / junior: ")[1]
    junior, levels = levels.split(" Mid-level: ")
    mid, levels = levels.split(" Senior: ")
    senior, lead = levels.split(" Lead / principal: ")
    assert junior.startswith("2 open jobs")
    assert "USD 60,000 a year (middle half 50,000–70,000" not in junior  # the quartiles, not ends
    assert "USD 60,000 a year (middle half 55,000–65,000, 2 jobs with a salary)" in junior
    # inTulsa's junior figure, 47.36 an hour, at 2,080 hours a year.
    assert "USD 47.36 per hour (about USD 98,509 a year at 2,080 hours)" in junior
    assert "Backend Developer Jobs: A Complete Guide" in junior
    assert "New at this level" not in junior
    assert "Remote: 50% of them." in junior
    assert "EUR 70,000 a year (1 job with a salary); USD 100,000 a year (1 job" in mid
    assert "no source document gives pay for this level" in mid
    assert "New at this level: Django, PostgreSQL." in mid
    # The senior figure sits on the senior role, one step on; its qualifier is kept.
    assert "USD 68.27 or more per hour (about USD 142,002 a year at 2,080 hours)" in senior
    assert "New at this level: Amazon Web Services, Server architecture." in senior
    assert lead.startswith("1 open job ")
    assert "no open job at this level gives a salary" in lead
    assert "New at this level: Mentoring." in lead


def test_a_role_whose_search_keeps_to_one_level_shows_no_ladder(client, board):
    html = page(client, "senior-backend-developer")
    assert 'id="ladder-title"' not in html
    assert "Senior USD 140,000" in text(section(html, "market-title"))


def test_a_role_without_documents_figures_or_jobs_says_so_plainly(client, seeded):
    role = CareerRole.objects.visible().filter(salary_figures=None, outlook_figures=None).first()
    words = text(page(client, role.slug))
    assert "No source document gives pay for this role." in words
    assert "No source document gives a job outlook for this role." in words
    assert "No open job on CareerBoard matches this role yet" in words


def test_figures_from_a_sample_of_a_large_board_say_about(client, board, monkeypatch):
    monkeypatch.setattr(market, "sample_percent", lambda factor=1: 100.0)
    live = text(section(page(client, "backend-developer"), "market-title"))
    assert "estimated from a sample" in live
    assert "Remote: about 50% of them" in live
    assert "Python (about 100%)" in live


def test_roles_are_compared_side_by_side(client, board):
    response = client.get(
        reverse("career_compare"), {"roles": "backend-developer,senior-backend-developer"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    table = html.split("<table")[1].split("</table>")[0]
    assert "<caption>Back-end Developer and Senior Back-end Developer side by side</caption>" in (
        table
    )
    assert '<th scope="col"><a href="/careers/backend-developer/">Back-end Developer</a></th>' in (
        table
    )
    open_jobs = text(table.split("Open jobs on CareerBoard</th>")[1].split("</tr>")[0])
    assert open_jobs == "6 1"
    assert "USD 127,260 per year" in table  # the O*NET median on the back-end page
    assert "USD 68.27 or more per hour" in table
    advertised = text(table.split("per seniority level</th>")[1].split("</tr>")[0])
    assert advertised.startswith(
        "Intern / junior: USD 60,000 a year (middle half 55,000–65,000, 2 jobs with a salary)"
        " Mid-level: EUR 70,000 a year (1 job with a salary); USD 100,000"
    )
    remote = text(table.split("Remote</th>")[1].split("</tr>")[0])
    assert remote == "50% of its open jobs 100% of its open jobs"
    # The checkboxes send one parameter per role: the same comparison.
    ticked = client.get(
        reverse("career_compare"), {"roles": ["backend-developer", "senior-backend-developer"]}
    )
    assert ticked.content.decode().split("<main")[1] == html.split("<main")[1]


@pytest.mark.parametrize(
    "roles, message",
    [
        ("", "Choose from 2 to 4 roles to compare."),
        ("backend-developer", "1 was given"),
        ("backend-developer,backend-developer", "1 was given"),
        (
            "backend-developer,devops-engineer,software-engineer,full-stack-developer,consultant",
            "5 were given",
        ),
        ("backend-developer,astronaut", "No career role is called “astronaut”"),
        ("backend-developer,<script>", "No career role is called “&lt;script&gt;”"),
        ("backend-developer," + "x" * 700, "at most 600 characters"),
        ("backend-developer,hidden-role", "No career role is called “hidden-role”"),
    ],
)
def test_bad_or_unknown_roles_to_compare_are_explained_with_a_400(client, seeded, roles, message):
    CareerRole.objects.filter(slug="software-engineer").update(slug="hidden-role", is_hidden=True)
    response = client.get(reverse("career_compare"), {"roles": roles})
    assert response.status_code == 400
    assert message in response.content.decode()


def test_career_list_compares_every_role_in_a_table_with_a_form_to_pick_some(client, board):
    html = client.get(reverse("career_list")).content.decode()
    table = html.split("<table")[1].split("</table>")[0]
    roles = list(CareerRole.objects.visible())
    assert len(roles) >= 10
    for role in roles:
        row = table.split(f'value="{role.slug}"')[1].split("</tr>")[0]
        assert f'<th scope="row"><a href="{role.get_absolute_url()}">{role.name}</a></th>' in row
        open_jobs = role_market(role).open_jobs
        cell = text(row.split("</td>")[-2])
        assert cell == (f"{open_jobs}" if open_jobs else "None yet"), role.slug
    form = html.split('<form method="get" action="/careers/compare/">')[1].split("</form>")[0]
    assert form.count('type="checkbox" name="roles"') == len(roles)
    back_end = table.split('value="backend-developer"')[1].split("</tr>")[0]
    words = text(back_end)
    # The first two figures of each kind; the rest are a link away.
    assert "USD 127,260 per year, median annual salary, United States, 2024" in words
    assert "26% growth by 2031 in United States" in words
    assert "more on its page" in words


# Each with one read of how PostgreSQL reads the roles' keywords, all of them at once.
@pytest.mark.parametrize(
    "url, most",
    [
        (reverse("career_detail", args=["backend-developer"]), 20),
        (reverse("career_list"), 11),
        (
            reverse("career_compare")
            + "?roles=backend-developer,devops-engineer,chief-technology-officer",
            19,
        ),
    ],
)
def test_career_pages_make_as_many_queries_with_jobs_as_without(
    seeded, url, most, django_assert_max_num_queries
):
    with django_assert_max_num_queries(most):
        assert Client().get(url).status_code == 200
    for seniority in ("junior", "mid", "senior", "lead") * 3:
        job(seniority, "remote", (50_000, 90_000), skills=["python", "sql", "aws"])
    with django_assert_max_num_queries(most):
        assert Client().get(url).status_code == 200


def test_comparison_is_served_to_anonymous_visitors_from_the_cache(
    seeded, settings, django_assert_max_num_queries
):
    settings.PAGE_CACHE_SECONDS = 60
    url = reverse("career_compare") + "?roles=backend-developer,devops-engineer"
    first = Client().get(url)
    with django_assert_max_num_queries(1):  # the public data version
        second = Client().get(url)
    assert second.content == first.content


def test_a_samples_level_counts_add_up_to_the_open_jobs_the_page_gives(board):
    """The search's count and the level figures come from two samples on a large board; the
    levels are scaled to the count beside them (here as if the search had estimated 12)."""
    search = market.role_search(CareerRole.objects.get(slug="backend-developer"))
    figures = market._level_figures(search.matching_rows(), 100.0, list(market.Level), total=12)
    assert figures["counted"] == 12
    assert [level.jobs for level in figures["levels"]] == [4, 4, 2, 2]
    assert [level.remote_percent for level in figures["levels"]] == [50, 50, 100, 0]
