"""Per-request context: a request id, database time and query count, one structured log line.

The id comes from X-Request-ID when a trusted proxy (NUM_PROXIES) sets it and it is a UUID, else
a new one; it is returned in the response and attached to every log record of the request. The
Server-Timing header, which tells how much SQL a page runs, is sent only in debug and to staff.
"""

import contextvars
import logging
import re
import time
import uuid
from contextlib import ExitStack

from django.conf import settings
from django.db import DatabaseError, connections

from careerboard.logs import redact_url

log = logging.getLogger("careerboard.request")

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
# A UUID with or without dashes: nginx's $request_id and what other proxies send.
WELL_FORMED_REQUEST_ID = re.compile(
    r"[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE
)


class RequestIdFilter(logging.Filter):
    """Adds the current request id to every log record."""

    def filter(self, record):
        record.request_id = request_id_var.get()
        return True


class _QueryTimer:
    def __init__(self):
        self.count = 0
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - start
            self.count += 1


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.id = self._incoming_id(request) or uuid.uuid4().hex
        token = request_id_var.set(request.id)
        try:
            return self._timed(request)
        finally:
            request_id_var.reset(token)

    @staticmethod
    def _incoming_id(request) -> str | None:
        """The proxy's id for this request; without a proxy the header is the client's own."""
        incoming = request.headers.get("X-Request-ID", "")
        if settings.NUM_PROXIES and WELL_FORMED_REQUEST_ID.fullmatch(incoming):
            return incoming
        return None

    @staticmethod
    def _is_staff(request) -> bool:
        # The user loads lazily; while the database is down (a 503 page) they count as nobody.
        try:
            return getattr(request, "user", None) is not None and request.user.is_staff
        except DatabaseError:
            return False

    def _timed(self, request):
        timer = _QueryTimer()
        start = time.perf_counter()
        with ExitStack() as timed:
            for alias in connections:  # the primary, and the read replicas if any
                timed.enter_context(connections[alias].execute_wrapper(timer))
            response = self.get_response(request)
        total_ms = (time.perf_counter() - start) * 1000
        db_ms = timer.seconds * 1000
        response["X-Request-ID"] = request.id
        if settings.DEBUG or self._is_staff(request):
            response["Server-Timing"] = (
                f'db;dur={db_ms:.2f};desc="{timer.count} queries", app;dur={total_ms:.2f}'
            )
        log.info(
            "request",
            extra={
                "request_id": request.id,
                "method": request.method,
                "path": redact_url(request.path, request.resolver_match),
                "status": response.status_code,
                "duration_ms": round(total_ms, 2),
                "db_ms": round(db_ms, 2),
                "queries": timer.count,
            },
        )
        return response
