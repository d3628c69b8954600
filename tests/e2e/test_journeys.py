"""The board's main journeys, clicked through in a real browser."""

import re

import pytest
from playwright.sync_api import expect

from jobs.models import CompanyMembership, Job
from tests.e2e.conftest import add_skill, pick_skill
from tests.factories import (
    AdminFactory,
    CompanyFactory,
    EmployerFactory,
    PublishedJobFactory,
    SkillFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-good-password"


def log_in(page, user):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def open_filters_on_phone(page):
    summary = page.locator("details.filters > summary")
    if summary.is_visible() and page.locator("details.filters[open]").count() == 0:
        summary.click()


def test_seeker_searches_filters_and_opens_a_job(page, shoot):
    python = SkillFactory(name="Python")
    PublishedJobFactory(
        title="Python platform engineer",
        workplace="remote",
        remote_anywhere=True,
        skills=[python],
        salary_min=90000,
        salary_max=120000,
        salary_currency="USD",
        salary_period="year",
    )
    PublishedJobFactory(title="Python data engineer", workplace="onsite", places=["Berlin, DE"])
    PublishedJobFactory(title="Office manager")

    page.goto("/")
    shoot(page, "1-home")
    page.get_by_role("searchbox").first.fill("python")
    page.get_by_role("button", name="Search").first.click()
    expect(page.get_by_role("heading", name=re.compile("2 jobs"))).to_be_visible()
    shoot(page, "2-results")

    open_filters_on_phone(page)
    page.get_by_label(re.compile(r"^Remote")).check()
    page.get_by_role("button", name=re.compile("Apply filters|Search")).first.click()
    expect(page.get_by_role("heading", name=re.compile("1 job"))).to_be_visible()
    shoot(page, "3-filtered")

    page.get_by_role("link", name="Python platform engineer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Python platform engineer")
    expect(page.get_by_text("USD 90,000–120,000 per year", exact=True)).to_be_visible()
    shoot(page, "4-job")


def test_a_typo_offers_the_corrected_search(page, shoot):
    from jobs.services import search_terms_rebuild

    PublishedJobFactory(title="Kubernetes engineer")
    search_terms_rebuild()
    page.goto("/jobs/?q=kuberntes")
    page.get_by_role("link", name=re.compile("kubernetes", re.I)).first.click()
    expect(page.get_by_role("heading", name=re.compile("1 job"))).to_be_visible()
    shoot(page, "corrected")


def test_employer_posts_admin_approves_and_the_job_is_found(browser, live_server, shoot):
    SkillFactory(name="Python")
    employer = EmployerFactory()
    company = CompanyFactory(name="Blue Owl")
    CompanyMembership.objects.create(company=company, user=employer)
    admin = AdminFactory()
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    page = context.new_page()
    page.viewport_name = "desktop"

    log_in(page, employer)
    page.goto(f"/jobs/dashboard/companies/{company.slug}/jobs/new/")
    page.get_by_label("Title").fill("Senior Django developer")
    page.get_by_label("Description").fill("## The role\n\nBuild our **APIs**.")
    page.get_by_label("Hybrid").check()
    page.get_by_label("Employment type").select_option("full_time")
    page.get_by_label("Seniority").select_option("senior")
    page.get_by_label("Locations").fill("Amsterdam, Netherlands")
    pick_skill(page, "Add a required skill", "Python")
    page.get_by_label("Apply at (URL)").fill("https://blueowl.example/jobs")
    shoot(page, "1-form")
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("was sent for review")).to_be_visible()
    shoot(page, "2-dashboard")
    assert Job.objects.get().status == Job.Status.PENDING

    context.clear_cookies()
    log_in(page, admin)
    page.goto("/jobs/moderation/")
    page.get_by_label(re.compile("Senior Django developer")).check()
    shoot(page, "3-queue")
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("1 item approved")).to_be_visible()

    page.goto("/jobs/?q=django")
    expect(page.get_by_role("link", name="Senior Django developer")).to_be_visible()
    shoot(page, "4-found")
    job = Job.objects.get()
    assert "Senior Django developer" in page.request.get("/feeds/jobs.rss").text()
    assert job.get_absolute_url() in page.request.get("/sitemap-jobs.xml").text()

    context.clear_cookies()
    log_in(page, employer)
    page.goto(f"/jobs/dashboard/companies/{company.slug}/")
    page.get_by_role("link", name="Close (filled)").click()
    page.get_by_role("button", name="Close the job").click()
    expect(page.get_by_text("Closed: the job has left the board.")).to_be_visible()
    shoot(page, "5-closed")
    context.clear_cookies()
    page.goto("/jobs/?q=django")
    expect(page.get_by_role("heading", name=re.compile("0 jobs"))).to_be_visible()
    assert "Senior Django developer" not in page.request.get("/feeds/jobs.rss").text()
    assert job.get_absolute_url() not in page.request.get("/sitemap-jobs.xml").text()
    context.close()


def test_admin_edits_a_seeded_resource_and_reseeding_keeps_the_edit(browser, live_server, shoot):
    from careerboard.models import Resource
    from careerboard.seeding import SEEDS_DIR, seeds_load

    seeds_load(directory=SEEDS_DIR)
    admin = AdminFactory()
    resource = Resource.objects.get(seed_key="freecodecamp")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    page = context.new_page()
    page.viewport_name = "desktop"
    log_in(page, admin)
    page.goto(f"/admin/careerboard/resource/{resource.pk}/change/")
    page.get_by_label("Description:").fill("Our admin's own description of freeCodeCamp.")
    shoot(page, "1-admin-edit")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("was changed successfully")).to_be_visible()
    report = seeds_load(directory=SEEDS_DIR)
    assert report["resources"]["kept admin edit"] == 1
    page.goto("/resources/")
    expect(page.get_by_text("Our admin's own description of freeCodeCamp.")).to_be_visible()
    shoot(page, "2-resources-after-reseed")
    context.close()


def test_seeker_signs_up_builds_a_profile_sees_a_match_and_applies(page, shoot, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path},
        },
    }
    python = SkillFactory(name="Python")
    PublishedJobFactory(
        title="Python API developer", seniority="mid", skills=[python], apply_on_site=True
    )
    page.goto("/accounts/signup/")
    page.get_by_label("Username").fill("grace")
    page.get_by_label("Email").fill("grace@example.com")
    page.locator("#id_password1").fill("a-long-passphrase-1")
    page.locator("#id_password2").fill("a-long-passphrase-1")
    page.get_by_label("Find a job").check()
    page.get_by_role("button", name="Create account").click()
    page.goto("/me/")
    page.get_by_label("Headline").fill("Back-end developer")
    add_skill(page, "Python", level="4")
    resume = tmp_path / "cv.pdf"
    resume.write_bytes(b"%PDF-1.4\n%%EOF")
    page.get_by_label("Resume (PDF, DOCX or ODT, at most 5 MB)").set_input_files(str(resume))
    shoot(page, "1-profile")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Your profile is saved")).to_be_visible()

    page.goto("/jobs/?q=python")
    expect(page.get_by_text("Match 100%").first).to_be_visible()
    shoot(page, "2-search-with-match")
    page.get_by_role("link", name="Python API developer").click()
    page.get_by_role("link", name="Apply with your CareerBoard profile").click()
    page.get_by_label("A short note to the employer").fill("I would love to build your APIs.")
    shoot(page, "3-apply")
    page.get_by_role("button", name="Send application").click()
    expect(page.get_by_text("You applied to")).to_be_visible()
    shoot(page, "4-applications")
