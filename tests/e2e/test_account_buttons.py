"""The account's buttons in Chromium: save, change the password, log out, reset it by e-mail."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from careerboard.models import User
from tests.factories import SeekerFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-good-password"


def log_in(page, username, password):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_person_saves_the_account_changes_the_password_logs_out_and_resets_it(page, shoot):
    SeekerFactory(username="ada", email="ada@example.com")

    log_in(page, "ada", PASSWORD)
    page.get_by_role("link", name="Your account").click()
    page.get_by_label("First name").fill("Ada")
    page.get_by_label("I hire for a company").check()
    shoot(page, "1-account")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messages").get_by_text("Your account is saved.")).to_be_visible()
    expect(page.get_by_role("link", name="Employer dashboard")).to_be_visible()
    user = User.objects.get(username="ada")
    assert (user.first_name, user.is_hiring) == ("Ada", True)

    page.get_by_role("link", name="Change your password").click()
    page.get_by_label("Old password").fill(PASSWORD)
    page.locator("#id_new_password1").fill("a-newer-passphrase-2")
    page.locator("#id_new_password2").fill("a-newer-passphrase-2")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("heading", name="Password changed")).to_be_visible()
    shoot(page, "2-password-changed")

    page.get_by_role("button", name="Log out").first.click()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)
    log_in(page, "ada", "a-newer-passphrase-2")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    page.get_by_role("button", name="Log out").click()

    page.goto("/accounts/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Email").fill("ada@example.com")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    shoot(page, "3-reset-sent")
    (email,) = mail.outbox
    link = re.search(r"(http\S+/accounts/reset/\S+/)", email.body).group(1)
    page.goto(link)
    page.locator("#id_new_password1").fill("a-third-passphrase-3")
    page.locator("#id_new_password2").fill("a-third-passphrase-3")
    page.get_by_role("button", name="Save the new password").click()
    expect(page.get_by_role("heading", name="Password saved")).to_be_visible()
    shoot(page, "4-reset-done")
    log_in(page, "ada", "a-third-passphrase-3")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
