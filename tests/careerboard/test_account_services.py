"""Accounts are written by services: sign-up, their details, and the roles they take."""

import pytest
from django.core import mail

from careerboard import services
from careerboard.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_new_account_has_its_roles_a_usable_password_and_a_confirmation_link(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        user = services.user_create(
            username="ada",
            email="ada@example.com",
            password="a-good-password",
            is_seeking=False,
            is_hiring=True,
        )
    user = User.objects.get(pk=user.pk)
    assert (user.is_seeking, user.is_hiring) == (False, True)
    assert user.check_password("a-good-password")
    assert not user.has_verified_email
    assert [message.to for message in mail.outbox] == [["ada@example.com"]]


def test_a_new_address_must_be_confirmed_again_and_other_details_keep_it_confirmed(
    django_capture_on_commit_callbacks,
):
    user = UserFactory(email="ada@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        services.user_update(user=user, first_name="Ada", email="ada@example.com")
    assert User.objects.get(pk=user.pk).has_verified_email
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        services.user_update(user=user, email="ada@example.org")
    user = User.objects.get(pk=user.pk)
    assert (user.first_name, user.email, user.has_verified_email) == (
        "Ada",
        "ada@example.org",
        False,
    )
    assert [message.to for message in mail.outbox] == [["ada@example.org"]]


def test_roles_are_added_once_and_never_taken_away(django_assert_num_queries):
    user = UserFactory(is_seeking=True, is_hiring=False)
    with django_assert_num_queries(0):
        services.user_roles_add(user=user, seeking=True)
    services.user_roles_add(user=user, hiring=True)
    user = User.objects.get(pk=user.pk)
    assert (user.is_seeking, user.is_hiring) == (True, True)
