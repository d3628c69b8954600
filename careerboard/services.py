"""Writes of the core app: accounts (sign-up, details, roles, email confirmation, API tokens)."""

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

EMAIL_VERIFICATION_SALT = "careerboard.email-verification"
EMAIL_VERIFICATION_MAX_AGE = timedelta(days=3)
UNVERIFIED_EMAIL_MESSAGE = (
    "Confirm your email address first: follow the link we emailed you, "
    "or ask for a new one with the “Send the link again” button."
)


def user_create(
    *, username: str, email: str, password: str, is_seeking: bool, is_hiring: bool
) -> User:
    """A new account, emailed a link that confirms its address once the transaction commits."""
    user = User(username=username, email=email, is_seeking=is_seeking, is_hiring=is_hiring)
    user.set_password(password)
    with transaction.atomic():
        user.save()
        email_verification_send(user=user)
    return user


def user_update(*, user: User, **fields) -> User:
    """Save the account's own details (fields as a ModelForm cleans them); a new address is
    unverified until a link sent to it is followed."""
    with transaction.atomic():
        stored_email = (
            User.objects.select_for_update().values_list("email", flat=True).get(pk=user.pk)
        )
        for name, value in fields.items():
            setattr(user, name, value)
        user.save(update_fields=list(fields))
        if user.email != stored_email:
            email_verification_reset(user=user)
    return user


def user_roles_add(*, user: User, seeking: bool = False, hiring: bool = False) -> User:
    """The account now seeks work (it has a profile) or hires (it manages a company); roles it
    already has are kept, and nothing is written when it has them all."""
    changed = []
    if seeking and not user.is_seeking:
        user.is_seeking = True
        changed.append("is_seeking")
    if hiring and not user.is_hiring:
        user.is_hiring = True
        changed.append("is_hiring")
    if changed:
        user.save(update_fields=changed)
    return user


def email_verification_token(user: User) -> str:
    """A signed, dated token naming the account and the address it confirms."""
    payload = {"user": user.pk, "email": user.email.lower()}
    return signing.dumps(payload, salt=EMAIL_VERIFICATION_SALT)


def email_verification_send(*, user: User) -> None:
    """Email the account a link that confirms its address (through the outbox, in the caller's
    transaction); until it arrives, the account's pages offer the link again."""
    send_templated_mail(
        template="careerboard/email/confirm_email",
        to=[user.email],
        context={
            "user": user,
            "token": email_verification_token(user),
            "days": EMAIL_VERIFICATION_MAX_AGE.days,
        },
    )


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
