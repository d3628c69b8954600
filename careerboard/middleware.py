"""Per-request context: a request id, database time and query count, one structured log line.

The id comes from a trusted proxy's X-Request-ID when it looks sane, else a new one; it is
returned in the response and attached to every log record of the request. The Server-Timing
header lets browsers' developer tools and the benchmark harness see where the time went.
"""

import contextvars
import logging
import re
import time
import uuid

from django.db import connections

log = logging.getLogger("careerboard.request")

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


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
        incoming = request.headers.get("X-Request-ID", "")
        request.id = incoming if SANE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request.id)
        try:
            return self._timed(request)
        finally:
            request_id_var.reset(token)

    def _timed(self, request):
        timer = _QueryTimer()
        start = time.perf_counter()
        with connections["default"].execute_wrapper(timer):
            response = self.get_response(request)
        total_ms = (time.perf_counter() - start) * 1000
        db_ms = timer.seconds * 1000
        response["X-Request-ID"] = request.id
        response["Server-Timing"] = (
            f'db;dur={db_ms:.2f};desc="{timer.count} queries", app;dur={total_ms:.2f}'
        )
        log.info(
            "request",
            extra={
                "request_id": request.id,
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round(total_ms, 2),
                "db_ms": round(db_ms, 2),
                "queries": timer.count,
            },
        )
        return response
