"""Which database a query reads: the primary, or a streaming replica for public reads.

Installed only when DATABASE_REPLICA_URLS names replicas (settings.py); without them nothing here
runs and every query goes to the primary, as before.

A request may read a replica when all of these hold:

- it is a GET or HEAD of a public page, feed or sitemap (PUBLIC_VIEWS), or of the API's public
  lists and details (ANONYMOUS_API_VIEWS) carrying no session and no credentials;
- its visitor has not written in the last PRIMARY_AFTER_WRITE_SECONDS: a request that writes
  leaves a signed cookie saying so, and until it expires that visitor reads the primary, so what
  they just posted, applied for or saved is on their next page whatever a replica has replayed;
- the request has not written yet: its first write (any db_for_write) moves its remaining reads
  to the primary, and so does any read inside a transaction;
- a replica is healthy (careerboard/replicas.py): one down, or further behind than
  REPLICA_MAX_LAG_SECONDS, is skipped, and with none healthy the primary serves the page.

A request reads one replica throughout, picked at its first read, so the public data version
(careerboard/caching.py) and the data built under it come from the same database. Signed-in
dashboards, forms, the admin and every write use the primary. Migrations only run there.
"""

from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.backends.postgresql.base import ServerBindingCursor
from django.db.backends.utils import CursorDebugWrapper

from careerboard.replicas import choose_replica, mark_down

PRIMARY_COOKIE = "cb_read_primary"
PRIMARY_COOKIE_SALT = "careerboard.db_routers.read-your-writes"
SAFE_METHODS = ("GET", "HEAD")
# The URL names whose pages show only public data, the same for every visitor but for what
# read-your-writes keeps on the primary.
PUBLIC_VIEWS = frozenset(
    {
        "home",
        "for_employers",
        "jobs:job_list",
        "jobs:job_detail",
        "jobs:company_detail",
        "skill_list",
        "skill_detail",
        "career_list",
        "career_compare",
        "career_detail",
        "resource_list",
        "job_feed_rss",
        "job_feed_atom",
        "sitemap",
        "sitemap_section",
    }
)
# API reads that show public data to anonymous readers; with a token or a session they may show
# a company member's own drafts, so those stay on the primary.
ANONYMOUS_API_VIEWS = frozenset(
    {
        "api:job_list",
        "api:job_detail",
        "api:company_list",
        "api:company_detail",
        "api:skill_list",
        "api:resource_list",
    }
)


class _RequestReads:
    """Where the request under way reads: undecided until its view is known."""

    __slots__ = ("may_use_replica", "replica", "wrote")

    def __init__(self):
        self.may_use_replica = False
        self.replica = None
        self.wrote = False


_request_reads: ContextVar[_RequestReads | None] = ContextVar("request_reads", default=None)


def read_database() -> str:
    """The alias the current request reads from; the primary outside a request."""
    reads = _request_reads.get()
    if reads is None or reads.wrote or not reads.may_use_replica:
        return DEFAULT_DB_ALIAS
    if connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return DEFAULT_DB_ALIAS  # a transaction reads what it writes
    if reads.replica is None:
        reads.replica = choose_replica() or DEFAULT_DB_ALIAS
    return reads.replica


def read_connection():
    """The connection for a raw read query: the replica the request reads, if any."""
    return connections[read_database()]


def read_rows(sql: str, params, *, settings: dict[str, object]) -> list[tuple]:
    """The rows of a raw read query planned and run with these settings (`SET LOCAL`).

    The settings and the query go as one string, which PostgreSQL runs as one transaction of
    its own: the settings end with it, and no BEGIN or COMMIT waits for a round trip (about
    0.4 ms each on a busy worker). Inside a transaction the settings last until it ends, as
    any `SET LOCAL` does.
    """
    assignments = "".join(f"SET LOCAL {name} = %s; " for name in settings)
    with read_connection().cursor() as cursor:
        cursor.execute(assignments + sql, [*settings.values(), *params])
        # The query's rows come after one empty result per setting.
        for _ in settings:
            cursor.nextset()
        return cursor.fetchall()


class PreparedCursor(ServerBindingCursor):
    """Sends its parameters apart from the query, which the server parses and plans once per
    connection and then only runs; the rows come in binary."""

    def execute(self, query, params=None):
        return super().execute(query, params, prepare=True, binary=True)


class PreparedDebugWrapper(CursorDebugWrapper):
    """Logs a prepared query with its parameters in place (psycopg keeps no text of its own
    for a query bound on the server), as Django logs a query it binds on the server."""

    def execute(self, sql, params=None):
        with self.debug_sql(self.db.ops.compose_sql(sql, params)):
            return super(CursorDebugWrapper, self).execute(sql, params)


def read_prepared(sql: str, params) -> list[tuple]:
    """The rows of a raw read query whose text never changes, only its parameters.

    Planning the query on each page cost more than running it (the job cards of a search page:
    1.8 ms to plan, 2.2 ms to run); prepared, the server plans it once per connection. Through
    Django's cursor wrapper, so the request's SQL timer and query counts see it. The text must
    stay fixed: each distinct text is one more statement held on the server. The rows come in
    binary, as psycopg loads each type (no jsonb: Django loads that as text).
    """
    connection = read_connection()
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    with connection.wrap_database_errors:
        raw = PreparedCursor(connection.connection)
    if connection.queries_logged:
        cursor = PreparedDebugWrapper(raw, connection)
    else:
        cursor = connection.make_cursor(raw)
    with cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        return read_database()

    def db_for_write(self, model, **hints):
        reads = _request_reads.get()
        if reads is not None:
            reads.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # every alias holds the same data

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


def wrote_recently(request) -> bool:
    return (
        request.get_signed_cookie(
            PRIMARY_COOKIE,
            default=None,
            salt=PRIMARY_COOKIE_SALT,
            max_age=settings.PRIMARY_AFTER_WRITE_SECONDS,
        )
        is not None
    )


def reads_public_data(request, view_name: str) -> bool:
    if view_name in PUBLIC_VIEWS:
        return True
    personal = settings.SESSION_COOKIE_NAME in request.COOKIES or "Authorization" in request.headers
    return view_name in ANONYMOUS_API_VIEWS and not personal


class ReplicaReadsMiddleware:
    """Lets a public request read a replica, and keeps a visitor who wrote on the primary."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        reads = _RequestReads()
        token = _request_reads.set(reads)
        try:
            response = self.get_response(request)
        finally:
            _request_reads.reset(token)
        if reads.wrote:
            response.set_signed_cookie(
                PRIMARY_COOKIE,
                "1",
                salt=PRIMARY_COOKIE_SALT,
                max_age=settings.PRIMARY_AFTER_WRITE_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        reads = _request_reads.get()
        if (
            reads is not None
            and request.method in SAFE_METHODS
            and reads_public_data(request, request.resolver_match.view_name)
            and not wrote_recently(request)
        ):
            reads.may_use_replica = True

    def process_exception(self, request, exception):
        """A replica that fails mid-request (stopped, restarted, its connection cut) is marked
        down and the view runs again on the primary: it only read, so running it twice is safe."""
        reads = _request_reads.get()
        if (
            reads is None
            or not isinstance(exception, DatabaseError)
            or reads.wrote
            or reads.replica in (None, DEFAULT_DB_ALIAS)
        ):
            return None
        mark_down(reads.replica)
        reads.replica = DEFAULT_DB_ALIAS
        match = request.resolver_match
        response = match.func(request, *match.args, **match.kwargs)
        if callable(getattr(response, "render", None)):
            response = response.render()  # the handler renders only what the view returned
        return response
