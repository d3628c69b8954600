"""A raw read run with planner settings: in one round trip, the settings ending with the query."""

import pytest
from django.db import connection

from careerboard.db_routers import read_rows


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
