"""Accounts: the user and their API token."""

import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q


class User(AbstractUser):
    email = models.EmailField("email address", unique=True)
    is_hiring = models.BooleanField(
        "hires people", default=False, help_text="Posts roles for a company."
    )
    is_seeking = models.BooleanField(
        "seeks work", default=False, help_text="Looks for a role on the board."
    )
    email_verified_at = models.DateTimeField(
        "email confirmed",
        null=True,
        blank=True,
        editable=False,
        help_text="When the owner of the address followed our confirmation link; "
        "cleared when the address changes.",
    )

    REQUIRED_FIELDS = ["email"]

    @property
    def has_verified_email(self) -> bool:
        return self.email_verified_at is not None

    @property
    def looks_for_work(self) -> bool:
        """Whether the board offers this person its seeker tools (fit, saving, recommendations):
        those who seek work, and anyone who has not said they only hire or moderate."""
        return self.is_seeking or not (self.is_hiring or self.is_staff)


class ApiToken(models.Model):
    """A user's key to the API. Only a digest of the key is kept: the key is shown once, when made.

    The key is random (256 bits), so a plain SHA-256 digest cannot be reversed or guessed and
    needs neither salt nor slow hashing; lookups by digest stay one index probe.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_token"
    )
    digest = models.CharField(max_length=64, unique=True, editable=False)
    # The key's first characters, so that its owner can tell which key is on file.
    prefix = models.CharField(max_length=8, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(digest__regex=r"^[0-9a-f]{64}$"), name="apitoken_digest_is_sha256"
            )
        ]

    def __str__(self):
        return f"{self.prefix}… for {self.user}"

    @staticmethod
    def digest_of(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()
