"""The review queue's buttons, pressed by staff in Chromium: approve, and reject with a reason."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from jobs.models import CompanyMembership, Job, JobEdit
from tests.e2e.conftest import message
from tests.factories import (
    AdminFactory,
    CompanyFactory,
    EmployerFactory,
    PendingJobFactory,
    PublishedJobFactory,
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
