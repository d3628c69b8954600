"""The cache backends: Django's Redis cache, kept cheap and optional, and the page cache.

Django's Redis client builds a new `redis.Redis` for every cache call; with redis-py 8 that object
copies its table of response callbacks each time, which costs more than the round trip to a local
Redis (about 0.13 ms of the 0.6 ms that a cached page takes). The pool, and so the connections,
were already shared: only the wrapper object is kept.

The cache is an optimisation, so an outage of Redis degrades the board instead of stopping it:
reads miss, writes are dropped, and for RETRY_SECONDS after a failure Redis is not asked at all.
Counting operations (`add`, `incr`) fail as if the key were taken, so django-ratelimit's limits
fail closed (the form says the service is busy); DRF's API throttles, which only get and set,
fail open.
"""

import logging
import time

from django.core.cache import caches
from django.core.cache.backends import redis as django_redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from careerboard.caching import WORKER_MEMORY_SECONDS

log = logging.getLogger(__name__)
UNREACHABLE = (RedisConnectionError, RedisTimeoutError)


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        if index not in self._clients:
            self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return self._clients[index]


class RedisCache(django_redis.RedisCache):
    RETRY_SECONDS = 5.0

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
        self._down_until = 0.0

    @property
    def is_down(self) -> bool:
        """Redis failed within the last RETRY_SECONDS: it is not asked again until then."""
        return time.monotonic() < self._down_until

    def _attempt(self, operation, fallback, *args, **kwargs):
        if self.is_down:
            return fallback
        try:
            return operation(*args, **kwargs)
        except UNREACHABLE as error:
            self._down_until = time.monotonic() + self.RETRY_SECONDS
            log.warning(
                "cache unreachable, serving without it for %ss: %s", self.RETRY_SECONDS, error
            )
            return fallback

    def ping(self) -> bool:
        try:
            return bool(self._cache.get_client().ping())
        except UNREACHABLE:
            return False

    def get(self, key, default=None, version=None):
        return self._attempt(super().get, default, key, default, version)

    def get_many(self, keys, version=None):
        return self._attempt(super().get_many, {}, keys, version)

    def has_key(self, key, version=None):
        return self._attempt(super().has_key, False, key, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._attempt(super().set, None, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._attempt(super().set_many, list(data), data, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._attempt(super().touch, False, key, timeout, version)

    def delete(self, key, version=None):
        return self._attempt(super().delete, False, key, version)

    def delete_many(self, keys, version=None):
        self._attempt(super().delete_many, None, keys, version)

    def clear(self):
        return self._attempt(super().clear, False)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._attempt(super().add, False, key, value, timeout, version)

    def incr(self, key, delta=1, version=None):
        result = self._attempt(super().incr, None, key, delta, version)
        if result is None:
            raise ValueError(f"Key '{key}' cannot be counted: the cache is unreachable.")
        return result


_MISSING = object()


class WorkerMemoryFirstCache(LocMemCache):
    """The page cache: a few seconds in this worker's memory, in front of the shared cache.

    Each page is still built once for all workers (the shared cache, Redis, holds it for its full
    timeout); a worker then answers it again without a round trip, which would otherwise add a
    fifth to a half to what a cached page costs. Page keys carry the public data version, so a
    copy here is never served once public data has changed; it outlives the shared one by
    WORKER_MEMORY_SECONDS (careerboard/caching.py) at most, and the LRU keeps MAX_ENTRIES
    (pages of 13-35 KB: tens of MB per worker at most).

    Made for the page cache (careerboard/caching.py), which only gets and sets: get, set and
    delete reach the shared cache; every other operation, clear() included, acts on this
    worker's memory alone.
    """

    def __init__(self, name, params):
        options = params.get("OPTIONS", {})
        super().__init__(name, {**params, "OPTIONS": {"MAX_ENTRIES": options["MAX_ENTRIES"]}})
        self.shared_alias = options["SHARED"]
        self.local_seconds = WORKER_MEMORY_SECONDS

    @property
    def shared(self):
        return caches[self.shared_alias]

    def get(self, key, default=None, version=None):
        value = super().get(key, _MISSING, version)
        if value is _MISSING:
            value = self.shared.get(key, _MISSING, version)
            if value is _MISSING:
                return default
            super().set(key, value, self.local_seconds, version)
        return value

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self.shared.set(key, value, timeout, version)
        timeout = self.default_timeout if timeout is DEFAULT_TIMEOUT else timeout
        local = self.local_seconds if timeout is None else min(timeout, self.local_seconds)
        super().set(key, value, local, version)

    def delete(self, key, version=None):
        self.shared.delete(key, version)
        return super().delete(key, version)
