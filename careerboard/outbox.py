"""Writing e-mails to the outbox and sending them from a worker.

A message is a row, written in the transaction of the change that causes it, so it exists if and
only if the change does. Once that transaction commits, a Celery task is queued to send it; if the
queue cannot be reached, the sweep (every minute, from beat) finds the row all the same.

Sending holds the row locked (SELECT ... FOR UPDATE SKIP LOCKED) from before the SMTP
conversation until the row says "sent", in one transaction: two workers never send one message,
and a worker that dies mid-send lets go of the lock as its connection closes, the row still
waiting, so another sends it. Only a worker that dies after the SMTP server accepted the message
and before its commit (a few milliseconds) can cause a second copy, and that copy carries the
same Message-ID, by which mail systems drop duplicates.
"""

import logging
import time
from datetime import timedelta
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone

from careerboard.models import OutboxMessage

logger = logging.getLogger(__name__)

# The longest wait between two tries of one message.
MAX_RETRY_DELAY = timedelta(hours=1)
# Messages the sweep sends in one run; the rest wait for the next run.
SWEEP_BATCH = 500
# After the broker refused a message, this process leaves it alone this long.
QUEUE_PAUSE_SECONDS = 10.0
_queue_paused_until = 0.0

SENT = "sent"
RETRY = "retry"
FAILED = "failed"
SKIPPED = "skipped"


def outbox_add(
    *, template: str, to: list[str], subject: str, body: str, headers: dict | None = None
) -> OutboxMessage:
    """Put one e-mail in the outbox, in the caller's transaction; it is queued to leave when that
    transaction commits, and never if it rolls back."""
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].rstrip(">") or None
    message = OutboxMessage.objects.create(
        template=template,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=list(to),
        subject=subject,
        body=body,
        headers={"Message-ID": make_msgid(domain=domain), **(headers or {})},
    )
    transaction.on_commit(lambda: outbox_queue(message.pk), robust=True)
    return message


def outbox_queue(message_id: int) -> None:
    """Ask a worker to send the message now. A broker that is down costs the message nothing (the
    sweep sends it) and this process about a second, after which it leaves the broker alone for
    QUEUE_PAUSE_SECONDS."""
    from careerboard.tasks import send_outbox_message

    global _queue_paused_until
    if time.monotonic() < _queue_paused_until:
        return
    try:
        send_outbox_message.delay(message_id)
    except Exception:
        _queue_paused_until = time.monotonic() + QUEUE_PAUSE_SECONDS
        logger.warning("Could not queue outbox message %s; the sweep will send it", message_id)


def retry_delay(attempts: int) -> timedelta:
    """Wait before the next try after `attempts` failed ones: doubling, at most an hour."""
    seconds = settings.OUTBOX_RETRY_SECONDS * 2 ** max(attempts - 1, 0)
    return min(timedelta(seconds=seconds), MAX_RETRY_DELAY)


def outbox_deliver(message_id: int, *, connection=None) -> str:
    """Send one waiting message, once: SENT, RETRY (refused, tried again later), FAILED (refused
    OUTBOX_MAX_ATTEMPTS times) or SKIPPED (sent already, given up, or being sent by another worker
    right now)."""
    now = timezone.now()
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, status=OutboxMessage.Status.PENDING)
            .first()
        )
        if message is None:
            return SKIPPED
        message.attempts += 1
        message.last_attempt_at = now
        fields = ["attempts", "last_attempt_at", "status", "last_error"]
        try:
            EmailMessage(
                message.subject,
                message.body,
                message.from_email,
                message.to,
                headers=message.headers,
                connection=connection,
            ).send()
        except Exception as error:
            message.last_error = f"{type(error).__name__}: {error}"[:2000]
            if connection is not None:
                connection.close()  # a broken connection is opened afresh for the next message
            if message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
                message.status = OutboxMessage.Status.FAILED
                logger.error("Gave up on outbox message %s: %s", message.pk, message.last_error)
            else:
                message.next_attempt_at = now + retry_delay(message.attempts)
                fields.append("next_attempt_at")
                logger.warning(
                    "Outbox message %s refused (try %s): %s",
                    message.pk,
                    message.attempts,
                    message.last_error,
                )
            message.save(update_fields=fields)
            return FAILED if message.status == OutboxMessage.Status.FAILED else RETRY
        message.status = OutboxMessage.Status.SENT
        message.sent_at = timezone.now()
        message.last_error = ""
        message.save(update_fields=[*fields, "sent_at"])
    return SENT


def outbox_sweep(*, now=None, limit: int = SWEEP_BATCH) -> dict[str, int]:
    """Send every message whose time has come, over one SMTP connection. Safe to run on several
    workers at once: each message is claimed by exactly one of them."""
    ids = list(OutboxMessage.objects.due(now).values_list("pk", flat=True)[:limit])
    counts = {SENT: 0, RETRY: 0, FAILED: 0, SKIPPED: 0}
    if not ids:
        return counts
    connection = get_connection()
    try:
        for message_id in ids:
            counts[outbox_deliver(message_id, connection=connection)] += 1
    finally:
        connection.close()
    return counts


def outbox_retry(*, messages) -> int:
    """Send the given waiting or failed messages again now, with their full count of tries (a
    staff action, once the cause is fixed). Messages already sent are left alone."""
    with transaction.atomic():
        ids = list(
            messages.exclude(status=OutboxMessage.Status.SENT)
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)
        )
        OutboxMessage.objects.filter(pk__in=ids).update(
            status=OutboxMessage.Status.PENDING, attempts=0, next_attempt_at=timezone.now()
        )
        for message_id in ids:
            transaction.on_commit(
                lambda message_id=message_id: outbox_queue(message_id), robust=True
            )
    return len(ids)
