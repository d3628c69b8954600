"""The outbox and the periodic work on real Celery processes: workers and beat in subprocesses,
the Redis broker, this run's database, and an SMTP sink that refuses or holds messages."""

from datetime import timedelta

import pytest
from django.utils import timezone

from careerboard.celery import app as celery_app
from careerboard.models import OutboxMessage
from careerboard.outbox import SKIPPED, outbox_deliver
from careerboard.tasks import outbox_sweep
from jobs import services
from jobs.models import CompanyMembership, Job
from tests.careerboard.celery_processes import (
    SmtpSink,
    process_env,
    start_beat,
    start_worker,
    wait_for,
)
from tests.factories import CompanyFactory, EmployerFactory, ExpiredJobFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sink():
    sink = SmtpSink()
    sink.controller.start()
    yield sink
    sink.release.set()
    sink.controller.stop()


@pytest.fixture
def processes():
    """Tasks go to the real broker, whose queue is emptied before and after; the Celery
    processes a test appends are stopped before its database is emptied."""
    celery_app.conf.task_always_eager = False
    celery_app.control.purge()
    started = []
    yield started
    for process in started:
        process.stop()
    celery_app.control.purge()
    celery_app.conf.task_always_eager = True


def status_of(message_ids):
    return list(
        OutboxMessage.objects.filter(pk__in=message_ids)
        .order_by("pk")
        .values_list("status", flat=True)
    )


def test_invitation_refused_twice_by_smtp_arrives_on_the_third_try_exactly_once(sink, processes):
    sink.refusals = 2
    owner = EmployerFactory()
    company = CompanyFactory(name="Acme")
    CompanyMembership.objects.create(company=company, user=owner, role=CompanyMembership.Role.OWNER)
    processes.append(start_worker(process_env(sink), "mail"))

    services.company_invite(company=company, email="ada@example.com", by=owner)

    message = OutboxMessage.objects.get()
    wait_for(lambda: status_of([message.pk]) == ["sent"], what="the invitation to be sent")
    message.refresh_from_db()
    assert message.attempts == 3
    assert sink.data_attempts == 3
    assert sink.message_ids() == [message.headers["Message-ID"]]
    (delivered,) = sink.delivered
    assert delivered["To"] == "ada@example.com"
    assert delivered["Subject"] == message.subject
    assert "Acme" in delivered["Subject"]
    # A late duplicate of the task finds the message sent and leaves it alone.
    assert outbox_deliver(message.pk) == SKIPPED
    assert len(sink.delivered) == 1


def test_batch_of_a_worker_killed_mid_send_is_finished_by_another_without_duplicates(
    sink, processes
):
    addresses = [f"{n}@example.com" for n in ("first", "second", "third", "fourth", "fifth")]
    messages = [
        OutboxMessage.objects.create(
            template="test",
            from_email="jobs@careerboard.local",
            to=[address],
            subject=f"Message to {address}",
            body="Hello",
            headers={"Message-ID": f"<{n}.outbox-test@careerboard.local>"},
            next_attempt_at=timezone.now() - timedelta(minutes=5 - n),
        )
        for n, address in enumerate(addresses)
    ]
    ids = [message.pk for message in messages]
    sink.hold_for = "third@example.com"
    doomed = start_worker(process_env(sink), "doomed")
    processes.append(doomed)

    outbox_sweep.delay()
    assert sink.holding.wait(20), "".join(doomed.log[-40:])
    assert [m["To"] for m in sink.delivered] == addresses[:2]
    doomed.kill()
    sink.release.set()
    assert status_of(ids) == ["sent", "sent", "pending", "pending", "pending"]

    processes.append(start_worker(process_env(sink), "survivor"))

    def finished():
        # As beat does every minute: a sweep sends whatever is still due.
        if status_of(ids) != ["sent"] * 5:
            outbox_sweep.delay()
            return False
        return True

    wait_for(finished, every=1.0, what="the survivor to finish the batch")
    assert sorted(m["To"] for m in sink.delivered) == sorted(addresses)
    assert sorted(sink.message_ids()) == sorted(m.headers["Message-ID"] for m in messages)
    assert OutboxMessage.objects.get(pk=ids[2]).attempts == 1


def test_beat_fires_the_expiry_task_on_its_schedule(sink, processes, tmp_path):
    job = ExpiredJobFactory(title="Go developer")
    owner = EmployerFactory(email="owner@acme.example")
    CompanyMembership.objects.create(
        company=job.company, user=owner, role=CompanyMembership.Role.OWNER
    )
    env = process_env(sink)
    processes.append(start_worker(env, "periodic"))
    processes.append(start_beat(env, tmp_path / "beat-schedule"))

    wait_for(
        lambda: Job.objects.get(pk=job.pk).status == Job.Status.EXPIRED,
        what="beat's expiry task to expire the job",
    )
    assert not Job.objects.published().filter(pk=job.pk).exists()
