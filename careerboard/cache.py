"""The cache backends: Django's Redis cache with one client per pool, and the page cache.

Django's Redis client builds a new `redis.Redis` for every cache call; with redis-py 8 that object
copies its table of response callbacks each time, which costs more than the round trip to a local
Redis (about 0.13 ms of the 0.6 ms that a cached page takes). The pool, and so the connections,
were already shared: only the wrapper object is kept.
"""

from django.core.cache import caches
from django.core.cache.backends import redis as django_redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache


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
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient


_MISSING = object()


class WorkerMemoryFirstCache(LocMemCache):
    """The page cache: a few seconds in this worker's memory, in front of the shared cache.

    Each page is still built once for all workers (the shared cache, Redis, holds it for its full
    timeout); a worker then answers it again without a round trip, which doubles what a cached
    page costs otherwise. A copy here outlives the shared one by LOCAL_SECONDS at most, and the
    LRU keeps MAX_ENTRIES (pages of 13-35 KB: tens of MB per worker at most).

    Made for the page cache (careerboard/caching.py), which only gets and sets: get, set and
    delete reach the shared cache; every other operation, clear() included, acts on this
    worker's memory alone.
    """

    def __init__(self, name, params):
        options = params.get("OPTIONS", {})
        super().__init__(name, {**params, "OPTIONS": {"MAX_ENTRIES": options["MAX_ENTRIES"]}})
        self.shared_alias = options["SHARED"]
        self.local_seconds = options["LOCAL_SECONDS"]

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
