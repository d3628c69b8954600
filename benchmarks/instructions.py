"""Instructions the server's Python runs per uncached page, counted by valgrind: the same figure
whatever else the machine is doing, so two commits can be compared on a busy machine.

    python benchmarks/instructions.py [--database cb_cards_bench] [--searches 30] [--redis-db 12]

Builds long-tail URLs as benchmarks/render.py does, requests a few of each kind to warm up (never
counted), then counts the instructions of each kind's next requests (searches, job pages, skill
pages) through Django's test client under production settings and caches, Redis emptied first:
every counted URL is new, so no page comes from the cache. The SQL runs in PostgreSQL, outside
the count. Needs valgrind (`apt-get install valgrind`); about a minute per kind.

Run it against a copy of a benchmark database, as render.py.
"""

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

KINDS = ["search", "job page", "skill page"]
WARM_UP = 8


def count(args) -> None:
    """In the process valgrind runs: instrumentation is on only around the counted requests."""
    from render import configure, pages

    database_url = f"{args.server.rstrip('/')}/{args.database}"
    configure(database_url, f"redis://127.0.0.1:6379/{args.redis_db}")
    from django.conf import settings
    from django.core.cache import caches
    from django.test import Client

    settings.PAGE_CACHE_SECONDS = 60  # as in production: each worker's copies on
    urls = [
        url for kind, url in pages(database_url, args.searches + WARM_UP, 60) if kind == args.kind
    ]
    caches["default"].clear()
    caches["pages"].clear()
    client = Client()
    for url in urls[:WARM_UP]:
        client.get(url)
    counted = urls[WARM_UP : WARM_UP + args.searches]
    toggle = ["callgrind_control", "--instr"]
    subprocess.run([*toggle, "on", str(os.getpid())], check=True, capture_output=True)
    for url in counted:
        client.get(url)
    subprocess.run([*toggle, "off", str(os.getpid())], check=True, capture_output=True)
    print(len(counted))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="cb_cards_bench")
    parser.add_argument("--redis-db", type=int, default=12)
    parser.add_argument("--searches", type=int, default=30, help="requests counted per kind")
    parser.add_argument("--kind", choices=KINDS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.database.startswith("careerboard"):
        parser.error("use a copy: render.py's seeker and sessions are written to the database")
    if args.kind:
        count(args)
        return
    print(f"{'page':<12}{'requests':>10}{'million instructions each':>28}")
    for kind in KINDS:
        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder) / "callgrind.out"
            child = subprocess.run(
                [
                    "valgrind",
                    "--tool=callgrind",
                    "--instr-atstart=no",
                    f"--callgrind-out-file={out}",
                    sys.executable,
                    __file__,
                    *sys.argv[1:],
                    "--kind",
                    kind,
                ],
                capture_output=True,
                text=True,
                check=True,
            )
            requests = int(child.stdout.split()[-1])
            totals = next(
                line for line in out.read_text().splitlines() if line.startswith("totals:")
            )
            per_request = int(totals.split()[1]) / requests / 1e6
        print(f"{kind:<12}{requests:>10}{per_request:>28.1f}")


if __name__ == "__main__":
    main()
