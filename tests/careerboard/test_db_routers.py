"""Which requests may read a replica, decided without one (test_read_replicas.py uses a real one).

The replica is stood in for by an alias name: choosing it is all these tests look at.
"""

import os
import subprocess
import sys

import pytest
import time_machine
from django.db import OperationalError
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import resolve

from careerboard import db_routers, replicas
from careerboard.db_routers import (
    PRIMARY_COOKIE,
    PRIMARY_COOKIE_SALT,
    PrimaryReplicaRouter,
    ReplicaReadsMiddleware,
    read_database,
)
from careerboard.models import User


@pytest.fixture(autouse=True)
def healthy_replica(monkeypatch, settings):
    settings.PRIMARY_AFTER_WRITE_SECONDS = 10
    monkeypatch.setattr(db_routers, "choose_replica", lambda: "replica_1")


def reads_of(request, writes=False):
    """The database the request's view read from, and the response."""
    seen = {}

    def view(request):
        ReplicaReadsMiddleware.process_view(middleware, request, None, (), {})
        if writes:
            PrimaryReplicaRouter().db_for_write(User)
        seen["database"] = read_database()
        return HttpResponse()

    middleware = ReplicaReadsMiddleware(view)
    request.resolver_match = resolve(request.path)
    response = middleware(request)
    return seen["database"], response


def signed_cookie(value="1"):
    response = HttpResponse()
    response.set_signed_cookie(PRIMARY_COOKIE, value, salt=PRIMARY_COOKIE_SALT)
    return response.cookies[PRIMARY_COOKIE].value


@pytest.mark.parametrize(
    "path", ["/", "/jobs/", "/skills/", "/careers/", "/feeds/jobs.rss", "/sitemap.xml"]
)
def test_anonymous_reads_of_public_pages_go_to_the_replica(rf, path):
    assert reads_of(rf.get(path))[0] == "replica_1"
    assert reads_of(rf.head(path))[0] == "replica_1"


@pytest.mark.parametrize(
    "path", ["/jobs/dashboard/", "/me/", "/me/saved/", "/accounts/", "/readyz"]
)
def test_dashboards_and_account_pages_read_the_primary(rf, path):
    assert reads_of(rf.get(path))[0] == "default"


def test_a_post_to_a_public_address_reads_the_primary(rf):
    assert reads_of(rf.post("/jobs/"))[0] == "default"


def test_the_api_reads_the_replica_only_for_anonymous_readers(rf):
    assert reads_of(rf.get("/api/v1/jobs/"))[0] == "replica_1"
    with_token = rf.get("/api/v1/jobs/", HTTP_AUTHORIZATION="Token abc")
    assert reads_of(with_token)[0] == "default"
    with_session = RequestFactory(HTTP_COOKIE="sessionid=abc").get("/api/v1/jobs/")
    assert reads_of(with_session)[0] == "default"


def test_a_request_that_wrote_reads_the_primary_and_keeps_its_visitor_there(rf):
    database, response = reads_of(rf.get("/jobs/"), writes=True)
    assert database == "default"
    cookie = response.cookies[PRIMARY_COOKIE]
    assert cookie["max-age"] == 10
    assert cookie["httponly"]
    follow_up = RequestFactory(HTTP_COOKIE=f"{PRIMARY_COOKIE}={cookie.value}").get("/jobs/")
    assert reads_of(follow_up)[0] == "default"


def test_a_request_that_only_read_sets_no_cookie(rf):
    assert not reads_of(rf.get("/jobs/"))[1].cookies


def test_the_primary_keeps_a_visitor_only_for_a_few_seconds(rf):
    with time_machine.travel("2026-11-30 12:00:00", tick=False) as clock:
        cookie = signed_cookie()
        clock.shift(9)
        request = RequestFactory(HTTP_COOKIE=f"{PRIMARY_COOKIE}={cookie}").get("/jobs/")
        assert reads_of(request)[0] == "default"
        clock.shift(2)
        request = RequestFactory(HTTP_COOKIE=f"{PRIMARY_COOKIE}={cookie}").get("/jobs/")
        assert reads_of(request)[0] == "replica_1"


def test_a_forged_cookie_does_not_pin_the_primary(rf):
    request = RequestFactory(HTTP_COOKIE=f"{PRIMARY_COOKIE}=1:forged:abc").get("/jobs/")
    assert reads_of(request)[0] == "replica_1"


def test_with_no_healthy_replica_the_primary_serves(rf, monkeypatch):
    monkeypatch.setattr(db_routers, "choose_replica", lambda: None)
    assert reads_of(rf.get("/jobs/"))[0] == "default"


def test_outside_a_request_everything_reads_the_primary():
    assert read_database() == "default"


def test_migrations_are_allowed_on_the_primary_only():
    router = PrimaryReplicaRouter()
    assert router.allow_migrate("default", "jobs")
    assert not router.allow_migrate("replica_1", "jobs")
    assert not router.allow_migrate("replica_2", "careerboard", model_name="user")


def settings_with(replicas: str) -> str:
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    script = (
        "from django.conf import settings as s; "
        "print(sorted(s.DATABASES), [s.DATABASES[a]['TEST'].get('MIRROR') for a in "
        "sorted(s.DATABASES)], getattr(s, 'DATABASE_ROUTERS', []), "
        "'careerboard.db_routers.ReplicaReadsMiddleware' in s.MIDDLEWARE)"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", script],
        env={**inherited, "DATABASE_REPLICA_URLS": replicas},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_without_replicas_there_is_no_router_and_one_database():
    assert settings_with("") == "['default'] [None] [] False"


def test_each_replica_url_becomes_a_database_the_test_suite_mirrors_to_the_primary():
    urls = "postgres://reader@replica-a/careerboard, postgres://reader@replica-b/careerboard"
    assert settings_with(urls) == (
        "['default', 'replica_1', 'replica_2'] [None, 'default', 'default'] "
        "['careerboard.db_routers.PrimaryReplicaRouter'] True"
    )


def test_a_replica_found_down_is_left_alone_for_a_few_seconds(monkeypatch, settings):
    settings.REPLICA_CHECK_SECONDS = 0
    clock = [1000.0]
    looks = []

    def down(alias):
        looks.append(clock[0])
        return replicas.ReplicaHealth(alias, replicas.DOWN, None, clock[0])

    monkeypatch.setattr(replicas, "check", down)
    monkeypatch.setattr(replicas, "_seen", {})
    monkeypatch.setattr(replicas.time, "monotonic", lambda: clock[0])
    assert replicas.current("replica_1").state == replicas.DOWN
    clock[0] += replicas.DOWN_RETRY_SECONDS - 0.5
    assert replicas.current("replica_1").state == replicas.DOWN
    assert looks == [1000.0]
    clock[0] += 1
    replicas.current("replica_1")
    assert len(looks) == 2


def test_a_replica_failing_mid_request_is_marked_down_and_the_view_runs_again_on_the_primary(
    rf, monkeypatch
):
    marked = []
    monkeypatch.setattr(db_routers, "mark_down", marked.append)
    reads = []

    def view(request):
        reads.append(read_database())
        if reads[-1] == "replica_1":
            raise OperationalError("terminating connection due to administrator command")
        return HttpResponse(f"read {reads[-1]}")

    request = rf.get("/jobs/")
    request.resolver_match = resolve("/jobs/")
    request.resolver_match.func = view
    middleware = ReplicaReadsMiddleware(lambda request: None)

    def handler(request):
        middleware.process_view(request, view, (), {})
        try:
            return view(request)
        except OperationalError as error:
            return middleware.process_exception(request, error)

    middleware.get_response = handler
    response = middleware(request)
    assert response.content == b"read default"
    assert reads == ["replica_1", "default"]
    assert marked == ["replica_1"]


def test_an_error_in_a_request_that_wrote_is_not_run_again(rf, monkeypatch):
    monkeypatch.setattr(db_routers, "mark_down", lambda alias: None)
    request = rf.get("/jobs/")
    request.resolver_match = resolve("/jobs/")
    middleware = ReplicaReadsMiddleware(lambda request: None)
    answers = []

    def handler(request):
        middleware.process_view(request, None, (), {})
        read_database()
        PrimaryReplicaRouter().db_for_write(User)
        answers.append(middleware.process_exception(request, OperationalError("lost")))
        return HttpResponse()

    middleware.get_response = handler
    middleware(request)
    assert answers == [None]
