"""Structured logs: one JSON object a line, with the request id of the request that logged it;
in development (LOG_FORMAT=plain) one readable line with the same data.

Secret links (password reset, invitation, unsubscribe and confirmation links, keys in query
strings) are redacted before anything is written: `redact_url` for the request log line and
requests passed to a log call, `RedactSecretsFilter` for the text of every other record (Django's
"Not Found: /path" lines among them).
"""

import json
import logging
import re
from datetime import UTC, datetime
from urllib.parse import unquote_plus

from django.apps import apps
from django.http import HttpRequest
from django.urls import Resolver404, ResolverMatch, resolve

# Attributes every LogRecord has; anything else was passed with `extra=` and is logged as data.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "request_id"}

# URL keyword arguments and query parameters whose values grant access to something. A new URL
# with a secret in it names its argument one of these (tests check every pattern).
SECRET_NAMES = frozenset(
    {"token", "uidb64", "key", "api_key", "signature", "sig", "code", "secret", "password"}
)
# Query parameters that hold another URL of the site, itself possibly a secret link.
URL_PARAMETERS = frozenset({"next"})
# A whitespace-separated word that starts with a slash: a path in a message or request line.
_PATH_IN_TEXT = re.compile(r"(?<!\S)/\S*")


class JsonFormatter(logging.Formatter):
    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        entry.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=_as_text)


class PlainFormatter(logging.Formatter):
    """The development log: one readable line a record, its `extra=` data appended as
    `name=value` (so a request line reads `request method=GET path=/jobs/ status=200 ...`)."""

    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s [%(request_id)s] %(name)s %(message)s")

    def formatMessage(self, record):
        extra = {k: v for k, v in vars(record).items() if k not in _STANDARD}
        words = [f"{name}={_word(value)}" for name, value in extra.items()]
        return " ".join([super().formatMessage(record), *words])


def _word(value) -> str:
    text = _as_text(value)
    return json.dumps(text) if not text or any(c.isspace() for c in text) else text


def _as_text(value) -> str:
    # Django's request log passes the request itself; its repr would show the full path.
    if isinstance(value, HttpRequest):
        return f"{value.method} {redact_url(value.get_full_path())}"
    return str(value)


def _resolve(path: str) -> ResolverMatch | None:
    # A path without its slash is redirected by APPEND_SLASH, and still holds the secret.
    for candidate in (path, path + "/") if not path.endswith("/") else (path,):
        try:
            return resolve(candidate)
        except Resolver404:
            continue
    return None


def redact_url(url: str, match: ResolverMatch | None = None) -> str:
    """`url` (a path, with or without a query string) with each secret replaced by its name.

    `/accounts/reset/MQ/abc-123/` becomes `/accounts/reset/<uidb64>/<token>/`. `match` saves
    resolving the path again when the request already did.
    """
    path, question_mark, query = url.partition("?")
    if match is None:
        match = _resolve(path)
    if match is not None:
        secrets = {str(value): name for name, value in match.kwargs.items() if name in SECRET_NAMES}
        if secrets:
            path = "/".join(
                f"<{secrets[segment]}>" if segment in secrets else segment
                for segment in path.split("/")
            )
    if query:
        query = "&".join(_redact_parameter(parameter) for parameter in query.split("&"))
    return path + question_mark + query


def _redact_parameter(parameter: str) -> str:
    name, equals, value = parameter.partition("=")
    if unquote_plus(name).lower() in SECRET_NAMES:
        return f"{name}{equals}<redacted>"
    if unquote_plus(name) in URL_PARAMETERS and value:
        return f"{name}{equals}{redact_url(unquote_plus(value))}"
    return parameter


def redact_text(text: str) -> str:
    """`text` with every path in it redacted (as in a request line "GET /path HTTP/1.1")."""
    return _PATH_IN_TEXT.sub(lambda found: redact_url(found.group()), text)


class RedactSecretsFilter(logging.Filter):
    """Redacts secret links in a record's message and arguments before any handler writes it."""

    def filter(self, record):
        # Resolving needs the URLconf, which cannot load while the apps are still loading.
        if apps.ready:
            if isinstance(record.msg, str):
                record.msg = redact_text(record.msg)
            if isinstance(record.args, tuple):
                record.args = tuple(
                    redact_text(arg) if isinstance(arg, str) else arg for arg in record.args
                )
        return True
