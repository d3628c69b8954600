"""Whole-page caching for anonymous visitors: who may share a page is decided here, once.

A page is shared only between requests that carry nothing of a person: a GET or HEAD with no
session, no pending messages and no credentials. A response is stored only once every
middleware has run (`PageCacheMiddleware` sits outside the session, CSRF and message
middleware), and only if it is a plain 200 that sets no cookie, rendered no CSRF token and showed
no message. Everything else is built for its visitor and marked private for browsers and proxies.

Pages live for PAGE_CACHE_SECONDS in the "pages" cache (Redis, fronted by each worker's memory).
"""

import hashlib
from functools import wraps

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.utils.cache import patch_cache_control, patch_vary_headers

KEY_PREFIX = "anonymous-page"
# Cookies and headers that mean the request belongs to someone: their page is never shared.
PERSONAL_HEADERS = ("Authorization",)


def personal_cookies():
    return (settings.SESSION_COOKIE_NAME, CookieStorage.cookie_name)


def is_shareable_request(request) -> bool:
    """Whether this request may be answered with, and may leave, a page meant for anyone."""
    if settings.PAGE_CACHE_SECONDS <= 0 or request.method not in ("GET", "HEAD"):
        return False
    if any(name in request.COOKIES for name in personal_cookies()):
        return False
    return not any(header in request.headers for header in PERSONAL_HEADERS)


def page_key(request) -> str:
    # The Accept header picks the API's format; browsers send one or two values of it.
    raw = f"{request.build_absolute_uri()}\n{request.headers.get('Accept', '')}"
    return f"{KEY_PREFIX}:{hashlib.sha256(raw.encode()).hexdigest()}"


def showed_something_personal(request, response) -> bool:
    """Whether building the response left a trace of its visitor in it."""
    if response.cookies or request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return True  # a session, message or CSRF cookie, or a form with a token
    storage = getattr(request, "_messages", None)
    if storage is not None and len(storage):
        return True  # a message shown on this page, or still waiting to be
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated


def is_storable(request, response) -> bool:
    if request.method != "GET" or response.status_code != 200 or response.streaming:
        return False
    cache_control = response.get("Cache-Control", "")
    if "private" in cache_control or "no-store" in cache_control:
        return False
    return not showed_something_personal(request, response)


def cache_for_anonymous(view):
    """Marks a view whose page may be shared; serves it from the page cache when it may."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        # The middleware reads these marks from Django's request, which DRF's request wraps.
        http_request = getattr(request, "_request", request)
        http_request.page_cache_candidate = True
        if not is_shareable_request(http_request):
            return view(request, *args, **kwargs)
        key = page_key(http_request)
        cached = caches["pages"].get(key)
        if cached is not None:
            http_request.page_cache_hit = True
            return cached
        http_request.page_cache_key = key
        return view(request, *args, **kwargs)

    return wrapper


class PageCacheMiddleware:
    """Stores shareable pages once the session, CSRF and message middleware have had their say.

    It must come before SessionMiddleware in MIDDLEWARE, so that it sees the final response.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        candidate = getattr(request, "page_cache_candidate", False)
        if not candidate or getattr(request, "page_cache_hit", False):
            return response
        # Browsers and proxies revalidate: a page never outlives a change on the board there.
        patch_vary_headers(response, ("Cookie", *PERSONAL_HEADERS))
        key = getattr(request, "page_cache_key", None)
        if key and is_storable(request, response):
            patch_cache_control(response, no_cache=True)
            caches["pages"].set(key, response, settings.PAGE_CACHE_SECONDS)
        else:
            patch_cache_control(response, private=True, no_cache=True)
        return response
