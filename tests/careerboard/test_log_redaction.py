"""Secret links never reach the logs: the request line, Django's own request log and anything
else written through the console handler show where the secret was, not the secret."""

import io
import logging
import re
import secrets

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from careerboard.logs import SECRET_NAMES, JsonFormatter, redact_text, redact_url
from jobs.models import CompanyInvitation
from profiles.models import JobAlert
from profiles.services import alert_token
from tests.factories import CompanyFactory, EmployerFactory, SeekerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def log_output():
    """What the configured console handler writes, in production's JSON lines (with the path)."""
    (console,) = [h for h in logging.getLogger().handlers if h.name == "console"]
    output = io.StringIO()
    original_stream, original_formatter = console.setStream(output), console.formatter
    console.setFormatter(JsonFormatter())
    yield output
    console.setStream(original_stream)
    console.setFormatter(original_formatter)


@pytest.fixture
def invitation_token():
    token = secrets.token_urlsafe(32)
    CompanyInvitation.objects.create(
        company=CompanyFactory(),
        email="newhire@example.com",
        invited_by=EmployerFactory(),
        token=token,
    )
    return token


def test_a_password_reset_link_is_logged_without_its_uid_and_token(client, log_output):
    user = SeekerFactory()
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    response = client.get(f"/accounts/reset/{uid}/{token}/")
    assert response.status_code == 302
    client.get(response["Location"])
    written = log_output.getvalue()
    assert token not in written
    assert f"/{uid}/" not in written
    # The link, then the page it redirects to (where Django's word "set-password" stands in).
    assert written.count('"path": "/accounts/reset/<uidb64>/<token>/"') == 2


@pytest.mark.parametrize("signed_in", [False, True])
def test_an_invitation_link_is_logged_without_its_token(
    client, log_output, invitation_token, signed_in
):
    if signed_in:
        client.force_login(SeekerFactory())
    client.get(reverse("jobs:invitation_accept", args=[invitation_token]))
    written = log_output.getvalue()
    assert invitation_token not in written
    assert "/jobs/invitations/<token>/" in written


def test_an_unknown_invitation_token_is_not_logged_by_djangos_not_found_line(client, log_output):
    client.force_login(SeekerFactory())
    token = secrets.token_urlsafe(32)
    assert client.get(reverse("jobs:invitation_accept", args=[token])).status_code == 404
    written = log_output.getvalue()
    assert token not in written
    assert "Not Found: /jobs/invitations/<token>/" in written
    assert '"request": "GET /jobs/invitations/<token>/"' in written


def test_a_secret_link_without_its_final_slash_is_logged_without_its_secret(
    client, log_output, invitation_token
):
    response = client.get(f"/jobs/invitations/{invitation_token}")
    assert response.status_code == 301
    written = log_output.getvalue()
    assert invitation_token not in written
    assert "/jobs/invitations/<token>" in written


def test_an_unsubscribe_link_is_logged_without_its_token(client, log_output):
    token = alert_token(JobAlert.objects.create(user=SeekerFactory()))
    assert client.get(reverse("profiles:alert_unsubscribe", args=[token])).status_code == 200
    written = log_output.getvalue()
    assert token not in written
    assert "/me/alerts/unsubscribe/<token>/" in written


def test_secret_query_values_and_secret_links_in_next_are_redacted():
    url = "/jobs/?q=python&token=s3cret&API_KEY=k3y&next=/jobs/invitations/inv1te/&page=2"
    assert redact_url(url) == (
        "/jobs/?q=python&token=<redacted>&API_KEY=<redacted>&next=/jobs/invitations/<token>/&page=2"
    )


def test_a_request_line_is_redacted_and_other_text_kept():
    line = "GET /me/alerts/unsubscribe/abc:def/?sig=1 HTTP/1.1"
    assert redact_text(line) == "GET /me/alerts/unsubscribe/<token>/?sig=<redacted> HTTP/1.1"
    assert redact_text("Not Found: /jobs/python/") == "Not Found: /jobs/python/"


def _route_arguments(patterns):
    for entry in patterns:
        names = set(entry.pattern.regex.groupindex)
        if isinstance(entry, URLResolver):
            for inner in _route_arguments(entry.url_patterns):
                yield inner | names
        elif isinstance(entry, URLPattern):
            yield names


def test_every_url_argument_that_looks_secret_is_redacted():
    names = set().union(*_route_arguments(get_resolver().url_patterns))
    looks_secret = {n for n in names if re.search(r"token|key|uid|sig|code|secret|pass|hash", n)}
    assert {"token", "uidb64"} <= looks_secret
    assert looks_secret <= SECRET_NAMES
