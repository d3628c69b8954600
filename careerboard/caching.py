"""Whole-page caching for anonymous visitors, the way a CDN would serve a busy board.

Pages are cached per URL (and per Cookie header, which Django's cache varies on) for
PAGE_CACHE_SECONDS; logged-in people always get a fresh page. A new or closed job therefore
reaches anonymous visitors within that delay.
"""

from functools import wraps

from django.conf import settings
from django.views.decorators.cache import cache_page


def cache_for_anonymous(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        seconds = settings.PAGE_CACHE_SECONDS
        if seconds <= 0 or request.method != "GET" or request.user.is_authenticated:
            return view(request, *args, **kwargs)
        return cache_page(seconds, key_prefix="anonymous-page")(view)(request, *args, **kwargs)

    return wrapper
