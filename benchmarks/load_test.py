"""Bounded load test on loopback: 64 connections for 60 s of mixed search, job and apply traffic.

    python benchmarks/load_test.py [--database-url URL] [--connections 64] [--seconds 60]

Serves the app with gunicorn in production settings and prints throughput, latency percentiles
and errors (any non-2xx/3xx answer or socket error counts as one). A third of the mix is long-tail
searches composed as in long_tail.py, each distinct, so most of them reach the server uncached:
no URL is requested before the measured run but for its 2 s warm-up.
"""

import argparse
import random

import psycopg
from long_tail import Vocabulary, compose
from run import Server, drive, ensure_wrk, env_for, manage


def mixed_paths(database_url: str) -> list[str]:
    rng = random.Random(1)
    with psycopg.connect(database_url) as connection:
        jobs = connection.execute(
            "SELECT id, slug FROM jobs_job WHERE status = 'published' AND expires_at > now() "
            "ORDER BY id DESC LIMIT 2000"
        ).fetchall()
        skills = [r[0] for r in connection.execute("SELECT slug FROM careerboard_skill")]
    paths = []
    for n in range(3000):
        kind = n % 10
        pk, slug = rng.choice(jobs)
        if kind < 4:
            term = rng.choice(["python", "developer", "engineer", "sql", "remote", "data"])
            paths.append(f"/jobs/?q={term}&workplace={rng.choice(['remote', 'hybrid'])}")
        elif kind < 5:
            paths.append(f"/jobs/?skill={rng.choice(skills)}&sort=newest")
        elif kind < 8:
            paths.append(f"/jobs/{pk}/{slug}/")
        elif kind < 9:
            paths.append(f"/jobs/apply/{pk}/")
        else:
            paths.append(rng.choice(["/", "/skills/", f"/skills/{rng.choice(skills)}/"]))
    long_tail = [path for path, _ in compose(Vocabulary(database_url), 6000, rng, set())]
    mixed = paths * 4 + long_tail
    rng.shuffle(mixed)
    return mixed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/careerboard_demo"
    )
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--port", type=int, default=8767)
    args = parser.parse_args()
    ensure_wrk()
    env = env_for(args.database_url)
    env["ROOT_URLCONF"] = "careerboard.urls"
    manage(env, "collectstatic", "--noinput", "-v0")
    server = Server(env, args.port, workers=4)
    try:
        paths = mixed_paths(args.database_url)
        row = drive(server, paths, args.seconds, args.connections, measure_first_hits=False)
        rss = server.worker_peak_rss_mb()
    finally:
        server.stop()
    print(f"{args.connections} connections, {args.seconds} s, mixed search/detail/apply traffic")
    header = ["req/s", "p50 ms", "p95 ms", "p99 ms", "srv p95"]
    print(" ".join(f"{h:>8}" for h in header), f"{'errors':>7}", "RSS MB")
    print(
        f"{row['requests_per_s']:8.0f} {row['p50_ms']:8.1f} {row['p95_ms']:8.1f} "
        f"{row['p99_ms']:8.1f} {row['server_p95_ms']:8.1f} {row['errors']:7d} {rss:.0f}"
    )
    raise SystemExit(1 if row["errors"] else 0)


if __name__ == "__main__":
    main()
