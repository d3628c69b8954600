"""Job view and apply-click counters, kept in Redis and written to the database in batches.

A visitor counts once per job and counter a day (a signed-in person by account, anyone else by a
keyed hash of address, user agent and day), and known crawlers not at all, so an employer's
figures mean people. Each visit leaves a "seen" marker in Redis that expires when the day ends;
only a visit whose marker is new adds to the count.

A page view costs no round trip: each worker gathers its visits in memory and sends them to Redis
in one pipeline every PUSH_SECONDS (on the next count after that) and when it exits;
`flush_job_counters` (cron, every few minutes) moves the counts into Job rows. A worker killed
outright loses the visits it gathered since its last batch. If Redis is down, counting is
skipped, never the page.
"""

import atexit
import logging
import threading
import time
from datetime import date, datetime, timedelta
from datetime import time as dt_time
from functools import cache

import redis
from crawlerdetect import CrawlerDetect
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac

from careerboard.net import client_ip
from jobs.models import Job

log = logging.getLogger(__name__)

COUNTERS = {"views": "view_count", "apply_clicks": "apply_click_count"}


@cache
def _client() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=0.2, socket_connect_timeout=0.2)


def _key(counter: str) -> str:
    return f"{settings.COUNTERS_KEY_PREFIX}:{counter}"


PUSH_SECONDS = 2.0
# (Redis hash, job id, "seen" marker key, when the marker expires) of visits not yet sent.
_pending: set[tuple[str, str, str, int]] = set()
_pending_lock = threading.Lock()
_pushed_at = time.monotonic()
_crawlers = CrawlerDetect()


def is_crawler(request) -> bool:
    """A request from a known crawler, from a client that names none, or a browser's prefetch."""
    meta = request.META
    agent = meta.get("HTTP_USER_AGENT", "").strip()
    prefetch = "prefetch" in meta.get("HTTP_SEC_PURPOSE", meta.get("HTTP_PURPOSE", ""))
    return not agent or prefetch or _crawlers.is_crawler(agent)


def _visitor(request, day: date) -> str:
    """The account of a signed-in person, else a keyed hash that forgets the address by night."""
    if request.user.is_authenticated:
        return f"user-{request.user.pk}"
    agent = request.META.get("HTTP_USER_AGENT", "")
    address = client_ip(request)
    return salted_hmac("jobs.counters.visitor", f"{address}|{agent}|{day}").hexdigest()[:24]


def count(counter: str, job_id: int, request) -> None:
    """Count this request's visit to the job, once per visitor and day; crawlers not at all."""
    if request.method != "GET" or is_crawler(request):
        return
    today = timezone.localdate()
    midnight = datetime.combine(
        today + timedelta(days=1), dt_time(), timezone.get_current_timezone()
    )
    marker = f"{_key(counter)}:seen:{today}:{job_id}:{_visitor(request, today)}"
    with _pending_lock:
        _pending.add((_key(counter), str(job_id), marker, int(midnight.timestamp())))
        due = time.monotonic() - _pushed_at >= PUSH_SECONDS
    if due:
        push()


@atexit.register
def push() -> None:
    """Send this worker's pending visits to Redis: one pipeline marks them seen, a second adds
    those not seen before to the counts."""
    global _pushed_at
    with _pending_lock:
        batch = sorted(_pending)
        _pending.clear()
        _pushed_at = time.monotonic()
    if not batch:
        return
    try:
        client = _client()
        marking = client.pipeline(transaction=False)
        for _, _, marker, expires_at in batch:
            marking.set(marker, 1, nx=True, exat=expires_at)
        new = [visit for visit, first in zip(batch, marking.execute(), strict=True) if first]
        counting = client.pipeline(transaction=False)
        for key, job_id, _, _ in new:
            counting.hincrby(key, job_id, 1)
        counting.execute()
    except redis.RedisError as error:
        log.warning("%s job visits not sent: %s", len(batch), error)


def flush() -> dict[str, int]:
    """Add the counts gathered since the last flush to the jobs; returns jobs touched per counter.

    This process's pending counts are sent first. The hash is renamed before it is read, so
    counts that arrive meanwhile go to a new hash, and it is deleted only once the database has
    committed its counts: a flush that fails leaves it for the next one, and no count is lost.
    A flush that dies between that commit and the delete leaves it too, and the next flush adds
    those counts a second time.
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
