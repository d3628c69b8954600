"""Public reads go to a real streaming replica; writers, dashboards and migrations to the primary.

A throwaway primary and replica are started from the machine's PostgreSQL binaries
(tests/careerboard/streaming.py) and the app is served against them with runserver. Pausing the
replica's replay makes the two differ, so each page shows which database it was read from.
"""

import json
import time
import uuid

import pytest

from careerboard.db_routers import PRIMARY_COOKIE
from tests.careerboard.streaming import (
    AppServer,
    Browser,
    Cluster,
    app_environment,
    can_run_postgres,
    manage,
    postgres_bin,
)

BIN = postgres_bin()
pytestmark = pytest.mark.skipif(
    BIN is None or not can_run_postgres(), reason="no PostgreSQL server binaries to run here"
)

PRIMARY_AFTER_WRITE_SECONDS = 2
BOARD = """
import json
from jobs.models import CompanyMembership
from tests.factories import CompanyFactory, EmployerFactory, PublishedJobFactory, SeekerFactory

employer = EmployerFactory(username="hirer")
company = CompanyFactory(name="Streamline", slug="streamline")
CompanyMembership.objects.create(company=company, user=employer)
job = PublishedJobFactory(company=company, title="Replica probe engineer")
SeekerFactory(username="seeker")
print(json.dumps({"id": job.pk, "path": job.get_absolute_url()}))
"""


@pytest.fixture(scope="module")
def cluster():
    cluster = Cluster(BIN)
    try:
        cluster.start()
        environment = app_environment(cluster)
        log_before = len(cluster.replica_log())
        cluster.migrated = manage(environment, "migrate", "--noinput")
        cluster.replica_log_during_migrate = cluster.replica_log()[log_before:]
        assert cluster.migrated.returncode == 0, cluster.migrated.stderr
        board = manage(environment, "shell", "--no-imports", "-c", BOARD)
        assert board.returncode == 0, board.stderr
        cluster.job = json.loads(board.stdout.strip().splitlines()[-1])
        cluster.wait_for_replay()
        yield cluster
    finally:
        cluster.remove()


def serve(cluster, tmp_path_factory, **settings):
    environment = app_environment(
        cluster,
        REPLICA_CHECK_SECONDS="0",
        PRIMARY_AFTER_WRITE_SECONDS=str(PRIMARY_AFTER_WRITE_SECONDS),
        **settings,
    )
    return AppServer(environment, tmp_path_factory.mktemp("server") / "runserver.log")


@pytest.fixture(scope="module")
def server(cluster, tmp_path_factory):
    server = serve(cluster, tmp_path_factory, REPLICA_MAX_LAG_SECONDS="3600")
    yield server
    server.stop()


def rename_job_on_primary(cluster, title: str) -> None:
    cluster.primary_sql("UPDATE jobs_job SET title = %s WHERE id = %s", [title, cluster.job["id"]])


class ReplayPaused:
    """The replica stops applying the primary's changes while the block runs."""

    def __init__(self, cluster):
        self.cluster = cluster

    def __enter__(self):
        self.cluster.replica_sql("SELECT pg_wal_replay_pause()")
        # Asked for, a pause takes effect a moment later.
        self.cluster.wait_until(
            lambda: self.cluster.replica_sql("SELECT pg_get_wal_replay_pause_state()") == "paused"
        )

    def __exit__(self, *exc):
        self.cluster.replica_sql("SELECT pg_wal_replay_resume()")
        self.cluster.wait_for_replay()


def test_migrate_with_a_replica_configured_changes_only_the_primary(cluster):
    assert cluster.migrated.returncode == 0
    # The replica ran nothing while migrate ran; its tables came by streaming.
    assert "statement:" not in cluster.replica_log_during_migrate
    applied = "SELECT count(*) FROM django_migrations"
    assert cluster.replica_sql(applied) == cluster.primary_sql(applied) > 0
    assert cluster.replica_sql("SELECT pg_is_in_recovery()") is True


def test_public_pages_read_the_replica_and_dashboards_the_primary(cluster, server):
    employer = Browser(server)
    employer.log_in("hirer")
    with ReplayPaused(cluster):
        rename_job_on_primary(cluster, "Renamed on the primary")
        anonymous = Browser(server)
        public = (
            cluster.job["path"],
            "/jobs/",
            "/jobs/?q=probe",
            "/feeds/jobs.rss",
            "/api/v1/jobs/",
        )
        for path in public:
            page = anonymous.get(path)
            assert page.status == 200, path
            assert "Replica probe engineer" in page.text, path
            assert "Renamed on the primary" not in page.text, path

        # A misspelt search is corrected inside a read-only transaction on the replica.
        assert anonymous.get("/jobs/?q=prboe").status == 200

        employer.cookies.pop(PRIMARY_COOKIE, None)  # long after the login, as it were
        dashboard = employer.get("/jobs/dashboard/companies/streamline/")
        assert "Renamed on the primary" in dashboard.text
        # A public page reads the replica for a signed-in visitor too; the API with a session
        # may show a member's own drafts, so it reads the primary.
        assert "Replica probe engineer" in employer.get(cluster.job["path"]).text
        api = employer.get(f"/api/v1/jobs/{cluster.job['id']}/")
        assert api.json()["title"] == "Renamed on the primary"

        ready = anonymous.get("/readyz")
        assert ready.status == 200
        assert ready.json()["replicas"]["replica_1"]["state"] == "ok"
    assert "Renamed on the primary" in Browser(server).get(cluster.job["path"]).text


def test_a_visitor_who_just_wrote_reads_the_primary_for_a_few_seconds(cluster, server):
    seeker = Browser(server)
    seeker.log_in("seeker")
    with ReplayPaused(cluster):
        saved = seeker.post(f"/me/saved/{cluster.job['id']}/", {"next": cluster.job["path"]})
        assert saved.status == 302
        assert PRIMARY_COOKIE in seeker.cookies
        assert "Saved ✓" in seeker.get(cluster.job["path"]).text

        time.sleep(PRIMARY_AFTER_WRITE_SECONDS + 0.2)
        # The replica has not replayed the save: the page now comes from it.
        assert "Saved ✓" not in seeker.get(cluster.job["path"]).text
        forged = Browser(server)
        forged.cookies = {**seeker.cookies, PRIMARY_COOKIE: "1:forged:signature"}
        assert "Saved ✓" not in forged.get(cluster.job["path"]).text
    assert "Saved ✓" in seeker.get(cluster.job["path"]).text


def test_a_page_cached_from_a_replica_is_never_served_as_the_newest(cluster, tmp_path_factory):
    cached = serve(
        cluster, tmp_path_factory, REPLICA_MAX_LAG_SECONDS="3600", PAGE_CACHE_SECONDS="60"
    )
    page = f"{cluster.job['path']}?run={uuid.uuid4().hex}"  # a page no earlier run has cached
    try:
        with ReplayPaused(cluster):
            rename_job_on_primary(cluster, "Renamed under a new version")
            # Built from the replica's older data, and kept under the replica's older version.
            assert "Renamed under a new version" not in Browser(cached).get(page).text
        assert "Renamed under a new version" in Browser(cached).get(page).text
    finally:
        cached.stop()


def test_a_replica_behind_the_lag_limit_is_skipped(cluster, tmp_path_factory):
    strict = serve(cluster, tmp_path_factory, REPLICA_MAX_LAG_SECONDS="1")
    visitor = Browser(strict)
    try:
        with ReplayPaused(cluster):
            rename_job_on_primary(cluster, "Renamed while the replica lags")
            cluster.wait_until(
                lambda: visitor.get("/readyz").json()["replicas"]["replica_1"]["state"] == "lagging"
            )
            assert "Renamed while the replica lags" in visitor.get(cluster.job["path"]).text
            ready = visitor.get("/readyz")
            assert ready.status == 200
            assert ready.json()["status"] == "degraded"
            assert ready.json()["replicas"]["replica_1"]["lag_seconds"] > 1
        assert visitor.get("/readyz").json()["replicas"]["replica_1"] == {
            "state": "ok",
            "lag_seconds": 0.0,
        }
    finally:
        strict.stop()


def test_a_stopped_replica_is_skipped_and_the_primary_serves(cluster, server):
    rename_job_on_primary(cluster, "Renamed before the replica stopped")
    cluster.wait_for_replay()
    visitor = Browser(server)
    assert visitor.get(cluster.job["path"]).status == 200  # a connection to the replica is open
    cluster.stop_replica()
    try:
        for path in (cluster.job["path"], "/", "/jobs/", "/feeds/jobs.atom", "/sitemap.xml"):
            page = visitor.get(path)
            assert page.status == 200, path
        assert "Renamed before the replica stopped" in visitor.get(cluster.job["path"]).text
        ready = visitor.get("/readyz")
        assert ready.status == 200
        assert ready.json()["database"] == "ok"
        assert ready.json()["replicas"] == {"replica_1": {"state": "down", "lag_seconds": None}}
    finally:
        cluster.start_replica()
    assert visitor.get("/readyz").json()["replicas"]["replica_1"]["state"] == "ok"
