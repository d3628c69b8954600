"""Applications made on the board, with their private resume files."""

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q

from jobs.models.postings import Job


def private_storage():
    """Where resumes live: outside the static and public media trees, served only by views."""
    return storages["private"]


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    VIEWED = "viewed", "Viewed"
    INTERVIEWING = "interviewing", "Interviewing"
    OFFERED = "offered", "Offered"
    REJECTED = "rejected", "Not selected"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Application(models.Model):
    Status = ApplicationStatus

    # Which status may follow which: the one place this is decided. The hiring company moves
    # an application forward (never back); the applicant may withdraw it until it is refused.
    TRANSITIONS = {
        Status.SUBMITTED: {
            Status.VIEWED,
            Status.INTERVIEWING,
            Status.OFFERED,
            Status.REJECTED,
            Status.WITHDRAWN,
        },
        Status.VIEWED: {Status.INTERVIEWING, Status.OFFERED, Status.REJECTED, Status.WITHDRAWN},
        Status.INTERVIEWING: {Status.OFFERED, Status.REJECTED, Status.WITHDRAWN},
        Status.OFFERED: {Status.REJECTED, Status.WITHDRAWN},
        Status.REJECTED: set(),
        Status.WITHDRAWN: set(),
    }

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="applications")
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="applications"
    )
    resume = models.FileField(storage=private_storage, upload_to="resumes/%Y/%m/", blank=True)
    note = models.TextField(blank=True, max_length=3000)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["job", "applicant"], name="application_once_per_job"),
            models.CheckConstraint(
                name="application_status_valid",
                condition=Q(status__in=ApplicationStatus.values),
            ),
        ]
        indexes = [models.Index(fields=["job", "status"], name="application_job_status")]

    def __str__(self):
        return f"{self.applicant} for {self.job}"

    def can_transition_to(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.status, set())

    @property
    def can_be_withdrawn(self) -> bool:
        return self.can_transition_to(self.Status.WITHDRAWN)

    def employer_moves(self) -> list[tuple[str, str]]:
        """(value, label) of the statuses the hiring company may move this application to."""
        return [
            (value, label)
            for value, label in self.Status.choices
            if value != self.Status.WITHDRAWN and self.can_transition_to(value)
        ]
