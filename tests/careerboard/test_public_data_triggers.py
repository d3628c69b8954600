"""Every table behind a public career or skill page moves the public data version when it changes,
so cached pages never outlive what they show (careerboard migration 0004)."""

import pytest
from django.apps import apps
from django.db import connection

from careerboard.models import Curated

pytestmark = pytest.mark.django_db


def public_tables() -> set[str]:
    """The tables of the curated records, and of their many-to-many links."""
    tables = set()
    for model in apps.get_app_config("careerboard").get_models():
        if issubclass(model, Curated):
            tables.add(model._meta.db_table)
            tables |= {
                field.remote_field.through._meta.db_table for field in model._meta.many_to_many
            }
    return tables


def test_every_curated_table_and_link_table_moves_the_public_data_version():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname LIKE 'public_data_follows_%%' AND NOT t.tgisinternal"
        )
        followed = {name for (name,) in cursor.fetchall()}
    tables = public_tables()
    assert {"careerboard_careerstep", "careerboard_sourcedocument"} <= tables
    assert tables - followed == set()
