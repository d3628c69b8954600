"""Moderation: changes waiting for review, the record of every decision, and reports."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from jobs.models.companies import Company
from jobs.models.postings import Job


class PendingChange(models.Model):
    """A change waiting for a moderator: who sent it and when (oldest first in the queue)."""

    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
        ordering = ["submitted_at"]


class CompanyEdit(PendingChange):
    """A new name or website of an approved company, waiting for review; the public keeps
    seeing the approved ones meanwhile."""

    company = models.OneToOneField(Company, on_delete=models.CASCADE, related_name="pending_edit")
    name = models.CharField(max_length=120)
    website = models.URLField(max_length=300, blank=True)

    def __str__(self):
        return f"Change of {self.company}"


class JobEdit(PendingChange):
    """Changes to a published job's substance, waiting for review while the job stays up.

    Each resubmission is a new revision: a moderator's decision names the revision it read.
    """

    job = models.OneToOneField(Job, on_delete=models.CASCADE, related_name="pending_edit")
    changes = models.JSONField(help_text="The edited fields, as the employer submitted them.")
    revision = models.PositiveIntegerField(default=1, editable=False)

    def __str__(self):
        return f"Edit of {self.job}"


class ApprovedPosting(models.Model):
    """A job's content in the revision a moderator approved, kept when the job first changes
    after that approval, so that the next review shows what changed since."""

    job = models.OneToOneField(
        Job, on_delete=models.CASCADE, primary_key=True, related_name="approved_posting"
    )
    revision = models.PositiveIntegerField()
    content = models.JSONField(help_text="The posting's fields, places and skills, as approved.")

    def __str__(self):
        return f"{self.job} as approved (revision {self.revision})"


class ModerationTarget(models.TextChoices):
    JOB = "job", "Job"
    EDIT = "edit", "Edit of a live job"
    COMPANY = "company", "Company"


class ModerationEvent(models.Model):
    """One change of status or of substance of a job, a job edit or a company, on record.

    Written by the services in the transaction of the change; never edited afterwards.
    """

    Target = ModerationTarget

    class EditStatus(models.TextChoices):
        PENDING = "pending", "Waiting for review"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        WITHDRAWN = "withdrawn", "Withdrawn"

    target = models.CharField(max_length=10, choices=Target.choices)
    job = models.ForeignKey(
        Job, null=True, blank=True, on_delete=models.SET_NULL, related_name="moderation_events"
    )
    company = models.ForeignKey(
        Company,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="moderation_events",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Empty when the system made the change (e.g. expiry).",
    )
    created_at = models.DateTimeField(default=timezone.now)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    revision = models.PositiveIntegerField(
        null=True, blank=True, help_text="The revision of the job or edit the change concerns."
    )
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="moderationevent_target_valid", condition=Q(target__in=ModerationTarget.values)
            ),
        ]
        indexes = [
            models.Index(fields=["job", "-created_at"], name="moderationevent_job"),
            models.Index(fields=["company", "-created_at"], name="moderationevent_company"),
        ]

    def __str__(self):
        subject = self.job or self.company or "(deleted)"
        return f"{self.get_target_display()} {subject}: {self.change_display}"

    @property
    def actor_display(self) -> str:
        return str(self.actor) if self.actor_id else "system"

    @property
    def change_display(self) -> str:
        if not self.from_status:
            return "proposed" if self.target == self.Target.EDIT else f"created as {self.to_status}"
        if self.from_status == self.to_status:
            return f"changed while {self.to_status}"
        return f"{self.from_status} → {self.to_status}"


class JobReport(models.Model):
    class Reason(models.TextChoices):
        FRAUD = "fraud", "Fraud or scam"
        WRONG = "wrong", "Wrong or misleading information"
        FILLED = "filled", "Already filled or no longer open"
        OFFENSIVE = "offensive", "Offensive or discriminatory"
        OTHER = "other", "Something else"

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="reports")
    reason = models.CharField(max_length=12, choices=Reason.choices)
    details = models.TextField(blank=True, max_length=2000)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reporter_email = models.EmailField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    is_resolved = models.BooleanField(default=False)

    class Meta:
        ordering = ["is_resolved", "-created_at"]

    def __str__(self):
        return f"{self.get_reason_display()}: {self.job}"
