"""A job's life once it is written: closed, renewed, duplicated, deleted as a draft, and
expired."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import dateformat, timezone

from careerboard.models import User
from careerboard.services import require_verified_email
from jobs.models import Job
from jobs.services.posting import COPY_SUFFIX, current_posting, job_create
from jobs.services.states import (
    job_needs_review,
    job_transition,
    lock_and_reload_state,
    notify_members,
)


def job_close(*, job: Job, by: User) -> Job:
    """The role is filled: it leaves the board at once."""
    return job_transition(job=job, to=Job.Status.CLOSED, by=by)


# A live job can be renewed in its last days only (when its members are warned that it closes):
# renewing earlier would bring its closing date forward rather than push it back.
RENEWAL_WINDOW = timedelta(days=7)


def job_renewal_refusal(job: Job, *, now=None) -> str:
    """Why the job cannot be renewed now; empty when it can."""
    now = now or timezone.now()
    if job.status == Job.Status.EXPIRED:
        return ""
    if job.status != Job.Status.PUBLISHED:
        return "Only a published or expired job can be renewed."
    if job.expires_at and job.expires_at > now + RENEWAL_WINDOW:
        closes = dateformat.format(timezone.localtime(job.expires_at), "j F Y")
        return (
            f"“{job.title}” stays up until {closes}. You can renew it in its last "
            f"{RENEWAL_WINDOW.days} days, or set a later closing date by editing it."
        )
    return ""


def job_renewed_until(*, days: int | None = None, now=None):
    """The closing date a renewal made now gives (at most the maximum lifetime away)."""
    now = now or timezone.now()
    days = min(days or settings.JOB_DEFAULT_LIFETIME_DAYS, settings.JOB_MAX_LIFETIME_DAYS)
    return now + timedelta(days=days)


def job_renew(*, job: Job, by: User, days: int | None = None, now=None) -> Job:
    """Keep a job in its last days, or an expired one, up for another period.

    An expired job that needs review (changed since a moderator approved it, at an unverified
    company) goes back to the review queue instead of the board.
    """
    now = now or timezone.now()
    with transaction.atomic():
        lock_and_reload_state(job)
        if refusal := job_renewal_refusal(job, now=now):
            raise ValidationError(refusal)
        require_verified_email(by)
        job.expires_at = job_renewed_until(days=days, now=now)
        job.expiry_warned_at = None
        job.save(update_fields=["expires_at", "expiry_warned_at", "updated_at"])
        if job.status == Job.Status.EXPIRED:
            to = Job.Status.PENDING if job_needs_review(job) else Job.Status.PUBLISHED
            job_transition(job=job, to=to, by=by, now=now)
    return job


def job_duplicate(*, job: Job, by: User) -> Job:
    """A new draft with the same content, to post a similar role; it is reviewed as new."""
    posting = current_posting(job)
    posting.fields["title"] = f"{job.title[: 150 - len(COPY_SUFFIX)]}{COPY_SUFFIX}"
    with transaction.atomic():
        return job_create(company=job.company, by=by, posting=posting, submit=False)


def job_delete_draft(*, job: Job, by: User) -> None:
    if job.status != Job.Status.DRAFT:
        raise ValidationError("Only drafts can be deleted; close a published job instead.")
    job.delete()


def jobs_expire(*, now=None, warn_days: int = 3) -> tuple[int, int]:
    """Expire published jobs past their date and warn employers of those about to expire.

    Safe to run often and after a crash: each job is expired once and warned once, in its own
    transaction, with its email written to the outbox in that same transaction.
    """
    now = now or timezone.now()
    expired = 0
    for job in Job.objects.filter(status=Job.Status.PUBLISHED, expires_at__lte=now).iterator():
        with transaction.atomic():
            job_transition(job=job, to=Job.Status.EXPIRED, now=now)
        expired += 1
    warned = 0
    soon = Job.objects.filter(
        status=Job.Status.PUBLISHED,
        expires_at__gt=now,
        expires_at__lte=now + timedelta(days=warn_days),
        expiry_warned_at__isnull=True,
    ).select_related("company")
    for job in soon.iterator():
        with transaction.atomic():
            updated = Job.objects.filter(pk=job.pk, expiry_warned_at__isnull=True).update(
                expiry_warned_at=now
            )
            if updated:
                notify_members(job, "job_expiring")
                warned += 1
    return expired, warned
