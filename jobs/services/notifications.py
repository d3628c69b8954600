"""The e-mails that bring people work: company members hear of new applications (each one, or
a daily digest, as each member chose) and moderators of a job, or a live job's change, waiting
for review. Each is written to the outbox inside the transaction of the change it tells of."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from careerboard.mail import send_templated_mail
from careerboard.models import User
from jobs.models import Application, CompanyMembership, Job

DIGEST_PERIOD = timedelta(days=1)
# The most applications one digest lists; the e-mail links to the rest.
DIGEST_MAX_APPLICATIONS = 50


def _moderators_notify(template: str, job: Job) -> None:
    """E-mail `template` about `job` to the moderators: active staff with an address."""
    recipients = list(
        User.objects.filter(is_staff=True, is_active=True)
        .exclude(email="")
        .order_by("pk")
        .values_list("email", flat=True)
    )
    if recipients:
        send_templated_mail(template=template, to=recipients, context={"job": job})


def moderators_notify_job(job: Job) -> None:
    """Tell the moderators that `job` waits for their review."""
    _moderators_notify("jobs/email/job_to_review", job)


def moderators_notify_edit(job: Job) -> None:
    """Tell the moderators that a change of the live `job` waits for their review."""
    _moderators_notify("jobs/email/edit_to_review", job)


def application_notify_members(application: Application) -> None:
    """Tell the hiring company's members who want each application at once of this one."""
    job = application.job
    recipients = list(
        CompanyMembership.objects.filter(
            company_id=job.company_id, application_emails=CompanyMembership.ApplicationEmails.EACH
        )
        .exclude(user__email="")
        .order_by("pk")
        .values_list("user__email", flat=True)
    )
    if recipients:
        send_templated_mail(
            template="jobs/email/new_application",
            to=recipients,
            context={"application": application, "job": job},
        )


def membership_set_application_emails(
    *, membership: CompanyMembership, choice: str
) -> CompanyMembership:
    """A member chooses how to hear of new applications. A digest starts from now: what came
    before was e-mailed one by one."""
    if choice not in CompanyMembership.ApplicationEmails.values:
        raise ValidationError("Choose an e-mail for each application or a daily digest.")
    if membership.application_emails != choice:
        membership.application_emails = choice
        membership.digest_sent_at = timezone.now()
        membership.save(update_fields=["application_emails", "digest_sent_at"])
    return membership


def _due_digests(now):
    return CompanyMembership.objects.filter(
        Q(digest_sent_at__isnull=True) | Q(digest_sent_at__lte=now - DIGEST_PERIOD),
        application_emails=CompanyMembership.ApplicationEmails.DAILY,
    )


def application_digests_send(*, now=None) -> dict[str, int]:
    """E-mail each member on the daily digest the applications of the day since their last one.

    Each member is claimed (SELECT ... FOR UPDATE SKIP LOCKED) and their digest's period moved
    on in the transaction that writes the e-mail, so two runs at once, or a second run, never
    send one day twice; a member with nothing new gets no e-mail.
    """
    now = now or timezone.now()
    counts = {"due": 0, "sent": 0, "nothing new": 0}
    for pk in list(_due_digests(now).values_list("pk", flat=True)):
        with transaction.atomic():
            membership = (
                _due_digests(now)
                .select_for_update(skip_locked=True, of=("self",))
                .select_related("user", "company")
                .filter(pk=pk)
                .first()
            )
            if membership is None:
                continue
            counts["due"] += 1
            since = membership.digest_sent_at or membership.created_at
            membership.digest_sent_at = now
            membership.save(update_fields=["digest_sent_at"])
            applications = Application.objects.filter(
                job__company_id=membership.company_id, created_at__gt=since, created_at__lte=now
            )
            total = applications.count()
            if not total or not membership.user.email:
                counts["nothing new"] += 1
                continue
            send_templated_mail(
                template="jobs/email/applications_digest",
                to=[membership.user.email],
                context={
                    "company": membership.company,
                    "total": total,
                    "applications": applications.select_related("job").order_by("created_at")[
                        :DIGEST_MAX_APPLICATIONS
                    ],
                },
            )
            counts["sent"] += 1
    return counts
