"""The admin: every model's pages load, and bulk moderation goes through the services."""

from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.admin.sites import site
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from jobs.models import Job, JobReport
from tests.factories import (
    AdminFactory,
    CompanyFactory,
    EmployerFactory,
    PendingJobFactory,
    SkillFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(AdminFactory())
    return client


@pytest.mark.parametrize(
    "model",
    [m for m in apps.get_models() if m in site._registry],
    ids=lambda m: m._meta.label,
)
def test_every_admin_list_and_add_page_loads(admin_client, model, rf):
    info = model._meta.app_label, model._meta.model_name
    assert admin_client.get(reverse("admin:{}_{}_changelist".format(*info))).status_code == 200
    request = rf.get("/")
    request.user = AdminFactory.build(is_superuser=True)
    can_add = site._registry[model].has_add_permission(request)
    add_page = admin_client.get(reverse("admin:{}_{}_add".format(*info)))
    assert add_page.status_code == (200 if can_add else 403)


def test_bulk_reject_asks_for_a_reason_then_emails_it(
    admin_client, django_capture_on_commit_callbacks
):
    company = CompanyFactory()
    company.members.add(EmployerFactory(email="hr@x.example"))
    jobs = [PendingJobFactory(company=company) for _ in range(2)]
    url = reverse("admin:jobs_job_changelist")
    data = {
        "action": "reject",
        "_selected_action": [j.pk for j in jobs],
        **{f"seen-revision-{j.pk}": j.revision for j in jobs},
    }
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "Why are these jobs rejected?" in response.content.decode()
    assert Job.objects.filter(status=Job.Status.PENDING).count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(url, {**data, "reason": "Duplicate posting."})
    assert Job.objects.filter(status=Job.Status.REJECTED).count() == 2
    assert all("Duplicate posting." in m.body for m in mail.outbox)


def test_bulk_publish_approves_pending_and_reports_illegal_moves(admin_client):
    pending = PendingJobFactory()
    rejected = PendingJobFactory(status=Job.Status.REJECTED)
    response = admin_client.post(
        reverse("admin:jobs_job_changelist"),
        {
            "action": "publish",
            "_selected_action": [pending.pk, rejected.pk],
            f"seen-revision-{pending.pk}": pending.revision,
        },
        follow=True,
    )
    assert Job.objects.published().get() == pending
    assert "cannot become published" in response.content.decode()


def test_bulk_verify_verifies_and_approves_each_company_and_counts_them_in_words(admin_client):
    companies = [CompanyFactory(), CompanyFactory()]
    url = reverse("admin:jobs_company_changelist")
    data = {"action": "verify", "_selected_action": [c.pk for c in companies]}
    response = admin_client.post(url, data, follow=True)
    assert "2 companies verified." in response.content.decode()
    for company in companies:
        company.refresh_from_db()
        assert company.is_verified and company.approved_at is not None
        assert company.moderation_events.filter(to_status="verified").count() == 1
    response = admin_client.post(
        url, {"action": "unverify", "_selected_action": [companies[0].pk]}, follow=True
    )
    assert "1 company " in response.content.decode()
    assert "(ies)" not in response.content.decode()


def test_a_single_bulk_decision_is_counted_in_the_singular(admin_client):
    pending = PendingJobFactory()
    response = admin_client.post(
        reverse("admin:jobs_job_changelist"),
        {
            "action": "publish",
            "_selected_action": [pending.pk],
            f"seen-revision-{pending.pk}": pending.revision,
        },
        follow=True,
    )
    assert "1 job published." in response.content.decode()


def test_alert_deliveries_are_named_in_plain_english(admin_client):
    page = admin_client.get(reverse("admin:index")).content.decode()
    assert "Alert deliveries" in page and "deliverys" not in page


def test_the_review_queue_never_says_sent_ago_without_a_time(admin_client):
    dated = PendingJobFactory(title="Dated role", submitted_at=timezone.now() - timedelta(days=2))
    PendingJobFactory(title="Undated role", submitted_at=None)
    page = admin_client.get(reverse("jobs:moderation_queue")).content.decode()
    assert f"revision {dated.revision}, sent 2\xa0days ago" in page
    assert "Undated role" in page and "sent  ago" not in page
    assert "sent ago" not in page


def test_handled_reports_and_hidden_records_are_counted_in_plain_english(admin_client):
    report = JobReport.objects.create(job=PendingJobFactory(), reason="fraud")
    response = admin_client.post(
        reverse("admin:jobs_jobreport_changelist"),
        {"action": "resolve", "_selected_action": [report.pk]},
        follow=True,
    )
    assert "1 report handled." in response.content.decode()
    skill = SkillFactory()
    url = reverse("admin:careerboard_skill_changelist")
    response = admin_client.post(
        url, {"action": "hide", "_selected_action": [skill.pk]}, follow=True
    )
    assert "Hid 1 record." in response.content.decode()
    response = admin_client.post(
        url, {"action": "unhide", "_selected_action": [skill.pk]}, follow=True
    )
    assert "Showed 1 record." in response.content.decode()
