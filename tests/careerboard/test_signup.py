"""Signing up from a page brings the person back to that page, and only to this site's pages."""

import re
from html import unescape

import pytest
from django.urls import reverse

from jobs.models import CompanyMembership
from tests.factories import (
    CompanyFactory,
    EmployerFactory,
    PublishedJobFactory,
    SeekerFactory,
)

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


def test_an_employer_finds_the_way_in_from_home_explains_posting_and_signs_up_to_hire(client):
    employers = reverse("for_employers")
    home = client.get(reverse("home")).content.decode()
    assert f'href="{employers}">For employers</a>' in home  # the header and the footer
    assert f'href="{employers}">Post a job</a>' in home  # the home page
    page = client.get(employers).content.decode()
    for says in ("How posting works", "Review", "What is free", "no fees"):
        assert says in page
    signup_url = unescape(re.search(r'<a class="button primary" href="([^"]+)">Create an', page)[1])
    assert signup_url == f"{reverse('signup')}?purpose=hire"
    form = client.get(signup_url).content.decode()
    assert re.search(r'<input type="radio" name="purpose" value="hire"[^>]*checked', form)
    response = client.post(signup_url, {**NEW_SEEKER, "purpose": "hire"})
    assert response.url == reverse("jobs:company_create")


@pytest.mark.parametrize("purpose", ["", "boss", "hire'><script>", "both"])
def test_sign_up_takes_only_a_known_purpose_from_the_address(client, purpose):
    response = client.get(reverse("signup"), {"purpose": purpose})
    assert response.status_code == 200
    chosen = "both" if purpose == "both" else "seek"
    form = response.content.decode()
    assert re.search(rf'<input type="radio" name="purpose" value="{chosen}"[^>]*checked', form)
    assert "<script>" not in form


def test_the_employers_page_leads_each_person_onwards(client):
    url = reverse("for_employers")
    client.force_login(SeekerFactory())
    page = client.get(url).content.decode()
    assert f'href="{reverse("jobs:company_create")}">Add your company' in page
    assert "Create an employer account" not in page
    employer = EmployerFactory()
    CompanyMembership.objects.create(company=CompanyFactory(), user=employer)
    client.force_login(employer)
    page = client.get(url).content.decode()
    assert f'href="{reverse("jobs:employer_dashboard")}">Go to your company dashboard' in page
