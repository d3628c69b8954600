"""The outbox: every e-mail the site sends, written in the transaction of the change that causes
it and sent afterwards by a worker (careerboard/outbox.py), so a slow or absent SMTP server never
touches a request and never loses a message."""

from datetime import timedelta

from django.db import models
from django.db.models import Q
from django.utils import timezone

# A message still waiting this long after it was written needs a person to look at it.
STUCK_AFTER = timedelta(minutes=15)


class OutboxMessageQuerySet(models.QuerySet):
    def due(self, now=None):
        """Messages waiting whose next try has come, oldest first."""
        now = now or timezone.now()
        return self.filter(status=OutboxMessage.Status.PENDING, next_attempt_at__lte=now).order_by(
            "next_attempt_at", "pk"
        )

    def stuck(self, now=None):
        """Messages still waiting long after they were written (SMTP or the workers are down)."""
        now = now or timezone.now()
        return self.filter(status=OutboxMessage.Status.PENDING, created_at__lte=now - STUCK_AFTER)


class OutboxMessage(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed (gave up)"

    template = models.CharField(max_length=200, help_text="The e-mail template it was made from.")
    from_email = models.CharField(max_length=300)
    to = models.JSONField(help_text="The recipients' addresses.")
    subject = models.TextField()
    body = models.TextField()
    headers = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = OutboxMessageQuerySet.as_manager()

    class Meta:
        verbose_name = "outbox message"
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="outbox_pending_due_idx",
                condition=Q(status="pending"),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                name="outbox_status_valid", condition=Q(status__in=["pending", "sent", "failed"])
            ),
            models.CheckConstraint(
                name="outbox_sent_has_date", condition=~Q(status="sent") | Q(sent_at__isnull=False)
            ),
        ]

    def __str__(self):
        return self.subject
