"""A raw read run with planner settings: in one round trip, the settings ending with the query."""

import pytest
from django.db import connection

from careerboard.db_routers import read_prepared, read_rows


def setting(name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting(%s)", [name])
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_the_settings_hold_for_the_query_and_end_with_it():
    rows = read_rows(
        "SELECT current_setting('enable_seqscan'), current_setting('pg_trgm.similarity_threshold'),"
        " %s::int + 1 UNION ALL SELECT 'second', '%%', 0",
        [41],
        settings={"enable_seqscan": "off", "pg_trgm.similarity_threshold": 0.25},
    )
    assert rows == [("off", "0.25", 42), ("second", "%", 0)]
    # Outside a transaction the query was one of its own, and the settings went with it.
    assert setting("enable_seqscan") == "on"
    # (pg_trgm's own default, or empty where the extension has not been loaded in the session)
    assert setting("pg_trgm.similarity_threshold") in ("0.3", "")


@pytest.mark.django_db(transaction=True)
def test_a_query_that_fails_leaves_no_setting_behind():
    with pytest.raises(Exception, match="division by zero"):
        read_rows("SELECT 1 / 0", [], settings={"enable_seqscan": "off"})
    assert setting("enable_seqscan") == "on"
    assert read_rows("SELECT 2", [], settings={}) == [(2,)]


@pytest.mark.django_db
def test_a_prepared_read_is_planned_once_per_connection_and_counted(django_assert_num_queries):
    sql = "SELECT %s::bigint[], %s::text, %s::timestamptz"
    when = "2026-12-01T10:00:00+00:00"
    with django_assert_num_queries(2):
        first = read_prepared(sql, [[1, 2], "a", when])
        second = read_prepared(sql, [[3], "b", when])
    assert first[0][:2] == ([1, 2], "a") and second[0][:2] == ([3], "b")
    assert first[0][2].isoformat() == when
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        statements = [row[0] for row in cursor.fetchall()]
    assert statements.count("SELECT $1::bigint[], $2::text, $3::timestamptz") == 1, statements


@pytest.mark.django_db
def test_without_prepared_statements_a_prepared_read_is_planned_each_time():
    """DB_PREPARED_STATEMENTS=0 (a pooler that cannot keep them): the same rows, nothing kept."""
    connection.ensure_connection()
    threshold = connection.connection.prepare_threshold
    connection.connection.prepare_threshold = None
    try:
        assert read_prepared("SELECT %s::int + 1", [41]) == [(42,)]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
                ["%$1::int + 1"],
            )
            assert cursor.fetchone()[0] == 0
    finally:
        connection.connection.prepare_threshold = threshold
