"""EXPLAIN the slowest searches of the last long-tail run, as the app runs them.

    python benchmarks/explain_slowest.py [--size 1000000] [--redis-db 12]

Reads benchmarks/results/long-tail-<size>.json (written by long_tail.py), requests each of its
slowest search URLs once through Django's test client against that run's database (production
settings, Redis emptied first, so nothing is cached), and prints the time of each query the page
ran, then EXPLAIN (ANALYZE, BUFFERS) of its slowest one, run again right after. The second run
of a query finds its pages in memory, so its time can be lower than the first's.

Only reads: an anonymous visitor's page writes nothing to the database.
"""

import argparse
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--redis-db", type=int, default=12)
    args = parser.parse_args()
    result = json.loads((HERE / "results" / f"long-tail-{args.size}.json").read_text())
    database_url = f"{args.server.rstrip('/')}/careerboard_bench_{args.size}"

    from render import configure

    configure(database_url, f"redis://127.0.0.1:6379/{args.redis_db}")
    from django.conf import settings
    from django.core.cache import caches
    from django.db import connection, transaction
    from django.test import Client

    settings.PAGE_CACHE_SECONDS = 60  # as in production: worker copies and counts on
    client = Client()
    ran = []

    def timed(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            ran.append(((time.perf_counter() - start) * 1000, sql, params))

    print(f"# The slowest searches of the long tail at {args.size:,} listings\n")
    for slow in result["slowest"]:
        caches["default"].clear()
        caches["pages"].clear()
        ran.clear()
        with connection.execute_wrapper(timed):
            client.get(slow["url"])
        print(f"## {slow['url']}")
        print(f"In the run: {slow['ms']:.0f} ms, SQL {slow['sql_ms']:.0f} ms. Queries now (ms):")
        for ms, sql, _ in ran:
            print(f"  {ms:7.1f}  {' '.join(sql.split())[:100]}")
        slowest = max(range(len(ran)), key=lambda n: ran[n][0])
        _, sql, params = ran[slowest]
        # A walk runs after SET LOCAL in its transaction (jobs.search.plans): EXPLAIN it so too.
        settings_before = [query for query in ran[slowest - 1 : slowest] if "SET LOCAL" in query[1]]
        if sql.lstrip().upper().startswith(("SELECT", "WITH")):
            with transaction.atomic(), connection.cursor() as cursor:
                for _, setting, setting_params in settings_before:
                    cursor.execute(setting, setting_params)
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
                print("\n".join(f"    {line}" for (line,) in cursor.fetchall()))
        print()


if __name__ == "__main__":
    main()
