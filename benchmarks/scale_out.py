"""Past one machine: two app instances behind nginx, a primary and a streaming replica.

    python benchmarks/scale_out.py [--size 100000] [--urls 1500] [--connections 8]

Builds a throwaway PostgreSQL primary and streaming replica from the machine's binaries
(tests/careerboard/streaming.py), generates `--size` listings on the primary and lets the replica
replay them. Then, with Redis emptied before each run and every search URL requested once (the
long-tail workload of benchmarks/long_tail.py: distinct searches, job and skill pages):

1. **one instance**: one gunicorn (`--workers` workers), every read on the primary;
2. **scaled out**: two gunicorn instances (half the workers each, so the CPUs are shared the
   same way) behind nginx, public reads on the replica, the Celery worker and beat running;
3. **replica stopped mid-run**: the scaled-out set-up while the replica is stopped for a third
   of the run and started again.

Each run prints throughput, client latency p50/p95, errors (5xx or no answer) and the replica's
share of the queries (transactions counted by pg_stat_database on each server). The third
prints one row per phase. It exits non-zero if any request failed.
"""

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg
import redis
from long_tail import Vocabulary, compose, load_average, object_pages
from run import (
    BENCH_REDIS_URL,
    PYTHON,
    ROOT,
    Server,
    env_for,
    manage,
    percentile,
    refresh_as_beat_does,
)

sys.path.insert(0, str(ROOT))
from tests.careerboard.streaming import Cluster, free_port, postgres_bin  # noqa: E402

SEED = 17
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
# What a small production server would have; durability is not measured here.
BENCH_SERVER_SETTINGS = (
    "-c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
    "-c full_page_writes=off -c shared_buffers=128MB -c max_connections=100 "
    "-c max_parallel_workers_per_gather=0"
)
# The Celery broker of this run: a Redis database nothing else uses.
BENCH_BROKER_URL = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/14")


class BenchCluster(Cluster):
    """The test suite's throwaway primary and replica, with a server's settings and quiet logs."""

    def _start(self, name: str, port: int, extra: str = "") -> None:
        options = f"-p {port} -k {self.root} {BENCH_SERVER_SETTINGS}"
        self.run("pg_ctl", "-D", str(self.root / name), "-l", str(self.root / f"{name}.log"),
                 "-o", options, "-w", "-t", "60", "start")  # fmt: skip

    def queries(self, name: str) -> int:
        """Transactions the server has committed in the board's database (each query is one)."""
        return self.sql(
            name, "SELECT xact_commit FROM pg_stat_database WHERE datname = 'careerboard'"
        )


class Nginx:
    """nginx on a free port, spreading requests over the app instances."""

    def __init__(self, upstreams: list[str]):
        self.root = Path(tempfile.mkdtemp(prefix="careerboard-nginx-"))
        self.port = free_port()
        servers = "".join(f"  server {upstream};\n" for upstream in upstreams)
        temps = "".join(
            f" {kind}_temp_path {self.root}/{kind};\n"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        user = "user root;\n" if os.geteuid() == 0 else ""
        (self.root / "nginx.conf").write_text(
            f"daemon off;\n{user}pid {self.root}/nginx.pid;\nworker_processes 1;\n"
            "events { worker_connections 1024; }\n"
            f"http {{\n access_log off;\n{temps}"
            f" upstream app {{\n{servers}  keepalive 32;\n }}\n"
            f" server {{\n  listen 127.0.0.1:{self.port};\n"
            "  location / {\n   proxy_pass http://app;\n   proxy_http_version 1.1;\n"
            '   proxy_set_header Connection "";\n   proxy_set_header Host $http_host;\n'
            "   proxy_set_header X-Forwarded-For $remote_addr;\n  }\n }\n}\n"
        )
        self.process = subprocess.Popen(
            [NGINX, "-p", str(self.root), "-e", str(self.root / "error.log"),
             "-c", str(self.root / "nginx.conf")],
            stderr=subprocess.PIPE,
        )  # fmt: skip
        self.url = f"http://127.0.0.1:{self.port}"
        Cluster.wait_until(self._answers, seconds=20)

    def _answers(self) -> bool:
        try:
            urllib.request.urlopen(f"{self.url}/healthz", timeout=1)
            return True
        except OSError:
            return False

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
        shutil.rmtree(self.root, ignore_errors=True)


class Celery:
    """The Celery worker and beat, as `make run` starts them."""

    def __init__(self, env: dict):
        self.log_path = Path(tempfile.mkstemp(prefix="careerboard-celery-", suffix=".log")[1])
        self.log = self.log_path.open("w")
        celery = str(Path(PYTHON).parent / "celery")
        beat_schedule = self.log_path.with_suffix(".schedule")
        self.processes = [
            subprocess.Popen(
                [celery, "-A", "careerboard", *command],
                cwd=ROOT,
                env=env,
                stdout=self.log,
                stderr=subprocess.STDOUT,
            )
            for command in (
                ["worker", "--concurrency", "1", "--loglevel", "INFO"],
                ["beat", "--loglevel", "INFO", "--schedule", str(beat_schedule)],
            )
        ]

    def running(self) -> bool:
        return all(process.poll() is None for process in self.processes)

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            process.wait(timeout=30)
        self.log.close()

    def tasks_done(self) -> int:
        return self.log_path.read_text().count("succeeded in")


def drive(url: str, paths: list[str], connections: int, phases=()) -> list[tuple]:
    """Each path once, through `connections` clients: (phase, status, start, end) per request.

    `phases` are (share of the paths sent, name, action): once that share is sent, the requests
    that follow belong to the phase, and its action runs beside them (stopping a server takes a
    while, and the clients do not wait for it).
    """
    pending = iter(enumerate(paths))
    lock = threading.Lock()
    results: list[tuple] = []
    phase = ["replica up"]
    steps = sorted(phases)
    actions = []

    def client():
        while True:
            with lock:
                item = next(pending, None)
                if item is None:
                    return
                while steps and item[0] >= steps[0][0] * len(paths):
                    _, phase[0], action = steps.pop(0)
                    actions.append(threading.Thread(target=action))
                    actions[-1].start()
                name = phase[0]
            start = time.perf_counter()
            try:
                with urllib.request.urlopen(url + item[1], timeout=60) as response:
                    response.read()
                    status = response.status
            except urllib.error.HTTPError as error:
                status = error.code
            except OSError:
                status = "no answer"
            results.append((name, status, start, time.perf_counter()))

    threads = [threading.Thread(target=client) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads + actions:
        thread.join()
    return results


def summarise(name: str, results: list[tuple], reads: tuple[int, int] | None) -> dict:
    latencies = [(end - start) * 1000 for _, _, start, end in results]
    seconds = max(end for *_, end in results) - min(start for _, _, start, _ in results)
    failed = [status for _, status, _, _ in results if status == "no answer" or status >= 500]
    return {
        "setup": name,
        "requests": len(results),
        "requests_per_s": len(results) / seconds,
        "p50_ms": percentile(latencies, 0.5),
        "p95_ms": percentile(latencies, 0.95),
        "errors": len(failed),
        "replica_share": None if reads is None else reads[1] / max(1, sum(reads)),
    }


def print_rows(title: str, rows: list[dict]) -> None:
    print(f"\n## {title}")
    header = (
        f"{'setup':34} {'requests':>8} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'errors':>6} {'replica reads':>13}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        print(
            f"{row['setup']:34} {row['requests']:8d} {row['requests_per_s']:7.1f} "
            f"{row['p50_ms']:8.1f} {row['p95_ms']:8.1f} {row['errors']:6d} "
            + (f"{row['replica_share']:13.0%}" if row["replica_share"] is not None else "")
        )


class Reads:
    """Queries each server answered between two moments."""

    def __init__(self, cluster: BenchCluster):
        self.cluster = cluster
        self.before = self.now()

    def now(self) -> dict[str, int | None]:
        counts = {}
        for name in ("primary", "replica"):
            try:
                counts[name] = self.cluster.queries(name)
            except psycopg.Error:
                counts[name] = None
        return counts

    def since(self) -> tuple[int, int]:
        after = self.now()
        spent = tuple(
            (after[name] or 0) - (self.before[name] or 0)
            if after[name] is not None and self.before[name] is not None
            else 0
            for name in ("primary", "replica")
        )
        self.before = after
        return spent


def build_board(cluster: BenchCluster, size: int) -> dict:
    env = {
        **env_for(cluster.url("primary")),
        "DATABASE_REPLICA_URLS": "",
        "CELERY_BROKER_URL": BENCH_BROKER_URL,
    }
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "load_seeds", "-v0")
    started = time.perf_counter()
    manage(env, "generate_jobs", "--count", str(size), "--seed", "1")
    print(f"[{size:,}] generated in {time.perf_counter() - started:.0f} s")
    manage(env, "collectstatic", "--noinput", "-v0")
    refresh_as_beat_does(env)
    cluster.wait_for_replay()
    return env


def workloads(cluster: BenchCluster, count: int) -> list[list[str]]:
    """Three disjoint sets of long-tail URLs, one per run, shuffled."""
    rng = random.Random(SEED)
    vocab = Vocabulary(cluster.url("primary"))
    seen: set[str] = set()
    sets = []
    for _ in range(3):
        paths = [path for path, _ in compose(vocab, count, rng, seen)]
        paths += [path for path, _ in object_pages(vocab, rng, count // 10)]
        rng.shuffle(paths)
        sets.append(paths)
    return sets


def run_once(url, paths, connections, reads, phases=()):
    """The paths through the front at `url`, nothing cached: the results, and the reads."""
    redis.Redis.from_url(BENCH_REDIS_URL).flushdb()
    reads.since()
    results = drive(url, paths, connections, phases)
    return results, reads.since()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--urls", type=int, default=1500, help="Distinct searches per run.")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers in all.")
    args = parser.parse_args()
    bin_dir = postgres_bin()
    if bin_dir is None or not Path(NGINX).exists():
        print("needs the PostgreSQL server binaries and nginx (apt-get install nginx-light)")
        return 2
    cluster = BenchCluster(bin_dir)
    servers: list[Server] = []
    extras = []
    try:
        cluster.start()
        env = build_board(cluster, args.size)
        sets = workloads(cluster, args.urls)
        reads = Reads(cluster)
        load_before = load_average()

        single = Server(env, free_port(), args.workers)
        servers.append(single)
        single.warm_workers(args.workers, "")
        results, spent = run_once(single.url, sets[0], args.connections, reads)
        rows = [summarise("one instance, primary only", results, spent)]
        single.stop()
        servers.remove(single)

        scaled_env = {**env, "DATABASE_REPLICA_URLS": cluster.url("replica")}
        half = max(1, args.workers // 2)
        servers += [Server(scaled_env, free_port(), half) for _ in range(2)]
        balancer = Nginx([server.url.removeprefix("http://") for server in servers])
        extras.append(balancer)
        celery = Celery(scaled_env)
        extras.append(celery)
        for server in servers:
            server.warm_workers(half, "")
        results, spent = run_once(balancer.url, sets[1], args.connections, reads)
        rows.append(summarise("two instances, primary + replica", results, spent))

        phases = [
            (1 / 3, "replica stopped", cluster.stop_replica),
            (2 / 3, "replica started again", cluster.start_replica),
        ]
        results, spent = run_once(balancer.url, sets[2], args.connections, reads, phases)
        rows.append(summarise("the same, replica stopped mid-run", results, spent))
        for name in ("replica up", "replica stopped", "replica started again"):
            phase = [result for result in results if result[0] == name]
            rows.append(summarise(f"  {name}", phase, None))
        celery_ok = celery.running()
        load_after = load_average()
    finally:
        for server in servers:
            server.stop()
        for extra in extras:
            extra.stop()
        cluster.remove()

    print_rows(
        f"Scale-out at {args.size:,} listings, {args.connections} connections, each URL once "
        f"(load average {load_before} before, {load_after} after)",
        rows,
    )
    print(
        f"\nCelery worker and beat {'ran throughout' if celery_ok else 'STOPPED'} "
        f"({celery.tasks_done()} tasks done meanwhile). The replica's share of the queries is "
        "given for each whole run; the phase rows split the last run."
    )
    return 1 if any(row["errors"] for row in rows) or not celery_ok else 0


if __name__ == "__main__":
    sys.exit(main())
