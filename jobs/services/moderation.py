"""Moderators' decisions on jobs and their edits, and visitors' reports."""

from django.core.exceptions import ValidationError
from django.db import transaction

from careerboard.models import User
from jobs.models import (
    Job,
    JobEdit,
    JobReport,
    ModerationEvent,
)
from jobs.search.rows import search_terms_add_title
from jobs.services.companies import company_approve
from jobs.services.posting import Posting, apply_posting, edit_close
from jobs.services.states import (
    check_revision,
    job_transition,
    lock_and_reload_state,
    notify_members,
    record_revision,
    rejection_reason,
)


def _lock_for_decision(job: Job) -> Job:
    return Job.objects.select_for_update().select_related("company").get(pk=job.pk)


def job_approve(*, job: Job, by: User, revision: int | None) -> Job:
    """Publish a job waiting for review, in the revision the moderator read."""
    with transaction.atomic():
        job = _lock_for_decision(job)
        if job.status != Job.Status.PENDING:
            raise ValidationError("Only a job waiting for review can be approved.")
        check_revision(current=job.revision, seen=revision, subject="This job")
        job.approved_revision = job.revision
        job.save(update_fields=["approved_revision", "updated_at"])
        # Approving a job approves its company too, with any new name or website it waits with.
        job.company = company_approve(company=job.company, by=by)
        job_transition(job=job, to=Job.Status.PUBLISHED, by=by)
    transaction.on_commit(lambda: notify_members(job, "job_approved"))
    return job


def job_reject(*, job: Job, by: User, reason: str, revision: int | None) -> Job:
    reason = rejection_reason(reason, subject="job")
    with transaction.atomic():
        job = _lock_for_decision(job)
        if job.status != Job.Status.PENDING:
            raise ValidationError("Only a job waiting for review can be rejected.")
        check_revision(current=job.revision, seen=revision, subject="This job")
        job_transition(job=job, to=Job.Status.REJECTED, by=by, reason=reason)
    transaction.on_commit(lambda: notify_members(job, "job_rejected", reason=reason))
    return job


def _locked_edit(edit: JobEdit, revision: int | None) -> JobEdit:
    """The edit as it stands, refused if it is gone or is not the revision the moderator read."""
    job = _lock_for_decision(edit.job)
    current = JobEdit.objects.select_for_update().filter(pk=edit.pk).first()
    if current is None:
        raise ValidationError("This edit was decided or withdrawn meanwhile.")
    check_revision(current=current.revision, seen=revision, subject="This edit")
    current.job = job
    return current


def job_edit_approve(*, edit: JobEdit, by: User, revision: int | None) -> Job:
    """Apply a reviewed edit to its job: the result is a new revision, approved."""
    with transaction.atomic():
        edit = _locked_edit(edit, revision)
        job = edit.job
        job.revision += 1
        job.approved_revision = job.revision
        apply_posting(job, Posting.from_changes(edit.changes))
        edit_close(edit, by=by, to_status=ModerationEvent.EditStatus.APPROVED)
        search_terms_add_title(title=job.title)
    transaction.on_commit(lambda: notify_members(job, "edit_approved"))
    return job


def job_edit_reject(*, edit: JobEdit, by: User, reason: str, revision: int | None) -> Job:
    reason = rejection_reason(reason, subject="edit")
    with transaction.atomic():
        edit = _locked_edit(edit, revision)
        job = edit.job
        edit_close(edit, by=by, to_status=ModerationEvent.EditStatus.REJECTED, reason=reason)
    transaction.on_commit(lambda: notify_members(job, "edit_rejected", reason=reason))
    return job


def job_record_staff_edit(*, job: Job, by: User) -> Job:
    """Staff changed a job's substance in the admin: a new revision, on record.

    A moderator's page that shows the old revision is then stale. Staff text needs no review of
    its own, so a job approved as it was stays approved; an unreviewed one stays unreviewed.
    """
    with transaction.atomic():
        lock_and_reload_state(job)
        was_approved = job.approved_revision == job.revision
        job.revision += 1
        if was_approved:
            job.approved_revision = job.revision
        job.save(update_fields=["revision", "approved_revision", "updated_at"])
        record_revision(job, by=by, reason="Changed in the admin.")
    return job


def job_report(
    *, job: Job, reason: str, details: str = "", reporter: User | None = None, email: str = ""
) -> JobReport:
    report = JobReport(
        job=job, reason=reason, details=details, reporter=reporter, reporter_email=email
    )
    report.full_clean()
    report.save()
    return report
