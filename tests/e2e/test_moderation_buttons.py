"""The review queue's buttons, pressed by staff in Chromium: approve, and reject with a reason."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from jobs import services
from jobs.models import CompanyMembership, Job, JobEdit
from tests.e2e.conftest import message
from tests.factories import (
    AdminFactory,
    CompanyFactory,
    EmployerFactory,
    PendingJobFactory,
    PublishedJobFactory,
    SkillFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
REASON = "Pay in tokens isn't a salary; it doesn't meet our rules."


def test_staff_approve_one_posting_and_reject_another_and_an_edit_with_reasons(
    page, shoot, sign_in, visitor
):
    shady = CompanyFactory(name="Shady Ventures")
    owner = EmployerFactory(email="owner@shady.example")
    CompanyMembership.objects.create(company=shady, user=owner)
    good = PendingJobFactory(title="Data engineer", company=CompanyFactory(name="Acme"))
    bad = PendingJobFactory(title="Crypto trader", company=shady)
    live = PublishedJobFactory(title="Support engineer", company=shady)
    JobEdit.objects.create(
        job=live,
        changes={"fields": {"title": "Support engineer (earn crypto)", "description": "x"}},
        submitted_by=owner,
    )
    sign_in(page, AdminFactory())

    page.goto("/")
    page.get_by_role("link", name="Review queue").click()
    expect(page.get_by_role("heading", name="New postings (2)")).to_be_visible()
    expect(page.get_by_role("heading", name="Edits of live jobs (1)")).to_be_visible()
    shoot(page, "1-queue")

    page.get_by_role("button", name="Approve").click()
    expect(message(page, "Tick at least one item and choose approve or reject.")).to_be_visible()

    page.get_by_label("Crypto trader at Shady Ventures").check()
    page.get_by_role("button", name="Reject").click()
    expect(
        message(page, "Crypto trader: Say why the job is rejected; the employer will read it.")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="New postings (2)")).to_be_visible()
    shoot(page, "2-reason-needed")

    page.get_by_label("Crypto trader at Shady Ventures").check()
    page.get_by_label("Support engineer at Shady Ventures").check()
    page.get_by_label("Reason (the employer reads this)").fill(REASON)
    page.get_by_role("button", name="Reject").click()
    expect(message(page, "2 items rejected; the employers have been emailed.")).to_be_visible()
    expect(page.get_by_role("heading", name="New postings (1)")).to_be_visible()
    expect(page.get_by_text("No edits wait for review.")).to_be_visible()
    shoot(page, "3-rejected")
    bad.refresh_from_db()
    assert (bad.status, bad.rejection_reason) == (Job.Status.REJECTED, REASON)
    assert not JobEdit.objects.exists()
    assert [m.to for m in mail.outbox] == [["owner@shady.example"]] * 2
    assert all(REASON in m.body for m in mail.outbox), mail.outbox[0].body

    page.get_by_label("Data engineer at Acme").check()
    page.get_by_role("button", name="Approve").click()
    expect(message(page, "1 item approved; the employers have been emailed.")).to_be_visible()
    expect(page.get_by_text("Nothing waits for review.")).to_be_visible()
    shoot(page, "4-approved")
    good.refresh_from_db()
    assert good.status == Job.Status.PUBLISHED

    stranger = visitor(page.viewport_name)
    stranger.goto("/jobs/?q=engineer")
    expect(stranger.get_by_role("heading", name=re.compile("2 jobs"))).to_be_visible()
    expect(stranger.get_by_role("link", name="Data engineer")).to_be_visible()
    expect(stranger.get_by_role("link", name="Support engineer", exact=True)).to_be_visible()

    employer = visitor(page.viewport_name)
    sign_in(employer, owner)
    employer.goto(f"/jobs/dashboard/companies/{shady.slug}/")
    expect(employer.get_by_text(f"Rejected: {REASON}")).to_be_visible()
    shoot(employer, "5-employer-sees-the-reason")


def test_staff_read_what_an_edit_of_a_live_job_changes_before_deciding(
    page, shoot, sign_in, visitor
):
    python, rust = SkillFactory(name="Python"), SkillFactory(name="Rust")
    company = CompanyFactory(name="Blue Owl")
    owner = EmployerFactory()
    CompanyMembership.objects.create(company=company, user=owner)
    live = PublishedJobFactory(
        title="Platform engineer",
        company=company,
        description="Run our platform.\nKeep it fast.\n\n## Pay\nFair.",
        salary_min=115000,
        salary_max=130000,
        salary_currency="USD",
        salary_period="year",
        places=["Berlin, Germany"],
        skills=[python],
    )
    changes = {
        **services.job_latest_posting(job=live).stored(),
        "places": ["Munich, Germany"],
        "required": [python.pk, rust.pk],
    }
    changes["fields"] = {
        **changes["fields"],
        "salary_min": 120000,
        "description": "Run our platform.\nKeep it <b>very</b> fast.\n\n## Pay\nFair.",
    }
    JobEdit.objects.create(job=live, changes=changes, submitted_by=owner)
    PendingJobFactory(title="Data engineer", company=company, skills=[python])
    sign_in(page, AdminFactory())
    page.goto("/jobs/moderation/")
    diff = page.get_by_role("table", name="Changes of Platform engineer")
    expect(diff.get_by_role("row", name=re.compile("^Lowest salary"))).to_contain_text("115,000")
    expect(diff.get_by_role("row", name=re.compile("^Lowest salary"))).to_contain_text("120,000")
    expect(diff.get_by_role("row", name=re.compile("^Required skills"))).to_contain_text(
        "Added: Rust."
    )
    expect(diff.locator("ins", has_text="<b>very</b>")).to_be_visible()
    page.get_by_text("Every field (first submission)").click()
    expect(page.get_by_role("table", name="Data engineer")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    shoot(page, "1-diff")
