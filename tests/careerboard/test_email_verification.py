"""Email addresses are confirmed by a link before an account posts jobs, joins a company or
saves job alerts."""

import re
import time

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from careerboard.models import User
from careerboard.services import api_token_create
from jobs.models import CompanyMembership, Job
from profiles.models import JobAlert
from tests.factories import CompanyFactory, EmployerFactory, SeekerFactory, SkillFactory

pytestmark = pytest.mark.django_db


def link_in(message) -> str:
    return re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.body).group(0)


def path_of(link: str) -> str:
    return re.sub(r"^https?://[^/]+", "", link)


def sign_up(client, django_capture_on_commit_callbacks, **overrides):
    data = {
        "username": "grace",
        "email": "Grace@Example.com",
        "password1": "a-long-passphrase-1",
        "password2": "a-long-passphrase-1",
        "purpose": "hire",
        **overrides,
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("signup"), data)
    assert response.status_code == 302
    return User.objects.get(username=data["username"])


def test_sign_up_emails_a_link_that_confirms_the_address(
    client, django_capture_on_commit_callbacks
):
    user = sign_up(client, django_capture_on_commit_callbacks)
    assert not user.has_verified_email
    assert mail.outbox[-1].to == ["grace@example.com"]
    assert "Confirm your email address" in mail.outbox[-1].subject
    link = path_of(link_in(mail.outbox[-1]))

    # Following the link (a mail scanner may too) shows a button and changes nothing.
    page = client.get(link)
    assert page.status_code == 200 and "Confirm my email address" in page.content.decode()
    user.refresh_from_db()
    assert not user.has_verified_email

    response = client.post(link, follow=True)
    assert "grace@example.com is confirmed" in response.content.decode()
    user.refresh_from_db()
    assert user.has_verified_email
    # Following it again is harmless.
    assert client.post(link).status_code == 302


def test_a_changed_or_made_up_link_confirms_nothing(client, django_capture_on_commit_callbacks):
    user = sign_up(client, django_capture_on_commit_callbacks)
    link = path_of(link_in(mail.outbox[-1]))
    forged = link.replace("confirm-email/", "confirm-email/x", 1)
    response = client.post(forged)
    assert response.status_code == 400
    assert "not valid" in response.content.decode()
    assert client.post("/accounts/confirm-email/garbage/").status_code == 400
    user.refresh_from_db()
    assert not user.has_verified_email


def test_an_old_link_has_expired(client, django_capture_on_commit_callbacks, monkeypatch):
    user = sign_up(client, django_capture_on_commit_callbacks)
    link = path_of(link_in(mail.outbox[-1]))
    four_days_later = time.time() + 4 * 24 * 3600
    monkeypatch.setattr("django.core.signing.time.time", lambda: four_days_later)
    response = client.post(link)
    assert response.status_code == 400
    assert "expired" in response.content.decode()
    user.refresh_from_db()
    assert not user.has_verified_email


def test_changing_the_address_unconfirms_it_and_old_links_stop_working(
    client, django_capture_on_commit_callbacks
):
    user = SeekerFactory(email="ada@example.com", unverified=True)
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("email_verification_resend"))
    old_link = path_of(link_in(mail.outbox[-1]))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account"),
            {"email": "ada@elsewhere.example", "first_name": "", "last_name": ""},
            follow=True,
        )
    assert "confirm your new address" in response.content.decode()
    assert mail.outbox[-1].to == ["ada@elsewhere.example"]
    new_link = path_of(link_in(mail.outbox[-1]))

    response = client.post(old_link)
    assert response.status_code == 400
    assert "no longer uses" in response.content.decode()
    user.refresh_from_db()
    assert not user.has_verified_email
    client.post(new_link)
    user.refresh_from_db()
    assert user.has_verified_email


def test_a_confirmed_account_that_changes_its_address_must_confirm_the_new_one(
    client, django_capture_on_commit_callbacks
):
    user = EmployerFactory(email="boss@acme.example")
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account"), {"email": "newhire@example.com", "is_hiring": "on"})
    user.refresh_from_db()
    assert user.email == "newhire@example.com"
    assert not user.has_verified_email
    assert mail.outbox[-1].to == ["newhire@example.com"]


def test_the_resend_button_sends_a_new_link_and_is_rate_limited(
    client, django_capture_on_commit_callbacks
):
    user = SeekerFactory(unverified=True)
    client.force_login(user)
    page = client.get(reverse("account")).content.decode()
    assert "Send the link again" in page
    statuses = []
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(6):
            statuses.append(
                client.post(
                    reverse("email_verification_resend"), {"next": reverse("profiles:alerts")}
                )
            )
    assert [r.status_code for r in statuses] == [302] * 5 + [429]
    assert statuses[0].url == reverse("profiles:alerts")
    assert len(mail.outbox) == 5
    assert all(message.to == [user.email] for message in mail.outbox)
    # Somewhere else is not a place to go back to.
    client.logout()
    client.force_login(SeekerFactory(unverified=True))
    response = client.post(reverse("email_verification_resend"), {"next": "https://evil.example/"})
    assert response.url == reverse("account")


def test_an_already_confirmed_address_gets_no_new_link(client, django_capture_on_commit_callbacks):
    client.force_login(SeekerFactory())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("email_verification_resend"), follow=True)
    assert "already confirmed" in response.content.decode()
    assert not mail.outbox


def test_resending_needs_a_login_and_a_post(client):
    url = reverse("email_verification_resend")
    assert "/accounts/login/" in client.post(url).url
    client.force_login(SeekerFactory(unverified=True))
    assert client.get(url).status_code == 405


# What needs a confirmed address -----------------------------------------------------------


@pytest.fixture
def unverified_member():
    company = CompanyFactory(name="Acme")
    user = EmployerFactory(unverified=True)
    CompanyMembership.objects.create(company=company, user=user)
    return user


def job_fields(python, action):
    return {
        "title": "Python back-end developer",
        "description": "Build APIs.",
        "workplace": "onsite",
        "employment_type": "full_time",
        "seniority": "mid",
        "apply_url": "https://acme.example/jobs/1",
        "places": "Berlin, Germany",
        "required_skills": [str(python.pk)],
        "action": action,
    }


def test_an_unconfirmed_address_cannot_send_a_job_to_review_but_keeps_what_it_typed(
    client, unverified_member
):
    python = SkillFactory(name="Python")
    client.force_login(unverified_member)
    url = reverse("jobs:job_create", args=["acme"])
    assert "Send the link again" in client.get(url).content.decode()
    response = client.post(url, job_fields(python, "submit"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Confirm your email address first" in page
    assert 'value="Python back-end developer"' in page
    assert "Send the link again" in page
    assert not Job.objects.exists()

    # A draft is kept meanwhile, and sent once the address is confirmed.
    client.post(url, job_fields(python, "draft"))
    job = Job.objects.get()
    assert job.status == Job.Status.DRAFT
    submit = reverse("jobs:job_action", args=[job.pk, "submit"])
    response = client.post(submit, follow=True)
    assert "Confirm your email address first" in response.content.decode()
    job.refresh_from_db()
    assert job.status == Job.Status.DRAFT
    unverified_member.email_verified_at = job.created_at
    unverified_member.save()
    client.post(submit)
    job.refresh_from_db()
    assert job.status == Job.Status.PENDING


def test_an_unconfirmed_address_cannot_post_through_the_api(unverified_member):
    python = SkillFactory(name="Python")
    api = APIClient()
    _token, key = api_token_create(user=unverified_member)
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = api.post(
        reverse("api:job_list"),
        {
            "company": "acme",
            "title": "Go developer",
            "description": "Build services.",
            "workplace": "onsite",
            "locations": ["Berlin, Germany"],
            "employment_type": "full_time",
            "seniority": "senior",
            "required_skills": [python.slug],
            "apply_url": "https://acme.example/apply",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "Confirm your email address" in response.json()["non_field_errors"][0]
    assert not Job.objects.exists()


def test_an_unconfirmed_address_cannot_save_an_alert_and_the_search_waits_for_it(client):
    user = SeekerFactory(unverified=True)
    client.force_login(user)
    response = client.post(
        reverse("profiles:alerts"), {"query": "q=python&workplace=remote", "frequency": "weekly"}
    )
    assert response.status_code == 403
    page = response.content.decode()
    assert "Send the link again" in page
    assert 'value="q=python&amp;workplace=remote"' in page
    assert "Your alert for “Python, remote”" in page  # named as the alerts page names it
    assert 'name="next" value="/jobs/?q=python&amp;workplace=remote"' in page
    assert not JobAlert.objects.exists()

    user.email_verified_at = user.date_joined
    user.save()
    client.post(
        reverse("profiles:alerts"), {"query": "q=python&workplace=remote", "frequency": "weekly"}
    )
    assert JobAlert.objects.get().query == "q=python&workplace=remote"


def test_demo_accounts_have_confirmed_addresses():
    call_command("load_seeds", verbosity=0)
    call_command("load_demo", verbosity=0)
    assert not User.objects.filter(email_verified_at__isnull=True).exists()
    assert User.objects.filter(username__in=["admin", "employer", "seeker"]).count() == 3
