"""The core app's Celery tasks: sending the outbox."""

from celery import shared_task

from careerboard import outbox
from careerboard.models import OutboxMessage


@shared_task(bind=True, max_retries=None)
def send_outbox_message(self, message_id: int) -> str:
    """Send one message, queued when the transaction that wrote it committed. A refused send is
    tried again with a growing delay (the row counts the tries and decides when to give up)."""
    result = outbox.outbox_deliver(message_id)
    # Run eagerly (the tests), a refused message waits for the sweep rather than a retry loop.
    if result == outbox.RETRY and not self.request.is_eager:
        attempts = OutboxMessage.objects.values_list("attempts", flat=True).get(pk=message_id)
        raise self.retry(countdown=outbox.retry_delay(attempts).total_seconds())
    return result


@shared_task
def outbox_sweep() -> dict[str, int]:
    """Send what is due and was not sent by its own task (queue down, worker lost, a retry).
    Several sweeps at once share the work: each message is claimed by one of them."""
    return outbox.outbox_sweep()
