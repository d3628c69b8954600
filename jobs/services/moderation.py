"""Moderators' decisions on jobs, companies and their edits, one by one or a batch at a time,
and visitors' reports."""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from operator import attrgetter
from types import MappingProxyType

from django.core.exceptions import ValidationError
from django.db import transaction

from careerboard.models import User
from jobs.models import (
    ApprovedPosting,
    Company,
    CompanyEdit,
    Job,
    JobEdit,
    JobReport,
    ModerationEvent,
)
from jobs.search.rows import search_terms_add_title
from jobs.services.companies import company_approve, company_edit_reject
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
        ApprovedPosting.objects.filter(job=job).delete()
        # Approving a job approves its company too, with any new name or website it waits with.
        job.company = company_approve(company=job.company, by=by)
        job_transition(job=job, to=Job.Status.PUBLISHED, by=by)
        notify_members(job, "job_approved")
    return job


def job_reject(*, job: Job, by: User, reason: str, revision: int | None) -> Job:
    reason = rejection_reason(reason, subject="job")
    with transaction.atomic():
        job = _lock_for_decision(job)
        if job.status != Job.Status.PENDING:
            raise ValidationError("Only a job waiting for review can be rejected.")
        check_revision(current=job.revision, seen=revision, subject="This job")
        job_transition(job=job, to=Job.Status.REJECTED, by=by, reason=reason)
        notify_members(job, "job_rejected", reason=reason)
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
        notify_members(job, "edit_approved")
    return job


def job_edit_reject(*, edit: JobEdit, by: User, reason: str, revision: int | None) -> Job:
    reason = rejection_reason(reason, subject="edit")
    with transaction.atomic():
        edit = _locked_edit(edit, revision)
        job = edit.job
        edit_close(edit, by=by, to_status=ModerationEvent.EditStatus.REJECTED, reason=reason)
        notify_members(job, "edit_rejected", reason=reason)
    return job


def job_publish(*, job: Job, by: User, revision: int | None) -> Job:
    """Staff put a job on the board: one waiting for review is approved in the revision they
    read; any other the states allow (an expired job, as approved) is published as it is, with
    its company approved."""
    if job.status == Job.Status.PENDING:
        return job_approve(job=job, by=by, revision=revision)
    with transaction.atomic():
        job.company = company_approve(company=job.company, by=by)
        job_transition(job=job, to=Job.Status.PUBLISHED, by=by)
    return job


@dataclass
class Decided:
    """What a batch of decisions did: the items decided, and a line for each refused one."""

    done: list = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    def __iadd__(self, other: "Decided") -> "Decided":
        self.done += other.done
        self.refused += other.refused
        return self


def decisions_apply(
    *, items: Iterable, decide: Callable[[object], object], name: Callable[[object], str]
) -> Decided:
    """Decide each item in a transaction of its own: a refused one (a ValidationError) is
    rolled back whole and reported as "<its name>: <why>", and the others go on."""
    decided = Decided()
    for item in items:
        try:
            with transaction.atomic():
                decide(item)
        except ValidationError as error:
            decided.refused.append(f"{name(item)}: {' '.join(error.messages)}")
        else:
            decided.done.append(item)
    return decided


DECISIONS = ("approve", "reject")
NOTHING: Mapping[int, int | None] = MappingProxyType({})


def moderation_decide(
    *,
    decision: str,
    by: User,
    reason: str = "",
    jobs: Mapping[int, int | None] = NOTHING,
    edits: Mapping[int, int | None] = NOTHING,
    companies: Iterable[int] = (),
    company_edits: Iterable[int] = (),
) -> Decided:
    """Approve or reject the queue's items by id: jobs waiting for review and job edits (each
    mapped to the revision the moderator read), new companies and companies' changes.

    A new company is approved or left hidden, never rejected; items decided meanwhile are
    refused, not decided twice.
    """
    # Long on purpose: the four deciders are closures over one decision, reason and moderator,
    # and read best beside the batches that use them.
    if decision not in DECISIONS:
        raise ValidationError("Choose approve or reject.")
    approve = decision == "approve"

    def decide_job(job: Job) -> None:
        if approve:
            job_approve(job=job, by=by, revision=jobs[job.pk])
        else:
            job_reject(job=job, by=by, reason=reason, revision=jobs[job.pk])

    def decide_edit(edit: JobEdit) -> None:
        if approve:
            job_edit_approve(edit=edit, by=by, revision=edits[edit.pk])
        else:
            job_edit_reject(edit=edit, by=by, reason=reason, revision=edits[edit.pk])

    def decide_company(company: Company) -> None:
        if not approve:
            raise ValidationError("a new company is not rejected; it stays hidden.")
        company_approve(company=company, by=by)

    def decide_company_edit(edit: CompanyEdit) -> None:
        if approve:
            company_approve(company=edit.company, by=by)
        else:
            company_edit_reject(edit=edit, by=by, reason=reason)

    batches = [
        (
            Job.objects.filter(pk__in=list(jobs)).select_related("company"),
            decide_job,
            attrgetter("title"),
        ),
        (
            JobEdit.objects.filter(pk__in=list(edits)).select_related("job__company"),
            decide_edit,
            attrgetter("job.title"),
        ),
        (
            Company.objects.filter(pk__in=list(companies), approved_at__isnull=True),
            decide_company,
            attrgetter("name"),
        ),
        (
            CompanyEdit.objects.filter(pk__in=list(company_edits)).select_related("company"),
            decide_company_edit,
            attrgetter("company.name"),
        ),
    ]
    decided = Decided()
    for items, decide, name in batches:
        decided += decisions_apply(items=items, decide=decide, name=name)
    return decided


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
