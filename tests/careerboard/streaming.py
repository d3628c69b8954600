"""A throwaway PostgreSQL primary and streaming replica, and the app served against them.

Built from the machine's PostgreSQL binaries (initdb, pg_basebackup -R) in a temporary folder,
on free ports, and removed afterwards. PostgreSQL refuses to run as root, so as root the
binaries run as the `postgres` user. Tests using them skip when the binaries are missing.
"""

import http.client
import json
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import psycopg

ROOT = Path(__file__).resolve().parents[2]
# Fast and unsafe on purpose: nothing here outlives the test run.
SERVER_SETTINGS = (
    "-c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off "
    "-c shared_buffers=16MB -c max_connections=40"
)


def postgres_bin() -> Path | None:
    """The folder of the newest PostgreSQL server binaries on this machine, if any."""
    for folder in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (folder / "initdb").exists() and (folder / "pg_basebackup").exists():
            return folder
    pg_config = shutil.which("pg_config")
    if pg_config:
        found = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True)
        folder = Path(found.stdout.strip())
        if (folder / "initdb").exists():
            return folder
    return None


def can_run_postgres() -> bool:
    """PostgreSQL refuses root: as root, its binaries run as the `postgres` user, if any."""
    if os.geteuid() != 0:
        return True
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        return False
    return shutil.which("runuser") is not None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Cluster:
    """A primary and one streaming replica, each a PostgreSQL server of its own."""

    def __init__(self, bin_dir: Path):
        self.bin = bin_dir
        self.root = Path(tempfile.mkdtemp(prefix="careerboard-replica-"))
        self.as_postgres = os.geteuid() == 0
        if self.as_postgres:
            account = pwd.getpwnam("postgres")
            os.chown(self.root, account.pw_uid, account.pw_gid)
        self.primary_port = free_port()
        self.replica_port = free_port()

    def run(self, program: str, *args: str, timeout: float = 60) -> str:
        command = [str(self.bin / program), *args]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(
            command, cwd=self.root, capture_output=True, text=True, timeout=timeout
        )
        if done.returncode:
            raise RuntimeError(f"{program} failed: {done.stderr or done.stdout}")
        return done.stdout

    def _start(self, name: str, port: int, extra: str = "") -> None:
        options = f"-p {port} -k {self.root} {SERVER_SETTINGS} {extra}"
        self.run("pg_ctl", "-D", str(self.root / name), "-l", str(self.root / f"{name}.log"),
                 "-o", options, "-w", "-t", "30", "start")  # fmt: skip

    def start(self) -> None:
        self.run("initdb", "-D", str(self.root / "primary"), "-U", "postgres", "-A", "trust", "-N")
        self._start("primary", self.primary_port)
        with self.connect("primary", dbname="postgres") as connection:
            connection.execute("CREATE DATABASE careerboard")
        self.run("pg_basebackup", "-h", "127.0.0.1", "-p", str(self.primary_port),
                 "-U", "postgres", "-D", str(self.root / "replica"), "-R", "-X", "stream",
                 "-c", "fast")  # fmt: skip
        self.start_replica()

    def start_replica(self) -> None:
        # Every statement the replica runs is in its log, to show what reached it.
        self._start("replica", self.replica_port, "-c log_statement=all")
        self.wait_until(lambda: self.primary_sql(
            "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'") == 1)  # fmt: skip

    def stop_replica(self) -> None:
        self.run("pg_ctl", "-D", str(self.root / "replica"), "-m", "fast", "-w", "stop")

    def replica_log(self) -> str:
        return (self.root / "replica.log").read_text()

    def remove(self) -> None:
        for name in ("replica", "primary"):
            if (self.root / name / "postmaster.pid").exists():
                self.run("pg_ctl", "-D", str(self.root / name), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)

    def url(self, name: str) -> str:
        port = self.primary_port if name == "primary" else self.replica_port
        return f"postgres://postgres@127.0.0.1:{port}/careerboard"

    def connect(self, name: str, dbname: str = "careerboard"):
        port = self.primary_port if name == "primary" else self.replica_port
        return psycopg.connect(
            host="127.0.0.1", port=port, user="postgres", dbname=dbname, autocommit=True
        )

    def sql(self, name: str, query: str, params=()):
        with self.connect(name) as connection:
            cursor = connection.execute(query, params)
            row = cursor.fetchone() if cursor.description else None
        return row[0] if row else None

    def primary_sql(self, query: str, params=()):
        return self.sql("primary", query, params)

    def replica_sql(self, query: str, params=()):
        return self.sql("replica", query, params)

    def wait_for_replay(self) -> None:
        """Until the replica has replayed everything the primary has written."""
        # Every record inserted, written out or not yet.
        position = self.primary_sql("SELECT pg_current_wal_insert_lsn()::text")
        self.wait_until(
            lambda: self.replica_sql("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [position])
        )

    @staticmethod
    def wait_until(condition, seconds: float = 20) -> None:
        deadline = time.monotonic() + seconds
        while not condition():
            if time.monotonic() > deadline:
                raise TimeoutError("the cluster did not get there in time")
            time.sleep(0.05)


def app_environment(cluster: Cluster, **extra: str) -> dict[str, str]:
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {
        **inherited,
        "DEBUG": "1",
        "DATABASE_URL": cluster.url("primary"),
        "DATABASE_REPLICA_URLS": cluster.url("replica"),
        "PAGE_CACHE_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
        **extra,
    }


def manage(environment: dict[str, str], *args: str, timeout: float = 180):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


class AppServer:
    """`manage.py runserver` on a free port, against the cluster."""

    def __init__(self, environment: dict[str, str], log_path: Path):
        self.port = free_port()
        self.log = open(log_path, "w")  # noqa: SIM115 (closed in stop())
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{self.port}"],
            cwd=ROOT,
            env=environment,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        try:
            Cluster.wait_until(self._answers, seconds=60)
        except BaseException:
            self.stop()
            raise

    def _answers(self) -> bool:
        if self.process.poll() is not None:
            raise RuntimeError(f"runserver exited: {Path(self.log.name).read_text()}")
        try:
            return Browser(self).get("/healthz").status == 200
        except OSError:
            return False

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.log.close()


class Response:
    def __init__(self, status: int, headers, body: str):
        self.status = status
        self.headers = headers
        self.text = body

    def json(self):
        return json.loads(self.text)


class Browser:
    """A visitor: keeps the cookies the site sets and sends them back; follows no redirect."""

    def __init__(self, server: AppServer):
        self.server = server
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None) -> Response:
        connection = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=30)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode({**form, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            answer = connection.getresponse()
            text = answer.read().decode()
        finally:
            connection.close()
        for header in answer.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        return Response(answer.status, answer.headers, text)

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, form: dict) -> Response:
        return self.request("POST", path, form)

    def log_in(self, username: str) -> None:
        self.get("/accounts/login/")
        answer = self.post(
            "/accounts/login/", {"username": username, "password": "a-good-password"}
        )
        assert answer.status == 302, answer.text
