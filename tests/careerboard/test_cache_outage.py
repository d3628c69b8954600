"""With Redis unreachable the board still serves every page; only rate-limited forms pause."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from jobs import counters
from tests.factories import PublishedJobFactory, SeekerFactory, SkillFactory

pytestmark = pytest.mark.django_db
CLOSED_PORT = "redis://127.0.0.1:1/0"


@pytest.fixture(autouse=True)
def redis_down(settings):
    # The counters keep one Redis client per process: make it for the closed port, then forget it.
    counters._client.cache_clear()
    settings.CACHES = {
        "default": {
            "BACKEND": "careerboard.cache_backends.RedisCache",
            "LOCATION": CLOSED_PORT,
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.5},
        },
        "pages": {
            "BACKEND": "careerboard.cache_backends.WorkerMemoryFirstCache",
            "LOCATION": "outage-pages",
            "OPTIONS": {"SHARED": "default", "MAX_ENTRIES": 100},
        },
    }
    settings.PAGE_CACHE_SECONDS = 60
    settings.REDIS_URL = CLOSED_PORT
    yield
    counters._client.cache_clear()


@pytest.fixture
def job():
    skill = SkillFactory(name="Python", slug="python")
    return PublishedJobFactory(title="Python developer", skills=[skill])


def test_public_pages_search_and_the_api_are_served_without_the_cache(client, job):
    urls = [
        reverse("home"),
        reverse("jobs:job_list") + "?q=python",
        reverse("jobs:job_list") + "?q=pythn",
        job.get_absolute_url(),
        job.company.get_absolute_url(),
        reverse("skill_detail", args=["python"]),
        reverse("skill_list"),
        reverse("api:job_list") + "?q=python",
    ]
    for url in urls:
        assert client.get(url).status_code == 200, url
    assert "Python developer" in client.get(reverse("jobs:job_list") + "?q=python").content.decode()


def test_people_sign_in_and_use_their_pages_without_the_cache(client, job):
    SeekerFactory(username="sam")
    assert (
        client.post(
            reverse("login"), {"username": "sam", "password": "a-good-password"}
        ).status_code
        == 302
    )
    assert client.get(reverse("profiles:recommended")).status_code == 200
    assert client.get(job.get_absolute_url()).status_code == 200


def test_sign_up_pauses_with_a_clear_message_and_creates_nobody(client):
    response = client.post(
        reverse("signup"),
        {
            "username": "newcomer",
            "email": "new@example.com",
            "password1": "a-long-enough-password",
            "password2": "a-long-enough-password",
            "purpose": "seek",
        },
    )
    assert response.status_code == 503
    assert "Please try again in a few minutes" in response.content.decode()
    assert not get_user_model().objects.filter(username="newcomer").exists()


def test_readyz_reports_the_cache_and_stays_ready(client):
    response = client.get(reverse("readyz"))
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "cache": "unreachable"}


def test_login_lockout_still_applies_since_it_counts_in_the_database(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    SeekerFactory(username="ada")
    for _ in range(3):
        client.post(reverse("login"), {"username": "ada", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "ada", "password": "a-good-password"})
    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    assert "_auth_user_id" not in client.session
