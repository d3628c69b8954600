"""Production settings refuse unsafe starts; health checks tell load balancers the truth."""

import os
import subprocess
import sys

import pytest
from django.db import DatabaseError
from django.urls import reverse

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "a-long-random-production-secret-key-for-tests-0123456789abcdefgh",
    "ALLOWED_HOSTS": "careerboard.example",
}


def manage(*args, **env):
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        env={**inherited, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deployment_check():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_secret_key_or_hosts(missing):
    result = manage("check", **{**PRODUCTION, missing: ""})
    assert result.returncode != 0
    assert "set SECRET_KEY and ALLOWED_HOSTS" in result.stderr


@pytest.mark.parametrize(
    "env, site_url",
    [
        ({"PORT": "", "SITE_URL": ""}, "http://127.0.0.1:8000"),
        ({"PORT": "8771", "SITE_URL": ""}, "http://127.0.0.1:8771"),
        ({"PORT": "8771", "SITE_URL": "https://jobs.example.org/"}, "https://jobs.example.org"),
    ],
)
def test_site_url_follows_the_port_of_make_run_unless_given(env, site_url):
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.SITE_URL)",
        **env,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == site_url


def test_healthz_answers_without_the_database(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_reports_the_database(client):
    response = client.get(reverse("readyz"))
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


@pytest.mark.django_db
def test_readyz_says_503_when_the_database_is_unreachable(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise DatabaseError("connection refused")

    monkeypatch.setattr("careerboard.views.connection.cursor", broken_cursor)
    response = client.get(reverse("readyz"))
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_robots_txt_keeps_crawlers_out_of_private_pages(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert "Disallow: /accounts/" in response.content.decode()
