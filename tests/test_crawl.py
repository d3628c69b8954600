"""Crawl the demo board as each role, as `make run` serves it: every POST form carries a CSRF
token, and every same-site link, stylesheet, image and script answers below 400."""

import io
from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.urls import Resolver404, resolve, reverse
from PIL import Image

from careerboard.models import CareerRole, Skill, User
from jobs import services as job_services
from jobs.models import Company, CompanyInvitation, JobEdit, JobReport
from profiles import services as profile_services
from tests.conftest import private_files_in
from tests.factories import (
    ClosedJobFactory,
    ExpiredJobFactory,
    JobFactory,
    PendingJobFactory,
    PublishedJobFactory,
    RejectedJobFactory,
)

pytestmark = pytest.mark.django_db

# Links are followed two steps from the start pages. Every link on the role's own pages (their
# lists of saved jobs, applications, company jobs...) is requested; elsewhere, of each kind of URL
# (the view it resolves to and the names of its query parameters) a few are, since one template
# renders them all.
MAX_DEPTH = 2
PER_KIND = 3
LINKING_ATTRIBUTES = {"a": "href", "link": "href", "img": "src", "script": "src"}


class PageParser(HTMLParser):
    """The same-site URLs a page links to or loads, and the POST forms that lack a CSRF token."""

    def __init__(self):
        super().__init__()
        self.urls = []
        self.forms_without_token = []
        self._form = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            if (attrs.get("method") or "get").lower() == "post":
                self._form = {"action": attrs.get("action", ""), "token": False}
        elif tag == "input" and self._form and attrs.get("name") == "csrfmiddlewaretoken":
            self._form["token"] = bool(attrs.get("value"))
        if (url := attrs.get(LINKING_ATTRIBUTES.get(tag, ""))) is not None:
            self.urls.append(url)

    def handle_endtag(self, tag):
        if tag == "form" and self._form is not None:
            if not self._form["token"]:
                self.forms_without_token.append(self._form["action"])
            self._form = None


def same_site(url: str, base: str) -> str | None:
    """The path and query of a link into the board, or None for fragments and other sites."""
    if not url or url.startswith("#"):
        return None
    parts = urlsplit(urljoin(base, url))
    if parts.scheme not in ("http", "https"):
        return None
    if parts.netloc not in ("testserver", urlsplit(settings.SITE_URL).netloc):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def csrf_exempt(url: str) -> bool:
    """Whether the view a form posts to takes no CSRF token (a signed one-click link)."""
    try:
        return getattr(resolve(urlsplit(url).path).func, "csrf_exempt", False)
    except Resolver404:
        return False


def kind(url: str) -> tuple:
    """The view a URL resolves to and its query's parameter names; a static file is its own
    kind, and the admin's list filters and orderings are all one kind per page."""
    parts = urlsplit(url)
    params = tuple(sorted({name for name, _ in parse_qsl(parts.query, keep_blank_values=True)}))
    if parts.path.startswith("/" + settings.STATIC_URL.lstrip("/")):
        return (parts.path,)
    try:
        view_name = resolve(parts.path).view_name
    except Resolver404:
        return (parts.path, params)
    return (view_name,) if view_name.startswith("admin:") else (view_name, params)


def crawl(client: Client, public: list[str], own: list[str]) -> tuple[list[str], int]:
    """Breadth first from the start pages; returns what is wrong and how many URLs were read."""
    problems, fetched, per_kind = [], set(), Counter()
    queue = deque((url, 0, "start", False) for url in public + own)
    while queue:
        url, depth, referrer, sampled = queue.popleft()
        if url in fetched or (sampled and per_kind[kind(url)] >= PER_KIND):
            continue
        fetched.add(url)
        per_kind[kind(url)] += 1
        response = client.get(url)
        if response.status_code >= 400:
            problems.append(f"{url} answers {response.status_code} (linked from {referrer})")
        if response.streaming:
            # Reading it to the end closes it as a WSGI server would (close() alone would
            # close the test's database connection too).
            b"".join(response.streaming_content)
            continue
        if response.status_code in (301, 302, 303, 307, 308):
            if target := same_site(response["Location"], "http://testserver" + url):
                queue.appendleft((target, depth, url, sampled))
            continue
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        page = PageParser()
        page.feed(response.content.decode())
        problems += [
            f"{url}: the form posting to {action} has no CSRF token"
            for action in page.forms_without_token
            if not csrf_exempt(urljoin("http://testserver" + url, action))
        ]
        if depth < MAX_DEPTH:
            base = "http://testserver" + url
            queue.extend(
                (target, depth + 1, url, url not in own)
                for target in filter(None, (same_site(link, base) for link in page.urls))
            )
    return problems, len(fetched)


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "navy").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def crawl_files(tmp_path_factory):
    return tmp_path_factory.mktemp("crawl")


@pytest.fixture
def private_files(crawl_files):
    """Resumes stay where the board put them, for every role's test."""
    with private_files_in(crawl_files / "private") as location:
        yield location


@pytest.fixture(scope="module")
def board(django_db_setup, django_db_blocker, crawl_files):
    """The board `make run` shows, plus what each role's pages list: jobs of the demo employer's
    company in every state, an edit and a report waiting for review, applications with a
    resume, saved jobs, an alert, an invitation and a logo. Made once, undone at the end."""
    with (
        private_files_in(crawl_files / "private"),
        override_settings(
            MEDIA_ROOT=crawl_files / "media",
            CACHES={
                **settings.CACHES,
                "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
            },
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        yield _populate()
        transaction.set_rollback(True)


def _populate() -> dict[str, str]:
    for command in ("load_seeds", "load_demo", "load_demo_profile"):
        call_command(command, verbosity=0)
    employer, seeker = User.objects.get(username="employer"), User.objects.get(username="seeker")
    company = Company.objects.get(members=employer)
    company.logo.save("logo.png", ContentFile(_png()))
    python = Skill.objects.get(slug="python")
    open_job = PublishedJobFactory(company=company, apply_on_site=True, skills=[python])
    for factory in (JobFactory, PendingJobFactory, ClosedJobFactory, ExpiredJobFactory):
        factory(company=company)
    RejectedJobFactory(company=company, rejection_reason="Name the salary.")
    JobEdit.objects.create(job=open_job, changes={"title": "Senior back-end developer"})
    JobReport.objects.create(job=open_job, reason=JobReport.Reason.FRAUD, details="Asks for fees")
    # The seeker saved and applied to this job and to one that closed since.
    closed_since = PublishedJobFactory(company=company, apply_on_site=True)
    for job in (open_job, closed_since):
        application = profile_services.application_submit(
            job=job,
            user=seeker,
            upload=SimpleUploadedFile("cv.pdf", b"%PDF-1.4\n%%EOF\n"),
        )
        profile_services.saved_job_toggle(user=seeker, job=job)
    job_services.job_close(job=closed_since, by=employer)
    alert = profile_services.alert_create(
        user=seeker, query="q=python&workplace=remote", frequency="daily"
    )
    invitation = CompanyInvitation.objects.create(
        company=company, email=seeker.email, token="crawl-invitation", invited_by=employer
    )
    return {
        "job": open_job.get_absolute_url(),
        "company": company.get_absolute_url(),
        "skill": python.get_absolute_url(),
        "career": CareerRole.objects.visible().first().get_absolute_url(),
        "report": reverse("jobs:job_report", args=[open_job.pk]),
        "apply": reverse("profiles:apply", args=[open_job.pk]),
        "unsubscribe": reverse(
            "profiles:alert_unsubscribe", args=[profile_services.alert_token(alert)]
        ),
        "invitation": reverse("jobs:invitation_accept", args=[invitation.token]),
        "company_dashboard": reverse("jobs:company_dashboard", args=[company.slug]),
        "company_edit": reverse("jobs:company_edit", args=[company.slug]),
        "job_create": reverse("jobs:job_create", args=[company.slug]),
        "job_edit": reverse("jobs:job_edit", args=[open_job.pk]),
        "applicants": reverse("profiles:job_applicants", args=[open_job.pk]),
        "application_resume": reverse("profiles:application_resume", args=[application.pk]),
    }


PUBLIC = ["/", "job", "company", "skill", "career", "report", "unsubscribe"]
OWN_PAGES = {
    "anonymous": ["/accounts/signup/", "/accounts/login/", "/accounts/password_reset/"],
    "seeker": [
        "apply",
        "invitation",
        "/me/",
        "/me/recommended/",
        "/me/saved/",
        "/me/applications/",
        "/me/alerts/",
        "/accounts/",
        "/accounts/password_change/",
    ],
    "employer": [
        "/jobs/dashboard/",
        "company_dashboard",
        "company_edit",
        "job_create",
        "job_edit",
        "applicants",
        "application_resume",
        "/jobs/dashboard/companies/new/",
        "/api/docs/",
    ],
    "admin": ["/jobs/moderation/"],
}


@pytest.mark.parametrize("role", OWN_PAGES)
def test_every_page_a_role_reaches_has_working_links_and_csrf_protected_forms(
    board, as_under_make_run, role
):
    client = Client()
    if role != "anonymous":
        client.force_login(User.objects.get(username=role))
    public, own = ([board.get(page, page) for page in pages] for pages in (PUBLIC, OWN_PAGES[role]))

    problems, fetched = crawl(client, public, own)

    assert not problems, "\n".join(problems)
    assert fetched > 40
