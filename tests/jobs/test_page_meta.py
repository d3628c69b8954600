"""What public pages tell search engines and link previews: canonical URLs, Open Graph tags,
unique titles, and what robots.txt keeps crawlers away from."""

from html.parser import HTMLParser
from urllib.robotparser import RobotFileParser

import pytest
from django.urls import reverse

from careerboard.seeding import SEEDS_DIR, seeds_load
from jobs.models import CompanyMembership
from tests.factories import (
    CompanyFactory,
    EmployerFactory,
    JobFactory,
    PublishedJobFactory,
    SkillFactory,
)

pytestmark = pytest.mark.django_db
SITE = "http://127.0.0.1:8000"


class HeadParser(HTMLParser):
    """The page's title, canonical link and Open Graph properties, with entities decoded."""

    def __init__(self):
        super().__init__()
        self.title, self.canonical, self.og = "", None, {}
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "title":
            self._in_title = True
        elif tag == "link" and attrs.get("rel") == "canonical":
            self.canonical = attrs["href"]
        elif tag == "meta" and attrs.get("property", "").startswith("og:"):
            self.og[attrs["property"]] = attrs["content"]

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def head(client, url) -> HeadParser:
    response = client.get(url)
    assert response.status_code == 200, url
    parser = HeadParser()
    parser.feed(response.content.decode())
    return parser


@pytest.fixture
def board(settings):
    settings.SITE_URL = SITE
    seeds_load(directory=SEEDS_DIR)
    python = SkillFactory(name="Python")
    company = CompanyFactory(name="Acme", about="We build **tools** for R&D teams.")
    job = PublishedJobFactory(
        title="Python developer",
        company=company,
        skills=[python],
        places=["Oslo, Norway"],
        description=(
            '### What you will do\n\n- Build **services** for R&D\n- Ship fixes in < 2 "days"'
        ),
    )
    return {"python": python, "company": company, "job": job}


def public_pages(board) -> list[str]:
    return [
        reverse("home"),
        reverse("jobs:job_list"),
        reverse("jobs:job_list") + "?q=python",
        reverse("jobs:job_list") + "?q=python&location=Oslo",
        board["job"].get_absolute_url(),
        board["company"].get_absolute_url(),
        reverse("skill_list"),
        board["python"].get_absolute_url(),
        reverse("career_list"),
        reverse("career_detail", args=["backend-developer"]),
        reverse("resource_list"),
    ]


def test_every_public_page_has_a_canonical_link_and_open_graph_tags(client, board):
    for url in public_pages(board):
        page = head(client, url)
        assert page.canonical and page.canonical.startswith(f"{SITE}/"), url
        assert page.og["og:url"] == page.canonical, url
        assert page.og["og:type"] == "website"
        assert page.og["og:site_name"] == "CareerBoard"
        assert page.og["og:title"].strip(), url
        assert page.og["og:description"].strip(), url
    assert head(client, board["job"].get_absolute_url()).canonical == (
        SITE + board["job"].get_absolute_url()
    )


def test_no_two_public_pages_share_a_title(client, board):
    titles = {url: head(client, url).title for url in public_pages(board)}
    assert len(set(titles.values())) == len(titles), titles
    assert (
        titles[reverse("jobs:job_list") + "?q=python"] != titles[board["python"].get_absolute_url()]
    )


def test_a_search_page_is_canonical_without_page_sort_blanks_or_repeats(client, board):
    url = reverse("jobs:job_list")
    page = head(
        client,
        f"{url}?workplace=remote&sort=newest&page=2&q=python&location=&workplace=hybrid"
        "&workplace=remote",
    )
    assert page.canonical == f"{SITE}{url}?q=python&workplace=hybrid&workplace=remote"
    assert head(client, f"{url}?sort=salary&page=3").canonical == f"{SITE}{url}"


def test_link_previews_describe_a_job_in_plain_text(client, board):
    page = head(client, board["job"].get_absolute_url())
    assert page.og["og:description"] == (
        'What you will do Build services for R&D Ship fixes in < 2 "days"'
    )
    company = head(client, board["company"].get_absolute_url())
    assert company.og["og:description"] == "We build tools for R&D teams."


def test_pages_the_public_cannot_see_have_no_canonical_link(client, board):
    member = EmployerFactory()
    CompanyMembership.objects.create(company=board["company"], user=member)
    client.force_login(member)
    draft = JobFactory(company=board["company"], places=["Oslo, Norway"])
    for url in (draft.get_absolute_url(), reverse("profiles:saved")):
        page = head(client, url)
        assert page.canonical is None and not page.og, url


def test_robots_txt_keeps_crawlers_off_reports_apply_redirects_and_seeker_pages(client, board):
    robots = RobotFileParser()
    robots.parse(client.get(reverse("robots_txt")).content.decode().splitlines())
    job = board["job"]
    for url in [
        reverse("jobs:job_report", args=[job.pk]),
        reverse("jobs:job_apply", args=[job.pk]),
        reverse("profiles:profile"),
        reverse("profiles:saved"),
        reverse("profiles:apply", args=[job.pk]),
        reverse("profiles:alert_unsubscribe", args=["token"]),
        reverse("jobs:employer_dashboard"),
        reverse("account"),
    ]:
        assert not robots.can_fetch("*", url), url
    for url in public_pages(board):
        assert robots.can_fetch("*", url), url
