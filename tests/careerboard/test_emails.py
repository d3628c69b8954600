"""Every email the site sends, triggered as a person would: its exact text, and its links.

Emails are plain text: a job titled `R&D <Platform> "Core" & 'Ops'` must arrive as typed, never
as HTML entities, and every link must open the page it names, with its filters.
"""

import re
import smtplib
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from jobs.models import Application, CompanyEdit, CompanyMembership, Job, JobEdit
from tests.factories import (
    AdminFactory,
    CompanyFactory,
    EmployerFactory,
    PendingJobFactory,
    PublishedJobFactory,
    SeekerFactory,
    SkillFactory,
)

pytestmark = pytest.mark.django_db

SITE = "https://jobs.example.org"
TITLE = "R&D <Platform> \"Core\" & 'Ops'"
REASON = "It doesn't say where the job is & what it pays <exactly>."
URL = re.compile(r"https?://\S+")


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def company():
    return CompanyFactory(name="Smith & Jones <Labs>", slug="smith-jones")


@pytest.fixture
def member(company):
    user = EmployerFactory(username="boss", email="boss@smith.example")
    CompanyMembership.objects.create(company=company, user=user)
    return user


@pytest.fixture
def staff():
    return AdminFactory()


def only_email():
    assert len(mail.outbox) == 1
    return mail.outbox[0]


def links(message) -> list[str]:
    found = URL.findall(message.body)
    assert found and all(url.startswith(f"{SITE}/") for url in found)
    return found


def open_link(client, url, follow=True):
    """Open an emailed link on this site, path and query as written in the email."""
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return client.get(path, follow=follow)


def assert_links_open(client, message):
    for url in links(message):
        response = open_link(client, url)
        assert response.status_code == 200, url
        assert response.redirect_chain == [], url


def moderate(client, staff, **data):
    """Post the review queue's form as a moderator who read the current revisions."""
    client.force_login(staff)
    for pk in data.get("job", []):
        data[f"job-revision-{pk}"] = Job.objects.get(pk=pk).revision
    for pk in data.get("edit", []):
        data[f"edit-revision-{pk}"] = JobEdit.objects.get(pk=pk).revision
    return client.post(reverse("jobs:moderation_decide"), data)


# Moderation ---------------------------------------------------------------------------------


def test_approval_email_shows_the_title_as_typed_and_links_to_the_job_and_dashboard(
    client, company, member, staff, django_capture_on_commit_callbacks
):
    job = PendingJobFactory(company=company, title=TITLE)
    with django_capture_on_commit_callbacks(execute=True):
        moderate(client, staff, job=[job.pk], decision="approve")
    job.refresh_from_db()
    message = only_email()
    assert message.to == ["boss@smith.example"]
    assert message.subject == f"Your job “{TITLE}” is live on CareerBoard"
    assert message.body == (
        f"Good news: a moderator approved “{TITLE}” for Smith & Jones <Labs>. "
        "It is now on the board:\n"
        "\n"
        f"{SITE}{job.get_absolute_url()}\n"
        "\n"
        f"It stays up until {job.expires_at:%-d %B %Y}. "
        "You can close, renew or edit it from your dashboard:\n"
        f"{SITE}/jobs/dashboard/companies/smith-jones/\n"
        "\n"
        "— CareerBoard\n"
    )
    client.force_login(member)
    assert_links_open(client, message)


def test_rejection_email_quotes_the_reason_as_typed(
    client, company, member, staff, django_capture_on_commit_callbacks
):
    job = PendingJobFactory(company=company, title=TITLE)
    with django_capture_on_commit_callbacks(execute=True):
        moderate(client, staff, job=[job.pk], decision="reject", reason=REASON)
    message = only_email()
    assert message.subject == f"Your job “{TITLE}” needs changes before it can go live"
    assert message.body == (
        f"A moderator could not approve “{TITLE}” for Smith & Jones <Labs>. Their reason:\n"
        "\n"
        f"{REASON}\n"
        "\n"
        "Edit the job and send it again from your dashboard:\n"
        f"{SITE}/jobs/dashboard/jobs/{job.pk}/edit/\n"
        "\n"
        "— CareerBoard\n"
    )
    client.force_login(member)
    assert_links_open(client, message)


def edited_live_job(client, company, member) -> JobEdit:
    """A live job whose member sends a new title, which waits for review."""
    python = SkillFactory(name="Python")
    job = PublishedJobFactory(company=company, title="Platform engineer", places=["Berlin, DE"])
    client.force_login(member)
    client.post(
        reverse("jobs:job_edit", args=[job.pk]),
        {
            "title": TITLE,
            "description": "Build the platform.",
            "workplace": "hybrid",
            "employment_type": "full_time",
            "seniority": "mid",
            "apply_url": "https://smith.example/jobs/1",
            "places": "Berlin, Germany",
            "required_skills": [str(python.pk)],
            "action": "submit",
        },
    )
    return JobEdit.objects.get(job=job)


def test_approved_edit_email_names_the_new_title_and_links_to_the_job(
    client, company, member, staff, django_capture_on_commit_callbacks
):
    edit = edited_live_job(client, company, member)
    with django_capture_on_commit_callbacks(execute=True):
        moderate(client, staff, edit=[edit.pk], decision="approve")
    job = Job.objects.get(pk=edit.job_id)
    message = only_email()
    assert message.subject == f"Your changes to “{TITLE}” are live"
    assert message.body == (
        f"A moderator approved your changes to “{TITLE}”. The listing now shows them:\n"
        "\n"
        f"{SITE}{job.get_absolute_url()}\n"
        "\n"
        "— CareerBoard\n"
    )
    client.logout()
    assert_links_open(client, message)


def test_rejected_edit_email_quotes_the_reason_and_links_to_the_edit_page(
    client, company, member, staff, django_capture_on_commit_callbacks
):
    edit = edited_live_job(client, company, member)
    with django_capture_on_commit_callbacks(execute=True):
        moderate(client, staff, edit=[edit.pk], decision="reject", reason=REASON)
    message = only_email()
    assert message.subject == "Your changes to “Platform engineer” were not approved"
    assert message.body == (
        "A moderator did not approve your latest changes to “Platform engineer”. "
        "The listing stays as it was. Their reason:\n"
        "\n"
        f"{REASON}\n"
        "\n"
        "You can edit the job again from your dashboard:\n"
        f"{SITE}/jobs/dashboard/jobs/{edit.job_id}/edit/\n"
        "\n"
        "— CareerBoard\n"
    )
    client.force_login(member)
    assert_links_open(client, message)


# Expiry and invitations ---------------------------------------------------------------------


def test_expiry_warning_shows_the_title_as_typed_and_links_to_the_dashboard(
    client, company, member, django_capture_on_commit_callbacks
):
    now = timezone.now()
    job = PublishedJobFactory(
        company=company,
        title=TITLE,
        published_at=now - timedelta(days=28),
        expires_at=now + timedelta(days=2),
    )
    with django_capture_on_commit_callbacks(execute=True):
        call_command("expire_jobs", verbosity=0)
    message = only_email()
    assert message.subject == f"“{TITLE}” closes on {job.expires_at:%-d %B}"
    assert message.body == (
        f"Your listing “{TITLE}” for Smith & Jones <Labs> leaves the board on "
        f"{job.expires_at:%-d %B %Y}.\n"
        "\n"
        "Still hiring? Renew it with one click on your dashboard:\n"
        f"{SITE}/jobs/dashboard/companies/smith-jones/\n"
        "\n"
        "If the role is filled, you can close it there too.\n"
        "\n"
        "— CareerBoard\n"
    )
    client.force_login(member)
    assert_links_open(client, message)


def test_invitation_email_names_the_inviter_and_company_as_typed(
    client, company, member, django_capture_on_commit_callbacks
):
    member.first_name, member.last_name = "Zoë", "O'Brien"
    member.save()
    CompanyMembership.objects.filter(user=member).update(role=CompanyMembership.Role.OWNER)
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("jobs:company_invite", args=[company.slug]), {"email": "new@x.example"})
    token = company.invitations.get().token
    message = only_email()
    assert message.to == ["new@x.example"]
    assert (
        message.subject == "Zoë O'Brien invites you to hire for Smith & Jones <Labs> on CareerBoard"
    )
    assert message.body == (
        "Zoë O'Brien invites you to post and manage Smith & Jones <Labs>'s jobs on CareerBoard.\n"
        "\n"
        "Accept the invitation within 14 days, logged in to an account that uses this address "
        "(new@x.example) and has confirmed it:\n"
        f"{SITE}/jobs/invitations/{token}/\n"
        "\n"
        "If you did not expect this, ignore this email.\n"
        "\n"
        "— CareerBoard\n"
    )
    client.force_login(SeekerFactory(email="new@x.example"))
    assert_links_open(client, message)


def test_rejected_company_change_email_quotes_the_change_and_reason_as_typed(
    client, company, member, staff, django_capture_on_commit_callbacks
):
    client.force_login(member)
    client.post(
        reverse("jobs:company_edit", args=[company.slug]),
        {"name": "Smith & Sons <Labs>", "website": "https://sons.example/?a=1&b=2"},
    )
    with django_capture_on_commit_callbacks(execute=True):
        moderate(
            client,
            staff,
            company_edit=CompanyEdit.objects.get().pk,
            decision="reject",
            reason=REASON,
        )
    message = only_email()
    assert message.to == ["boss@smith.example"]
    assert message.subject == "The new name or website of Smith & Jones <Labs> was not approved"
    assert message.body == (
        "Our moderators did not approve the change of Smith & Jones <Labs> to:\n"
        "\n"
        "Name: Smith & Sons <Labs>\n"
        "Website: https://sons.example/?a=1&b=2\n"
        "\n"
        f"Why: {REASON}\n"
        "\n"
        "Smith & Jones <Labs> keeps its current name and website. "
        "You can submit another change from your dashboard:\n"
        f"{SITE}/jobs/dashboard/companies/smith-jones/edit/\n"
        "\n"
        "— CareerBoard\n"
    )
    client.force_login(member)
    # The rejected website is quoted, not linked to; the dashboard link opens the form.
    response = open_link(client, f"{SITE}/jobs/dashboard/companies/smith-jones/edit/")
    assert response.status_code == 200 and response.redirect_chain == []


# Seekers ------------------------------------------------------------------------------------


def test_application_status_email_shows_the_title_as_typed(
    client, company, member, django_capture_on_commit_callbacks
):
    seeker = SeekerFactory(email="ada@example.com")
    job = PublishedJobFactory(company=company, title=TITLE, apply_on_site=True)
    application = Application.objects.create(job=job, applicant=seeker, resume="resumes/cv.pdf")
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("profiles:application_status", args=[application.pk]),
            {"status": "interviewing"},
        )
    message = only_email()
    assert message.to == ["ada@example.com"]
    assert message.subject == f"Your application for “{TITLE}”: interviewing"
    assert message.body == (
        f"Smith & Jones <Labs> updated your application for “{TITLE}”. "
        "Its status is now: Interviewing.\n"
        "\n"
        f"See all your applications: {SITE}/me/applications/\n"
        "\n"
        "— CareerBoard\n"
    )
    client.force_login(seeker)
    assert_links_open(client, message)


def test_job_alert_email_links_to_its_search_with_every_filter(
    client, company, django_capture_on_commit_callbacks
):
    seeker = SeekerFactory(email="ada@example.com")
    client.force_login(seeker)
    client.post(
        reverse("profiles:alerts"),
        {"query": "q=core&workplace=remote&page=2", "frequency": "daily"},
    )
    now = timezone.now()
    remote = PublishedJobFactory(
        company=company, title=TITLE, workplace=Job.Workplace.REMOTE, published_at=now
    )
    PublishedJobFactory(
        company=company, title="Core on site", workplace=Job.Workplace.ONSITE, published_at=now
    )
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_job_alerts", verbosity=0)
    message = only_email()
    search, job_link, unsubscribe = (
        f"{SITE}/jobs/?q=core&workplace=remote",
        f"{SITE}{remote.get_absolute_url()}",
        message.extra_headers["List-Unsubscribe"].strip("<>"),
    )
    assert message.subject == "1 new job for “Core, remote” on CareerBoard"
    assert message.body == (
        "New jobs for your daily alert “Core, remote”:\n"
        "\n"
        f"- {TITLE} at Smith & Jones <Labs>\n"
        f"  {job_link}\n"
        "\n"
        f"See the whole search: {search}\n"
        "\n"
        f"Stop these emails with one click: {unsubscribe}\n"
        "\n"
        "— CareerBoard\n"
    )
    assert links(message) == [job_link, search, unsubscribe]

    page = open_link(client, search)
    assert page.status_code == 200
    applied = page.context["filterset"].cleaned_data()
    assert applied["q"] == "core" and applied["workplace"] == ["remote"]
    assert [job.title for job in page.context["jobs"]] == [TITLE]
    assert open_link(client, job_link).status_code == 200
    client.logout()
    assert "Stop this job alert?" in open_link(client, unsubscribe).content.decode()


# Accounts -----------------------------------------------------------------------------------


def test_password_reset_email_names_the_site_and_its_link_opens_the_reset_form(
    client, django_capture_on_commit_callbacks
):
    SeekerFactory(username="o'neil&co", email="oneil@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": "oneil@example.com"})
    message = only_email()
    (link,) = links(message)
    assert message.subject == "Reset your CareerBoard password"
    assert message.body == (
        "Someone asked to reset the password of the CareerBoard account “o'neil&co”.\n"
        "\n"
        "Choose a new password here:\n"
        f"{link}\n"
        "\n"
        "If it was not you, ignore this email: your password stays as it is.\n"
        "\n"
        "— CareerBoard\n"
    )
    assert link.startswith(f"{SITE}/accounts/reset/")
    # Django swaps the token for a session key and shows the form on the address it redirects to.
    response = open_link(client, link)
    assert response.status_code == 200
    assert response.context["validlink"] is True


def test_password_reset_page_looks_the_same_when_the_email_cannot_be_sent(client, monkeypatch):
    SeekerFactory(email="oneil@example.com")

    def refuse(message, fail_silently=False):
        raise smtplib.SMTPException("Relay refused")

    monkeypatch.setattr(EmailMessage, "send", refuse)
    response = client.post(reverse("password_reset"), {"email": "oneil@example.com"})
    assert response.status_code == 302 and response.url == reverse("password_reset_done")


def test_confirmation_email_names_the_account_and_its_link_confirms_the_address(
    client, django_capture_on_commit_callbacks
):
    user = SeekerFactory(username="o'neil&co", email="oneil@example.com", unverified=True)
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("email_verification_resend"))
    message = only_email()
    (link,) = links(message)
    assert message.to == ["oneil@example.com"]
    assert message.subject == "Confirm your email address on CareerBoard"
    assert message.body == (
        "Hello o'neil&co,\n"
        "\n"
        "Please confirm that oneil@example.com is your email address on CareerBoard. "
        "Until you do, you cannot post jobs, join a company or save job alerts.\n"
        "\n"
        "Confirm it within 3 days at:\n"
        f"{link}\n"
        "\n"
        "If you did not create an account on CareerBoard, ignore this email.\n"
        "\n"
        "— CareerBoard\n"
    )
    assert link.startswith(f"{SITE}/accounts/confirm-email/")
    assert_links_open(client, message)
    client.post(urlsplit(link).path)
    user.refresh_from_db()
    assert user.has_verified_email


def test_sign_up_succeeds_when_the_confirmation_email_cannot_be_sent(
    client, monkeypatch, django_capture_on_commit_callbacks
):
    def refuse(message, fail_silently=False):
        raise smtplib.SMTPException("Relay refused")

    monkeypatch.setattr(EmailMessage, "send", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("signup"),
            {
                "username": "grace",
                "email": "grace@example.com",
                "password1": "a-long-passphrase-1",
                "password2": "a-long-passphrase-1",
                "purpose": "seek",
            },
        )
    assert response.status_code == 302
    page = client.get(reverse("account")).content.decode()
    assert "Send the link again" in page
