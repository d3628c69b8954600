"""Job view and apply-click counters, kept in Redis and written to the database in batches.

A page view costs no round trip: each worker adds its counts up in memory and sends them to Redis
in one pipeline every PUSH_SECONDS (on the next count after that) and when it exits;
`flush_job_counters` (cron, every few minutes) moves them into Job rows. A worker killed outright
loses its last few seconds of counts. If Redis is down, counting is skipped, never the page.
"""

import atexit
import logging
import threading
import time
from collections import Counter
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


PUSH_SECONDS = 2.0
_pending: Counter = Counter()  # (Redis hash, job id) -> count not yet sent
_pending_lock = threading.Lock()
_pushed_at = time.monotonic()


def count(counter: str, job_id: int) -> None:
    with _pending_lock:
        _pending[(_key(counter), str(job_id))] += 1
        due = time.monotonic() - _pushed_at >= PUSH_SECONDS
    if due:
        push()


@atexit.register
def push() -> None:
    """Send this worker's pending counts to Redis in one round trip."""
    global _pushed_at
    with _pending_lock:
        batch = dict(_pending)
        _pending.clear()
        _pushed_at = time.monotonic()
    if not batch:
        return
    try:
        pipeline = _client().pipeline(transaction=False)
        for (key, job_id), n in batch.items():
            pipeline.hincrby(key, job_id, n)
        pipeline.execute()
    except redis.RedisError as error:
        log.warning("%s job counts not sent: %s", sum(batch.values()), error)


def flush() -> dict[str, int]:
    """Add the counts gathered since the last flush to the jobs; returns jobs touched per counter.

    This process's pending counts are sent first. The hash is renamed before it is read, so
    counts that arrive meanwhile go to a new hash and none is lost or added twice.
    """
    push()
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
