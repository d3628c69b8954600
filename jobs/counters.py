"""Job view and apply-click counters, kept in Redis and written to the database in batches.

A visitor counts once per job and counter a day (a signed-in person by account, anyone else by a
keyed hash of address, user agent and day), and known crawlers not at all, so an employer's
figures mean people. Each visit leaves a "seen" marker in Redis that expires when the day ends;
only a visit whose marker is new adds to the count.

A page view costs no round trip: each worker gathers its visits in memory and sends them to Redis
in one pipeline every PUSH_SECONDS (on the next count after that) and when it exits; each new
visit adds one to the job's total and to its day. `flush_job_counters` (cron, every few minutes)
moves the counts into Job rows and JobDailyStats rows. Until then the employer's pages add the
counts still in Redis to those stored (`pending_totals`, `pending_days`). A worker killed
outright loses the visits it gathered since its last batch. If Redis is down, counting is
skipped, never the page, and the pages show the stored figures.
"""

import atexit
import logging
import threading
import time
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from datetime import time as dt_time
from functools import cache
from uuid import uuid4

import redis
from crawlerdetect import CrawlerDetect
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac

from careerboard.net import client_ip
from jobs.models import CounterFlush, Job

log = logging.getLogger(__name__)

COUNTERS = {"views": "view_count", "apply_clicks": "apply_click_count"}


@cache
def _client() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=0.2, socket_connect_timeout=0.2)


def _key(counter: str) -> str:
    """The hash of a counter's totals not yet flushed: job id -> count."""
    return f"{settings.COUNTERS_KEY_PREFIX}:{counter}"


def _daily_key(counter: str) -> str:
    """The hash of a counter's counts by day not yet flushed: "<job id>:<day>" -> count."""
    return f"{_key(counter)}:daily"


def _batch_key() -> str:
    """The token of the batch a flush has set aside (the hashes renamed to "...:flushing")."""
    return f"{settings.COUNTERS_KEY_PREFIX}:batch"


def _flushing(key: str) -> str:
    return f"{key}:flushing"


def _hashes() -> list[tuple[str, str, str]]:
    """(counter, kind, hash) of every hash counts gather in: each counter's totals and days."""
    return [
        (counter, kind, key)
        for counter in COUNTERS
        for kind, key in (("totals", _key(counter)), ("days", _daily_key(counter)))
    ]


PUSH_SECONDS = 2.0
# (totals hash, job id, days hash, "<job id>:<day>", "seen" marker key, when the marker
# expires) of visits not yet sent.
_pending: set[tuple[str, str, str, str, str, int]] = set()
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
        _pending.add(
            (
                _key(counter),
                str(job_id),
                _daily_key(counter),
                f"{job_id}:{today}",
                marker,
                int(midnight.timestamp()),
            )
        )
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
        for *_, marker, expires_at in batch:
            marking.set(marker, 1, nx=True, exat=expires_at)
        new = [visit for visit, first in zip(batch, marking.execute(), strict=True) if first]
        # One transaction, so that a flush never finds a visit in the totals but not in its day.
        counting = client.pipeline(transaction=True)
        for totals, job_id, days, job_day, _, _ in new:
            counting.hincrby(totals, job_id, 1)
            counting.hincrby(days, job_day, 1)
        counting.execute()
    except redis.RedisError as error:
        log.warning("%s job visits not sent: %s", len(batch), error)


# Sets the counts gathered since the last flush aside under a token, in one step: each hash is
# renamed to its "...:flushing" name, unless a batch is already set aside (a flush that failed
# or died), which is then the one to flush. KEYS: the batch key, then each hash and its
# "...:flushing" name; ARGV: a new token.
_SET_ASIDE = """
local token = redis.call('GET', KEYS[1])
if token then return token end
for i = 2, #KEYS, 2 do
    if redis.call('EXISTS', KEYS[i]) == 1 and redis.call('EXISTS', KEYS[i + 1]) == 0 then
        redis.call('RENAME', KEYS[i], KEYS[i + 1])
    end
end
redis.call('SET', KEYS[1], ARGV[1])
return ARGV[1]
"""

# Days' counts are added to what the day already has; jobs deleted meanwhile are left out.
_ADD_DAYS = """
INSERT INTO jobs_jobdailystats (job_id, day, views, apply_clicks)
SELECT d.job_id, d.day, d.views, d.apply_clicks
FROM unnest(%s::bigint[], %s::date[], %s::integer[], %s::integer[])
    AS d(job_id, day, views, apply_clicks)
JOIN jobs_job ON jobs_job.id = d.job_id
ON CONFLICT (job_id, day) DO UPDATE SET
    views = jobs_jobdailystats.views + EXCLUDED.views,
    apply_clicks = jobs_jobdailystats.apply_clicks + EXCLUDED.apply_clicks
"""

# How long a flushed batch's token is kept: far longer than a batch can wait in Redis between
# the commit of its counts and its deletion.
FLUSHED_TOKENS_KEPT = timedelta(days=7)


def flush() -> dict[str, int]:
    """Add the counts gathered since the last flush to the jobs and their days; returns jobs
    touched per counter.

    This process's pending counts are sent first. The hashes are set aside under a token before
    they are read, so counts that arrive meanwhile go to new hashes. The counts and the token
    are committed together, and the hashes deleted only after: a flush that fails or dies
    leaves them for the next one, which adds them unless their token is already on record.
    Each count is added once.
    """
    push()
    client = _client()
    hashes = _hashes()
    keys = [_batch_key()] + [name for _, _, key in hashes for name in (key, _flushing(key))]
    token = client.eval(_SET_ASIDE, len(keys), *keys, uuid4().hex).decode()
    reading = client.pipeline(transaction=False)
    for _, _, key in hashes:
        reading.hgetall(_flushing(key))
    batch = {
        (counter, kind): {name.decode(): int(n) for name, n in counts.items()}
        for (counter, kind, _), counts in zip(hashes, reading.execute(), strict=True)
    }
    with transaction.atomic():
        _, new = CounterFlush.objects.get_or_create(token=token)
        if new:
            _add_totals(batch)
            _add_days(batch)
        CounterFlush.objects.filter(flushed_at__lt=timezone.now() - FLUSHED_TOKENS_KEPT).delete()
    client.delete(*keys[2::2], _batch_key())
    return {counter: len(batch[counter, "totals"]) for counter in COUNTERS}


def _add_totals(batch: dict) -> None:
    for counter, field in COUNTERS.items():
        for job_id, n in batch[counter, "totals"].items():
            Job.objects.filter(pk=int(job_id)).update(**{field: F(field) + n})


def _add_days(batch: dict) -> None:
    days: dict[tuple[int, str], dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTERS, 0))
    for counter in COUNTERS:
        for name, n in batch[counter, "days"].items():
            job_id, day = name.split(":")
            days[int(job_id), day][counter] += n
    if days:
        rows = list(days.items())
        with connection.cursor() as cursor:
            cursor.execute(
                _ADD_DAYS,
                [
                    [job_id for (job_id, _), _ in rows],
                    [day for (_, day), _ in rows],
                    [counts["views"] for _, counts in rows],
                    [counts["apply_clicks"] for _, counts in rows],
                ],
            )


def pending_totals(job_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """The counts of these jobs still in Redis, not yet flushed, per counter, in one round trip.

    Empty if Redis cannot answer: the pages then show the stored figures.
    """
    job_ids = list(job_ids)
    found = _read_pending([(_key(counter), job_ids) for counter in COUNTERS])
    if found is None:
        return {}
    return {
        job_id: {
            counter: found[_key(counter)][str(job_id)]
            for counter in COUNTERS
            if str(job_id) in found[_key(counter)]
        }
        for job_id in job_ids
    }


def pending_days(job_id: int, days: Iterable[date]) -> dict[date, dict[str, int]]:
    """A job's counts per day still in Redis, not yet flushed, in one round trip; empty if
    Redis cannot answer."""
    days = list(days)
    names = [f"{job_id}:{day}" for day in days]
    found = _read_pending([(_daily_key(counter), names) for counter in COUNTERS])
    if found is None:
        return {}
    return {
        day: {
            counter: found[_daily_key(counter)][name]
            for counter in COUNTERS
            if name in found[_daily_key(counter)]
        }
        for day, name in zip(days, names, strict=True)
    }


def _read_pending(asked: list[tuple[str, list[str]]]) -> dict[str, dict[str, int]] | None:
    """Read fields of hashes, each as the sum of the hash and of its batch being flushed
    (counted, not yet committed), in one pipeline; None if Redis cannot answer.

    A batch whose flush died between its commit and letting go of it is counted twice here
    until the next flush lets go of it.
    """
    asked = [(key, [str(name) for name in names]) for key, names in asked if names]
    reading = _client().pipeline(transaction=False)
    for key, names in asked:
        reading.hmget(key, names)
        reading.hmget(_flushing(key), names)
    try:
        answers = iter(reading.execute())
    except redis.RedisError as error:
        log.warning("pending job counts not read: %s", error)
        return None
    found = {}
    for key, names in asked:
        gathering, flushing = next(answers), next(answers)
        found[key] = {
            name: int(a or 0) + int(b or 0)
            for name, a, b in zip(names, gathering, flushing, strict=True)
            if a is not None or b is not None
        }
    return found
