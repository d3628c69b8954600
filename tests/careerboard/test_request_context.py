"""Every response carries a request id and timings; each request is logged once, as JSON (or
as one readable line in development)."""

import json
import logging

import pytest
from django.db import OperationalError

from careerboard.logs import JsonFormatter, PlainFormatter
from tests.factories import AdminFactory, SeekerFactory


@pytest.mark.django_db
def test_every_response_has_a_request_id(client):
    assert len(client.get("/readyz")["X-Request-ID"]) == 32


@pytest.mark.django_db
def test_server_timing_is_shown_in_debug_and_to_staff_only(client, settings):
    assert "Server-Timing" not in client.get("/readyz")
    client.force_login(SeekerFactory())
    assert "Server-Timing" not in client.get("/readyz")
    client.force_login(AdminFactory())
    timing = client.get("/readyz")["Server-Timing"]
    assert timing.startswith("db;dur=")
    assert '"1 queries"' in timing
    client.logout()
    settings.DEBUG = True
    assert client.get("/readyz")["Server-Timing"].startswith("db;dur=")


PROXY_ID = "6f1c1e0a2b3d4c5e8f9a0b1c2d3e4f5a"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("num_proxies", "incoming", "kept"),
    [
        (1, PROXY_ID, True),
        (1, "6f1c1e0a-2b3d-4c5e-8f9a-0b1c2d3e4f5a", True),
        # Without a proxy in front, the header is whatever the client chose.
        (0, PROXY_ID, False),
        (1, "abc12345-proxy-id", False),
        (1, f"{PROXY_ID}\n", False),
        (1, "bad id; drop table", False),
        (1, "x" * 200, False),
    ],
)
def test_only_a_well_formed_request_id_from_a_trusted_proxy_is_kept(
    client, settings, num_proxies, incoming, kept
):
    settings.NUM_PROXIES = num_proxies
    response = client.get("/healthz", HTTP_X_REQUEST_ID=incoming)
    assert response.status_code == 200
    assert (response["X-Request-ID"] == incoming) is kept
    assert len(response["X-Request-ID"]) in (32, 36)


@pytest.mark.django_db
def test_each_request_is_logged_once_with_its_id_status_and_timing(client, caplog):
    with caplog.at_level(logging.INFO, logger="careerboard.request"):
        response = client.get("/readyz")
    (record,) = [r for r in caplog.records if r.name == "careerboard.request"]
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == response["X-Request-ID"]
    assert line["path"] == "/readyz"
    assert line["status"] == 200
    assert line["queries"] == 1
    assert line["duration_ms"] >= line["db_ms"] >= 0


@pytest.mark.django_db
def test_the_plain_development_line_says_method_path_status_and_duration(client, caplog):
    with caplog.at_level(logging.INFO, logger="careerboard.request"):
        response = client.get("/readyz?next=/jobs/")
    (record,) = [r for r in caplog.records if r.name == "careerboard.request"]
    line = PlainFormatter().format(record)
    assert f"[{response['X-Request-ID']}] careerboard.request request method=GET " in line
    assert " path=/readyz status=200 duration_ms=" in line
    assert " queries=1" in line and "\n" not in line
    # The JSON line the benchmarks parse keeps its message as it was.
    assert json.loads(JsonFormatter().format(record))["message"] == "request"


@pytest.mark.django_db
def test_a_user_that_cannot_be_loaded_does_not_spoil_a_page_that_never_needed_them(
    client, monkeypatch
):
    def lost(request):
        raise OperationalError("server closed")

    client.force_login(SeekerFactory())
    client.raise_request_exception = False
    monkeypatch.setattr("django.contrib.auth.get_user", lost)
    response = client.get("/readyz")
    assert response.status_code == 200
    assert len(response["X-Request-ID"]) == 32
