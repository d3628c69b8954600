"""Test settings shared by every test (a private, empty cache and plain static storage),
DEBUG on as under `make run` for the tests that ask for it, and the company and member that
employer tests start from."""

import importlib
from contextlib import contextmanager

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.core.cache import cache, caches
from django.core.files.storage import FileSystemStorage
from django.urls import clear_url_caches

from careerboard.caching import forget_worker_copies
from careerboard.celery import app as celery_app
from jobs.models import CompanyMembership, private_storage
from tests.factories import CompanyFactory, EmployerFactory


@pytest.fixture(autouse=True, scope="session")
def _mail_sent_on_commit():
    """The outbox task runs in the test process when its transaction commits, so tests read the
    email in django.core.mail.outbox; tests/careerboard/test_worker.py runs real workers."""
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


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
    forget_worker_copies()


@contextmanager
def private_files_in(location):
    """Resumes go to this folder while the context lasts. A field resolves a callable storage
    once, at import, so overriding STORAGES alone would leave them in PRIVATE_MEDIA_ROOT."""
    storage = FileSystemStorage(location=location)
    with pytest.MonkeyPatch.context() as patch:
        for model in apps.get_models():
            for field in model._meta.get_fields():
                if getattr(field, "_storage_callable", None) is private_storage:
                    patch.setattr(field, "storage", storage)
        yield location


@pytest.fixture(autouse=True)
def private_files(tmp_path):
    """Each test's resumes go to a temporary folder of its own, returned."""
    with private_files_in(tmp_path / "private") as location:
        yield location


def _reload_urls():
    clear_url_caches()
    importlib.reload(importlib.import_module(django_settings.ROOT_URLCONF))


@pytest.fixture
def as_under_make_run(settings):
    """DEBUG on, as `make run` has it: the URLs are read again, since they depend on it."""
    settings.DEBUG = True
    _reload_urls()
    yield
    settings.DEBUG = False
    _reload_urls()


@pytest.fixture
def company():
    return CompanyFactory(name="Acme")


@pytest.fixture
def member(company):
    """A member of Acme who is not its owner."""
    user = EmployerFactory(email="boss@acme.example")
    CompanyMembership.objects.create(company=company, user=user)
    return user
