"""Signing up from a page brings the person back to that page, and only to this site's pages."""

import re
from html import unescape

import pytest
from django.urls import reverse

from tests.factories import PublishedJobFactory

pytestmark = pytest.mark.django_db

NEW_SEEKER = {
    "username": "ada",
    "email": "ada@example.com",
    "password1": "a-long-enough-password",
    "password2": "a-long-enough-password",
    "purpose": "seek",
}


def href(html, before):
    """The link that follows these words on the page."""
    return unescape(re.search(rf'{before} <a href="([^"]+)">', html)[1])


def test_sign_up_from_a_job_returns_to_that_job(client):
    job = PublishedJobFactory()
    apply_url = reverse("profiles:apply", args=[job.pk])
    login_page = client.get(client.get(apply_url).url).content.decode()
    signup_url = href(login_page, "New here\\?")
    assert "next=" in signup_url

    form = client.get(signup_url).content.decode()
    assert f'name="next" value="{apply_url}"' in form
    assert href(form, "Already have an account\\?").endswith(f"?next={apply_url}")
    response = client.post(signup_url, {**NEW_SEEKER, "next": apply_url})

    assert response.status_code == 302
    assert response.url == apply_url


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "javascript:x"])
def test_sign_up_never_sends_anyone_off_the_site(client, target):
    response = client.post(f"{reverse('signup')}?next={target}", {**NEW_SEEKER, "next": target})
    assert response.status_code == 302
    assert response.url == reverse("home")
