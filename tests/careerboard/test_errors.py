"""Failures answer with friendly pages that leak nothing; a lost database gives a 503."""

import pytest
from django.db import OperationalError
from django.test import Client


@pytest.fixture
def quiet_client():
    return Client(raise_request_exception=False)


def explode(exception):
    def view(*args, **kwargs):
        raise exception

    return view


@pytest.mark.django_db
def test_lost_database_gives_a_friendly_503_asking_to_retry(quiet_client, monkeypatch):
    monkeypatch.setattr(
        "jobs.views.public.Job.objects.published", explode(OperationalError("server closed"))
    )
    response = quiet_client.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    body = response.content.decode()
    assert "back in a moment" in body
    assert "server closed" not in body and "Traceback" not in body


@pytest.mark.django_db
def test_a_bug_gives_a_500_page_without_settings_or_traceback(quiet_client, monkeypatch):
    monkeypatch.setattr(
        "jobs.views.public.popular_skills", explode(ZeroDivisionError("secret detail"))
    )
    response = quiet_client.get("/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "secret detail" not in body and "SECRET_KEY" not in body and "Traceback" not in body
