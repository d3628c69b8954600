"""Test settings shared by every test: a private, empty cache and plain static storage."""

import pytest
from django.core.cache import cache, caches


@pytest.fixture(autouse=True)
def _isolated_settings(settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "pages": {**settings.CACHES["pages"], "LOCATION": "test-pages"},
    }
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Tests see every change at once; test_page_cache.py turns the page cache on.
    settings.PAGE_CACHE_SECONDS = 0
    # Local-memory caches share their storage; rate limits, counts and pages start afresh.
    cache.clear()
    caches["pages"].clear()
