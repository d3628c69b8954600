"""The outbox in one process: an e-mail is a row written with the change that causes it, an SMTP
outage delays it and never fails the request, tries back off and end, and staff retry what
failed. tests/careerboard/test_worker.py runs the same on real workers."""

import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from careerboard.mail import send_templated_mail
from careerboard.models import OutboxMessage
from careerboard.outbox import FAILED, RETRY, SENT, SKIPPED, outbox_deliver, outbox_sweep
from jobs import services
from jobs.models import CompanyMembership
from tests.factories import CompanyFactory, EmployerFactory, SeekerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp_down(monkeypatch):
    def refuse(message, fail_silently=False):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr(EmailMessage, "send", refuse)


@pytest.fixture
def owner():
    user = EmployerFactory()
    company = CompanyFactory(name="Acme")
    CompanyMembership.objects.create(company=company, user=user, role=CompanyMembership.Role.OWNER)
    return user


def confirmation(user):
    return send_templated_mail(
        template="careerboard/email/confirm_email",
        to=[user.email],
        context={"user": user, "token": "t", "days": 3},
    )


def test_email_is_written_with_its_change_and_leaves_once_the_transaction_commits(
    owner, django_capture_on_commit_callbacks
):
    company = CompanyMembership.objects.get(user=owner).company
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.company_invite(company=company, email="ada@example.com", by=owner)
        message = OutboxMessage.objects.get()
        assert message.status == OutboxMessage.Status.PENDING
        assert mail.outbox == []
    (sent,) = mail.outbox
    assert sent.to == ["ada@example.com"]
    assert invitation.token in sent.body
    assert sent.extra_headers["Message-ID"] == message.headers["Message-ID"]
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert message.attempts == 1 and message.sent_at is not None


def test_email_of_a_change_that_rolls_back_is_never_written_nor_sent(
    django_capture_on_commit_callbacks,
):
    user = SeekerFactory()
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        confirmation(user)
        raise RuntimeError("the change failed")
    assert not OutboxMessage.objects.exists()
    assert mail.outbox == []


def test_smtp_outage_never_fails_the_request_and_the_email_waits_to_be_retried(
    client, owner, smtp_down, django_capture_on_commit_callbacks
):
    company = CompanyMembership.objects.get(user=owner).company
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("jobs:company_invite", args=[company.slug]), {"email": "ada@example.com"}
        )
    assert response.status_code == 302
    assert company.invitations.filter(email="ada@example.com").exists()
    message = OutboxMessage.objects.get()
    assert message.status == OutboxMessage.Status.PENDING
    assert message.attempts == 1
    assert "SMTPServerDisconnected" in message.last_error
    assert message.next_attempt_at > timezone.now()


def test_a_refused_email_is_tried_again_later_with_growing_waits_then_given_up(settings, smtp_down):
    settings.OUTBOX_RETRY_SECONDS = 30
    settings.OUTBOX_MAX_ATTEMPTS = 3
    message = confirmation(SeekerFactory())
    start = timezone.now()
    assert outbox_deliver(message.pk) == RETRY
    message.refresh_from_db()
    first_wait = message.next_attempt_at - start
    assert timedelta(seconds=29) < first_wait <= timedelta(seconds=31)
    # Not due yet: the sweep leaves it alone.
    assert outbox_sweep()[RETRY] == 0
    assert outbox_sweep(now=message.next_attempt_at)[RETRY] == 1
    message.refresh_from_db()
    second_wait = message.next_attempt_at - message.last_attempt_at
    assert timedelta(seconds=59) < second_wait <= timedelta(seconds=61)
    assert outbox_deliver(message.pk) == FAILED
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.FAILED and message.attempts == 3
    assert outbox_deliver(message.pk) == SKIPPED


def test_a_sent_email_is_never_sent_again():
    message = confirmation(SeekerFactory())
    assert outbox_deliver(message.pk) == SENT
    assert outbox_deliver(message.pk) == SKIPPED
    assert outbox_sweep(now=timezone.now() + timedelta(days=1))[SENT] == 0
    assert len(mail.outbox) == 1


def test_the_sweep_sends_what_was_never_queued_oldest_first():
    users = [SeekerFactory(email=f"{n}@example.com") for n in ("a", "b", "c")]
    for user in reversed(users):
        confirmation(user)
    assert outbox_sweep() == {SENT: 3, RETRY: 0, FAILED: 0, SKIPPED: 0}
    assert [m.to for m in mail.outbox] == [["c@example.com"], ["b@example.com"], ["a@example.com"]]


def test_staff_find_stuck_and_failed_messages_and_send_them_again(
    admin_client, settings, smtp_down, monkeypatch, django_capture_on_commit_callbacks
):
    settings.OUTBOX_MAX_ATTEMPTS = 1
    failed = confirmation(SeekerFactory(email="failed@example.com"))
    outbox_deliver(failed.pk)
    stuck = confirmation(SeekerFactory(email="stuck@example.com"))
    OutboxMessage.objects.filter(pk=stuck.pk).update(created_at=timezone.now() - timedelta(hours=1))
    fresh = confirmation(SeekerFactory(email="fresh@example.com"))
    changelist = reverse("admin:careerboard_outboxmessage_changelist")

    page = admin_client.get(changelist, {"delivery": "stuck"}).content.decode()
    assert "stuck@example.com" in page and "fresh@example.com" not in page
    page = admin_client.get(changelist, {"delivery": "failed"}).content.decode()
    assert "failed@example.com" in page and "SMTPServerDisconnected" in page
    page = admin_client.get(changelist, {"q": "stuck@example"}).content.decode()
    assert "stuck@example.com" in page and "failed@example.com" not in page

    monkeypatch.undo()  # SMTP is back
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            changelist,
            {"action": "retry", "_selected_action": [failed.pk, stuck.pk]},
            follow=True,
        )
    assert "2 messages queued to be sent again." in response.content.decode()
    assert sorted(m.to[0] for m in mail.outbox) == ["failed@example.com", "stuck@example.com"]
    assert OutboxMessage.objects.get(pk=failed.pk).status == OutboxMessage.Status.SENT
    assert OutboxMessage.objects.get(pk=fresh.pk).status == OutboxMessage.Status.PENDING


def test_retrying_a_sent_message_sends_nothing(admin_client, django_capture_on_commit_callbacks):
    message = confirmation(SeekerFactory())
    outbox_deliver(message.pk)
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:careerboard_outboxmessage_changelist"),
            {"action": "retry", "_selected_action": [message.pk]},
        )
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("who", ["anonymous", "seeker", "employer"])
def test_only_staff_see_the_outbox(client, who):
    confirmation(SeekerFactory(email="private@example.com"))
    if who != "anonymous":
        client.force_login(SeekerFactory() if who == "seeker" else EmployerFactory())
    response = client.get(reverse("admin:careerboard_outboxmessage_changelist"))
    assert response.status_code == 302
    assert "private@example.com" not in response.content.decode()


def test_staff_cannot_add_edit_or_delete_messages(admin_client):
    message = confirmation(SeekerFactory())
    assert admin_client.get(reverse("admin:careerboard_outboxmessage_add")).status_code == 403
    change = reverse("admin:careerboard_outboxmessage_change", args=[message.pk])
    page = admin_client.get(change)
    assert page.status_code == 200 and 'name="subject"' not in page.content.decode()
    delete = reverse("admin:careerboard_outboxmessage_delete", args=[message.pk])
    assert admin_client.get(delete).status_code == 403
