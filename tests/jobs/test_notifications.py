"""The e-mails that bring people work: the applicant's confirmation, each new application or a
daily digest for the company's members (each member's choice), and moderators' jobs to review."""

from datetime import timedelta

import psycopg
import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from jobs import services
from jobs.models import Application, CompanyMembership
from jobs.tasks import send_application_digests
from tests.factories import (
    AdminFactory,
    CompanyFactory,
    EmployerFactory,
    JobFactory,
    PublishedJobFactory,
    SeekerFactory,
)

pytestmark = pytest.mark.django_db

SITE = "https://jobs.example.org"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
DAILY = CompanyMembership.ApplicationEmails.DAILY


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def company():
    return CompanyFactory(name="R&D Labs", slug="rd-labs")


@pytest.fixture
def members(company):
    """Two members of the company: `each` (the default) and `daily` (a digest)."""
    each = EmployerFactory(email="each@rd.example")
    daily = EmployerFactory(email="daily@rd.example")
    CompanyMembership.objects.create(company=company, user=each, role="owner")
    CompanyMembership.objects.create(company=company, user=daily, application_emails=DAILY)
    return {"each": each, "daily": daily}


@pytest.fixture
def job(company):
    return PublishedJobFactory(company=company, title="Go & Rust developer", apply_on_site=True)


def apply(client, job, seeker, capture):
    client.force_login(seeker)
    with capture(execute=True):
        response = client.post(
            reverse("profiles:apply", args=[job.pk]),
            {"note": "Hello", "resume": SimpleUploadedFile("cv.pdf", PDF)},
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    return Application.objects.get(job=job, applicant=seeker)


def emails_to(address):
    return [m for m in mail.outbox if address in m.to]


def test_applying_confirms_to_the_applicant_and_tells_members_who_want_each_application(
    client, job, members, django_capture_on_commit_callbacks
):
    seeker = SeekerFactory(email="ada@example.com")
    application = apply(client, job, seeker, django_capture_on_commit_callbacks)

    (confirmation,) = emails_to("ada@example.com")
    assert confirmation.subject == "You applied to “Go & Rust developer” at R&D Labs"
    assert f"{SITE}{reverse('profiles:applications')}" in confirmation.body
    (news,) = emails_to("each@rd.example")
    assert news.subject == "New application for “Go & Rust developer”"
    assert f"{SITE}{reverse('profiles:job_applicants', args=[job.pk])}" in news.body
    assert "ada@example.com" not in news.body  # the address is on the permission-checked page
    assert emails_to("daily@rd.example") == []
    assert application.status == Application.Status.SUBMITTED


def test_the_daily_digest_lists_the_days_applications_once_and_nothing_when_nothing_is_new(
    client, company, job, members, django_capture_on_commit_callbacks
):
    CompanyMembership.objects.filter(user=members["daily"]).update(
        digest_sent_at=timezone.now() - timedelta(days=1, minutes=1)
    )
    other = PublishedJobFactory(company=company, title="SRE", apply_on_site=True)
    apply(client, job, SeekerFactory(), django_capture_on_commit_callbacks)
    apply(client, other, SeekerFactory(), django_capture_on_commit_callbacks)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        counts = services.application_digests_send()
    assert counts == {"due": 1, "sent": 1, "nothing new": 0}
    (digest,) = mail.outbox
    assert digest.to == ["daily@rd.example"]
    assert digest.subject == "2 new applications to R&D Labs"
    assert "“Go & Rust developer”" in digest.body and "“SRE”" in digest.body
    assert f"{SITE}{reverse('profiles:job_applicants', args=[other.pk])}" in digest.body

    # A second run the same day, and a run a day later with nothing new, send nothing.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.application_digests_send()["sent"] == 0
        later = timezone.now() + timedelta(days=1, minutes=1)
        assert services.application_digests_send(now=later) == {
            "due": 1,
            "sent": 0,
            "nothing new": 1,
        }
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_a_digest_another_run_is_sending_is_left_to_that_run(members, job):
    Application.objects.create(job=job, applicant=SeekerFactory())
    daily = CompanyMembership.objects.get(user=members["daily"])
    daily.digest_sent_at = None
    daily.save()
    db = connection.settings_dict
    with (
        psycopg.connect(
            dbname=db["NAME"], user=db["USER"], host=db["HOST"], port=db["PORT"] or 5432
        ) as other_run,
        other_run.transaction(),
    ):
        other_run.execute(
            "SELECT 1 FROM jobs_companymembership WHERE id = %s FOR UPDATE", [daily.pk]
        )
        assert services.application_digests_send() == {"due": 0, "sent": 0, "nothing new": 0}
    assert services.application_digests_send() == {"due": 1, "sent": 1, "nothing new": 0}
    assert [m.to for m in mail.outbox] == [["daily@rd.example"]]


def test_a_member_chooses_the_digest_on_the_company_page(
    client, company, members, job, django_capture_on_commit_callbacks
):
    client.force_login(members["each"])
    page = client.get(reverse("jobs:company_dashboard", args=[company.slug])).content.decode()
    assert "E-mail me about new applications" in page
    response = client.post(
        reverse("jobs:company_application_emails", args=[company.slug]),
        {"application_emails": "daily"},
        follow=True,
    )
    assert "New applications: one daily digest." in response.content.decode()
    membership = CompanyMembership.objects.get(user=members["each"])
    assert membership.application_emails == DAILY
    assert membership.digest_sent_at is not None
    apply(client, job, SeekerFactory(email="ada@example.com"), django_capture_on_commit_callbacks)
    assert emails_to("each@rd.example") == []


@pytest.mark.parametrize("value", ["", "weekly", "x" * 500])
def test_a_garbage_choice_answers_with_a_message_and_changes_nothing(
    client, company, members, value
):
    client.force_login(members["each"])
    response = client.post(
        reverse("jobs:company_application_emails", args=[company.slug]),
        {"application_emails": value},
        follow=True,
    )
    assert response.status_code == 200
    assert "Choose an e-mail for each application or a daily digest." in (response.content.decode())
    assert CompanyMembership.objects.get(user=members["each"]).application_emails == "each"


@pytest.mark.parametrize("who", ["anonymous", "seeker", "other employer", "staff"])
def test_only_members_choose_their_own_application_emails(client, company, members, who):
    url = reverse("jobs:company_application_emails", args=[company.slug])
    if who == "seeker":
        client.force_login(SeekerFactory())
    elif who == "other employer":
        other = EmployerFactory()
        CompanyMembership.objects.create(company=CompanyFactory(), user=other)
        client.force_login(other)
    elif who == "staff":
        client.force_login(AdminFactory())
    response = client.post(url, {"application_emails": "daily"})
    assert response.status_code in (302, 404)
    if who == "anonymous":
        assert response.url.startswith(reverse("login"))
    else:
        assert response.status_code == 404
    assert CompanyMembership.objects.get(user=members["each"]).application_emails == "each"
    assert client.get(url).status_code in (302, 405)


def test_moderators_hear_of_each_job_sent_for_review(
    company, members, django_capture_on_commit_callbacks
):
    moderator = AdminFactory(email="mod@careerboard.example")
    AdminFactory(email="", username="no-address")
    AdminFactory(email="gone@careerboard.example", is_active=False)
    job = JobFactory(company=company, title="Data & ML engineer")
    with django_capture_on_commit_callbacks(execute=True):
        services.job_submit(job=job, by=members["each"])
    job.refresh_from_db()
    assert job.status == job.Status.PENDING
    (news,) = mail.outbox
    assert news.to == [moderator.email]
    assert news.subject == "New job to review: Data & ML engineer at R&D Labs"
    assert f"{SITE}{reverse('jobs:moderation_queue')}" in news.body


def edit_title(job, by, title):
    posting = services.job_latest_posting(job=job)
    posting.fields["title"] = title
    services.job_update(job=job, by=by, posting=posting)


def test_moderators_hear_of_each_change_of_a_live_job_waiting_for_review(
    company, members, job, django_capture_on_commit_callbacks
):
    moderator = AdminFactory(email="mod@careerboard.example")
    AdminFactory(email="gone@careerboard.example", is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        edit_title(job, members["each"], "Go & Rust lead")
    (news,) = mail.outbox
    assert news.to == [moderator.email]
    assert news.subject == "Change of a live job to review: Go & Rust developer at R&D Labs"
    assert "changed its live job “Go & Rust developer”" in news.body
    assert f"{SITE}{reverse('jobs:moderation_queue')}" in news.body

    with django_capture_on_commit_callbacks(execute=True):
        edit_title(job, members["each"], "Go & Rust lead")
    assert len(mail.outbox) == 1, "the same change saved again is no news"
    with django_capture_on_commit_callbacks(execute=True):
        edit_title(job, members["each"], "Rust lead")
    assert len(mail.outbox) == 2


def test_a_verified_companys_change_of_a_live_job_tells_no_moderator(
    company, members, job, django_capture_on_commit_callbacks
):
    AdminFactory(email="mod@careerboard.example")
    company.is_verified = True
    company.save()
    with django_capture_on_commit_callbacks(execute=True):
        edit_title(job, members["each"], "Go & Rust lead")
    job.refresh_from_db()
    assert job.title == "Go & Rust lead"
    assert mail.outbox == []


def test_a_verified_companys_job_publishes_without_telling_moderators(
    company, members, django_capture_on_commit_callbacks
):
    AdminFactory(email="mod@careerboard.example")
    company.is_verified = True
    company.save()
    job = JobFactory(company=company)
    with django_capture_on_commit_callbacks(execute=True):
        services.job_submit(job=job, by=members["each"])
    job.refresh_from_db()
    assert job.status == job.Status.PUBLISHED
    assert mail.outbox == []


def test_the_digest_task_runs_the_service(members, job):
    Application.objects.create(job=job, applicant=SeekerFactory())
    CompanyMembership.objects.filter(user=members["daily"]).update(digest_sent_at=None)
    assert send_application_digests() == {"due": 1, "sent": 1, "nothing new": 0}
