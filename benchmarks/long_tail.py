"""The long tail: thousands of distinct search URLs, each requested once, with nothing cached.

    python benchmarks/long_tail.py --sizes 100000,1000000 [--urls 2000]

A real board's searches are mostly seen once, so the page cache cannot answer them. For each size
this composes search URLs the way people do from the search form (one to three keywords drawn
from skill names, title words and company words, about one in ten mistyped; every filter; every
sort; pages 1-5 and a deep page), adds job and skill pages, and requests each once:

1. one at a time, for the server time and SQL time of each class of URL (from the request log,
   matched by request id);
2. a second, disjoint set through 8 connections, for throughput beside the hello-world floor
   measured in the same run, and the naive `icontains` search as a baseline.

Redis is emptied first. The table is printed and written to
benchmarks/results/long-tail-<size>.json; with results for 100,000 and 1,000,000 present, the p95
growth between them is printed too.
"""

import argparse
import json
import os
import random
import re
import subprocess
import threading
import time
from collections import Counter, defaultdict
from urllib.parse import urlencode

import psycopg
import redis
from run import (
    BENCH_REDIS_URL,
    RESULTS,
    Server,
    ensure_wrk,
    env_for,
    manage,
    percentile,
    prepare_data,
    prewarm,
    refresh_as_beat_does,
)

SEED = 7
WORKPLACES = ["remote", "hybrid", "onsite"]
EMPLOYMENT_TYPES = ["full_time", "part_time", "contract", "temporary", "internship"]
SENIORITIES = ["intern", "junior", "mid", "senior", "lead"]
CURRENCIES = ["USD", "EUR", "GBP", "CAD"]
SORTS = ["relevance", "newest", "salary"]
DEEP_PAGE = 40
# Words too common to tell jobs apart: a search for them is "broad".
BROAD_SHARE = 0.05
# Where keywords come from, and the class a search with one of them belongs to.
TERM_SOURCES = {"skill_words": None, "title_words": None, "company_words": "rare", "broad": "broad"}
TERM_WEIGHTS = {"skill_words": 4, "title_words": 3, "company_words": 2, "broad": 2}
OBJECT_PAGES = {"job page", "skill page", "naive"}


def load_average() -> str:
    with open("/proc/loadavg") as handle:
        return " ".join(handle.read().split()[:3])


class Vocabulary:
    """Words people type, from the data itself, with how many jobs each finds."""

    def __init__(self, database_url: str):
        with psycopg.connect(database_url) as connection:
            total = connection.execute("SELECT reltuples FROM pg_class WHERE relname = 'jobs_job'")
            self.total = max(1.0, total.fetchone()[0])
            titles = connection.execute(
                "SELECT title FROM jobs_job TABLESAMPLE SYSTEM (1) REPEATABLE (7) LIMIT 20000"
            ).fetchall()
            self.skills = [
                row[0]
                for row in connection.execute(
                    "SELECT slug FROM careerboard_skill WHERE NOT is_hidden ORDER BY id"
                )
            ]
            skill_words = connection.execute(
                "SELECT lower(name) FROM careerboard_skill WHERE NOT is_hidden ORDER BY id"
            ).fetchall()
            company_words = connection.execute(
                "SELECT lower(name) FROM jobs_company ORDER BY id LIMIT 2000"
            ).fetchall()
            self.places = [
                row[0]
                for row in connection.execute(
                    "SELECT DISTINCT city FROM jobs_location WHERE city <> '' ORDER BY city"
                )
            ]
            jobs = connection.execute(
                "SELECT id, slug FROM jobs_job WHERE status = 'published' AND expires_at > now() "
                "ORDER BY published_at DESC LIMIT 20000"
            ).fetchall()
        counts = Counter(word for (title,) in titles for word in words(title))
        sampled = max(1, len(titles))
        self.broad = sorted(w for w, n in counts.items() if n / sampled >= BROAD_SHARE)
        self.title_words = sorted(w for w, n in counts.items() if n / sampled < BROAD_SHARE)
        self.skill_words = sorted({w for (name,) in skill_words for w in words(name)})
        self.company_words = sorted({w for (name,) in company_words for w in words(name)})
        self.jobs = jobs


def words(text: str) -> list[str]:
    return [w for w in re.findall(r"[a-z][a-z+#.]*[a-z+#]", text.lower()) if len(w) >= 3]


def mistype(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1)
    if rng.random() < 0.5:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[:i] + word[i + 1 :]


def compose_search(vocab: Vocabulary, rng: random.Random) -> tuple[str, set[str]]:
    """One search as a person builds it from the form, with the classes it belongs to."""
    params: list[tuple[str, str]] = []
    classes: set[str] = set()
    if rng.random() < 0.75:
        terms = []
        for _ in range(rng.choice([1, 1, 1, 2, 2, 3])):
            sources = [name for name in TERM_SOURCES if getattr(vocab, name)]
            weights = [TERM_WEIGHTS[name] for name in sources]
            source = rng.choices(sources, weights=weights, k=1)[0]
            terms.append(rng.choice(getattr(vocab, source)))
            if TERM_SOURCES[source]:
                classes.add(TERM_SOURCES[source])
        if rng.random() < 0.1:
            i = rng.randrange(len(terms))
            if len(terms[i]) >= 4:
                terms[i] = mistype(terms[i], rng)
                classes.add("typo")
        params.append(("q", " ".join(terms)))
    filters = 0
    for name, pool, share in [
        ("workplace", WORKPLACES, 0.25),
        ("employment_type", EMPLOYMENT_TYPES, 0.1),
        ("seniority", SENIORITIES, 0.2),
        ("skill", vocab.skills, 0.2),
    ]:
        if rng.random() < share:
            for value in rng.sample(pool, rng.choice([1, 1, 2])):
                params.append((name, value))
            filters += 1
    if vocab.places and rng.random() < 0.15:
        params.append(("location", rng.choice(vocab.places)))
        filters += 1
    if rng.random() < 0.1:
        params.append(("salary_min", str(rng.randrange(30, 160) * 1000)))
        filters += 1
        if rng.random() < 0.5:
            params.append(("currency", rng.choice(CURRENCIES)))
    if rng.random() < 0.1:
        params.append(("posted", rng.choice(["1", "7", "30"])))
        filters += 1
    sort = rng.choices(SORTS, weights=[5, 3, 2], k=1)[0]
    if sort != "relevance":
        params.append(("sort", sort))
    page = rng.choices([1, 2, 3, 4, 5, DEEP_PAGE], weights=[60, 15, 8, 5, 4, 8], k=1)[0]
    if page > 1:
        params.append(("page", str(page)))
    keyword = any(name == "q" for name, _ in params)
    classes.add(
        "keyword + filters"
        if keyword and filters
        else "keyword"
        if keyword
        else "filters only"
        if filters
        else "no filter"
    )
    classes.add(f"sort: {sort}")
    if page == DEEP_PAGE:
        classes.add("deep page")
    return "/jobs/?" + urlencode(params), classes


def compose(vocab: Vocabulary, count: int, rng: random.Random, seen: set[str]) -> list:
    urls = []
    while len(urls) < count:
        url, classes = compose_search(vocab, rng)
        if url not in seen:
            seen.add(url)
            urls.append((url, classes))
    return urls


def object_pages(vocab: Vocabulary, rng: random.Random, jobs: int) -> list:
    picked = rng.sample(vocab.jobs, min(jobs, len(vocab.jobs)))
    pages = [(f"/jobs/{pk}/{slug}/", {"job page"}) for pk, slug in picked]
    return pages + [(f"/skills/{slug}/", {"skill page"}) for slug in vocab.skills]


def one_at_a_time(server: Server, urls: list) -> dict[str, list[dict]]:
    start = server.log_size()
    ids = {server.get(path, ""): (path, classes) for path, classes in urls}
    by_class = defaultdict(list)
    for line in server.request_lines(start):
        line["url"], classes = ids.get(line["request_id"], ("", set()))
        for name in classes:
            by_class[name].append(line)
        if classes and not classes & OBJECT_PAGES:
            by_class["all searches"].append(line)
    return by_class


def concurrently(server: Server, paths: list[str], connections: int) -> dict:
    """Each path once, through `connections` clients at a time: completed requests per second."""
    pending = iter(paths)
    lock = threading.Lock()
    errors = []

    def client():
        while True:
            with lock:
                path = next(pending, None)
            if path is None:
                return
            try:
                server.get(path, "")
            except OSError as error:
                errors.append(f"{path}: {error}")

    threads = [threading.Thread(target=client) for _ in range(connections)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return {"requests_per_s": len(paths) / elapsed, "errors": len(errors), "sample": errors[:3]}


def floor(server: Server, connections: int) -> float:
    output = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", "-d5s", f"{server.url}/bench/hello"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1])


def summarise(lines: list[dict]) -> dict:
    durations = [line["duration_ms"] for line in lines]
    return {
        "count": len(lines),
        "p50_ms": percentile(durations, 0.5),
        "p95_ms": percentile(durations, 0.95),
        "p99_ms": percentile(durations, 0.99),
        "sql_p50_ms": percentile([line["db_ms"] for line in lines], 0.5),
        "sql_p95_ms": percentile([line["db_ms"] for line in lines], 0.95),
        "over_30_ms": sum(d > 30 for d in durations) / max(1, len(durations)),
        "errors": sum(line["status"] >= 500 for line in lines),
    }


def print_table(size: int, result: dict) -> None:
    print(f"\n## Long tail at {size:,} listings (load average {result['load_average']})")
    header = (
        f"{'class':22} {'URLs':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'sql p50':>8} {'sql p95':>8} {'>30 ms':>7} {'5xx':>4}"
    )
    print(header)
    print("-" * len(header))
    for name, row in sorted(result["classes"].items(), key=lambda item: -item[1]["count"]):
        print(
            f"{name:22} {row['count']:6d} {row['p50_ms']:8.1f} {row['p95_ms']:8.1f} "
            f"{row['p99_ms']:8.1f} {row['sql_p50_ms']:8.1f} {row['sql_p95_ms']:8.1f} "
            f"{100 * row['over_30_ms']:6.0f}% {row['errors']:4d}"
        )
    throughput = result["throughput"]
    print(
        f"\n8 connections, {throughput['urls']:,} more distinct URLs each once: "
        f"{throughput['requests_per_s']:.1f} req/s = {throughput['share_of_floor']:.2%} of the "
        f"floor ({result['floor_requests_per_s']:.0f} req/s in this run), "
        f"{throughput['errors']} errors"
    )
    naive = result["naive"]
    print(
        f"naive icontains baseline, one at a time: p50 {naive['p50_ms']:.0f} ms, "
        f"p95 {naive['p95_ms']:.0f} ms"
    )
    print(f"worker peak RSS {result['worker_peak_rss_mb']:.0f} MB; the slowest searches:")
    for line in result.get("slowest", []):
        print(f"  {line['ms']:7.1f} ms (SQL {line['sql_ms']:.1f})  {line['url']}")


def print_growth() -> None:
    small, large = RESULTS / "long-tail-100000.json", RESULTS / "long-tail-1000000.json"
    if not (small.exists() and large.exists()):
        return
    before = json.loads(small.read_text())["classes"]
    after = json.loads(large.read_text())["classes"]
    print("\n## p95 growth from 100,000 to 1,000,000 listings")
    for name in sorted(set(before) & set(after)):
        ratio = after[name]["p95_ms"] / max(0.01, before[name]["p95_ms"])
        print(
            f"{name:22} {before[name]['p95_ms']:8.1f} -> {after[name]['p95_ms']:8.1f} ms  "
            f"{ratio:4.1f}x"
        )


def run_size(size: int, args) -> dict:
    database_url, _ = prepare_data(size, args.server)
    env = env_for(database_url)
    redis.Redis.from_url(BENCH_REDIS_URL).flushdb()
    manage(env, "collectstatic", "--noinput", "-v0")
    refresh_as_beat_does(env)
    prewarm(database_url)
    rng = random.Random(SEED)
    vocab = Vocabulary(database_url)
    seen: set[str] = set()
    measured = compose(vocab, args.urls, rng, seen) + object_pages(vocab, rng, args.job_pages)
    loaded = [path for path, _ in compose(vocab, args.urls // 2, rng, seen)]
    rng.shuffle(measured)
    server = Server(env, args.port, args.workers)
    try:
        server.warm_workers(args.workers, "")
        load_before = load_average()
        by_class = one_at_a_time(server, measured)
        floor_rps = floor(server, 8)
        throughput = concurrently(server, loaded, 8)
        words = vocab.skill_words + vocab.title_words + vocab.company_words
        naive_paths = [f"/bench/naive-search?q={w}" for w in rng.sample(words, 10)]
        naive = summarise(one_at_a_time(server, [(p, {"naive"}) for p in naive_paths])["naive"])
        rss_mb = server.worker_peak_rss_mb()
    finally:
        server.stop()
    result = {
        "size": size,
        "load_average": f"{load_before} before, {load_average()} after",
        "classes": {name: summarise(lines) for name, lines in by_class.items()},
        "floor_requests_per_s": floor_rps,
        "throughput": {
            **throughput,
            "urls": len(loaded),
            "share_of_floor": throughput["requests_per_s"] / floor_rps,
        },
        "naive": naive,
        # The URLs to EXPLAIN first.
        "slowest": [
            {"url": line["url"], "ms": line["duration_ms"], "sql_ms": line["db_ms"]}
            for line in sorted(by_class["all searches"], key=lambda line: -line["duration_ms"])[:5]
        ],
        "worker_peak_rss_mb": rss_mb,
        "cpus": os.cpu_count(),
    }
    (RESULTS / f"long-tail-{size}.json").write_text(json.dumps(result, indent=2))
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--urls", type=int, default=2000, help="Distinct search URLs measured.")
    parser.add_argument("--job-pages", type=int, default=300)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    args = parser.parse_args()
    ensure_wrk()
    RESULTS.mkdir(exist_ok=True)
    for size in [int(s) for s in args.sizes.split(",")]:
        print_table(size, run_size(size, args))
    print_growth()


if __name__ == "__main__":
    main()
