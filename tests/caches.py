"""The caches as production has them, for tests that must see what a visitor would."""

import uuid
from contextlib import contextmanager

import redis
from django.core.cache import caches

from careerboard import settings as project_settings
from careerboard.caching import forget_worker_copies


@contextmanager
def caches_as_in_production(settings, *, name: str, page_seconds: int):
    """Redis behind each worker's memory, under a key prefix of this test's own.

    tests/conftest.py gives other tests local memory and no page cache. A prefix per test stands
    in for flushing Redis, which may be shared: the test's keys are deleted afterwards, nobody
    else's. The worker's own memory outlives a settings change, so it starts and ends empty.
    """
    prefix = f"careerboard-{name}-{uuid.uuid4().hex[:12]}"
    settings.CACHES = {
        **project_settings.CACHES,
        "default": {**project_settings.CACHES["default"], "KEY_PREFIX": prefix},
    }
    settings.PAGE_CACHE_SECONDS = page_seconds
    settings.COUNTERS_KEY_PREFIX = f"{prefix}:counters"
    caches["pages"].clear()
    forget_worker_copies()
    yield
    caches["pages"].clear()
    forget_worker_copies()
    client = redis.Redis.from_url(project_settings.REDIS_URL)
    keys = list(client.scan_iter(f"{prefix}:*", count=1000))
    if keys:
        client.delete(*keys)
    client.close()
