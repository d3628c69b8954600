"""The health of each streaming replica, as this worker last saw it.

A worker looks at a replica at most every REPLICA_CHECK_SECONDS, when a request wants to read
one: it asks the primary for its current WAL position, then the replica whether it is still in
recovery and has replayed up to that position. One that has is not behind at all, however long
the primary has been idle. One that has not is behind by the age of the last transaction it
replayed (the primary's commit time against the replica's clock, so keep the hosts' clocks in
step). A replica further behind than REPLICA_MAX_LAG_SECONDS, one that does not answer within its
connect timeout (then left alone for DOWN_RETRY_SECONDS), or one promoted out of recovery is
skipped until a later look finds it well.

Between looks, the connection a request is about to read through is checked as Django checks
any kept connection (conn_health_checks), so a replica stopped a moment ago is caught there and
the read goes to the primary. A replica that fails during a request (stopped or restarted mid-query)
is marked down and the request's view runs again on the primary (db_routers.py): a visitor never
sees an error for a replica's sake.
"""

import logging
import random
import time
from contextlib import suppress
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

log = logging.getLogger(__name__)

OK = "ok"
LAGGING = "lagging"
DOWN = "down"
NOT_IN_RECOVERY = "not_in_recovery"
# A replica found down is left alone this long (or REPLICA_CHECK_SECONDS if longer): each retry
# of an unreachable host costs a request up to its connect timeout.
DOWN_RETRY_SECONDS = 5

REPLICA_STATE_SQL = """
    SELECT pg_is_in_recovery(),
           pg_last_wal_replay_lsn() >= %s::pg_lsn,
           EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())
"""


@dataclass(frozen=True)
class ReplicaHealth:
    alias: str
    state: str
    lag_seconds: float | None
    checked_at: float

    def as_json(self) -> dict:
        lag = None if self.lag_seconds is None else round(self.lag_seconds, 3)
        return {"state": self.state, "lag_seconds": lag}


# This worker's last look at each replica, by alias.
_seen: dict[str, ReplicaHealth] = {}


def replica_aliases() -> list[str]:
    return [alias for alias in settings.DATABASES if alias.startswith("replica_")]


def _close_quietly(alias: str) -> None:
    with suppress(DatabaseError):
        connections[alias].close()


def check(alias: str) -> ReplicaHealth:
    """The replica's state now: two short queries, or a failed connection."""
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()")
        primary_position = cursor.fetchone()[0]
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute(REPLICA_STATE_SQL, [primary_position])
            in_recovery, caught_up, since_last_replayed = cursor.fetchone()
    except DatabaseError:
        _close_quietly(alias)
        return ReplicaHealth(alias, DOWN, None, time.monotonic())
    if not in_recovery:
        return ReplicaHealth(alias, NOT_IN_RECOVERY, None, time.monotonic())
    if caught_up:
        lag = 0.0
    else:
        lag = None if since_last_replayed is None else max(0.0, float(since_last_replayed))
    state = OK if lag is not None and lag <= settings.REPLICA_MAX_LAG_SECONDS else LAGGING
    return ReplicaHealth(alias, state, lag, time.monotonic())


def _remember(health: ReplicaHealth) -> ReplicaHealth:
    previous = _seen.get(health.alias)
    if previous is None or previous.state != health.state:
        level = logging.INFO if health.state == OK else logging.WARNING
        log.log(level, "replica %s is %s", health.alias, health.state, extra=health.as_json())
    _seen[health.alias] = health
    return health


def refresh(alias: str) -> ReplicaHealth:
    return _remember(check(alias))


def current(alias: str) -> ReplicaHealth:
    """The last look at the replica, taken again once it is REPLICA_CHECK_SECONDS old (or
    DOWN_RETRY_SECONDS, for one found down)."""
    seen = _seen.get(alias)
    if seen is None:
        return refresh(alias)
    every = settings.REPLICA_CHECK_SECONDS
    if seen.state == DOWN:
        every = max(every, DOWN_RETRY_SECONDS)
    if time.monotonic() - seen.checked_at >= every:
        seen = refresh(alias)
    return seen


def mark_down(alias: str) -> None:
    """The replica failed a read: close its connection and leave it alone for a while."""
    _close_quietly(alias)
    _remember(ReplicaHealth(alias, DOWN, None, time.monotonic()))


def _connects(alias: str) -> bool:
    """Whether the replica's connection works now; a broken one marks the replica down."""
    connection = connections[alias]
    try:
        connection.close_if_health_check_failed()
        connection.ensure_connection()
    except DatabaseError:
        mark_down(alias)
        return False
    return True


def choose_replica() -> str | None:
    """A healthy replica to read from, or None for the primary."""
    healthy = [alias for alias in replica_aliases() if current(alias).state == OK]
    random.shuffle(healthy)
    return next((alias for alias in healthy if _connects(alias)), None)


def replica_states() -> dict[str, dict]:
    """Every replica's state, looked at now (for /readyz)."""
    return {alias: refresh(alias).as_json() for alias in replica_aliases()}
