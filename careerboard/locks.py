"""One run at a time of a periodic task, across every worker: a PostgreSQL advisory lock, held by
the worker's database session, so a worker that dies lets go of it at once."""

import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from django.db import connection

T = TypeVar("T")


@contextmanager
def single_run(name: str) -> Iterator[bool]:
    """Yield whether this run holds the lock named `name`; a run that does not should do nothing,
    another one being under way."""
    key = zlib.crc32(f"careerboard:{name}".encode())
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        acquired = cursor.fetchone()[0]
    try:
        yield acquired
    finally:
        if acquired:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])


def run_alone(name: str, work: Callable[[], T]) -> T | None:
    """Run `work` unless another run of `name` is under way somewhere (then None)."""
    with single_run(name) as acquired:
        return work() if acquired else None
