"""Scripted fault runs: take Redis or PostgreSQL away under load and watch how CareerBoard answers.

    python benchmarks/fault_run.py redis [--database-url URL] [--clients 4]
    python benchmarks/fault_run.py postgres [--database-url URL]

Each serves the app with gunicorn in production settings, sends a steady stream of requests from
a few client threads, stops the service a few seconds in and starts it again later. It prints,
for each phase, the requests sent, their median and slowest answer and the status codes seen,
then checks the outcome and exits non-zero if a check fails.

- `redis` starts a Redis of its own (a free port, no persistence) and points the app at it, then
  kills it mid-run. Home, searches, job and skill pages and the API list must answer 200 in every
  phase (slower, never 500), `/readyz` must report the cache unreachable while it is down, and
  once it is started again the app must use it again. It touches no other Redis, so it is safe
  on a shared machine.
- `postgres` stops the local PostgreSQL cluster: the app must answer the outage with 503 pages
  quickly (no hang, no traceback) and serve 200s again by itself once PostgreSQL is back. Run it
  on a machine you own.
"""

import argparse
import collections
import json
import socket
import statistics
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg
import redis
from run import Server, env_for, manage

POSTGRES_PATHS = ["/", "/jobs/?q=python", "/jobs/?workplace=remote", "/readyz", "/healthz"]
LEAKS = (b"Traceback", b"OperationalError", b"ConnectionError")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def cluster_version() -> str:
    return sorted(p.name for p in Path("/etc/postgresql").iterdir())[-1]


def pg(action: str, *options: str) -> None:
    command = ["pg_ctlcluster", "--skip-systemctl-redirect", cluster_version(), "main", action]
    subprocess.run([*command, *options], check=True)


class OwnRedis:
    """A Redis server of this run's own, a child process on a free port, keeping nothing on disk."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port)]
            + ["--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url)
        for _ in range(50):
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def kill(self) -> None:
        """SIGKILL, as a crash or an OOM kill would stop it: no goodbye to connected clients."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def keys(self) -> int:
        return redis.Redis.from_url(self.url).dbsize()


def hammer(url, paths, offset, stop, results, phase) -> None:
    n = offset
    while not stop.is_set():
        path = paths[n % len(paths)]
        n += 1
        start = time.perf_counter()
        try:
            with urllib.request.urlopen(url + path, timeout=15) as response:
                status, body = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, body = error.code, error.read()
        except OSError:
            status, body = "no answer", b""
        elapsed = time.perf_counter() - start
        leaked = any(leak in body for leak in LEAKS)
        cache = json.loads(body).get("cache") if path == "/readyz" and status == 200 else None
        results.append((phase[0], path, status, elapsed, leaked, cache))


def under_load(server, paths, clients, steps) -> list:
    """Drive `paths` from `clients` threads through `steps`: (phase name, action, seconds)."""
    results, phase, stop = [], [steps[0][0]], threading.Event()
    offsets = [i * len(paths) // clients for i in range(clients)]
    threads = [
        threading.Thread(target=hammer, args=(server.url, paths, o, stop, results, phase))
        for o in offsets
    ]
    try:
        for thread in threads:
            thread.start()
        for name, action, seconds in steps:
            phase[0] = name
            action()
            time.sleep(seconds)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    return results


def print_phases(results, phases) -> None:
    print(
        f"{'phase':15} {'requests':>8} {'p50 ms':>7} {'slowest ms':>10}  "
        f"{'/readyz cache':18} statuses"
    )
    for name in phases:
        rows = [r for r in results if r[0] == name]
        statuses = collections.Counter(str(r[2]) for r in rows)
        times = [r[3] * 1000 for r in rows] or [0.0]
        caches = collections.Counter(r[5] for r in rows if r[5])
        cache = ", ".join(f"{state} {n}" for state, n in sorted(caches.items())) or "-"
        summary = ", ".join(f"{status}: {n}" for status, n in sorted(statuses.items()))
        print(
            f"{name:15} {len(rows):8d} {statistics.median(times):7.0f} {max(times):10.0f}  "
            f"{cache:18} {summary}"
        )


def redis_paths(database_url: str) -> list[str]:
    """Pages a visitor reads, most of them distinct searches that no cache holds at first."""
    with psycopg.connect(database_url) as connection:
        skills = connection.execute(
            "SELECT slug, lower(name) FROM careerboard_skill WHERE NOT is_hidden ORDER BY id"
        ).fetchall()
        jobs = connection.execute(
            "SELECT id, slug FROM jobs_job WHERE status = 'published' AND expires_at > now() "
            "ORDER BY published_at DESC LIMIT 60"
        ).fetchall()
    if not skills or not jobs:
        raise SystemExit(f"{database_url} has no published jobs: fill it with generate_jobs first")
    paths = []
    for n, (slug, name) in enumerate(skills):
        job_id, job_slug = jobs[n % len(jobs)]
        paths += [
            f"/jobs/?q={name.replace(' ', '+')}",
            f"/jobs/?skill={slug}&sort=newest",
            f"/jobs/{job_id}/{job_slug}/",
            f"/api/v1/jobs/?skill={slug}",
            f"/skills/{slug}/",
        ]
        if n % 4 == 0:
            paths += ["/", "/readyz"]
    return paths


def run_redis(args) -> bool:
    own = OwnRedis()
    own.start()
    env = env_for(args.database_url)
    env.update(ROOT_URLCONF="careerboard.urls", REDIS_URL=own.url)
    manage(env, "collectstatic", "--noinput", "-v0")
    server = Server(env, free_port(), workers=2)
    phases = ["before", "redis down", "redis back"]
    try:
        results = under_load(
            server,
            redis_paths(args.database_url),
            args.clients,
            [(phases[0], lambda: None, 6), (phases[1], own.kill, 10), (phases[2], own.start, 12)],
        )
        keys_after = own.keys()
    finally:
        server.stop()
        own.kill()
    print(f"Redis of its own on port {own.port}, {args.clients} clients, 2 gunicorn workers")
    print_phases(results, phases)
    pages = [r for r in results if r[1] != "/readyz"]
    not_200 = [r for r in pages if r[2] != 200]
    down_ready = [r for r in results if r[0] == "redis down" and r[1] == "/readyz"]
    back_ready = [r for r in results if r[0] == "redis back" and r[1] == "/readyz"]
    leaks = sum(r[4] for r in results)
    reported_down = bool(down_ready) and all(r[5] == "unreachable" for r in down_ready)
    recovered = bool(back_ready) and all(r[5] == "ok" for r in back_ready[len(back_ready) // 2 :])
    print(f"pages that were not 200, in any phase: {len(not_200)} of {len(pages)}")
    print(f"/readyz while Redis was down said the cache was unreachable: {reported_down}")
    print(f"/readyz in the last half after the restart said ok: {recovered}")
    print(f"keys the app wrote to the restarted Redis: {keys_after}")
    print(f"tracebacks or driver errors shown to users: {leaks}")
    return not not_200 and reported_down and recovered and keys_after > 0 and not leaks


def run_postgres(args) -> bool:
    env = env_for(args.database_url)
    env["ROOT_URLCONF"] = "careerboard.urls"
    manage(env, "collectstatic", "--noinput", "-v0")
    server = Server(env, free_port(), workers=2)
    phases = ["before", "database down", "database back"]
    try:
        results = under_load(
            server,
            POSTGRES_PATHS,
            args.clients,
            [
                (phases[0], lambda: None, 5),
                (phases[1], lambda: pg("stop", "-m", "fast"), 8),
                (phases[2], lambda: pg("start"), 10),
            ],
        )
    finally:
        server.stop()
        if subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1"]).returncode != 0:
            pg("start")
    print_phases(results, phases)
    back = [r for r in results if r[0] == "database back"]
    recovered_at = next((i for i, r in enumerate(back) if r[2] == 200 and r[1] != "/healthz"), None)
    tail_ok = all(r[2] == 200 for r in back[len(back) // 2 :])
    leaks = sum(r[4] for r in results)
    down = [r for r in results if r[0] == "database down" and r[1] != "/healthz"]
    print(f"answers during the outage that were 503: {sum(r[2] == 503 for r in down)}/{len(down)}")
    print(f"first 200 after restart: request #{recovered_at}; last half all 200: {tail_ok}")
    print(f"tracebacks or driver errors shown to users: {leaks}")
    return tail_ok and not leaks and all(r[2] in (200, 503) for r in down)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("fault", choices=["redis", "postgres"], help="The service to stop.")
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/careerboard")
    parser.add_argument("--clients", type=int, default=4, help="Concurrent client threads.")
    args = parser.parse_args()
    ok = run_redis(args) if args.fault == "redis" else run_postgres(args)
    print("RESULT:", "ok" if ok else "FAILED")
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
