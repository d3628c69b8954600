"""Seekers' writes: resumes, applications, saved jobs and job alerts."""

import struct
import zipfile
import zlib
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import get_valid_filename

from careerboard.files import delete_replaced_on_commit
from careerboard.mail import send_templated_mail
from careerboard.models import Skill, User
from careerboard.services import require_verified_email, user_roles_add
from jobs.models import Application, Job
from jobs.services import application_notify_members, job_public_title
from profiles.models import AlertDelivery, JobAlert, Profile, ProfileSkill, SavedJob

MAX_RESUME_BYTES = 5 * 1024 * 1024
RESUME_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
}
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
# A DOCX or ODT is a zip; these bound what one may ask of a worker (a zip bomb asks gigabytes).
MAX_ARCHIVE_ENTRIES = 1000
# The zip's index: 46 bytes and the name per entry (a ZIP64 index declares 4 GiB and is refused).
MAX_CENTRAL_DIRECTORY_BYTES = 256 * 1024
ZIP_END_RECORD_BYTES = 22
TOO_MANY_PARTS = (
    f"This file holds more parts than a document has (at most {MAX_ARCHIVE_ENTRIES:,}). "
    "Save it again from your word processor."
)
MAX_ARCHIVE_UNPACKED_BYTES = 50 * 1024 * 1024
# Above a megabyte, no part of a real document shrinks 200 times (zeros shrink 1,000 times).
MAX_ARCHIVE_RATIO = 200
MAX_ARCHIVE_RATIO_FROM = 1024 * 1024
OFFICE_COMPRESSION = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}
ZIP_BOMB_MESSAGE = (
    "This file would unpack to far more than a document needs (it looks like a zip bomb). "
    "Save it again from your word processor."
)
UNSUBSCRIBE_SALT = "careerboard.job-alert.unsubscribe"
ALERT_PERIOD = {
    JobAlert.Frequency.DAILY: timedelta(days=1),
    JobAlert.Frequency.WEEKLY: timedelta(days=7),
}
ALERT_MAX_JOBS = 20


def seeker_profile(request) -> Profile | None:
    """The signed-in person's profile with its skills, read once however often a page asks."""
    if not hasattr(request, "_seeker_profile"):
        request._seeker_profile = (
            Profile.objects.filter(user=request.user).prefetch_related("skills").first()
            if request.user.is_authenticated
            else None
        )
    return request._seeker_profile


def resume_kind(upload) -> str:
    """ "pdf", "docx" or "odt", judged by the file's content, never its name; else refused."""
    size = upload.size
    if not size:
        raise ValidationError("The file is empty.")
    if size > MAX_RESUME_BYTES:
        raise ValidationError("A resume can be at most 5 MB.")
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        if _central_directory_bytes(upload) > MAX_CENTRAL_DIRECTORY_BYTES:
            raise ValidationError(TOO_MANY_PARTS)
        try:
            with zipfile.ZipFile(upload) as archive:
                kind = _office_document_kind(archive)
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError):
            kind = None
        finally:
            upload.seek(0)
        if kind:
            return kind
    raise ValidationError("Upload a PDF, DOCX or ODT file (this file is none of them).")


def _central_directory_bytes(upload) -> int:
    """The size of a zip's index as its end record declares it (0 without one), read from the
    file's tail: zipfile parses the whole index into objects, 30 MB for a 5 MB file of empty
    entries, so an index larger than a document needs is refused before that."""
    upload.seek(max(0, upload.size - ZIP_END_RECORD_BYTES - 0xFFFF))
    tail = upload.read()
    upload.seek(0)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < ZIP_END_RECORD_BYTES:
        return 0
    return struct.unpack_from("<I", tail, at + 12)[0]


def _office_document_kind(archive: zipfile.ZipFile) -> str | None:
    """ "docx" or "odt" for a sound office archive, None for another zip; a zip bomb is refused.

    The sizes an archive declares may lie, so the one entry read (an ODT's `mimetype`) is read
    through a bounded read; bzip2 and LZMA entries, which inflate a whole block at once however
    little is asked for, are refused before anything is read (office files use deflate only).
    """
    entries = archive.infolist()
    if len(entries) > MAX_ARCHIVE_ENTRIES:
        raise ValidationError(TOO_MANY_PARTS)
    unpacked = sum(entry.file_size for entry in entries)
    if unpacked > MAX_ARCHIVE_UNPACKED_BYTES or any(
        entry.file_size > MAX_ARCHIVE_RATIO * entry.compress_size
        and entry.file_size > MAX_ARCHIVE_RATIO_FROM
        for entry in entries
    ):
        raise ValidationError(ZIP_BOMB_MESSAGE)
    if any(entry.compress_type not in OFFICE_COMPRESSION for entry in entries):
        raise ValidationError(
            "This file is compressed in a way word processors never use; save it again as a "
            "DOCX or ODT."
        )
    names = {entry.filename for entry in entries}
    if {"[Content_Types].xml", "word/document.xml"} <= names:
        return "docx"
    if "mimetype" in names:
        with archive.open("mimetype") as entry:
            if entry.read(len(ODT_MIMETYPE) + 1).strip() == ODT_MIMETYPE:
                return "odt"
    return None


def resume_file(upload) -> tuple[ContentFile, str]:
    kind = resume_kind(upload)
    stem = get_valid_filename(upload.name.rsplit(".", 1)[0])[:60] or "resume"
    return ContentFile(upload.read(), name=f"{stem}.{kind}"), RESUME_TYPES[kind]


def profile_get_or_create(*, user: User) -> Profile:
    """The account's profile, made empty the first time its owner opens it."""
    profile, _ = Profile.objects.get_or_create(user=user)
    return profile


def profile_update(
    *,
    profile: Profile,
    user: User,
    fields: dict,
    skills: dict[Skill, tuple[int, int]],
    upload=None,
    remove_resume: bool = False,
) -> Profile:
    """Save the seeker's profile (fields as a ModelForm cleans them) with exactly these skills,
    each at its (level, years); a new resume replaces the old one, or the old one goes. The
    account then counts as seeking work."""
    with transaction.atomic():
        for name, value in fields.items():
            Profile._meta.get_field(name).save_form_data(profile, value)
        profile.full_clean()
        profile.save()
        _profile_skills_set(profile, skills)
        if upload:
            profile_resume_set(profile=profile, upload=upload)
        elif remove_resume and profile.resume:
            profile_resume_remove(profile=profile)
        user_roles_add(user=user, seeking=True)
    return profile


def _profile_skills_set(profile: Profile, skills: dict[Skill, tuple[int, int]]) -> None:
    """Keep exactly these skills on the profile: rows as they were are left alone."""
    wanted = {skill.pk: (skill, level, years) for skill, (level, years) in skills.items()}
    ProfileSkill.objects.filter(profile=profile).exclude(skill__in=list(wanted)).delete()
    current = {row.skill_id: row for row in ProfileSkill.objects.filter(profile=profile)}
    for skill_id, (skill, level, years) in wanted.items():
        row = current.get(skill_id)
        if row is None:
            ProfileSkill.objects.create(profile=profile, skill=skill, level=level, years=years)
        elif (row.level, row.years) != (level, years):
            row.level, row.years = level, years
            row.save(update_fields=["level", "years"])


def profile_resume_set(*, profile: Profile, upload) -> Profile:
    """Keep this resume on the profile; the one it replaces leaves storage on commit."""
    resume, content_type = resume_file(upload)
    with transaction.atomic():
        profile.resume.save(resume.name, resume, save=False)
        profile.resume_content_type = content_type
        delete_replaced_on_commit(profile, "resume")
        profile.save(update_fields=["resume", "resume_content_type", "updated_at"])
    return profile


def profile_resume_remove(*, profile: Profile) -> Profile:
    """Forget the profile's resume and delete its file on commit (applications keep their own)."""
    with transaction.atomic():
        profile.resume = ""
        profile.resume_content_type = ""
        delete_replaced_on_commit(profile, "resume")
        profile.save(update_fields=["resume", "resume_content_type", "updated_at"])
    return profile


def saved_job_toggle(*, user: User, job: Job) -> bool:
    """Save the job, or unsave it if it was saved; returns whether it is saved now."""
    deleted, _ = SavedJob.objects.filter(user=user, job=job).delete()
    if deleted:
        return False
    SavedJob.objects.get_or_create(user=user, job=job)
    return True


def application_submit(*, job: Job, user: User, note: str = "", upload=None) -> Application:
    """Apply once to a job that takes applications here, with a new or the profile's resume."""
    if not job.is_public or not job.apply_on_site:
        raise ValidationError("This job does not take applications on CareerBoard.")
    profile = getattr(user, "profile", None)
    if upload is not None:
        resume, _ = resume_file(upload)
    elif profile is not None and profile.resume:
        with profile.resume.open("rb") as handle:
            resume = ContentFile(handle.read(), name=profile.resume.name.rsplit("/", 1)[-1])
    else:
        raise ValidationError("Add a resume to your profile or upload one with this application.")
    try:
        with transaction.atomic():
            application = Application.objects.create(job=job, applicant=user, note=note)
            application.resume.save(resume.name, resume, save=True)
            if user.email:
                send_templated_mail(
                    template="profiles/email/application_received",
                    to=[user.email],
                    context={"application": application, "job": job},
                )
            application_notify_members(application)
    except IntegrityError as error:
        raise ValidationError("You have already applied to this job.") from error
    return application


def application_transition(*, application: Application, to: str, by: User) -> Application:
    """Move an application along Application.TRANSITIONS: the applicant withdraws it, the
    hiring company decides on it, and the seeker is emailed of the company's moves.

    An illegal move is refused before anything is written; a move to the status it already
    has changes nothing.
    """
    if to not in Application.Status.values:
        raise ValidationError("Choose one of the listed statuses.")
    if to == Application.Status.WITHDRAWN:
        if application.applicant_id != by.pk:
            raise ValidationError("Only the applicant can withdraw an application.")
    elif not application.job.company.members.filter(pk=by.pk).exists():
        raise ValidationError("Only the hiring company can change an application's status.")
    with transaction.atomic():
        current = Application.objects.select_for_update().get(pk=application.pk)
        application.status = current.status
        if current.status == to:
            return application
        if not current.can_transition_to(to):
            raise ValidationError(
                f"This application is “{current.get_status_display()}”; "
                f"it cannot become “{Application.Status(to).label}”."
            )
        application.status = to
        application.save(update_fields=["status", "updated_at"])
        if to != Application.Status.WITHDRAWN:
            send_templated_mail(
                template="profiles/email/application_status",
                to=[application.applicant.email],
                context={
                    "application": application,
                    "job": application.job,
                    "title": job_public_title(application.job),
                },
            )
    return application


# Job alerts -----------------------------------------------------------------------------------


def alert_create(*, user: User, query: str, frequency: str) -> JobAlert:
    """Save a search as an alert; its query is kept as its filters, encoded for a link."""
    require_verified_email(user)
    alert = JobAlert(user=user, query=query, frequency=frequency)
    filterset = alert.filterset
    if not filterset.form.is_valid():
        raise ValidationError("This search has invalid filters; fix them before saving it.")
    alert.query = filterset.data.urlencode()[:1000]
    # Named once, as saved: the alerts page then lists any number of alerts in one query.
    alert.name = (filterset.describe() or "All jobs")[:300]
    alert.full_clean()
    alert.save()
    return alert


def alert_set_frequency(*, alert: JobAlert, frequency: str) -> JobAlert:
    alert.frequency = frequency
    alert.full_clean()
    alert.save(update_fields=["frequency"])
    return alert


def alert_delete(*, alert: JobAlert) -> None:
    alert.delete()


def alert_token(alert: JobAlert) -> str:
    return signing.dumps(alert.pk, salt=UNSUBSCRIBE_SALT)


def alert_from_token(token: str) -> JobAlert | None:
    try:
        pk = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return JobAlert.objects.filter(pk=pk).first()


def alert_unsubscribe(*, alert: JobAlert) -> None:
    alert.is_active = False
    alert.save(update_fields=["is_active"])


def alerts_send(*, now=None) -> dict[str, int]:
    """Email each due alert the new jobs that match it.

    Crash safety: an alert's deliveries, its last_sent_at and its email (an outbox row) are
    written in one transaction. Running twice finds nothing new; a crash before the commit leaves
    the alert as it was (it is sent next run); after the commit the outbox sends the email.
    """
    now = now or timezone.now()
    counts = {"due": 0, "sent": 0, "nothing new": 0}
    for alert in JobAlert.objects.filter(is_active=True).select_related("user").iterator():
        since = alert.last_sent_at or alert.created_at
        if alert.last_sent_at and now - alert.last_sent_at < ALERT_PERIOD[alert.frequency]:
            continue
        counts["due"] += 1
        with transaction.atomic():
            locked = JobAlert.objects.select_for_update(skip_locked=True).filter(pk=alert.pk)
            if not locked.exists():
                continue
            jobs = list(
                alert.filterset.matching_jobs()
                .filter(published_at__gt=since)
                .exclude(pk__in=AlertDelivery.objects.filter(alert=alert).values("job_id"))
                .select_related("company")
                .order_by("-published_at")[:ALERT_MAX_JOBS]
            )
            alert.last_sent_at = now
            alert.save(update_fields=["last_sent_at"])
            if not jobs:
                counts["nothing new"] += 1
                continue
            AlertDelivery.objects.bulk_create([AlertDelivery(alert=alert, job=j) for j in jobs])
            unsubscribe = settings.SITE_URL + reverse(
                "profiles:alert_unsubscribe", args=[alert_token(alert)]
            )
            send_templated_mail(
                template="profiles/email/job_alert",
                to=[alert.user.email],
                context={"alert": alert, "jobs": jobs, "unsubscribe_url": unsubscribe},
                headers={
                    "List-Unsubscribe": f"<{unsubscribe}>",
                    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                },
            )
            counts["sent"] += 1
    return counts
