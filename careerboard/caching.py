"""What this project keeps in its caches, under which keys, for how long, and when it is stale.

Every key prefix and lifetime of the app's own entries lives here, and the others are described
below. Public data (jobs, companies, places, skills, career pages) has a version, a number in
PostgreSQL that triggers move as each transaction that changed what the public could see
commits, whatever made the change (careerboard migration 0004, jobs migration 0009). Whatever
is built from public data carries that version in its key, so a change shows on the next
request:

- whole pages for anonymous visitors (below), in the "pages" cache: Redis, fronted by a copy in
  each worker's memory for WORKER_MEMORY_SECONDS, which spares a cached page the round trip to
  Redis (0.43-0.47 ms a page instead of 0.54-0.75 ms at 100,000 listings);
- search counts, skill counts, role job counts, role and skill markets, and a seeker's
  recommendations and job fits (whose skills and preferences are part of the key), in "default".

Small tables that most pages name (skills, places, exchange rates, and for each skill the roles
that need it and the resources that teach it), and whether search knows a word, are kept in each
worker's memory for the version they were read under (`worker_copy`), and dropped when it moves.

Pages and figures live public_seconds() in Redis (settings.PAGE_CACHE_SECONDS; 0 turns them
off), and a page up to WORKER_MEMORY_SECONDS more in a worker's memory. A new version makes
them stale at once; the lifetime only bounds how long a job stays on cached pages once its
expiry time has passed and before `expire_jobs` marks it expired. Other entries, keyed without it:

- the planner's estimates of the search table's size and its tags' shares, in each worker's
  memory for PLANNER_ESTIMATE_SECONDS (`worker_estimate`);
- how PostgreSQL reads a search's keywords, which no data changes, in each worker's memory for
  its life (`worker_memo`);
- on a board large enough to be sampled, each skill's pay and skills asked for together, stored
  in PostgreSQL every settings.SKILL_MARKETS_REFRESH_SECONDS and shown for up to
  skill_markets_max_age() (a job more or less moves such estimates by less than they show; the
  skill's count and jobs stay those of the current version);
- sessions (Django's cached_db engine), as long as the session cookie;
- rate limits (django-ratelimit) and API throttles (DRF), as long as their windows;
- view and apply-click counts (jobs/counters.py), under settings.COUNTERS_KEY_PREFIX, until
  `flush_job_counters` moves them to the database, and visitors' daily marks until midnight.

Whole pages are shared only between requests that carry nothing of a person: a GET or HEAD with
no session, no pending messages and no credentials. A response is stored only once every
middleware has run (`PageCacheMiddleware` sits outside the session, CSRF and message
middleware), and only if it is a plain 200 that sets no cookie, rendered no CSRF token and showed
no message. Everything else is built for its visitor and marked private for browsers and proxies.
"""

import hashlib
import json
import time
from contextvars import ContextVar
from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.utils.cache import patch_cache_control, patch_vary_headers

from careerboard.db_routers import read_connection

PAGE_PREFIX = "anonymous-page"
SEARCH_STATS_PREFIX = "search-stats"
SKILL_JOB_COUNTS_PREFIX = "skill-job-counts"
ROLE_MARKET_PREFIX = "role-market"
ROLE_JOB_COUNTS_PREFIX = "role-job-counts"
SKILL_MARKET_PREFIX = "skill-market"
FITS_PREFIX = "fits"
RECOMMENDED_PREFIX = "recommended"
JOB_CARDS_PREFIX = "job-cards"
SEARCH_ROWS_KEY = "search-rows"
SEARCH_ELEMENT_SHARES_KEY = "search-element-shares"
# Each worker's copies of small tables (worker_copy), and memos (worker_memo).
SKILLS_COPY = "skills"
PLACES_COPY = "places"
PLACE_NAMES_COPY = "place-names"
EXCHANGE_RATES_COPY = "exchange-rates"
ROLE_NEEDS_COPY = "role-needs"
SKILL_RESOURCES_COPY = "skill-resources"
KNOWN_WORDS_COPY = "known-words"
QUERY_TEXT_COPY = "query-text"

# The planner's estimates of the search table, which move slowly and are never shown.
PLANNER_ESTIMATE_SECONDS = 600
# A large board's skill pages show the pay and skills asked for together that Celery beat stores
# every settings.SKILL_MARKETS_REFRESH_SECONDS (jobs.market.skill_markets_refresh); figures this
# many refreshes old (beat stopped) are not shown, and each page works its own out instead.
SKILL_MARKETS_KEPT_REFRESHES = 4
# Each worker answers a page again from its own memory for up to this long
# (careerboard/cache_backends.py).
WORKER_MEMORY_SECONDS = 10
# Cookies and headers that mean the request belongs to someone: their page is never shared.
PERSONAL_HEADERS = ("Authorization",)


def skill_markets_max_age() -> timedelta:
    """How old stored skill figures may be and still be shown."""
    return timedelta(seconds=SKILL_MARKETS_KEPT_REFRESHES * settings.SKILL_MARKETS_REFRESH_SECONDS)


def public_seconds() -> int:
    """How long pages and figures built from public data are kept; 0 means not at all."""
    return settings.PAGE_CACHE_SECONDS


# The version read once for the GET or HEAD request under way (see PageCacheMiddleware).
_request_version: ContextVar[dict | None] = ContextVar("public_data_version", default=None)


def public_version() -> int:
    """The public data version as last committed; read once per GET or HEAD request, before
    the data, so that what is built under it is at least as new. Elsewhere, read every time."""
    memo = _request_version.get()
    if memo is not None and "version" in memo:
        return memo["version"]
    # From the database the request reads its data from (a replica, for public pages): a
    # replica's version is as old as its data, so nothing newer is claimed for what it built.
    with read_connection().cursor() as cursor:
        cursor.execute("SELECT version FROM careerboard_public_data_version")
        version = cursor.fetchone()[0]
    if memo is not None:
        memo["version"] = version
    return version


def public_key(prefix: str, identity=()) -> str:
    """A key for something built from public data: stale as soon as the version moves."""
    digest = hashlib.sha256(json.dumps(identity, sort_keys=True, default=str).encode())
    return f"{prefix}:v{public_version()}:{digest.hexdigest()}"


_MISSING = object()


def remembered(prefix: str, identity, compute):
    """compute(), shared between requests while public data stays as it was."""
    if public_seconds() <= 0:
        return compute()
    key = public_key(prefix, identity)
    shared = caches["default"]
    value = shared.get(key, _MISSING)
    if value is _MISSING:
        value = compute()
        shared.set(key, value, public_seconds())
    return value


# name -> (public data version, value): this worker's copies of small tables (worker_copy).
_worker_copies: dict[str, tuple[int, object]] = {}


def worker_copy(name: str, compute):
    """compute(), kept in this worker's memory while the public data version stays the same.

    Only while a GET or HEAD request is under way: it reads the version once, before its data.
    Anywhere else (a write, a command) a transaction may hold changes that no version names yet,
    so the value is computed afresh. Off, like every public cache, when public_seconds() is 0.
    """
    if _request_version.get() is None or public_seconds() <= 0:
        return compute()
    version = public_version()
    held = _worker_copies.get(name)
    if held is None or held[0] != version:
        held = (version, compute())
        _worker_copies[name] = held
    return held[1]


# name -> (time.monotonic() it expires at, value): estimates a worker keeps (worker_estimate).
_worker_estimates: dict[str, tuple[float, object]] = {}


def worker_estimate(name: str, compute):
    """compute(), kept in this worker's memory for PLANNER_ESTIMATE_SECONDS: for the planner's
    estimates, which move slowly, are never shown, and cost less here than a trip to Redis."""
    now = time.monotonic()
    held = _worker_estimates.get(name)
    if held is None or held[0] <= now:
        held = (now + PLANNER_ESTIMATE_SECONDS, compute())
        _worker_estimates[name] = held
    return held[1]


# name -> value: what a worker keeps for its life (worker_memo).
_worker_memos: dict[str, object] = {}


def worker_memo(name: str, compute):
    """compute(), kept in this worker's memory for its life, whether or not public caches are
    on: for what no change on the board alters."""
    if name not in _worker_memos:
        _worker_memos[name] = compute()
    return _worker_memos[name]


def forget_worker_copies() -> None:
    """Drop this worker's copies, estimates and memos (tests whose data rolls back under an
    unchanged version, or that count the queries a first read makes)."""
    _worker_copies.clear()
    _worker_estimates.clear()
    _worker_memos.clear()


def personal_cookies():
    return (settings.SESSION_COOKIE_NAME, CookieStorage.cookie_name)


def is_shareable_request(request) -> bool:
    """Whether this request may be answered with, and may leave, a page meant for anyone."""
    if public_seconds() <= 0 or request.method not in ("GET", "HEAD"):
        return False
    if any(name in request.COOKIES for name in personal_cookies()):
        return False
    return not any(header in request.headers for header in PERSONAL_HEADERS)


def page_key(request) -> str:
    # The Accept header picks the API's format; browsers send one or two values of it.
    return public_key(
        PAGE_PREFIX, [request.build_absolute_uri(), request.headers.get("Accept", "")]
    )


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
        # A request that writes reads the version afresh after its writes, never a memo.
        memo = {} if request.method in ("GET", "HEAD") else None
        token = _request_version.set(memo)
        try:
            response = self.get_response(request)
        finally:
            _request_version.reset(token)
        candidate = getattr(request, "page_cache_candidate", False)
        if not candidate or getattr(request, "page_cache_hit", False):
            return response
        # Browsers and proxies revalidate: a page never outlives a change on the board there.
        patch_vary_headers(response, ("Cookie", *PERSONAL_HEADERS))
        key = getattr(request, "page_cache_key", None)
        if key and is_storable(request, response):
            patch_cache_control(response, no_cache=True)
            caches["pages"].set(key, response, public_seconds())
        else:
            patch_cache_control(response, private=True, no_cache=True)
        return response
