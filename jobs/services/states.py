"""A job's life: its state changes, each recorded as a moderation event, and the e-mail to its
company's members (used by the posting and moderation services)."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from careerboard.mail import send_templated_mail
from careerboard.models import User
from jobs.models import (
    Company,
    Job,
    ModerationEvent,
)
from jobs.search.rows import search_terms_add_title
from jobs.services.notifications import moderators_notify_job


def job_needs_review(job: Job) -> bool:
    """The one rule of what may reach the public without a moderator's decision.

    A verified company's postings publish at once. Any other job may go public only in the
    revision a moderator approved: every way to the public (submit, renew, reopen, edit) meets
    this rule in `job_transition` or, for a live job, in `job_update`.
    """
    return not job.company.is_verified and job.approved_revision != job.revision


def job_public_title(job: Job) -> str:
    """The title to show anyone outside the company; empty for a job off the board whose
    title may have changed since a moderator approved it."""
    return job.title if job.is_public or not job_needs_review(job) else ""


def moderation_event_create(
    *,
    target: str,
    to_status: str,
    by: User | None,
    job: Job | None = None,
    company: Company | None = None,
    from_status: str = "",
    revision: int | None = None,
    reason: str = "",
    now=None,
) -> ModerationEvent:
    """Put a change on record; call it inside the transaction that makes the change."""
    return ModerationEvent.objects.create(
        target=target,
        job=job,
        company=company if company is not None else (job.company if job else None),
        actor=by,
        created_at=now or timezone.now(),
        from_status=from_status,
        to_status=to_status,
        revision=revision,
        reason=reason,
    )


def lock_and_reload_state(job: Job) -> None:
    """Lock the job's row and read its status and revisions again, into the object."""
    job.status, job.revision, job.approved_revision = (
        Job.objects.select_for_update()
        .values_list("status", "revision", "approved_revision")
        .get(pk=job.pk)
    )


def job_transition(*, job: Job, to: str, by: User | None = None, reason: str = "", now=None) -> Job:
    """Move a job to another status, refusing an illegal move before anything is written.

    The status and revisions are read again under a row lock, so that an edit saved meanwhile
    cannot slip onto the board with a move decided on the version before it. `by` is None when
    the system moves the job (expiry); the move is put on record either way.
    """
    now = now or timezone.now()
    with transaction.atomic():
        lock_and_reload_state(job)
        if not job.can_transition_to(to):
            raise ValidationError(
                f"A job that is {job.get_status_display().lower()} cannot become "
                f"{Job.Status(to).label.lower()}."
            )
        if to == Job.Status.PUBLISHED and job_needs_review(job):
            raise ValidationError(
                f"“{job.title}” has changed since a moderator last approved it; "
                "it must be reviewed before it is published."
            )
        from_status = job.status
        job.status = to
        fields = ["status", "updated_at"]
        if to == Job.Status.PUBLISHED:
            job.published_at = now
            if job.expires_at is None or job.expires_at <= now:
                job.expires_at = now + timedelta(days=settings.JOB_DEFAULT_LIFETIME_DAYS)
            job.expiry_warned_at = None
            fields += ["published_at", "expires_at", "expiry_warned_at"]
        elif to == Job.Status.PENDING:
            job.submitted_at = now
            fields.append("submitted_at")
        elif to == Job.Status.REJECTED:
            job.rejection_reason = reason
            fields.append("rejection_reason")
        job.save(update_fields=fields)
        moderation_event_create(
            target=ModerationEvent.Target.JOB,
            job=job,
            by=by,
            from_status=from_status,
            to_status=to,
            revision=job.revision,
            reason=reason,
            now=now,
        )
        if to == Job.Status.PUBLISHED:
            search_terms_add_title(title=job.title)
        elif to == Job.Status.PENDING:
            moderators_notify_job(job)
    return job


def members_emails(company: Company) -> list[str]:
    return list(company.members.exclude(email="").values_list("email", flat=True))


def notify_members(job: Job, template: str, **context) -> None:
    recipients = members_emails(job.company)
    if recipients:
        send_templated_mail(
            template=f"jobs/email/{template}", to=recipients, context={"job": job, **context}
        )


def record_revision(job: Job, *, by: User | None, reason: str = "", created: bool = False) -> None:
    """Put a revision of a job's content on record: its first, from no status when `created`,
    or a new one, its status staying as it was."""
    moderation_event_create(
        target=ModerationEvent.Target.JOB,
        job=job,
        by=by,
        from_status="" if created else job.status,
        to_status=job.status,
        revision=job.revision,
        reason=reason,
    )


def check_revision(*, current: int, seen: int | None, subject: str) -> None:
    """A moderator's decision holds only for the revision they read."""
    if seen != current:
        raise ValidationError(
            f"{subject} changed since you opened it; review the new version "
            f"(revision {current}) and decide again."
        )


def rejection_reason(reason: str, *, subject: str) -> str:
    """A moderator's reason for refusing `subject` ("job", "edit", "change"), which the employer
    reads: refused when blank."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(f"Say why the {subject} is rejected; the employer will read it.")
    return reason
