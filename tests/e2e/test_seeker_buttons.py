"""Every button a job seeker can press, pressed in Chromium, with what the seeker sees after."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from jobs.models import Application, CompanyMembership, JobReport
from profiles.models import JobAlert, Profile, ProfileSkill, SavedJob
from profiles.services import alerts_send
from tests.e2e.conftest import add_skill, message
from tests.factories import (
    AdminFactory,
    CompanyFactory,
    EmployerFactory,
    PublishedJobFactory,
    SeekerFactory,
    SkillFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def resume(tmp_path):
    """A PDF on disk for the file inputs (tests/conftest.py keeps uploads in a temporary folder)."""
    path = tmp_path / "ada-lovelace-cv.pdf"
    path.write_bytes(PDF)
    return path


def open_filters_on_phone(page):
    summary = page.locator("details.filters > summary")
    if summary.is_visible() and page.locator("details.filters[open]").count() == 0:
        summary.click()


def test_seeker_saves_and_unsaves_from_a_card_the_job_page_and_the_saved_list(page, shoot, sign_in):
    seeker = SeekerFactory()
    job = PublishedJobFactory(title="Python API developer", company=CompanyFactory(name="Acme"))
    sign_in(page, seeker)

    page.goto("/jobs/?q=python")
    card = page.locator("article.job-card", has_text="Python API developer")
    card.get_by_role("button", name="Save job").click()
    expect(message(page, "Saved “Python API developer”.")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile(r"Saved ✓ \(unsave\)"))).to_be_visible()
    shoot(page, "1-saved-from-card")
    assert SavedJob.objects.filter(user=seeker, job=job).exists()

    page.get_by_role("button", name=re.compile(r"Saved ✓ \(unsave\)")).click()
    expect(message(page, "Removed “Python API developer”.")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("Save job"))).to_be_visible()
    shoot(page, "2-unsaved-on-job-page")

    page.get_by_role("button", name=re.compile("Save job")).click()
    expect(message(page, "Saved “Python API developer”.")).to_be_visible()
    page.goto("/me/saved/")
    expect(page.get_by_role("link", name="Python API developer")).to_be_visible()
    shoot(page, "3-saved-list")
    page.get_by_role("button", name=re.compile("Unsave")).click()
    expect(message(page, "Removed “Python API developer”.")).to_be_visible()
    expect(page.get_by_text("You have not saved a job yet.")).to_be_visible()
    shoot(page, "4-saved-list-empty")
    assert not SavedJob.objects.filter(user=seeker).exists()


def test_visitor_sorts_a_search_by_salary_and_clears_every_filter(page, shoot):
    pay = {"salary_currency": "EUR", "salary_period": "year"}
    PublishedJobFactory(
        title="Python staff engineer",
        salary_min=150000,
        salary_max=180000,
        published_at=timezone.now() - timedelta(hours=2),
        **pay,
    )
    PublishedJobFactory(title="Python junior developer", salary_min=40000, salary_max=50000, **pay)
    PublishedJobFactory(title="Office manager")

    page.goto("/jobs/?q=python&sort=newest")
    titles = page.locator("article.job-card h3")
    expect(titles).to_have_text(["Python junior developer", "Python staff engineer"])
    page.get_by_label("Sort by").select_option(label="Highest salary")
    page.get_by_role("button", name="Sort").click()
    expect(titles).to_have_text(["Python staff engineer", "Python junior developer"])
    expect(page.get_by_label("Sort by")).to_have_value("salary")
    shoot(page, "1-by-salary")

    open_filters_on_phone(page)
    page.get_by_role("link", name="Clear all").click()
    expect(page.get_by_role("heading", name=re.compile("3 jobs"))).to_be_visible()
    expect(page.get_by_role("searchbox")).to_have_value("")
    shoot(page, "2-cleared")


def test_visitor_reports_a_listing_from_its_page_and_moderators_see_the_report(
    page, shoot, sign_in, visitor
):
    job = PublishedJobFactory(title="Too good to be true", company=CompanyFactory(name="Scam Co"))

    page.goto(job.get_absolute_url())
    page.get_by_role("link", name="Report this listing").click()
    expect(page.get_by_role("heading", name="Report “Too good to be true”")).to_be_visible()
    page.get_by_label("Fraud or scam").check()
    page.get_by_label("Details").fill("They ask for a fee before the interview.")
    page.get_by_label("Your email (optional, if we may reply)").fill("careful@example.com")
    shoot(page, "1-report-form")
    page.get_by_role("button", name="Send report").click()
    expect(page).to_have_url(re.compile(re.escape(job.get_absolute_url()) + "$"))
    expect(message(page, "Thank you. Our moderators will look at this listing.")).to_be_visible()
    shoot(page, "2-thanked")
    report = JobReport.objects.get()
    assert (report.job, report.reason, report.reporter_email) == (
        job,
        "fraud",
        "careful@example.com",
    )

    moderator = visitor()
    sign_in(moderator, AdminFactory())
    moderator.goto("/jobs/moderation/")
    expect(moderator.get_by_role("heading", name="Open reports (1)")).to_be_visible()
    expect(moderator.get_by_text("Fraud or scam — “They ask for a fee")).to_be_visible()


def test_a_report_without_a_reason_is_not_sent(page, shoot):
    job = PublishedJobFactory(title="Vague role")
    page.goto(f"/jobs/report/{job.pk}/")
    page.get_by_label("Details").fill("Something is off.")
    # The browser itself asks for a reason: the radio buttons are required.
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_role("heading", name="Report “Vague role”")).to_be_visible()
    assert page.get_by_label("Fraud or scam").evaluate("input => !input.validity.valid")
    shoot(page, "reason-required")
    assert not JobReport.objects.exists()


def test_seeker_applies_on_site_with_a_resume_the_employer_moves_it_on_and_it_is_withdrawn(
    page, shoot, sign_in, visitor, resume
):
    seeker = SeekerFactory(email="ada@example.com")
    company = CompanyFactory(name="Blue Owl")
    employer = EmployerFactory()
    CompanyMembership.objects.create(company=company, user=employer)
    job = PublishedJobFactory(title="Django developer", company=company, apply_on_site=True)
    sign_in(page, seeker)

    page.goto(job.get_absolute_url())
    page.get_by_role("link", name="Apply with your CareerBoard profile").click()
    expect(
        page.get_by_role("heading", name="Apply to “Django developer” at Blue Owl")
    ).to_be_visible()
    page.get_by_label("A short note to the employer").fill("I have run Django in production.")
    page.get_by_label("Send a different resume (optional)").set_input_files(str(resume))
    shoot(page, "1-apply-form")
    page.get_by_role("button", name="Send application").click()
    expect(message(page, "You applied to “Django developer”. Good luck!")).to_be_visible()
    row = page.get_by_role("row", name=re.compile("Django developer"))
    expect(row.get_by_text("Submitted", exact=True)).to_be_visible()
    expect(row.get_by_role("link", name="Resume sent")).to_be_visible()
    shoot(page, "2-applications")
    page.goto(job.get_absolute_url())
    expect(page.get_by_text(re.compile("^You applied on"))).to_be_visible()
    expect(page.get_by_role("link", name="Apply with your CareerBoard profile")).to_have_count(0)
    page.goto("/me/applications/")
    application = Application.objects.get()
    assert application.resume.read() == PDF
    assert page.request.get(f"/me/applications/{application.pk}/resume/").body() == PDF

    hiring = visitor(page.viewport_name)
    sign_in(hiring, employer)
    hiring.goto(f"/jobs/dashboard/companies/{company.slug}/")
    hiring.get_by_role("link", name="1 applications for Django developer").click()
    expect(hiring.get_by_text("I have run Django in production.")).to_be_visible()
    assert hiring.request.get(f"/me/applications/{application.pk}/resume/").body() == PDF
    hiring.get_by_label(re.compile("^Status")).select_option(label="Interviewing")
    hiring.get_by_role("button", name="Save").click()
    expect(message(hiring, "Status saved; the applicant has been emailed.")).to_be_visible()
    expect(hiring.get_by_label(re.compile("^Status: Interviewing;"))).to_be_visible()
    shoot(hiring, "3-employer-moved-it-on")
    assert mail.outbox[-1].to == ["ada@example.com"]

    page.reload()
    row = page.get_by_role("row", name=re.compile("Django developer"))
    expect(row.get_by_text("Interviewing", exact=True)).to_be_visible()
    row.get_by_role("link", name=re.compile("^Withdraw")).click()
    expect(page.get_by_role("heading", name="Withdraw your application?")).to_be_visible()
    shoot(page, "4-withdraw-asked")
    page.get_by_role("button", name="Withdraw my application").click()
    expect(message(page, "Your application was withdrawn.")).to_be_visible()
    row = page.get_by_role("row", name=re.compile("Django developer"))
    expect(row.get_by_text("Withdrawn", exact=True)).to_be_visible()
    expect(row.get_by_role("link", name=re.compile("^Withdraw"))).to_have_count(0)
    shoot(page, "5-withdrawn")
    application.refresh_from_db()
    assert application.status == Application.Status.WITHDRAWN


def test_seeker_saves_an_alert_changes_it_unsubscribes_by_email_and_deletes_it(
    page, shoot, sign_in, visitor
):
    seeker = SeekerFactory()
    PublishedJobFactory(title="Python engineer", workplace="remote", remote_anywhere=True)
    sign_in(page, seeker)

    page.goto("/jobs/?q=python&workplace=remote")
    expect(page.get_by_role("heading", name=re.compile("1 job"))).to_be_visible()
    page.get_by_label("Email me new jobs for this search").select_option("weekly")
    shoot(page, "1-search-with-alert-form")
    page.get_by_role("button", name="Save alert").click()
    expect(message(page, "Alert saved: we email you new jobs for this search.")).to_be_visible()
    alert = JobAlert.objects.get(user=seeker)
    assert (alert.frequency, alert.is_active) == ("weekly", True)
    item = page.locator("li", has=page.get_by_role("button", name="Delete"))
    expect(item.get_by_label("How often")).to_have_value("weekly")
    shoot(page, "2-alerts")

    # The alert link opens the same search, filters intact.
    item.get_by_role("link", name="Python, remote").click()
    expect(page.get_by_role("heading", name=re.compile("1 job"))).to_be_visible()
    expect(page.get_by_label(re.compile("^Remote"))).to_be_checked()
    page.go_back()

    page.get_by_label("How often").select_option("daily")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(message(page, "Alert saved.")).to_be_visible()
    expect(page.get_by_label("How often")).to_have_value("daily")

    PublishedJobFactory(
        title="Python platform engineer",
        workplace="remote",
        remote_anywhere=True,
        published_at=timezone.now(),
    )
    alerts_send()
    (email,) = mail.outbox
    assert "Python platform engineer" in email.body
    link = re.search(r"Stop these emails with one click: (\S+)", email.body).group(1)

    reader = visitor(page.viewport_name)
    reader.goto(link)
    expect(reader.get_by_role("heading", name="Stop this job alert?")).to_be_visible()
    shoot(reader, "3-unsubscribe")
    reader.get_by_role("button", name="Unsubscribe").click()
    expect(reader.get_by_role("heading", name="You are unsubscribed")).to_be_visible()
    shoot(reader, "4-unsubscribed")
    alert.refresh_from_db()
    assert not alert.is_active

    page.reload()
    expect(page.get_by_text("Unsubscribed", exact=True)).to_be_visible()
    page.get_by_role("button", name="Delete").click()
    expect(message(page, "Alert deleted.")).to_be_visible()
    expect(page.get_by_text("No alert yet.")).to_be_visible()
    shoot(page, "5-deleted")
    assert not JobAlert.objects.exists()


def test_seeker_saves_a_profile_with_skills_and_a_resume_then_drops_a_skill(
    page, shoot, sign_in, resume
):
    python = SkillFactory(name="Python")
    postgres = SkillFactory(name="PostgreSQL")
    seeker = SeekerFactory()
    PublishedJobFactory(title="Python and Postgres developer", skills=[python, postgres])
    sign_in(page, seeker)

    page.goto("/me/")
    page.get_by_label("Headline").fill("Back-end developer")
    add_skill(page, "Python", level="4", years="6")
    add_skill(page, "PostgreSQL", level="3")
    page.get_by_label("Resume (PDF, DOCX or ODT, at most 5 MB)").set_input_files(str(resume))
    shoot(page, "1-profile-form")
    page.get_by_role("button", name="Save profile").click()
    expect(message(page, "Your profile is saved.")).to_be_visible()
    expect(page.get_by_label("Headline")).to_have_value("Back-end developer")
    # Strongest skill first.
    expect(page.locator(".picked-skill-name")).to_have_text(["Python", "PostgreSQL"])
    expect(page.get_by_label("Level of Python")).to_have_value("4")
    expect(page.get_by_label("Years of Python")).to_have_value("6")
    expect(page.get_by_role("link", name="Download your resume")).to_be_visible()
    shoot(page, "2-profile-saved")
    assert page.request.get("/me/resume/").body() == PDF
    skills = ProfileSkill.objects.filter(profile=Profile.objects.get(user=seeker))
    assert set(skills.values_list("skill__name", "level")) == {("Python", 4), ("PostgreSQL", 3)}

    page.goto("/jobs/")
    expect(page.get_by_text("Match 100%")).to_be_visible()

    page.goto("/me/")
    page.get_by_role("button", name="Remove PostgreSQL").click()
    expect(page.get_by_role("status").get_by_text("PostgreSQL removed.")).to_be_visible()
    page.get_by_role("button", name="Save profile").click()
    expect(message(page, "Your profile is saved.")).to_be_visible()
    assert list(ProfileSkill.objects.values_list("skill__name", flat=True)) == ["Python"]
    page.goto("/jobs/")
    expect(page.get_by_text("You lack 1 skill")).to_be_visible()
    shoot(page, "3-a-skill-missing")
