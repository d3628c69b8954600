"""Writes of the core app: accounts (email confirmation, API tokens)."""

import logging
import secrets
from datetime import timedelta

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from careerboard.mail import send_templated_mail
from careerboard.models import (
    ApiToken,
    User,
)

logger = logging.getLogger(__name__)


EMAIL_VERIFICATION_SALT = "careerboard.email-verification"
EMAIL_VERIFICATION_MAX_AGE = timedelta(days=3)
UNVERIFIED_EMAIL_MESSAGE = (
    "Confirm your email address first: follow the link we emailed you, "
    "or ask for a new one with the “Send the link again” button."
)


def email_verification_token(user: User) -> str:
    """A signed, dated token naming the account and the address it confirms."""
    payload = {"user": user.pk, "email": user.email.lower()}
    return signing.dumps(payload, salt=EMAIL_VERIFICATION_SALT)


def email_verification_send(*, user: User) -> None:
    """Email the account a link that confirms its address, once the transaction commits.

    A refused send is logged and leaves the account as it is: its pages offer the link again.
    """
    token = email_verification_token(user)

    def send():
        try:
            send_templated_mail(
                template="careerboard/email/confirm_email",
                to=[user.email],
                context={"user": user, "token": token, "days": EMAIL_VERIFICATION_MAX_AGE.days},
            )
        except Exception:
            logger.exception("Failed to send the email confirmation link to user %s", user.pk)

    transaction.on_commit(send)


def email_verify(*, token: str) -> User:
    """Mark the address a confirmation link was sent to as verified; safe to follow twice.

    A link confirms only the address it was sent to: once the account's address changes, links
    sent to the old one are refused.
    """
    try:
        data = signing.loads(
            token, salt=EMAIL_VERIFICATION_SALT, max_age=EMAIL_VERIFICATION_MAX_AGE
        )
    except signing.SignatureExpired:
        raise ValidationError(
            "This confirmation link has expired. Log in and ask for a new one."
        ) from None
    except signing.BadSignature:
        raise ValidationError(
            "This confirmation link is not valid. Copy the whole link from the email, "
            "or log in and ask for a new one."
        ) from None
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=data["user"]).first()
        if user is None or user.email.lower() != data["email"]:
            raise ValidationError(
                "This link was sent to an address the account no longer uses. "
                "Log in and ask for a link to your current address."
            )
        if user.email_verified_at is None:
            user.email_verified_at = timezone.now()
            user.save(update_fields=["email_verified_at"])
    return user


def email_verification_reset(*, user: User) -> User:
    """The account's address changed: it is unverified until a link sent to it is followed."""
    user.email_verified_at = None
    user.save(update_fields=["email_verified_at"])
    email_verification_send(user=user)
    return user


def require_verified_email(user: User) -> None:
    """Refuse an action that needs a confirmed address (posting, invitations, alerts)."""
    if not user.has_verified_email:
        raise ValidationError(UNVERIFIED_EMAIL_MESSAGE, code="email_unverified")


def api_token_create(*, user: User) -> tuple[ApiToken, str]:
    """A new API key for `user`, replacing any earlier one. The key is returned, never stored."""
    key = secrets.token_urlsafe(32)
    with transaction.atomic():
        # Two requests at once would otherwise both find no token and both insert one.
        User.objects.select_for_update().filter(pk=user.pk).first()
        ApiToken.objects.filter(user=user).delete()
        token = ApiToken.objects.create(user=user, digest=ApiToken.digest_of(key), prefix=key[:8])
    return token, key


def api_token_revoke(*, user: User) -> bool:
    """Delete the user's API key; False if they had none."""
    deleted, _ = ApiToken.objects.filter(user=user).delete()
    return bool(deleted)
