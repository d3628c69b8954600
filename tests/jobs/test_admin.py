"""The admin: every model's pages load, and bulk moderation goes through the services."""

import pytest
from django.apps import apps
from django.contrib.admin.sites import site
from django.core import mail
from django.urls import reverse

from jobs.models import Job
from tests.factories import AdminFactory, CompanyFactory, EmployerFactory, PendingJobFactory

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
