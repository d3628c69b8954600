"""The page cache: each worker keeps recent pages in memory in front of the shared cache."""

from django.core.cache import cache, caches


def test_a_page_one_worker_cached_reaches_another_through_the_shared_cache():
    pages = caches["pages"]
    pages.set("page", "<h1>Jobs</h1>", 60)
    pages.clear()  # what another worker's memory looks like: empty
    assert pages.get("page") == "<h1>Jobs</h1>"
    assert pages.get("missing", "default") == "default"


def test_a_workers_copy_is_used_without_asking_the_shared_cache():
    pages = caches["pages"]
    pages.set("page", "<h1>Jobs</h1>", 60)
    cache.clear()
    assert pages.get("page") == "<h1>Jobs</h1>"


def test_a_workers_copy_lives_no_longer_than_local_seconds_or_the_timeout(monkeypatch):
    pages = caches["pages"]
    now = 1_000_000.0
    monkeypatch.setattr("django.core.cache.backends.locmem.time.time", lambda: now)
    pages.set("long", "a", 3600)
    pages.set("short", "b", 2)
    cache.clear()
    now += 3
    assert pages.get("short") is None
    assert pages.get("long") == "a"
    now += pages.local_seconds
    assert pages.get("long") is None


def test_deleting_a_page_removes_it_everywhere():
    pages = caches["pages"]
    pages.set("page", "<h1>Jobs</h1>", 60)
    pages.delete("page")
    pages.clear()
    assert pages.get("page") is None
