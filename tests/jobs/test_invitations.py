"""Who manages a company: invitations bound to their address, owners who remove people and
withdraw invitations, and a company that always keeps an owner."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from jobs.models import CompanyInvitation, CompanyMembership
from jobs.services import company_invite
from tests.factories import (
    AdminFactory,
    CompanyFactory,
    EmployerFactory,
    PublishedJobFactory,
    SeekerFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(company):
    user = EmployerFactory(username="boss", email="boss@acme.example")
    CompanyMembership.objects.create(company=company, user=user, role="owner")
    return user


@pytest.fixture
def colleague(company):
    user = EmployerFactory(username="colleague", email="colleague@acme.example")
    CompanyMembership.objects.create(company=company, user=user)
    return user


@pytest.fixture
def invitation(company, owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return company_invite(company=company, email="NewHire@example.com", by=owner)


def actor(who, colleague, owner):
    """Log in as one of the people of the permission matrix (None: anonymous)."""
    if who == "anonymous":
        return None
    if who == "other_company_member":
        user = EmployerFactory()
        CompanyMembership.objects.create(company=CompanyFactory(), user=user, role="owner")
        return user
    return {
        "seeker": SeekerFactory,
        "another_seeker": SeekerFactory,
        "invited_seeker": lambda: SeekerFactory(email="newhire@example.com"),
        "invited_unverified": lambda: SeekerFactory(email="newhire@example.com", unverified=True),
        "member": lambda: colleague,
        "owner": lambda: owner,
        "admin": AdminFactory,
    }[who]()


# Accepting ---------------------------------------------------------------------------------


def test_the_invitation_email_carries_the_link(invitation):
    assert mail.outbox[-1].to == ["newhire@example.com"]
    assert reverse("jobs:invitation_accept", args=[invitation.token]) in mail.outbox[-1].body


@pytest.mark.parametrize(
    ("who", "status", "joins"),
    [
        ("anonymous", 302, False),
        ("seeker", 403, False),
        ("another_seeker", 403, False),
        ("invited_unverified", 403, False),
        ("invited_seeker", 302, True),
        ("member", 403, False),
        ("other_company_member", 403, False),
        ("owner", 403, False),
        ("admin", 403, False),
    ],
)
def test_only_the_confirmed_invited_address_can_accept(
    client, company, owner, colleague, invitation, who, status, joins
):
    user = actor(who, colleague, owner)
    if user is not None:
        client.force_login(user)
    url = reverse("jobs:invitation_accept", args=[invitation.token])
    get, post = client.get(url), client.post(url)
    assert get.status_code == (302 if who == "anonymous" else 200 if joins else status)
    assert post.status_code == status
    if who == "anonymous":
        assert "/accounts/login/" in post.url
    members_before = {owner.pk, colleague.pk}
    assert set(company.members.values_list("pk", flat=True)) == (
        members_before | {user.pk} if joins else members_before
    )
    invitation.refresh_from_db()
    assert (invitation.accepted_at is not None) is joins


def test_a_refused_invitation_says_why_and_offers_the_link_again(client, invitation):
    client.force_login(SeekerFactory(email="someone@example.com"))
    page = client.post(reverse("jobs:invitation_accept", args=[invitation.token])).content
    assert "sent to another email address" in page.decode()
    client.force_login(SeekerFactory(email="newhire@example.com", unverified=True))
    page = client.get(reverse("jobs:invitation_accept", args=[invitation.token])).content
    assert "Confirm your email address first" in page.decode()
    assert "Send the link again" in page.decode()


def test_the_seeker_of_the_issue_cannot_reach_applicants_resumes(client, company, invitation):
    """A seeker who got hold of the link for newhire@example.com joins nothing."""
    job = PublishedJobFactory(company=company)
    client.force_login(SeekerFactory(email="seeker@example.com"))
    client.post(reverse("jobs:invitation_accept", args=[invitation.token]))
    assert client.get(reverse("profiles:job_applicants", args=[job.pk])).status_code == 404


def test_a_used_withdrawn_or_expired_invitation_is_gone(client, invitation, owner):
    url = reverse("jobs:invitation_accept", args=[invitation.token])
    client.force_login(SeekerFactory(email="newhire@example.com"))

    CompanyInvitation.objects.filter(pk=invitation.pk).update(
        created_at=timezone.now() - timedelta(days=15)
    )
    response = client.post(url)
    assert response.status_code == 410 and "expired" in response.content.decode()

    CompanyInvitation.objects.filter(pk=invitation.pk).update(
        created_at=timezone.now(), revoked_at=timezone.now()
    )
    response = client.post(url)
    assert response.status_code == 410 and "withdrawn" in response.content.decode()

    CompanyInvitation.objects.filter(pk=invitation.pk).update(revoked_at=None)
    assert client.post(url).status_code == 302
    response = client.post(url)
    assert response.status_code == 410 and "already been used" in response.content.decode()


def test_the_address_matches_whatever_its_case(client, company, invitation):
    user = SeekerFactory(email="NEWHIRE@example.com")
    client.force_login(user)
    client.post(reverse("jobs:invitation_accept", args=[invitation.token]))
    assert company.members.filter(pk=user.pk).exists()
    assert company.memberships.get(user=user).role == "member"


# Inviting, removing and withdrawing --------------------------------------------------------


def test_only_owners_invite(client, company, owner, colleague):
    url = reverse("jobs:company_invite", args=[company.slug])
    client.force_login(colleague)
    assert client.post(url, {"email": "friend@example.com"}).status_code == 403
    client.force_login(owner)
    assert client.post(url, {"email": "friend@example.com"}).status_code == 302
    assert list(company.invitations.values_list("email", flat=True)) == ["friend@example.com"]


@pytest.mark.parametrize(
    ("who", "status", "removed"),
    [
        ("anonymous", 302, False),
        ("seeker", 404, False),
        ("another_seeker", 404, False),
        ("member", 403, False),
        ("other_company_member", 404, False),
        ("owner", 302, True),
        ("admin", 404, False),
    ],
)
def test_only_owners_remove_people(client, company, owner, colleague, who, status, removed):
    target = EmployerFactory(username="target")
    membership = CompanyMembership.objects.create(company=company, user=target)
    user = actor(who, colleague, owner)
    if user is not None:
        client.force_login(user)
    url = reverse("jobs:company_member_remove", args=[company.slug, membership.pk])
    confirm = client.get(url)
    assert confirm.status_code == (200 if removed else status)
    if removed:
        assert "Remove target?" in confirm.content.decode()
    assert company.members.filter(pk=target.pk).exists()  # asking changed nothing
    assert client.post(url).status_code == status
    assert company.members.filter(pk=target.pk).exists() is not removed


@pytest.mark.parametrize(
    ("who", "status", "revoked"),
    [
        ("anonymous", 302, False),
        ("seeker", 404, False),
        ("another_seeker", 404, False),
        ("member", 403, False),
        ("other_company_member", 404, False),
        ("owner", 302, True),
        ("admin", 404, False),
    ],
)
def test_only_owners_withdraw_invitations(
    client, company, owner, colleague, invitation, who, status, revoked
):
    user = actor(who, colleague, owner)
    if user is not None:
        client.force_login(user)
    url = reverse("jobs:company_invitation_revoke", args=[company.slug, invitation.pk])
    assert client.get(url).status_code == (200 if revoked else status)
    invitation.refresh_from_db()
    assert invitation.revoked_at is None
    assert client.post(url).status_code == status
    invitation.refresh_from_db()
    assert (invitation.revoked_at is not None) is revoked
    # A withdrawn link no longer works for the invited person either.
    client.force_login(SeekerFactory(email="newhire@example.com"))
    accept = client.post(reverse("jobs:invitation_accept", args=[invitation.token]))
    assert accept.status_code == (410 if revoked else 302)


def test_owners_see_members_and_open_invitations_with_their_buttons(
    client, company, owner, colleague, invitation
):
    client.force_login(owner)
    page = client.get(reverse("jobs:company_dashboard", args=[company.slug])).content.decode()
    assert "newhire@example.com" in page
    assert reverse("jobs:company_invitation_revoke", args=[company.slug, invitation.pk]) in page
    remove = company.memberships.get(user=colleague).pk
    assert reverse("jobs:company_member_remove", args=[company.slug, remove]) in page

    client.force_login(colleague)
    page = client.get(reverse("jobs:company_dashboard", args=[company.slug])).content.decode()
    assert "newhire@example.com" not in page
    assert reverse("jobs:company_member_remove", args=[company.slug, remove]) in page  # leave
    owner_membership = company.memberships.get(user=owner).pk
    assert reverse("jobs:company_member_remove", args=[company.slug, owner_membership]) not in page


def test_a_member_can_leave(client, company, owner, colleague):
    client.force_login(colleague)
    membership = company.memberships.get(user=colleague)
    leave = reverse("jobs:company_member_remove", args=[company.slug, membership.pk])
    response = client.post(leave)
    assert response.url == reverse("jobs:employer_dashboard")
    assert not company.members.filter(pk=colleague.pk).exists()


def test_the_last_owner_cannot_leave_or_be_demoted(client, company, owner, colleague):
    client.force_login(owner)
    membership = company.memberships.get(user=owner)
    leave = reverse("jobs:company_member_remove", args=[company.slug, membership.pk])
    response = client.post(leave, follow=True)
    assert "needs an owner" in response.content.decode()
    assert company.members.filter(pk=owner.pk).exists()

    # Another owner makes leaving possible.
    colleague_membership = company.memberships.get(user=colleague)
    client.post(
        reverse("jobs:company_member_role", args=[company.slug, colleague_membership.pk]),
        {"role": "owner"},
    )
    colleague_membership.refresh_from_db()
    assert colleague_membership.role == "owner"
    client.post(leave)
    assert not company.members.filter(pk=owner.pk).exists()

    # The new last owner cannot step down to member either.
    client.force_login(colleague)
    response = client.post(
        reverse("jobs:company_member_role", args=[company.slug, colleague_membership.pk]),
        {"role": "member"},
        follow=True,
    )
    assert "needs an owner" in response.content.decode()
    colleague_membership.refresh_from_db()
    assert colleague_membership.role == "owner"


def test_only_owners_change_roles(client, company, owner, colleague):
    target = CompanyMembership.objects.create(company=company, user=EmployerFactory())
    client.force_login(colleague)
    url = reverse("jobs:company_member_role", args=[company.slug, target.pk])
    assert client.post(url, {"role": "owner"}).status_code == 403
    assert client.get(url).status_code == 405
    target.refresh_from_db()
    assert target.role == "member"


def test_the_creator_of_a_company_is_its_owner(client):
    user = EmployerFactory()
    client.force_login(user)
    client.post(reverse("jobs:company_create"), {"name": "Blue Owl"})
    assert user.memberships.get().role == "owner"
