"""axe-core on every main page, at phone and desktop widths: no serious or critical violation."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client

from careerboard.models import Skill
from careerboard.seeding import SEEDS_DIR, seeds_load
from jobs.models import CompanyMembership
from jobs.services import search_terms_rebuild
from profiles.models import Profile, ProfileSkill
from tests.factories import (
    AdminFactory,
    ClosedJobFactory,
    CompanyFactory,
    EmployerFactory,
    PublishedJobFactory,
    SeekerFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
AXE = Axe()


def serious(page) -> list[str]:
    results = AXE.run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {v['nodes'][0]['target']}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def log_in_browser(page, user, live_server):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


@pytest.fixture
def site():
    seeds_load(directory=SEEDS_DIR)
    company = CompanyFactory(name="Acme", about="We build **things**.")
    job = PublishedJobFactory(
        company=company, title="Python developer", places=["Oslo, Norway"],
        salary_min=50000, salary_max=70000, salary_currency="EUR", salary_period="year",
    )  # fmt: skip
    closed = ClosedJobFactory(company=company, title="Filled role")
    search_terms_rebuild()
    return {"company": company, "job": job, "closed": closed}


PUBLIC_PAGES = [
    "/", "/jobs/?q=python", "/jobs/?q=pyhton", "/jobs/?workplace=moon&salary_min=x",
    "/skills/", "/skills/python/", "/careers/", "/careers/backend-developer/",
    "/careers/compare/?roles=backend-developer,senior-backend-developer,devops-engineer",
    "/resources/",
    "/accounts/login/", "/accounts/signup/", "/accounts/password_reset/", "/employers/",
]  # fmt: skip


def test_public_pages_have_no_serious_accessibility_violations(page, site, shoot):
    pages = PUBLIC_PAGES + [
        site["job"].get_absolute_url(),
        site["closed"].get_absolute_url(),
        site["company"].get_absolute_url(),
        f"/jobs/report/{site['job'].pk}/",
        "/no-such-page/",
    ]
    found = {}
    for url in pages:
        page.goto(url)
        if problems := serious(page):
            found[url] = problems
    assert not found


def test_employer_and_moderation_pages_have_no_serious_violations(page, site, live_server):
    member = EmployerFactory()
    CompanyMembership.objects.create(company=site["company"], user=member)
    log_in_browser(page, member, live_server)
    found = {}
    for url in [
        f"/jobs/dashboard/companies/{site['company'].slug}/",
        f"/jobs/dashboard/companies/{site['company'].slug}/jobs/new/",
        f"/jobs/dashboard/jobs/{site['job'].pk}/edit/",
        f"/jobs/dashboard/jobs/{site['job'].pk}/close/",
        "/employers/",
        "/accounts/",
    ]:
        page.goto(url)
        if problems := serious(page):
            found[url] = problems
    page.context.clear_cookies()
    log_in_browser(page, AdminFactory(), live_server)
    page.goto("/jobs/moderation/")
    if problems := serious(page):
        found["/jobs/moderation/"] = problems
    assert not found


def test_the_skill_picker_forms_have_no_serious_violations_in_any_state(page, site, live_server):
    seeker = SeekerFactory()
    profile = Profile.objects.create(user=seeker)
    ProfileSkill.objects.create(profile=profile, skill=Skill.objects.get(slug="python"), level=4)
    log_in_browser(page, seeker, live_server)
    found = {}

    def check(state):
        if problems := serious(page):
            found[state] = problems

    page.goto("/me/")
    check("profile")
    page.get_by_role("combobox", name="Add a skill").fill("s")
    check("profile, the skill list open")
    page.get_by_role("combobox", name="Add a skill").press("Enter")
    page.get_by_role("button", name="Add skill").click()
    check("profile, a skill added in place")

    member = EmployerFactory()
    CompanyMembership.objects.create(company=site["company"], user=member)
    page.context.clear_cookies()
    log_in_browser(page, member, live_server)
    page.goto(f"/jobs/dashboard/companies/{site['company'].slug}/jobs/new/")
    page.get_by_role("button", name="Save draft").click()
    check("posting form with errors")
    page.get_by_label("Title").fill("Data engineer")
    page.get_by_role("combobox", name="Add a required skill").fill("SQL")
    page.get_by_role("combobox", name="Add a required skill").press("Enter")
    page.get_by_role("button", name="Preview").click()
    check("posting form's preview")
    assert not found


def test_forms_showing_their_errors_have_no_serious_violations(page, site):
    found = {}
    page.goto("/accounts/signup/")
    page.fill("#id_username", "sam")
    page.fill("#id_email", "sam@example.com")
    page.fill("#id_password1", "a-long-enough-passphrase")
    page.fill("#id_password2", "another-long-passphrase")
    page.locator("main form button[type=submit]").click()
    page.wait_for_selector(".has-error")
    if problems := serious(page):
        found["sign-up"] = problems
    page.goto("/accounts/login/")
    page.fill("#id_username", "nobody")
    page.fill("#id_password", "wrong-password")
    page.locator("main form button[type=submit]").click()
    page.wait_for_selector(".errorlist-box")
    if problems := serious(page):
        found["login"] = problems
    assert not found
