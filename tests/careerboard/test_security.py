"""Security headers on real responses, login lockout, and rate limits on abusable forms."""

import pytest
from django.urls import reverse

from tests.factories import PublishedJobFactory, SeekerFactory

pytestmark = pytest.mark.django_db


def test_pages_carry_a_strict_content_security_policy_and_other_headers(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


def test_no_page_has_an_inline_script(client):
    job = PublishedJobFactory()
    for url in ["/", "/jobs/?q=x", job.get_absolute_url(), "/accounts/login/", "/skills/"]:
        html = client.get(url).content.decode()
        for chunk in html.split("<script")[1:]:
            tag = chunk.split(">", 1)[0]
            assert "src=" in tag or "application/ld+json" in tag, (url, tag)


def test_login_locks_out_after_repeated_failures_even_with_the_right_password(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    user = SeekerFactory(username="ada")
    for _ in range(3):
        client.post(reverse("login"), {"username": "ada", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "ada", "password": "a-good-password"})
    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert user.is_active


def test_a_good_login_works_and_resets_the_failure_count(client):
    SeekerFactory(username="grace")
    client.post(reverse("login"), {"username": "grace", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "grace", "password": "a-good-password"})
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_reporting_is_rate_limited_per_address(client):
    job = PublishedJobFactory()
    url = reverse("jobs:job_report", args=[job.pk])
    statuses = [client.post(url, {"reason": "fraud"}).status_code for _ in range(6)]
    assert statuses[:5] == [302] * 5
    assert statuses[5] == 429
    assert job.reports.count() == 5


def test_password_reset_requests_are_rate_limited(client):
    SeekerFactory(email="ada@example.com")
    url = reverse("password_reset")
    statuses = [client.post(url, {"email": "ada@example.com"}).status_code for _ in range(4)]
    assert statuses == [302, 302, 302, 429]


def test_signups_from_one_address_are_rate_limited(client):
    statuses = []
    for n in range(11):
        response = client.post(
            reverse("signup"),
            {
                "username": f"person{n}",
                "email": f"person{n}@example.com",
                "password1": "a-long-passphrase-1",
                "password2": "a-long-passphrase-1",
                "purpose": "seek",
            },
        )
        statuses.append(response.status_code)
        client.logout()
    assert statuses[:10] == [302] * 10
    assert statuses[10] == 429
