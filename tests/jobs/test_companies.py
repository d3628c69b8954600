"""Companies reach the public through review: new companies, new names and new websites wait
for a moderator; creating companies is rate-limited; the verified badge goes with a new identity."""

import json
import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from rest_framework.test import APIClient

from jobs.forms import CompanyForm, JobForm, RejectForm, ReportForm
from jobs.models import Company, CompanyEdit, CompanyMembership, Job
from tests.factories import (
    AdminFactory,
    CompanyFactory,
    EmployerFactory,
    PendingJobFactory,
    PublishedJobFactory,
    SeekerFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def new_company():
    return CompanyFactory(name="Fresh Start", unapproved=True)


@pytest.fixture
def member(new_company):
    user = EmployerFactory()
    CompanyMembership.objects.create(company=new_company, user=user, role="owner")
    return user


def approval(job):
    """A moderator's approval of the job in the revision the queue showed."""
    return {"decision": "approve", "job": [job.pk], f"job-revision-{job.pk}": job.revision}


def company_page(client, company):
    return client.get(reverse("jobs:company_detail", args=[company.slug]))


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 404),
        ("seeker", 404),
        ("another_seeker", 404),
        ("member", 200),
        ("other_company_member", 404),
        ("admin", 200),
    ],
)
def test_a_new_company_is_seen_by_its_members_and_staff_only(
    client, new_company, member, who, status
):
    users = {
        "seeker": SeekerFactory,
        "another_seeker": SeekerFactory,
        "member": lambda: member,
        "admin": AdminFactory,
    }
    if who == "other_company_member":
        other = EmployerFactory()
        CompanyMembership.objects.create(company=CompanyFactory(), user=other, role="owner")
        client.force_login(other)
    elif who != "anonymous":
        client.force_login(users[who]())
    response = company_page(client, new_company)
    assert response.status_code == status
    if status == 200:
        assert "Not public yet" in response.content.decode()


def test_a_new_company_is_absent_from_the_api_and_the_sitemap(client, new_company):
    approved = CompanyFactory(name="Old Hand")
    # Even a job made public some other way does not list its unapproved company.
    PublishedJobFactory(company=new_company)
    PublishedJobFactory(company=approved)
    api = APIClient()
    names = [c["name"] for c in api.get(reverse("api:company_list")).json()["results"]]
    assert names == ["Old Hand"]
    assert api.get(reverse("api:company_detail", args=[new_company.slug])).status_code == 404
    assert api.get(reverse("api:company_detail", args=[approved.slug])).status_code == 200
    sitemap = client.get("/sitemap-companies.xml").content.decode()
    assert approved.slug in sitemap and new_company.slug not in sitemap


def test_job_posting_data_names_no_unapproved_company(client, new_company):
    job = PublishedJobFactory(company=new_company)
    admin = AdminFactory()
    client.force_login(admin)
    page = client.get(job.get_absolute_url()).content.decode()
    assert "application/ld+json" not in page


def test_a_company_created_on_the_site_waits_for_approval_of_its_first_job(
    client, django_capture_on_commit_callbacks
):
    seeker = SeekerFactory()
    client.force_login(seeker)
    response = client.post(
        reverse("jobs:company_create"), {"name": "Blue Owl", "website": "https://owl.example"}
    )
    company = Company.objects.get(name="Blue Owl")
    assert not company.is_public
    assert company_page(APIClient(), company).status_code == 404
    assert "once a moderator has approved" in client.get(response.url).content.decode()

    job = PendingJobFactory(company=company)
    client.force_login(AdminFactory())
    queue = client.get(reverse("jobs:moderation_queue")).content.decode()
    assert "New company, not public yet" in queue
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("jobs:moderation_decide"), approval(job))
    company.refresh_from_db()
    job.refresh_from_db()
    assert company.is_public and job.status == Job.Status.PUBLISHED
    client.logout()
    assert company_page(client, company).status_code == 200


def test_staff_approve_a_new_company_from_the_queue(client, new_company):
    client.force_login(AdminFactory())
    queue = client.get(reverse("jobs:moderation_queue")).content.decode()
    assert f'name="company" value="{new_company.pk}"' in queue
    client.post(
        reverse("jobs:moderation_decide"), {"decision": "reject", "company": [new_company.pk]}
    )
    new_company.refresh_from_db()
    assert not new_company.is_public
    client.post(
        reverse("jobs:moderation_decide"), {"decision": "approve", "company": [new_company.pk]}
    )
    new_company.refresh_from_db()
    assert new_company.is_public


def test_staff_approve_and_verify_companies_in_the_admin(client, new_company):
    client.force_login(AdminFactory())
    url = reverse("admin:jobs_company_changelist")
    client.post(url, {"action": "verify", "_selected_action": [new_company.pk]})
    new_company.refresh_from_db()
    assert new_company.is_public and new_company.is_verified
    client.post(url, {"action": "unverify", "_selected_action": [new_company.pk]})
    new_company.refresh_from_db()
    assert new_company.is_public and not new_company.is_verified
    history = list(new_company.moderation_events.values_list("to_status", flat=True))
    assert history == ["unverified", "verified", "approved"]


def test_before_approval_a_new_name_applies_at_once(client, new_company, member):
    client.force_login(member)
    client.post(
        reverse("jobs:company_edit", args=[new_company.slug]),
        {"name": "Fresher Start", "website": "https://fresher.example"},
    )
    new_company.refresh_from_db()
    assert (new_company.name, new_company.website) == ("Fresher Start", "https://fresher.example")
    assert not CompanyEdit.objects.exists()


@pytest.fixture
def verified():
    company = CompanyFactory(name="Acme", website="https://acme.example", is_verified=True)
    owner = EmployerFactory()
    CompanyMembership.objects.create(company=company, user=owner, role="owner")
    PublishedJobFactory(company=company, title="Go developer")
    return company, owner


def test_a_renamed_verified_company_loses_its_badge_and_keeps_its_name_until_approved(
    client, verified, django_capture_on_commit_callbacks
):
    company, owner = verified
    client.force_login(owner)
    response = client.post(
        reverse("jobs:company_edit", args=[company.slug]),
        {"name": "Zebracorp", "website": "https://acme.example", "about": "We build things."},
        follow=True,
    )
    assert "once a moderator has approved it" in response.content.decode()
    company.refresh_from_db()
    assert company.name == "Acme" and not company.is_verified
    assert company.about == "We build things."  # the rest applies at once
    # The form shows what waits for review.
    form = client.get(reverse("jobs:company_edit", args=[company.slug])).content.decode()
    assert 'value="Zebracorp"' in form

    client.logout()
    page = company_page(client, company).content.decode()
    assert "<h1>Acme</h1>" in page and "Zebracorp" not in page and "Verified" not in page
    search = client.get(reverse("jobs:job_list"), {"q": "Zebracorp"}).content.decode()
    assert "Go developer" not in search

    client.force_login(AdminFactory())
    edit = CompanyEdit.objects.get()
    assert "Zebracorp" in client.get(reverse("jobs:moderation_queue")).content.decode()
    client.post(reverse("jobs:moderation_decide"), {"decision": "approve", "company_edit": edit.pk})
    client.logout()
    company.refresh_from_db()
    assert company.name == "Zebracorp" and not CompanyEdit.objects.exists()
    # Each step is on record, newest first, with who took it.
    history = list(company.moderation_events.values_list("from_status", "to_status", "actor"))
    assert history[0][:2] == ("change pending", "change approved") and history[0][2] != owner.pk
    assert history[1:] == [("verified", "unverified", owner.pk), ("", "change pending", owner.pk)]
    assert "<h1>Zebracorp</h1>" in company_page(client, company).content.decode()
    cache.clear()  # search counts are cached for minutes; the first search counted none
    search = client.get(reverse("jobs:job_list"), {"q": "Zebracorp"}).content.decode()
    assert "Go developer" in search


def test_a_new_website_is_rejected_with_a_reason_the_members_read(
    client, verified, django_capture_on_commit_callbacks
):
    company, owner = verified
    client.force_login(owner)
    client.post(
        reverse("jobs:company_edit", args=[company.slug]),
        {"name": "Acme", "website": "https://acme-payments.example"},
    )
    company.refresh_from_db()
    assert company.website == "https://acme.example" and not company.is_verified
    job = company.jobs.get()
    client.logout()
    ld = re.search(
        r'<script type="application/ld\+json">(.*?)</script>',
        client.get(job.get_absolute_url()).content.decode(),
        re.S,
    ).group(1)
    assert json.loads(ld)["hiringOrganization"]["sameAs"] == "https://acme.example"

    client.force_login(AdminFactory())
    edit = CompanyEdit.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("jobs:moderation_decide"),
            {"decision": "reject", "company_edit": edit.pk, "reason": "Not your domain."},
        )
    company.refresh_from_db()
    assert company.website == "https://acme.example" and not CompanyEdit.objects.exists()
    assert mail.outbox[-1].to == [owner.email]
    assert "Not your domain." in mail.outbox[-1].body
    assert "https://acme-payments.example" in mail.outbox[-1].body


def test_approving_a_job_also_approves_a_pending_change_shown_beside_it(client, verified):
    company, owner = verified
    client.force_login(owner)
    client.post(reverse("jobs:company_edit", args=[company.slug]), {"name": "Zebracorp"})
    job = PendingJobFactory(company=company)
    client.force_login(AdminFactory())
    queue = client.get(reverse("jobs:moderation_queue")).content.decode()
    assert "also renames the company to “Zebracorp”" in queue
    client.post(reverse("jobs:moderation_decide"), approval(job))
    company.refresh_from_db()
    assert company.name == "Zebracorp"


def test_saving_the_same_identity_again_changes_nothing(client, verified):
    company, owner = verified
    client.force_login(owner)
    client.post(
        reverse("jobs:company_edit", args=[company.slug]),
        {"name": "Acme", "website": "https://acme.example", "size": "11-50"},
    )
    company.refresh_from_db()
    assert company.is_verified and company.size == "11-50"
    assert not CompanyEdit.objects.exists()


def test_company_creation_is_rate_limited_without_losing_the_form(client, settings):
    settings.COMPANY_CREATIONS_PER_DAY = 2
    client.force_login(SeekerFactory())
    url = reverse("jobs:company_create")
    # A form with mistakes costs nothing.
    assert client.post(url, {"name": ""}).status_code == 200
    assert client.post(url, {"name": "One"}).status_code == 302
    assert client.post(url, {"name": "Two"}).status_code == 302
    response = client.post(url, {"name": "Three", "website": "https://three.example"})
    assert response.status_code == 429
    page = response.content.decode()
    assert "the most we allow" in page and 'value="Three"' in page
    assert sorted(Company.objects.values_list("name", flat=True)) == ["One", "Two"]


@pytest.mark.parametrize(
    "form, name",
    [
        (lambda: CompanyForm(), "about"),
        (lambda: JobForm(), "description"),
        (lambda: JobForm(), "places"),
        (lambda: ReportForm(), "details"),
        (lambda: RejectForm(), "reason"),
    ],
)
def test_every_text_of_several_lines_reads_browser_line_breaks_as_newlines(form, name):
    field = form().fields[name]
    assert field.clean("About us\r\n\r\n- People\r- Pay") == "About us\n\n- People\n- Pay"
