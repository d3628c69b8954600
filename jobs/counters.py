"""Job view and apply-click counters, kept in Redis and written to the database in batches.

A page view costs one Redis HINCRBY and no database write; `flush_job_counters` (cron, every few
minutes) moves the counts into Job rows. If Redis is down, counting is skipped, never the page.
"""

import logging
from functools import cache

import redis
from django.conf import settings
from django.db import transaction
from django.db.models import F

from jobs.models import Job

log = logging.getLogger(__name__)

COUNTERS = {"views": "view_count", "apply_clicks": "apply_click_count"}


@cache
def _client() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=0.2, socket_connect_timeout=0.2)


def _key(counter: str) -> str:
    return f"{settings.COUNTERS_KEY_PREFIX}:{counter}"


def count(counter: str, job_id: int) -> None:
    try:
        _client().hincrby(_key(counter), str(job_id), 1)
    except redis.RedisError as error:
        log.warning("Job %s %s not counted: %s", job_id, counter, error)


def flush() -> dict[str, int]:
    """Add the counts gathered since the last flush to the jobs; returns jobs touched per counter.

    The hash is renamed before it is read, so counts that arrive meanwhile go to a new hash and
    none is lost or added twice.
    """
    touched = {}
    client = _client()
    for counter, field in COUNTERS.items():
        pending = f"{_key(counter)}:flushing"
        if not client.exists(pending):
            try:
                client.rename(_key(counter), pending)
            except redis.ResponseError:  # nothing counted since the last flush
                touched[counter] = 0
                continue
        counts = {int(job_id): int(n) for job_id, n in client.hgetall(pending).items()}
        with transaction.atomic():
            for job_id, n in counts.items():
                Job.objects.filter(pk=job_id).update(**{field: F(field) + n})
        client.delete(pending)
        touched[counter] = len(counts)
    return touched
