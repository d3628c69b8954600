"""Posting: employers create and edit jobs, and edits wait for review where they must."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from careerboard.models import Skill, User
from careerboard.services import require_verified_email
from jobs.locations import get_or_create_location, parse_place
from jobs.models import (
    ApprovedPosting,
    Company,
    Job,
    JobEdit,
    JobSkill,
    ModerationEvent,
)
from jobs.search.rows import job_reindex
from jobs.services.notifications import moderators_notify_edit
from jobs.services.states import (
    job_needs_review,
    job_transition,
    lock_and_reload_state,
    moderation_event_create,
    record_revision,
)


def job_set_skills(
    *, job: Job, required: Iterable[Skill], nice_to_have: Iterable[Skill] = ()
) -> None:
    required = list(required)
    nice = [skill for skill in nice_to_have if skill not in required]
    JobSkill.objects.filter(job=job).delete()
    JobSkill.objects.bulk_create(
        [JobSkill(job=job, skill=skill, is_required=True) for skill in required]
        + [JobSkill(job=job, skill=skill, is_required=False) for skill in nice]
    )


def job_set_locations(*, job: Job, places: Iterable[str]) -> None:
    """Attach locations given as text ("Berlin, Germany"); unknown countries are refused."""
    locations = []
    for text in places:
        place = parse_place(text)
        if place is None:
            raise ValidationError({"locations": f"“{text}” does not end with a country we know."})
        locations.append(get_or_create_location(place))
    job.locations.set(locations)


# The fields of a posting whose change on a published job needs another review.
SUBSTANTIVE_FIELDS = (
    "title",
    "description",
    "workplace",
    "remote_anywhere",
    "applicant_countries",
    "employment_type",
    "seniority",
    "salary_min",
    "salary_max",
    "salary_currency",
    "salary_period",
    "apply_url",
    "apply_email",
    "apply_on_site",
)


@dataclass
class Posting:
    """What an employer submits for a job: its fields plus places and skills."""

    fields: dict
    places: list[str]
    required: list[Skill]
    nice: list[Skill]

    def same_content(self, other: "Posting") -> bool:
        """Whether two postings say the same, whatever the order of places and skills."""
        return _comparable(self) == _comparable(other)

    def changes(self) -> dict:
        return {
            "fields": {name: self.fields[name] for name in SUBSTANTIVE_FIELDS},
            "places": self.places,
            "required": [skill.pk for skill in self.required],
            "nice": [skill.pk for skill in self.nice],
        }

    def stored(self) -> dict:
        """The changes as JSON keeps them (a JobEdit's, an ApprovedPosting's)."""
        return _json_ready(self.changes())

    @classmethod
    def of_job(cls, job: Job, *, job_skills: Iterable[JobSkill], locations: Iterable) -> "Posting":
        """The posting a job holds, from its skill rows (with their skills) and places, which
        the caller reads: from the database, or from what a page prefetched."""
        job_skills = list(job_skills)
        return cls(
            fields={name: getattr(job, name) for name in SUBSTANTIVE_FIELDS},
            places=[str(location) for location in locations],
            required=[js.skill for js in job_skills if js.is_required],
            nice=[js.skill for js in job_skills if not js.is_required],
        )

    @classmethod
    def from_changes(cls, changes: dict) -> "Posting":
        skills = Skill.objects.in_bulk(changes["required"] + changes["nice"])
        return cls(
            fields=changes["fields"],
            places=changes["places"],
            required=[skills[pk] for pk in changes["required"] if pk in skills],
            nice=[skills[pk] for pk in changes["nice"] if pk in skills],
        )


def _comparable(posting: Posting) -> dict:
    changes = posting.stored()
    return {
        **changes,
        "places": sorted(changes["places"]),
        "required": sorted(changes["required"]),
        "nice": sorted(changes["nice"]),
    }


def _check_daily_limit(user: User) -> None:
    since = timezone.now() - timedelta(days=1)
    posted = Job.objects.filter(created_by=user, created_at__gte=since).count()
    if posted >= settings.JOB_SUBMISSIONS_PER_DAY:
        raise ValidationError(
            f"You have created {posted} jobs in the last 24 hours, the most we allow. "
            "Please try again tomorrow or ask us to raise the limit."
        )


def apply_posting(job: Job, posting: Posting) -> None:
    for name, value in posting.fields.items():
        setattr(job, name, value)
    job.full_clean(exclude=["slug", "company"])
    job.save()
    job_set_locations(job=job, places=posting.places)
    job_set_skills(job=job, required=posting.required, nice_to_have=posting.nice)
    job_reindex(job_ids=[job.pk])


def _revise(job: Job, posting: Posting, *, by: User | None) -> None:
    """Apply a posting to a saved job; a change of substance is a new revision, on record.

    The first change after a moderator's approval keeps the approved content, for the next
    review to show what changed.
    """
    current = current_posting(job)
    changed = not posting.same_content(current)
    if changed and job.approved_revision == job.revision:
        ApprovedPosting.objects.update_or_create(
            job=job, defaults={"revision": job.revision, "content": current.stored()}
        )
    if changed:
        job.revision += 1
    apply_posting(job, posting)
    if changed:
        record_revision(job, by=by)


def job_create(*, company: Company, by: User, posting: Posting, submit: bool) -> Job:
    """A new posting: saved as a draft, or sent to review (published at once if verified)."""
    _check_daily_limit(by)
    with transaction.atomic():
        job = Job(company=company, created_by=by)
        apply_posting(job, posting)
        record_revision(job, by=by, created=True)
        if submit:
            job_submit(job=job, by=by)
    return job


def job_update(*, job: Job, by: User, posting: Posting, submit: bool = False) -> Job:
    """Save an employer's edit.

    A job that is not live takes the change at once; a change of substance makes a new revision,
    which must be reviewed before the job goes public again (`job_needs_review`). On a live job
    of an unverified company, a change of substance waits for review in a JobEdit while the
    approved version stays up; the closing date is a minor change and applies at once.
    """
    with transaction.atomic():
        job = Job.objects.select_for_update().select_related("company").get(pk=job.pk)
        if job.status == Job.Status.PUBLISHED:
            require_verified_email(by)
        if job.status != Job.Status.PUBLISHED:
            if job.status == Job.Status.REJECTED:
                job_transition(job=job, to=Job.Status.DRAFT, by=by)
            _revise(job, posting, by=by)
            _edit_withdraw(job, by=by)
            if submit and job.status == Job.Status.DRAFT:
                job_submit(job=job, by=by)
            return job
        expires_at = posting.fields.get("expires_at")
        if expires_at and expires_at != job.expires_at:
            job.expires_at = expires_at
            job.expiry_warned_at = None
            job.save(update_fields=["expires_at", "expiry_warned_at", "updated_at"])
        if posting.same_content(current_posting(job)):
            _edit_withdraw(job, by=by)
        elif job.company.is_verified:
            _revise(job, posting, by=by)
            _edit_withdraw(job, by=by)
        else:
            _edit_propose(job, posting, by=by)
    return job


def job_latest_posting(*, job: Job) -> Posting:
    """The posting as its employer last left it: the edit waiting for review, else the job."""
    edit = JobEdit.objects.filter(job=job).first()
    return Posting.from_changes(edit.changes) if edit else current_posting(job)


def _edit_propose(job: Job, posting: Posting, *, by: User) -> None:
    """Keep a live job's proposed change for review, and tell the moderators; a changed proposal
    is a new revision."""
    changes = posting.stored()
    edit = JobEdit.objects.select_for_update().filter(job=job).first()
    from_status = ModerationEvent.EditStatus.PENDING if edit else ""
    if edit is None:
        edit = JobEdit.objects.create(job=job, changes=changes, submitted_by=by)
    elif posting.same_content(Posting.from_changes(edit.changes)):
        return
    else:
        edit.changes = changes
        edit.revision += 1
        edit.submitted_by = by
        edit.save()
    moderation_event_create(
        target=ModerationEvent.Target.EDIT,
        job=job,
        by=by,
        from_status=from_status,
        to_status=ModerationEvent.EditStatus.PENDING,
        revision=edit.revision,
    )
    moderators_notify_edit(job)


def _edit_withdraw(job: Job, *, by: User) -> None:
    """Drop a proposed change that the employer's newer save has made moot."""
    edit = JobEdit.objects.select_for_update().filter(job=job).first()
    if edit is not None:
        edit_close(edit, by=by, to_status=ModerationEvent.EditStatus.WITHDRAWN)


def edit_close(edit: JobEdit, *, by: User, to_status: str, reason: str = "") -> None:
    moderation_event_create(
        target=ModerationEvent.Target.EDIT,
        job=edit.job,
        by=by,
        from_status=ModerationEvent.EditStatus.PENDING,
        to_status=to_status,
        revision=edit.revision,
        reason=reason,
    )
    edit.delete()


def current_posting(job: Job) -> Posting:
    """What the job says now, as a posting."""
    return Posting.of_job(
        job, job_skills=job.job_skills.select_related("skill"), locations=job.locations.all()
    )


def _json_ready(changes: dict) -> dict:
    fields = {
        name: (str(value) if isinstance(value, Decimal) else value)
        for name, value in changes["fields"].items()
    }
    return {**changes, "fields": fields}


# What a duplicate's title ends with until the employer names the new role.
COPY_SUFFIX = " (copy)"


def job_submit(*, job: Job, by: User) -> Job:
    """Send a draft to review, or publish it straight away if it needs none."""
    require_verified_email(by)
    if job.title.endswith(COPY_SUFFIX):
        raise ValidationError(
            {
                "title": f"“{job.title}” still has the title of a copy: give it the role's "
                "own title first."
            }
        )
    with transaction.atomic():
        lock_and_reload_state(job)
        to = Job.Status.PENDING if job_needs_review(job) else Job.Status.PUBLISHED
        return job_transition(job=job, to=to, by=by)
