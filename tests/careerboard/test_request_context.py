"""Every response carries a request id and timings; each request is logged once, as JSON."""

import json
import logging

import pytest

from careerboard.logs import JsonFormatter


@pytest.mark.django_db
def test_response_has_a_request_id_and_server_timing(client):
    response = client.get("/readyz")
    assert len(response["X-Request-ID"]) == 32
    assert response["Server-Timing"].startswith("db;dur=")
    assert '"1 queries"' in response["Server-Timing"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("incoming", "kept"),
    [("abc12345-proxy-id", True), ("bad id; drop table", False), ("x" * 200, False)],
)
def test_a_sane_incoming_request_id_is_kept_and_a_hostile_one_replaced(client, incoming, kept):
    response = client.get("/healthz", HTTP_X_REQUEST_ID=incoming)
    assert (response["X-Request-ID"] == incoming) is kept


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
