"""Companies: creation, edits and their review, verification, members and invitations."""

import secrets
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from careerboard.files import delete_replaced_on_commit
from careerboard.mail import send_templated_mail
from careerboard.models import Sector, User
from careerboard.services import require_verified_email, user_roles_add
from jobs.models import (
    INVITATION_LIFETIME,
    Company,
    CompanyEdit,
    CompanyInvitation,
    CompanyMembership,
    ModerationEvent,
)
from jobs.services.states import members_emails, moderation_event_create, rejection_reason


def company_create(
    *, name: str, created_by: User | None = None, sectors: Iterable[Sector] = (), **fields
) -> Company:
    """A new company, seen by its members and staff only until a moderator approves it (or one
    of its jobs); its creator becomes its owner, and an account that hires."""
    with transaction.atomic():
        company = Company(name=name, slug=_unique_company_slug(name), **fields)
        company.full_clean()
        company.save()
        if sectors:
            company.sectors.set(sectors)
        if created_by is not None:
            company.memberships.create(user=created_by, role=CompanyMembership.Role.OWNER)
            user_roles_add(user=created_by, hiring=True)
    return company


def _unique_company_slug(name: str) -> str:
    base = slugify(name)[:120] or "company"
    slug, n = base, 2
    while Company.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


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
    reason = rejection_reason(reason, subject="change")
    company = edit.company
    with transaction.atomic():
        _company_edit_close(edit, by=by, to_status="change rejected", reason=reason)
        _notify_company_members(company, "company_change_rejected", edit=edit, reason=reason)
    return company


def _notify_company_members(company: Company, template: str, **context) -> None:
    recipients = members_emails(company)
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
    with transaction.atomic():
        invitation = CompanyInvitation.objects.create(
            company=company, email=email, invited_by=by, token=secrets.token_urlsafe(32)
        )
        send_templated_mail(
            template="jobs/email/company_invitation",
            to=[email],
            context={"invitation": invitation, "company": company, "inviter": by},
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
        user_roles_add(user=user, hiring=True)
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
