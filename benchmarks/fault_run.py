"""Scripted fault run: restart PostgreSQL under load and watch how CareerBoard answers.

    python benchmarks/fault_run.py [--database-url URL] [--seconds 30]

Serves the app with gunicorn in production settings, sends a steady stream of requests from a few
threads, stops PostgreSQL a few seconds in and starts it again later. It prints, for each phase,
the status codes seen and the slowest answer, and checks that the app answered the outage with
503 pages quickly (no hang, no traceback) and served 200s again by itself once PostgreSQL was back.
Run it on a machine you own: it stops the local PostgreSQL cluster for a few seconds.
"""

import argparse
import collections
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from run import Server, env_for, manage

PATHS = ["/", "/jobs/?q=python", "/jobs/?workplace=remote", "/readyz", "/healthz"]


def cluster_version() -> str:
    return sorted(p.name for p in Path("/etc/postgresql").iterdir())[-1]


def pg(action: str, *options: str) -> None:
    command = ["pg_ctlcluster", "--skip-systemctl-redirect", cluster_version(), "main", action]
    subprocess.run([*command, *options], check=True)


def hammer(url: str, stop: threading.Event, results: list, phase: list) -> None:
    n = 0
    while not stop.is_set():
        path = PATHS[n % len(PATHS)]
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
        leaked = b"Traceback" in body or b"OperationalError" in body
        results.append((phase[0], path, status, elapsed, leaked))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/careerboard")
    parser.add_argument("--port", type=int, default=8766)
    args = parser.parse_args()
    env = env_for(args.database_url)
    env["ROOT_URLCONF"] = "careerboard.urls"
    manage(env, "collectstatic", "--noinput", "-v0")
    server = Server(env, args.port, workers=2)
    results, phase, stop = [], ["before"], threading.Event()
    threads = [
        threading.Thread(target=hammer, args=(server.url, stop, results, phase)) for _ in range(4)
    ]
    try:
        for thread in threads:
            thread.start()
        time.sleep(5)
        phase[0] = "database down"
        pg("stop", "-m", "fast")
        time.sleep(8)
        phase[0] = "database back"
        pg("start")
        time.sleep(10)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
        server.stop()
        if subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1"]).returncode != 0:
            pg("start")
    print(f"{'phase':15} {'requests':>8}  {'slowest s':>9}  statuses")
    for name in ("before", "database down", "database back"):
        rows = [r for r in results if r[0] == name]
        statuses = collections.Counter(str(r[2]) for r in rows)
        slowest = max((r[3] for r in rows), default=0)
        summary = ", ".join(f"{status}: {n}" for status, n in sorted(statuses.items()))
        print(f"{name:15} {len(rows):8d}  {slowest:9.2f}  {summary}")
    back = [r for r in results if r[0] == "database back"]
    recovered_at = next((i for i, r in enumerate(back) if r[2] == 200 and r[1] != "/healthz"), None)
    tail_ok = all(r[2] == 200 for r in back[len(back) // 2 :])
    leaks = sum(r[4] for r in results)
    down = [r for r in results if r[0] == "database down" and r[1] != "/healthz"]
    print(f"answers during the outage that were 503: {sum(r[2] == 503 for r in down)}/{len(down)}")
    print(f"first 200 after restart: request #{recovered_at}; last half all 200: {tail_ok}")
    print(f"tracebacks or driver errors shown to users: {leaks}")
    ok = tail_ok and not leaks and all(r[2] in (200, 503) for r in down)
    print("RESULT:", "ok" if ok else "FAILED")
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
