"""The shared cache: Django's Redis backend, keeping one redis-py client per connection pool."""

import uuid

from careerboard.cache_backends import RedisCache


def test_the_redis_cache_stores_reads_and_forgets_against_the_real_redis(settings):
    cache = RedisCache(settings.REDIS_URL, {"KEY_PREFIX": f"test-cache-{uuid.uuid4().hex}"})
    cache.set("page", {"html": "<h1>Jobs</h1>"}, 30)
    assert cache.get("page") == {"html": "<h1>Jobs</h1>"}
    assert cache.get_or_set("count", lambda: 41 + 1, 30) == 42
    cache.delete_many(["page", "count"])
    assert cache.get("page") is None


def test_every_call_goes_through_the_same_client(settings):
    cache = RedisCache(settings.REDIS_URL, {})
    client = cache._cache.get_client()
    assert cache._cache.get_client() is client
    assert cache._cache.get_client(write=True) is cache._cache.get_client(write=True)
