"""Where the server time of a page goes, in one process: SQL, templates and the rest.

    python benchmarks/render.py [--database cb_cards_bench] [--searches 300] [--redis-db 12]

Builds distinct search URLs as benchmarks/long_tail.py does, plus job and skill pages, and
requests each once through Django's test client (the whole middleware stack, production
settings, Redis emptied first), for an anonymous visitor and for a signed-in seeker with a skill
profile. The production cache configuration is on (a page cache, each worker's copies), but
every measured URL is new, so no page comes from the cache. For each page it measures the total
time, the time in SQL, the SQL run while a template renders (which a view cannot see or batch),
and the template time without that SQL; "rest" is the total less SQL and template time. Prints
p50/p95 per page and visitor.

Run it against a copy of a benchmark database; it adds a seeker and a session to it.
"""

import argparse
import os
import random
import sys
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

SEED = 11
WARM_UP = 5  # the first searches compile templates and fill each worker's copies
SEEKER_SKILLS = {"python": 5, "sql": 4, "git": 3, "apis": 2, "django": 3, "docker": 2}


def configure(database_url: str, redis_url: str) -> None:
    os.environ.update(
        {
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "DEBUG": "0",
            "SECRET_KEY": "benchmark-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
            "ALLOWED_HOSTS": "testserver,127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "STATIC_MANIFEST": "0",
            "PAGE_CACHE_SECONDS": "60",
            "LOG_LEVEL": "ERROR",
            "REQUEST_LOG_LEVEL": "ERROR",
            "COUNTERS_KEY_PREFIX": "bench-render:counters",
            "DJANGO_SETTINGS_MODULE": "careerboard.settings",
        }
    )
    import django

    django.setup()


class Clock:
    """Time spent in SQL, in template rendering, and in SQL run from inside a template."""

    def __init__(self):
        self.sql = self.template = self.sql_in_template = 0.0
        self.queries = self.queries_in_template = 0
        self.depth = 0

    def reset(self):
        self.__init__()

    def run_sql(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent = time.perf_counter() - start
            self.sql += spent
            self.queries += 1
            if self.depth:
                self.sql_in_template += spent
                self.queries_in_template += 1

    def wrap_render(self, render):
        def timed(template, *args, **kwargs):
            if self.depth:
                return render(template, *args, **kwargs)
            self.depth += 1
            start = time.perf_counter()
            try:
                return render(template, *args, **kwargs)
            finally:
                self.template += time.perf_counter() - start
                self.depth -= 1

        return timed


def seeker():
    from careerboard.models import Skill, User
    from profiles.models import Profile, ProfileSkill

    user, _ = User.objects.get_or_create(
        username="bench-render-seeker",
        defaults={"email": "bench-render-seeker@example.com", "is_seeking": True},
    )
    profile, _ = Profile.objects.get_or_create(user=user)
    for skill in Skill.objects.filter(slug__in=SEEKER_SKILLS):
        ProfileSkill.objects.get_or_create(
            profile=profile, skill=skill, defaults={"level": SEEKER_SKILLS[skill.slug]}
        )
    return user


def pages(database_url: str, searches: int, jobs: int) -> list[tuple[str, str]]:
    from long_tail import Vocabulary, compose, object_pages

    rng = random.Random(SEED)
    vocab = Vocabulary(database_url)
    urls = [("search", url) for url, _ in compose(vocab, searches, rng, set())]
    for url, classes in object_pages(vocab, rng, jobs):
        urls.append(("job page" if "job page" in classes else "skill page", url))
    return urls


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def measure(urls, warm_up, visitor, clock) -> dict[str, list[dict]]:
    from django.test import Client

    client = Client()
    if visitor is not None:
        client.force_login(visitor)
    for _, url in warm_up:
        client.get(url)  # compile templates, open the connection; never measured
    rows = defaultdict(list)
    for kind, url in urls:
        clock.reset()
        start = time.perf_counter()
        response = client.get(url)
        total = time.perf_counter() - start
        if response.status_code != 200:
            print(f"  {response.status_code} {url}", file=sys.stderr)
            continue
        rows[kind].append(
            {
                "total": total * 1000,
                "sql": clock.sql * 1000,
                "sql in tpl": clock.sql_in_template * 1000,
                "template": (clock.template - clock.sql_in_template) * 1000,
                "rest": (total - clock.sql - clock.template + clock.sql_in_template) * 1000,
                "queries": clock.queries,
                "q in tpl": clock.queries_in_template,
            }
        )
    return rows


COLUMNS = ["total", "sql", "sql in tpl", "template", "rest"]


def print_table(results: dict[str, dict[str, list[dict]]]) -> None:
    head = f"{'page':<12}{'visitor':<11}{'n':>5}"
    head += "".join(f"{name + ' p50/p95':>20}" for name in COLUMNS)
    head += f"{'queries':>9}{'in tpl':>8}"
    print(head)
    print("-" * len(head))
    for visitor, by_kind in results.items():
        for kind, rows in by_kind.items():
            line = f"{kind:<12}{visitor:<11}{len(rows):>5}"
            for name in COLUMNS:
                values = [row[name] for row in rows]
                line += f"{percentile(values, 0.5):>12.1f} /{percentile(values, 0.95):>6.1f}"
            line += f"{percentile([r['queries'] for r in rows], 0.5):>9}"
            line += f"{percentile([r['q in tpl'] for r in rows], 0.5):>8}"
            print(line)
    print("ms; p50 and p95 of each column on their own; 'template' leaves out SQL run in templates")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="cb_cards_bench")
    parser.add_argument("--redis-db", type=int, default=12)
    parser.add_argument("--searches", type=int, default=300)
    parser.add_argument("--jobs", type=int, default=100)
    args = parser.parse_args()
    if args.database.startswith("careerboard"):
        parser.error("use a copy: this script writes a seeker and sessions to the database")
    database_url = f"{args.server.rstrip('/')}/{args.database}"
    configure(database_url, f"redis://127.0.0.1:6379/{args.redis_db}")

    from django.core.cache import caches
    from django.db import connection
    from django.template.backends.django import Template

    clock = Clock()
    Template.render = clock.wrap_render(Template.render)
    urls = pages(database_url, args.searches, args.jobs)
    warm_up = urls[:WARM_UP]
    urls = urls[WARM_UP:]
    visitor = seeker()
    results = {}
    with connection.execute_wrapper(clock.run_sql):
        for name, user in [("anonymous", None), ("seeker", visitor)]:
            caches["default"].clear()
            caches["pages"].clear()
            results[name] = measure(urls, warm_up, user, clock)
    print_table(results)


if __name__ == "__main__":
    main()
