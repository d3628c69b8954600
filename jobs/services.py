"""Writes and state changes of jobs and companies: one function per action."""

import secrets
import tomllib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from careerboard.files import delete_replaced_on_commit
from careerboard.mail import send_templated_mail
from careerboard.models import Sector, Skill, User
from careerboard.services import require_verified_email
from jobs.locations import get_or_create_location, parse_place
from jobs.models import (
    INVITATION_LIFETIME,
    Company,
    CompanyEdit,
    CompanyInvitation,
    CompanyMembership,
    Job,
    JobEdit,
    JobReport,
    JobSkill,
    ModerationEvent,
    SearchTerm,
)

ADD_TERMS_SQL = """
INSERT INTO jobs_searchterm (term, frequency)
SELECT lexeme, 1 FROM unnest(to_tsvector('simple', %s))
WHERE length(lexeme) BETWEEN 2 AND 80 AND lexeme ~ '^[[:alpha:]][[:alnum:]+#.-]*$'
ON CONFLICT (term) DO UPDATE SET frequency = jobs_searchterm.frequency + 1
"""


def job_reindex(*, job_ids: Iterable[int]) -> None:
    """Recompute the derived search columns of these jobs from their rows.

    The SQL function is defined in migration 0003, whose triggers also call it when a skill,
    place or company a job is made of is renamed.
    """
    ids = list(job_ids)
    if ids:
        with connection.cursor() as cursor:
            cursor.execute("SELECT jobs_reindex(%s::bigint[])", [ids])


def search_terms_rebuild() -> int:
    """Rebuild the vocabulary that typo suggestions draw on, from skills and published titles."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE jobs_searchterm")
        cursor.execute(
            """
            INSERT INTO jobs_searchterm (term, frequency)
            SELECT word, ndoc FROM ts_stat(
                'SELECT to_tsvector(''simple'', title) FROM jobs_job WHERE status = ''published''')
            WHERE length(word) BETWEEN 2 AND 80 AND word ~ '^[[:alpha:]][[:alnum:]+#.-]*$'
            ON CONFLICT (term) DO NOTHING
            """
        )
        cursor.execute(
            """
            INSERT INTO jobs_searchterm (term, frequency)
            SELECT lower(name), 1000000 FROM careerboard_skill WHERE NOT is_hidden
            UNION
            SELECT lower(alias), 1000000 FROM careerboard_skill, unnest(aliases) AS alias
            WHERE NOT is_hidden
            ON CONFLICT (term) DO UPDATE SET frequency = EXCLUDED.frequency
            """
        )
    return SearchTerm.objects.count()


def search_terms_add_title(*, title: str) -> None:
    """Learn the words of a newly published title, so that a typo of them finds it."""
    with connection.cursor() as cursor:
        cursor.execute(ADD_TERMS_SQL, [title])


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


def company_create(*, name: str, created_by: User | None = None, **fields) -> Company:
    """A new company, seen by its members and staff only until a moderator approves it (or one
    of its jobs); its creator becomes its owner."""
    with transaction.atomic():
        company = Company(name=name, slug=_unique_company_slug(name), **fields)
        company.full_clean()
        company.save()
        if created_by is not None:
            company.memberships.create(user=created_by, role=CompanyMembership.Role.OWNER)
    return company


def _unique_company_slug(name: str) -> str:
    base = slugify(name)[:120] or "company"
    slug, n = base, 2
    while Company.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


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


def _lock_and_reload_state(job: Job) -> None:
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
        _lock_and_reload_state(job)
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
    return job


def demo_accounts_create(*, password: str) -> None:
    """The demo's admin, employer (member of the first demo company) and seeker accounts."""
    accounts = {
        "admin": {"is_staff": True, "is_superuser": True},
        "employer": {"is_hiring": True},
        "seeker": {"is_seeking": True},
    }
    for username, flags in accounts.items():
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "email": f"{username}@careerboard.example",
                "email_verified_at": timezone.now(),
                **flags,
            },
        )
        if created:
            user.set_password(password)
            user.save(update_fields=["password"])
    first_company = Company.objects.exclude(slug__startswith="gen-").order_by("pk").first()
    if first_company is not None:
        first_company.memberships.get_or_create(
            user=User.objects.get(username="employer"),
            defaults={"role": CompanyMembership.Role.OWNER},
        )


def demo_load(*, path: Path) -> Counter:
    """Load the hand-made demo companies and jobs; what already exists is left alone."""
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    counts = Counter()
    now = timezone.now()
    skills = {skill.seed_key: skill for skill in Skill.objects.exclude(seed_key=None)}
    sectors = {sector.seed_key: sector for sector in Sector.objects.exclude(seed_key=None)}
    with transaction.atomic():
        companies = {}
        for entry in data.get("company", []):
            company, created = Company.objects.get_or_create(
                slug=entry["key"],
                defaults={
                    "name": entry["name"],
                    "website": entry.get("website", ""),
                    "about": entry.get("about", "").strip(),
                    "size": entry.get("size", ""),
                    "is_verified": entry.get("verified", False),
                    "approved_at": now,
                },
            )
            if created:
                company.sectors.set([sectors[key] for key in entry.get("sectors", [])])
            companies[entry["key"]] = company
            counts["companies created" if created else "companies kept"] += 1
        new_ids = []
        for entry in data.get("job", []):
            company = companies[entry["company"]]
            if Job.objects.filter(company=company, slug=entry["key"]).exists():
                counts["jobs kept"] += 1
                continue
            published_at = now - timedelta(days=entry.get("posted_days_ago", 0), hours=1)
            job = Job(
                company=company,
                slug=entry["key"],
                title=entry["title"],
                description=entry["description"].strip(),
                workplace=entry["workplace"],
                remote_anywhere=entry.get("remote_anywhere", False),
                applicant_countries=entry.get("applicant_countries", []),
                employment_type=entry["employment_type"],
                seniority=entry["seniority"],
                salary_min=entry.get("salary_min"),
                salary_max=entry.get("salary_max"),
                salary_currency=entry.get("salary_currency", ""),
                salary_period=entry.get("salary_period", ""),
                apply_url=entry.get("apply_url", ""),
                apply_email=entry.get("apply_email", ""),
                status=entry.get("status", Job.Status.PUBLISHED),
            )
            if job.status in (Job.Status.PUBLISHED, Job.Status.CLOSED):
                job.published_at = published_at
                job.expires_at = published_at + timedelta(days=60)
                job.approved_revision = job.revision
            job.full_clean(exclude=["slug"])
            job.save()
            job_set_locations(job=job, places=entry.get("locations", []))
            job_set_skills(
                job=job,
                required=[skills[key] for key in entry.get("required_skills", [])],
                nice_to_have=[skills[key] for key in entry.get("nice_skills", [])],
            )
            new_ids.append(job.pk)
            counts["jobs created"] += 1
        job_reindex(job_ids=new_ids)
        search_terms_rebuild()
    return counts


# Employers ------------------------------------------------------------------------------------

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
    changes = _json_ready(posting.changes())
    return {
        **changes,
        "places": sorted(changes["places"]),
        "required": sorted(changes["required"]),
        "nice": sorted(changes["nice"]),
    }


def _members_emails(company: Company) -> list[str]:
    return list(company.members.exclude(email="").values_list("email", flat=True))


def _notify_members(job: Job, template: str, **context) -> None:
    recipients = _members_emails(job.company)
    if recipients:
        send_templated_mail(
            template=f"jobs/email/{template}", to=recipients, context={"job": job, **context}
        )


def _check_daily_limit(user: User) -> None:
    since = timezone.now() - timedelta(days=1)
    posted = Job.objects.filter(created_by=user, created_at__gte=since).count()
    if posted >= settings.JOB_SUBMISSIONS_PER_DAY:
        raise ValidationError(
            f"You have created {posted} jobs in the last 24 hours, the most we allow. "
            "Please try again tomorrow or ask us to raise the limit."
        )


def _apply_posting(job: Job, posting: Posting) -> None:
    for name, value in posting.fields.items():
        setattr(job, name, value)
    job.full_clean(exclude=["slug", "company"])
    job.save()
    job_set_locations(job=job, places=posting.places)
    job_set_skills(job=job, required=posting.required, nice_to_have=posting.nice)
    job_reindex(job_ids=[job.pk])


def _revise(job: Job, posting: Posting, *, by: User | None) -> None:
    """Apply a posting to a saved job; a change of substance is a new revision, on record."""
    changed = not posting.same_content(_current_posting(job))
    if changed:
        job.revision += 1
    _apply_posting(job, posting)
    if changed:
        _record_revision(job, by=by)


def _record_revision(job: Job, *, by: User | None, reason: str = "") -> None:
    """Put a new revision of a job's content on record; its status stays as it was."""
    moderation_event_create(
        target=ModerationEvent.Target.JOB,
        job=job,
        by=by,
        from_status=job.status,
        to_status=job.status,
        revision=job.revision,
        reason=reason,
    )


def job_create(*, company: Company, by: User, posting: Posting, submit: bool) -> Job:
    """A new posting: saved as a draft, or sent to review (published at once if verified)."""
    _check_daily_limit(by)
    with transaction.atomic():
        job = Job(company=company, created_by=by)
        _apply_posting(job, posting)
        moderation_event_create(
            target=ModerationEvent.Target.JOB,
            job=job,
            by=by,
            to_status=job.status,
            revision=job.revision,
        )
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
        if posting.same_content(_current_posting(job)):
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
    return Posting.from_changes(edit.changes) if edit else _current_posting(job)


def _edit_propose(job: Job, posting: Posting, *, by: User) -> None:
    """Keep a live job's proposed change for review; a changed proposal is a new revision."""
    changes = _json_ready(posting.changes())
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


def _edit_withdraw(job: Job, *, by: User) -> None:
    """Drop a proposed change that the employer's newer save has made moot."""
    edit = JobEdit.objects.select_for_update().filter(job=job).first()
    if edit is not None:
        _edit_close(edit, by=by, to_status=ModerationEvent.EditStatus.WITHDRAWN)


def _edit_close(edit: JobEdit, *, by: User, to_status: str, reason: str = "") -> None:
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


def _current_posting(job: Job) -> Posting:
    job_skills = list(job.job_skills.select_related("skill"))
    return Posting(
        fields={name: getattr(job, name) for name in SUBSTANTIVE_FIELDS},
        places=[str(location) for location in job.locations.all()],
        required=[js.skill for js in job_skills if js.is_required],
        nice=[js.skill for js in job_skills if not js.is_required],
    )


def _json_ready(changes: dict) -> dict:
    fields = {
        name: (str(value) if isinstance(value, Decimal) else value)
        for name, value in changes["fields"].items()
    }
    return {**changes, "fields": fields}


def _check_revision(*, current: int, seen: int | None, subject: str) -> None:
    """A moderator's decision holds only for the revision they read."""
    if seen != current:
        raise ValidationError(
            f"{subject} changed since you opened it; review the new version "
            f"(revision {current}) and decide again."
        )


# What a duplicate's title ends with until the employer names the new role.
COPY_SUFFIX = " (copy)"


def job_submit(*, job: Job, by: User) -> Job:
    """Send a draft to review, or publish it straight away if it needs none."""
    require_verified_email(by)
    if job.title.endswith(COPY_SUFFIX):
        raise ValidationError(
            f"“{job.title}” still has the title of a copy: give it the role's own title first."
        )
    with transaction.atomic():
        _lock_and_reload_state(job)
        to = Job.Status.PENDING if job_needs_review(job) else Job.Status.PUBLISHED
        return job_transition(job=job, to=to, by=by)


def _lock_for_decision(job: Job) -> Job:
    return Job.objects.select_for_update().select_related("company").get(pk=job.pk)


def job_approve(*, job: Job, by: User, revision: int | None) -> Job:
    """Publish a job waiting for review, in the revision the moderator read."""
    with transaction.atomic():
        job = _lock_for_decision(job)
        if job.status != Job.Status.PENDING:
            raise ValidationError("Only a job waiting for review can be approved.")
        _check_revision(current=job.revision, seen=revision, subject="This job")
        job.approved_revision = job.revision
        job.save(update_fields=["approved_revision", "updated_at"])
        # Approving a job approves its company too, with any new name or website it waits with.
        job.company = company_approve(company=job.company, by=by)
        job_transition(job=job, to=Job.Status.PUBLISHED, by=by)
    transaction.on_commit(lambda: _notify_members(job, "job_approved"))
    return job


def job_reject(*, job: Job, by: User, reason: str, revision: int | None) -> Job:
    reason = reason.strip()
    if not reason:
        raise ValidationError("Say why the job is rejected; the employer will read it.")
    with transaction.atomic():
        job = _lock_for_decision(job)
        if job.status != Job.Status.PENDING:
            raise ValidationError("Only a job waiting for review can be rejected.")
        _check_revision(current=job.revision, seen=revision, subject="This job")
        job_transition(job=job, to=Job.Status.REJECTED, by=by, reason=reason)
    transaction.on_commit(lambda: _notify_members(job, "job_rejected", reason=reason))
    return job


def _locked_edit(edit: JobEdit, revision: int | None) -> JobEdit:
    """The edit as it stands, refused if it is gone or is not the revision the moderator read."""
    job = _lock_for_decision(edit.job)
    current = JobEdit.objects.select_for_update().filter(pk=edit.pk).first()
    if current is None:
        raise ValidationError("This edit was decided or withdrawn meanwhile.")
    _check_revision(current=current.revision, seen=revision, subject="This edit")
    current.job = job
    return current


def job_edit_approve(*, edit: JobEdit, by: User, revision: int | None) -> Job:
    """Apply a reviewed edit to its job: the result is a new revision, approved."""
    with transaction.atomic():
        edit = _locked_edit(edit, revision)
        job = edit.job
        job.revision += 1
        job.approved_revision = job.revision
        _apply_posting(job, Posting.from_changes(edit.changes))
        _edit_close(edit, by=by, to_status=ModerationEvent.EditStatus.APPROVED)
        search_terms_add_title(title=job.title)
    transaction.on_commit(lambda: _notify_members(job, "edit_approved"))
    return job


def job_edit_reject(*, edit: JobEdit, by: User, reason: str, revision: int | None) -> Job:
    reason = reason.strip()
    if not reason:
        raise ValidationError("Say why the edit is rejected; the employer will read it.")
    with transaction.atomic():
        edit = _locked_edit(edit, revision)
        job = edit.job
        _edit_close(edit, by=by, to_status=ModerationEvent.EditStatus.REJECTED, reason=reason)
    transaction.on_commit(lambda: _notify_members(job, "edit_rejected", reason=reason))
    return job


def job_record_staff_edit(*, job: Job, by: User) -> Job:
    """Staff changed a job's substance in the admin: a new revision, on record.

    A moderator's page that shows the old revision is then stale. Staff text needs no review of
    its own, so a job approved as it was stays approved; an unreviewed one stays unreviewed.
    """
    with transaction.atomic():
        _lock_and_reload_state(job)
        was_approved = job.approved_revision == job.revision
        job.revision += 1
        if was_approved:
            job.approved_revision = job.revision
        job.save(update_fields=["revision", "approved_revision", "updated_at"])
        _record_revision(job, by=by, reason="Changed in the admin.")
    return job


def job_close(*, job: Job, by: User) -> Job:
    """The role is filled: it leaves the board at once."""
    return job_transition(job=job, to=Job.Status.CLOSED, by=by)


def job_renew(*, job: Job, by: User, days: int | None = None, now=None) -> Job:
    """Keep a published or expired job up for another period (at most the maximum lifetime).

    An expired job that needs review (changed since a moderator approved it, at an unverified
    company) goes back to the review queue instead of the board.
    """
    now = now or timezone.now()
    days = min(days or settings.JOB_DEFAULT_LIFETIME_DAYS, settings.JOB_MAX_LIFETIME_DAYS)
    with transaction.atomic():
        _lock_and_reload_state(job)
        if job.status not in (Job.Status.PUBLISHED, Job.Status.EXPIRED):
            raise ValidationError("Only a published or expired job can be renewed.")
        require_verified_email(by)
        job.expires_at = now + timedelta(days=days)
        job.expiry_warned_at = None
        job.save(update_fields=["expires_at", "expiry_warned_at", "updated_at"])
        if job.status == Job.Status.EXPIRED:
            to = Job.Status.PENDING if job_needs_review(job) else Job.Status.PUBLISHED
            job_transition(job=job, to=to, by=by, now=now)
    return job


def job_duplicate(*, job: Job, by: User) -> Job:
    """A new draft with the same content, to post a similar role; it is reviewed as new."""
    posting = _current_posting(job)
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
    transaction, and the email is sent only once that transaction commits.
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
                transaction.on_commit(lambda job=job: _notify_members(job, "job_expiring"))
                warned += 1
    return expired, warned


def job_report(
    *, job: Job, reason: str, details: str = "", reporter: User | None = None, email: str = ""
) -> JobReport:
    report = JobReport(
        job=job, reason=reason, details=details, reporter=reporter, reporter_email=email
    )
    report.full_clean()
    report.save()
    return report


# What identifies a company to the public: a change of either on an approved company is
# reviewed before it shows, and takes the verified badge away at once.
IDENTITY_FIELDS = ("name", "website")


def company_update(*, company: Company, by: User, **fields) -> Company:
    """Save a member's edit of the company profile (fields as a ModelForm cleans them).

    Before approval every change applies at once: nobody but members and staff sees the company.
    Once approved, a new name or website waits for review in a CompanyEdit while the approved
    ones stay public, and the verified badge goes at once: it vouched for the old identity.
    """
    with transaction.atomic():
        company = Company.objects.select_for_update().get(pk=company.pk)
        wanted = {name: fields.pop(name, getattr(company, name)) for name in IDENTITY_FIELDS}
        sectors = fields.pop("sectors", None)
        for name, value in fields.items():
            Company._meta.get_field(name).save_form_data(company, value)
        current = {name: getattr(company, name) for name in IDENTITY_FIELDS}
        identity_changed = False
        if not company.is_public:
            for name, value in wanted.items():
                setattr(company, name, value)
        elif wanted == current:
            edit = CompanyEdit.objects.filter(company=company).first()
            if edit is not None:
                _company_edit_close(edit, by=by, to_status="change withdrawn")
        else:
            identity_changed = True
            edit = CompanyEdit.objects.filter(company=company).first() or CompanyEdit(
                company=company
            )
            if {"name": edit.name, "website": edit.website} != wanted:
                edit.name, edit.website, edit.submitted_by = wanted["name"], wanted["website"], by
                edit.full_clean(exclude=["company", "submitted_by"])
                edit.save()
                moderation_event_create(
                    target=ModerationEvent.Target.COMPANY,
                    company=company,
                    by=by,
                    to_status="change pending",
                    reason=_company_edit_summary(edit),
                )
        company.full_clean()
        delete_replaced_on_commit(company, "logo")
        company.save()
        if sectors is not None:
            company.sectors.set(sectors)
        if identity_changed:
            company = company_set_verified(company=company, by=by, verified=False)
    return company


def _company_edit_summary(edit: CompanyEdit) -> str:
    return f"Name: {edit.name}; website: {edit.website or '(none)'}"


def _company_edit_close(edit: CompanyEdit, *, by: User | None, to_status: str, reason=""):
    moderation_event_create(
        target=ModerationEvent.Target.COMPANY,
        company=edit.company,
        by=by,
        from_status="change pending",
        to_status=to_status,
        reason=reason or _company_edit_summary(edit),
    )
    edit.delete()


def company_approve(*, company: Company, by: User | None) -> Company:
    """Make the company public with its pending name or website, if any. Safe to run twice."""
    with transaction.atomic():
        company = Company.objects.select_for_update().get(pk=company.pk)
        edit = CompanyEdit.objects.filter(company=company).first()
        if edit is not None:
            company.name, company.website = edit.name, edit.website
            _company_edit_close(edit, by=by, to_status="change approved")
        if company.approved_at is None:
            company.approved_at = timezone.now()
            moderation_event_create(
                target=ModerationEvent.Target.COMPANY,
                company=company,
                by=by,
                from_status="unapproved",
                to_status="approved",
            )
        company.save()
    return company


def company_set_verified(*, company: Company, by: User | None, verified: bool) -> Company:
    """Grant (approving the company too) or withdraw the verified badge (a verified company's
    postings skip review)."""
    with transaction.atomic():
        if verified:
            company_approve(company=company, by=by)
        company = Company.objects.select_for_update().get(pk=company.pk)
        if company.is_verified != verified:
            company.is_verified = verified
            company.save(update_fields=["is_verified"])
            moderation_event_create(
                target=ModerationEvent.Target.COMPANY,
                company=company,
                by=by,
                from_status="unverified" if verified else "verified",
                to_status="verified" if verified else "unverified",
            )
    return company


def company_edit_reject(*, edit: CompanyEdit, by: User, reason: str) -> Company:
    """Refuse a new name or website: the approved ones stay, and the members read why."""
    reason = reason.strip()
    if not reason:
        raise ValidationError("Say why the change is rejected; the employer will read it.")
    company = edit.company
    with transaction.atomic():
        _company_edit_close(edit, by=by, to_status="change rejected", reason=reason)
    transaction.on_commit(
        lambda: _notify_company_members(
            company, "company_change_rejected", edit=edit, reason=reason
        )
    )
    return company


def _notify_company_members(company: Company, template: str, **context) -> None:
    recipients = _members_emails(company)
    if recipients:
        send_templated_mail(
            template=f"jobs/email/{template}",
            to=recipients,
            context={"company": company, **context},
        )


def _require_owner(company: Company, user: User) -> None:
    if not company.is_owner(user):
        raise PermissionDenied(f"Only the owners of {company.name} can do this.")


def company_invite(*, company: Company, email: str, by: User) -> CompanyInvitation:
    """Invite someone to manage the company's jobs; they accept through the emailed link."""
    _require_owner(company, by)
    email = email.strip().lower()
    if company.members.filter(email__iexact=email).exists():
        raise ValidationError(f"{email} is already a member of {company.name}.")
    invitation = CompanyInvitation.objects.create(
        company=company, email=email, invited_by=by, token=secrets.token_urlsafe(32)
    )
    transaction.on_commit(
        lambda: send_templated_mail(
            template="jobs/email/company_invitation",
            to=[email],
            context={"invitation": invitation, "company": company, "inviter": by},
        )
    )
    return invitation


def invitation_check(*, invitation: CompanyInvitation, user: User) -> None:
    """Refuse, with the reason, an invitation this account may not accept.

    An invitation binds to its address: only an account that has confirmed that very address
    may use it, whoever else got hold of the link.
    """
    if invitation.accepted_at is not None:
        raise ValidationError("This invitation has already been used.", code="used")
    if invitation.revoked_at is not None:
        raise ValidationError(
            "This invitation was withdrawn; ask the company for a new one.", code="revoked"
        )
    if invitation.created_at <= timezone.now() - INVITATION_LIFETIME:
        raise ValidationError("This invitation has expired; ask for a new one.", code="expired")
    if user.email.lower() != invitation.email.lower():
        raise ValidationError(
            f"This invitation was sent to another email address than your account's "
            f"({user.email}). Log in with the account that uses the invited address, "
            "or ask the company to invite this one.",
            code="wrong_account",
        )
    require_verified_email(user)


def invitation_accept(*, invitation: CompanyInvitation, user: User) -> Company:
    with transaction.atomic():
        invitation = CompanyInvitation.objects.select_for_update().get(pk=invitation.pk)
        invitation_check(invitation=invitation, user=user)
        CompanyMembership.objects.get_or_create(company=invitation.company, user=user)
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
        if not user.is_hiring:
            user.is_hiring = True
            user.save(update_fields=["is_hiring"])
    return invitation.company


def invitation_revoke(*, invitation: CompanyInvitation, by: User) -> CompanyInvitation:
    """Withdraw an invitation that was not used yet; its link stops working at once."""
    _require_owner(invitation.company, by)
    with transaction.atomic():
        invitation = CompanyInvitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at is not None:
            raise ValidationError(
                f"{invitation.email} has already joined; remove them from the members instead."
            )
        if invitation.revoked_at is None:
            invitation.revoked_at = timezone.now()
            invitation.save(update_fields=["revoked_at"])
    return invitation


def membership_remove(*, membership: CompanyMembership, by: User) -> None:
    """An owner removes someone, or a member leaves; a company always keeps one owner."""
    company = membership.company
    if membership.user_id != by.pk:
        _require_owner(company, by)
    with transaction.atomic():
        # Lock every owner row so that two owners leaving at once cannot both succeed.
        owners = list(
            company.memberships.select_for_update()
            .filter(role=CompanyMembership.Role.OWNER)
            .values_list("pk", flat=True)
        )
        if owners == [membership.pk]:
            raise ValidationError(
                f"{company.name} needs an owner: make someone else an owner before "
                f"{'you leave' if membership.user_id == by.pk else 'removing its last owner'}."
            )
        membership.delete()


def membership_set_role(*, membership: CompanyMembership, role: str, by: User) -> None:
    """An owner makes someone an owner or a plain member; a company always keeps one owner."""
    company = membership.company
    _require_owner(company, by)
    role = CompanyMembership.Role(role)
    with transaction.atomic():
        owners = list(
            company.memberships.select_for_update()
            .filter(role=CompanyMembership.Role.OWNER)
            .values_list("pk", flat=True)
        )
        if role == CompanyMembership.Role.MEMBER and owners == [membership.pk]:
            raise ValidationError(
                f"{company.name} needs an owner: make someone else an owner first."
            )
        membership.role = role
        membership.save(update_fields=["role"])
