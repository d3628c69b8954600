"""CareerBoard benchmark harness: `make bench` or `python benchmarks/run.py --sizes 10000`.

For each size it loads (or reuses) a deterministic data set in its own database, serves the app
with gunicorn in production settings on 127.0.0.1, drives each page with wrk for a bounded time,
and prints one table per size: throughput, client latency percentiles, errors, server-side SQL
time and queries per request (from the app's structured request log), and the workers' peak RSS.
Results are also written as JSON to benchmarks/results/<size>.json.
"""

import argparse
import json
import os
import platform
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg
import redis

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
PYTHON = sys.executable
SEED = 1

# Search inputs for the generated data: company-name words match about 0.25% of jobs each,
# the broad words each match more than 20% of them.
RARE_TERMS = ["northwind", "ironforge", "clearpath", "deepharbor", "bluegate", "swiftledger"]
BROAD_TERMS = ["developer", "engineer", "python", "sql"]
TYPOS = ["pyhton", "javsacript", "postgersql", "developr", "enginer", "databse"]
# A Redis database the benchmarks empty before each size: none other may live there.
BENCH_REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
# Pages that share the measured pages' code and templates but none of their URLs or cached
# figures (the searches' words match nothing).
WARM_UP_PATHS = [
    "/bench/hello",
    "/?warm-up",
    "/jobs/?q=zzwarmup",
    "/jobs/?q=zzwarmup&workplace=remote&employment_type=full_time&salary_min=1",
    "/jobs/?q=zzwramup",
    "/skills/",
    "/careers/",
    "/me/recommended/?page=50",
    "/api/v1/jobs/?q=zzwarmup",
]


def env_for(database_url: str) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": "benchmark-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "ROOT_URLCONF": "benchmarks.urls",
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "WARNING",
        "REQUEST_LOG_LEVEL": "INFO",
        "COUNTERS_KEY_PREFIX": "bench:counters",
        # A Redis database of its own, emptied before each size: every page starts uncached.
        "REDIS_URL": BENCH_REDIS_URL,
        # Measure the API itself, not its rate limits (anonymous readers count against both).
        # Per second, so that the throttles' request histories stay as short as in service.
        "API_ANON_RATE": "1000000/second",
        "API_USER_RATE": "1000000/second",
    }


def manage(env, *args, capture=False):
    return subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        text=True,
        capture_output=capture,
    )


def prepare_data(size: int, server_url: str) -> tuple[str, float | None]:
    """The database for this size, generated unless it already holds the data set."""
    name = f"careerboard_bench_{size}"
    database_url = f"{server_url.rstrip('/')}/{name}"
    env = env_for(database_url)
    manage(env, "create_database")
    manage(env, "migrate", "--noinput", "-v0")
    with psycopg.connect(database_url) as connection:
        have = connection.execute(
            "SELECT count(*) FROM jobs_job j JOIN jobs_company c ON c.id = j.company_id "
            "WHERE c.slug LIKE 'gen-%%'"
        ).fetchone()[0]
    if have >= size:
        print(f"[{size:,}] reusing {have:,} generated jobs in {name}")
        return database_url, None
    manage(env, "load_seeds", "-v0")
    start = time.perf_counter()
    manage(env, "generate_jobs", "--count", str(size - have), "--seed", str(SEED))
    load_seconds = time.perf_counter() - start
    print(f"[{size:,}] generated {size - have:,} jobs in {load_seconds:.1f} s")
    return database_url, load_seconds


def refresh_as_beat_does(env) -> None:
    """What Celery beat keeps up to date on a board in service: the "did you mean" words and
    the skill pages' market figures."""
    manage(env, "refresh_search_terms", "-v0")
    manage(env, "refresh_skill_markets", "-v0")


def prewarm(database_url: str) -> None:
    """Read the jobs table and its indexes once, as a board in service has them in memory."""
    with psycopg.connect(database_url, autocommit=True) as connection:
        connection.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
        relations = connection.execute(
            "SELECT c.oid::regclass::text FROM pg_class c JOIN pg_namespace n ON n.oid = "
            "c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('r', 'i') "
            "AND c.relname LIKE 'jobs_%%' UNION ALL "
            "SELECT c.reltoastrelid::regclass::text FROM pg_class c "
            "WHERE c.relname LIKE 'jobs_%%' AND c.reltoastrelid <> 0"
        ).fetchall()
        for (relation,) in relations:
            connection.execute("SELECT pg_prewarm(%s, 'read')", [relation])


SEEKER_SESSION = """
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from careerboard.models import Skill, User
from profiles.models import Profile, ProfileSkill
user, _ = User.objects.get_or_create(
    username="bench-seeker", defaults={"email": "bench-seeker@example.com", "is_seeking": True})
profile, _ = Profile.objects.get_or_create(user=user, defaults={"workplaces": ["remote", "hybrid"]})
for level, slug in zip([5, 4, 3, 2], ["python", "sql", "git", "apis"]):
    skill = Skill.objects.filter(slug=slug).first()
    if skill:
        ProfileSkill.objects.get_or_create(profile=profile, skill=skill, defaults={"level": level})
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
print(session.session_key)
"""


def seeker_cookie(env: dict) -> str:
    """A logged-in seeker with a skill profile, for the recommendations page."""
    key = manage(env, "shell", "-c", SEEKER_SESSION, capture=True).stdout.strip().splitlines()[-1]
    return f"sessionid={key}"


def sample_paths(database_url: str) -> dict[str, list[str]]:
    rng = random.Random(SEED)
    with psycopg.connect(database_url) as connection:
        jobs = connection.execute(
            "SELECT id, slug FROM jobs_job WHERE status = 'published' AND expires_at > now() "
            "ORDER BY published_at DESC LIMIT 5000"
        ).fetchall()
        skills = [
            row[0]
            for row in connection.execute(
                "SELECT slug FROM careerboard_skill WHERE NOT is_hidden ORDER BY id"
            ).fetchall()
        ]
        cities = [
            row[0]
            for row in connection.execute(
                "SELECT DISTINCT city FROM jobs_location WHERE city <> '' LIMIT 40"
            ).fetchall()
        ]
    details = [f"/jobs/{pk}/{slug}/" for pk, slug in rng.sample(jobs, min(500, len(jobs)))]
    popular = skills[:12]
    filters_only = [
        f"/jobs/?workplace={w}&seniority={s}&skill={k}"
        for w in ("remote", "hybrid", "onsite")
        for s in ("mid", "senior")
        for k in popular[:6]
    ]
    multi = [
        f"/jobs/?q={q}&workplace=remote&workplace=hybrid&employment_type=full_time"
        f"&salary_min=50000&posted=30&skill={k}&location={city}"
        for q in BROAD_TERMS
        for k in popular[:4]
        for city in cities[:4]
    ]
    return {
        "hello-world floor": ["/bench/hello"],
        "home": ["/"],
        "search: rare term": [f"/jobs/?q={t}" for t in RARE_TERMS],
        "search: broad term": [f"/jobs/?q={t}" for t in BROAD_TERMS],
        "search: filters only": filters_only,
        "search: multi-filter + keyword": multi,
        "search: typo": [f"/jobs/?q={t}" for t in TYPOS],
        "job detail": details,
        "skill page": [f"/skills/{k}/" for k in skills],
        "recommended jobs (seeker)": ["/me/recommended/"],
        "API job list": [f"/api/v1/jobs/?q={t}" for t in RARE_TERMS + BROAD_TERMS],
        # Last: at a million rows each of these scans the table, and keeps workers busy.
        "naive icontains baseline": [f"/bench/naive-search?q={t}" for t in RARE_TERMS],
    }


class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


NO_REDIRECTS = urllib.request.build_opener(_KeepRedirects)


def ensure_wrk() -> None:
    if not shutil.which("wrk"):
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)


class Server:
    """gunicorn in production settings, its request log in a file."""

    def __init__(self, env: dict, port: int, workers: int):
        self.log_path = Path(tempfile.mkstemp(prefix="careerboard-bench-", suffix=".log")[1])
        self.log = self.log_path.open("w")
        self.process = subprocess.Popen(
            [
                str(Path(PYTHON).parent / "gunicorn"),
                "careerboard.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=self.log,
        )
        self.url = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{self.url}/healthz", timeout=1)
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not start; see {self.log_path}")

    def warm_workers(self, workers: int, cookie: str) -> None:
        """Load each worker's code and templates with pages outside the measured sample.

        First hits then show what a URL costs on a running board, not a worker's first request.
        """
        for _ in range(3 * workers):
            for path in WARM_UP_PATHS:
                self.get(path, cookie)

    def get(self, path: str, cookie: str) -> str:
        """One request, its request id returned; a redirect is its answer (it may leave the site).

        The id names the request's line in the request log.
        """
        request = urllib.request.Request(self.url + path, headers={"Cookie": cookie})
        try:
            with NO_REDIRECTS.open(request, timeout=60) as response:
                response.read()
                return response.headers.get("X-Request-ID", "")
        except urllib.error.HTTPError as error:
            if error.code >= 400:
                raise
            return error.headers.get("X-Request-ID", "")

    def log_size(self) -> int:
        self.log.flush()
        return self.log_path.stat().st_size

    def request_lines(self, start: int) -> list[dict]:
        with self.log_path.open() as handle:
            handle.seek(start)
            lines = []
            for line in handle:
                if line.startswith("{") and '"message": "request"' in line:
                    lines.append(json.loads(line))
            return lines

    def worker_peak_rss_mb(self) -> float:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        peaks = []
        for pid in children.read_text().split():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks.append(int(line.split()[1]) / 1024)
        return max(peaks, default=0.0)

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)
        self.log.close()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values) or [0.0]
    return ordered[max(0, int(len(ordered) * share) - 1)]


def first_hits(server: Server, paths: list[str], cookie: str) -> list[dict]:
    """Each URL once, one at a time, before any cache holds it: what its first visitor pays."""
    start = server.log_size()
    for path in paths:
        server.get(path, cookie)
    return server.request_lines(start)


def drive(
    server: Server,
    paths: list[str],
    seconds: int,
    connections: int,
    cookie: str = "",
    measure_first_hits: bool = True,
) -> dict:
    first = first_hits(server, paths, cookie) if measure_first_hits else []
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
        handle.write("\n".join(paths))
    script = ROOT / "benchmarks" / "report.lua"
    base = ["wrk", "-t2", f"-c{connections}", "--timeout", "10s", "-s", str(script)]
    if cookie:
        base += ["-H", f"Cookie: {cookie}"]
    subprocess.run([*base, "-d2s", server.url, "--", handle.name], capture_output=True, check=True)
    start = server.log_size()
    output = subprocess.run(
        [*base, f"-d{seconds}s", server.url, "--", handle.name],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    os.unlink(handle.name)
    summary = json.loads(output.split("JSON:", 1)[1].splitlines()[0])
    lines = server.request_lines(start)
    db_ms = [line["db_ms"] for line in lines]
    app_ms = [line["duration_ms"] for line in lines]
    queries = sorted({line["queries"] for line in first + lines})
    return {
        "requests_per_s": summary["requests"] / (summary["duration_us"] / 1e6),
        "p50_ms": summary["p50_us"] / 1000,
        "p95_ms": summary["p95_us"] / 1000,
        "p99_ms": summary["p99_us"] / 1000,
        "errors": summary["socket_errors"] + summary["status_errors"],
        "server_p50_ms": percentile(app_ms, 0.5),
        "server_p95_ms": percentile(app_ms, 0.95),
        "sql_p50_ms": percentile(db_ms, 0.5),
        "sql_p95_ms": percentile(db_ms, 0.95),
        "first_hits": len(first),
        "first_server_p50_ms": percentile([line["duration_ms"] for line in first], 0.5),
        "first_server_p95_ms": percentile([line["duration_ms"] for line in first], 0.95),
        "first_sql_p95_ms": percentile([line["db_ms"] for line in first], 0.95),
        "queries": queries,
    }


def print_table(size: int, rows: dict, rss_mb: float, load_seconds: float | None) -> None:
    floor = rows["hello-world floor"]["requests_per_s"]
    print()
    loaded = f", generated in {load_seconds:.0f} s" if load_seconds else ""
    print(f"## {size:,} listings{loaded}; worker peak RSS {rss_mb:.0f} MB")
    header = (
        f"{'page':32} {'req/s':>8} {'% floor':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'srv p95':>8} {'sql p95':>8} {'1st p50':>8} {'1st p95':>8} {'1st sql':>8} "
        f"{'queries':>8} {'errors':>6}"
    )
    print(header)
    print("-" * len(header))
    for name, row in rows.items():
        queries = "/".join(str(q) for q in row["queries"])
        print(
            f"{name:32} {row['requests_per_s']:8.0f} {100 * row['requests_per_s'] / floor:7.0f}% "
            f"{row['p50_ms']:8.1f} {row['p95_ms']:8.1f} {row['p99_ms']:8.1f} "
            f"{row['server_p95_ms']:8.1f} {row['sql_p95_ms']:8.1f} "
            f"{row['first_server_p50_ms']:8.1f} {row['first_server_p95_ms']:8.1f} "
            f"{row['first_sql_p95_ms']:8.1f} "
            f"{queries:>8} {row['errors']:6d}"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--seconds", type=int, default=10, help="Measured seconds per page.")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--pages", default="", help="Comma-separated subset of page names.")
    parser.add_argument(
        "--server", default="postgres://postgres@127.0.0.1:5432", help="PostgreSQL server URL."
    )
    args = parser.parse_args()
    ensure_wrk()
    RESULTS.mkdir(exist_ok=True)
    for size in [int(s) for s in args.sizes.split(",")]:
        database_url, load_seconds = prepare_data(size, args.server)
        env = env_for(database_url)
        redis.Redis.from_url(BENCH_REDIS_URL).flushdb()
        manage(env, "collectstatic", "--noinput", "-v0")
        refresh_as_beat_does(env)
        prewarm(database_url)
        paths = sample_paths(database_url)
        if args.pages:
            wanted = {"hello-world floor", *args.pages.split(",")}
            paths = {name: p for name, p in paths.items() if name in wanted}
        cookie = seeker_cookie(env)
        server = Server(env, args.port, args.workers)
        try:
            server.warm_workers(args.workers, cookie)
            rows = {}
            for name, page_paths in paths.items():
                rows[name] = drive(
                    server,
                    page_paths,
                    args.seconds,
                    args.connections,
                    cookie=cookie if "seeker" in name else "",
                )
                print(f"  {name}: {rows[name]['requests_per_s']:.0f} req/s", flush=True)
            rss_mb = server.worker_peak_rss_mb()
        finally:
            server.stop()
        print_table(size, rows, rss_mb, load_seconds)
        result = {
            "size": size,
            "load_seconds": load_seconds,
            "worker_peak_rss_mb": rss_mb,
            "machine": {
                "cpus": os.cpu_count(),
                "platform": platform.platform(),
                "python": platform.python_version(),
            },
            "settings": vars(args),
            "pages": rows,
        }
        (RESULTS / f"{size}.json").write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
