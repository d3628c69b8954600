"""Companies, their members and invitations."""

from datetime import timedelta
from functools import cached_property

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from careerboard.markdown import render_markdown
from careerboard.models import Sector


class CompanyQuerySet(models.QuerySet):
    def for_member(self, user):
        """The companies the user manages or posts for."""
        return self.filter(members=user)

    def public(self):
        """What the public may see: companies a moderator approved (or approved a job of)."""
        return self.filter(approved_at__isnull=False)

    def visible_to(self, user):
        """Public companies, and the unapproved ones the user is a member of (all for staff)."""
        if user.is_authenticated and user.is_staff:
            return self.all()
        if user.is_authenticated:
            return self.filter(Q(approved_at__isnull=False) | Q(members=user)).distinct()
        return self.public()


class Company(models.Model):
    class Size(models.TextChoices):
        TINY = "1-10", "1-10 people"
        SMALL = "11-50", "11-50 people"
        MEDIUM = "51-200", "51-200 people"
        LARGE = "201-1000", "201-1,000 people"
        HUGE = "1000+", "More than 1,000 people"

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    website = models.URLField(max_length=300, blank=True)
    about = models.TextField(blank=True, help_text="Markdown.")
    logo = models.ImageField(upload_to="logos/", blank=True)
    size = models.CharField(max_length=10, choices=Size.choices, blank=True)
    sectors = models.ManyToManyField(Sector, blank=True, related_name="companies")
    is_verified = models.BooleanField(
        "verified", default=False, help_text="Postings of a verified company publish at once."
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="CompanyMembership", related_name="companies"
    )
    approved_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When a moderator approved the company or one of its jobs; "
        "until then only its members and staff see it.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CompanyQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "companies"
        constraints = [
            models.CheckConstraint(
                name="company_verified_is_approved",
                condition=Q(is_verified=False) | Q(approved_at__isnull=False),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("jobs:company_detail", args=[self.slug])

    @cached_property
    def about_html(self):
        return render_markdown(self.about)

    def clean(self):
        if self.is_verified and self.approved_at is None:
            raise ValidationError(
                {"is_verified": "Approve the company before giving it the verified badge."}
            )

    @property
    def is_public(self) -> bool:
        return self.approved_at is not None

    def is_owner(self, user) -> bool:
        return self.memberships.filter(user=user, role=CompanyMembership.Role.OWNER).exists()


class CompanyMembership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", "Owner"
        MEMBER = "member", "Member"

    class ApplicationEmails(models.TextChoices):
        EACH = "each", "An e-mail for each application"
        DAILY = "daily", "One daily digest"

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(
        max_length=10,
        choices=Role.choices,
        default=Role.MEMBER,
        help_text="Owners also invite and remove people; members post and manage jobs.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    application_emails = models.CharField(
        max_length=10,
        choices=ApplicationEmails.choices,
        default=ApplicationEmails.EACH,
        help_text="How this member hears of new applications to the company's jobs.",
    )
    # The end of the period the last daily digest covered (set when the member chose it).
    digest_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["company", "user"], name="membership_unique"),
            models.CheckConstraint(
                name="membership_role_valid", condition=Q(role__in=["owner", "member"])
            ),
            models.CheckConstraint(
                name="membership_application_emails_valid",
                condition=Q(application_emails__in=["each", "daily"]),
            ),
        ]

    def __str__(self):
        return f"{self.user} at {self.company}"


INVITATION_LIFETIME = timedelta(days=14)


class CompanyInvitationQuerySet(models.QuerySet):
    def open(self):
        """Invitations that can still be accepted: not used, not revoked, not expired."""
        return self.filter(
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            created_at__gt=timezone.now() - INVITATION_LIFETIME,
        )


class CompanyInvitation(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    token = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = CompanyInvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                name="invitation_not_accepted_and_revoked",
                condition=Q(accepted_at__isnull=True) | Q(revoked_at__isnull=True),
            ),
        ]

    def __str__(self):
        return f"{self.email} to {self.company}"
