"""Whole-page caching for anonymous visitors, the way a CDN would serve a busy board.

Pages are cached per URL (and per Cookie header, which Django's cache varies on) for
PAGE_CACHE_SECONDS, in the "pages" cache: Redis, with each worker keeping its recent pages in
memory for a few more seconds at most. Logged-in people always get a fresh page. A new or closed
job therefore reaches anonymous visitors within that delay (70 s with the defaults).
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
        return cache_page(seconds, cache="pages", key_prefix="anonymous-page")(view)(
            request, *args, **kwargs
        )

    return wrapper
