"""The public data version: a number that moves with every change to what the public sees.

Cached public pages and figures carry it in their keys (careerboard/caching.py), so a change
shows on the next request. Statement-level triggers bump it whatever path made the change: a
service, the admin, `load_seeds` or raw SQL. It is bumped when the statement runs, so the
writing transaction reads a new version at once, and again as the transaction commits, so that
a page another request built meanwhile from the data as it was before is never kept under the
new number. The second bump is a deferred constraint trigger on a one-row-per-statement table.

This migration holds the machinery and the triggers on the curated tables; jobs adds its own.
"""

from django.db import migrations

MACHINERY = """
CREATE SEQUENCE careerboard_public_data_version;
-- Called once, so that last_value moves with the very first change too.
SELECT nextval('careerboard_public_data_version');
CREATE UNLOGGED TABLE careerboard_public_data_change (id bigserial PRIMARY KEY);

CREATE FUNCTION careerboard_public_data_committed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM nextval('careerboard_public_data_version');
    DELETE FROM careerboard_public_data_change WHERE id = NEW.id;
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER careerboard_public_data_committed
    AFTER INSERT ON careerboard_public_data_change DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION careerboard_public_data_committed();

CREATE FUNCTION careerboard_public_data_changed() RETURNS void LANGUAGE sql AS $$
    SELECT nextval('careerboard_public_data_version');
    INSERT INTO careerboard_public_data_change DEFAULT VALUES;
$$;

-- For tables where any inserted, changed or deleted row is public.
CREATE FUNCTION careerboard_public_rows_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM careerboard_public_data_changed();
    RETURN NULL;
END $$;
"""

UNDO_MACHINERY = """
DROP FUNCTION careerboard_public_rows_changed();
DROP FUNCTION careerboard_public_data_changed();
DROP TABLE careerboard_public_data_change;
DROP FUNCTION careerboard_public_data_committed();
DROP SEQUENCE careerboard_public_data_version;
"""

# Every curated table shows on public pages: skills, career roles and resources.
CURATED_TABLES = [
    "careerboard_skill",
    "careerboard_sector",
    "careerboard_resource",
    "careerboard_resource_skills",
    "careerboard_careerrole",
    "careerboard_careerrole_skills",
    "careerboard_careerrole_next_roles",
    "careerboard_educationpath",
    "careerboard_salaryfigure",
    "careerboard_outlookfigure",
]


def follow(table: str) -> str:
    return f"""
CREATE TRIGGER public_data_follows_{table} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON {table} FOR EACH STATEMENT EXECUTE FUNCTION careerboard_public_rows_changed();
"""


def unfollow(table: str) -> str:
    return f"DROP TRIGGER public_data_follows_{table} ON {table};"


class Migration(migrations.Migration):
    dependencies = [
        ("careerboard", "0003_user_email_verified_at"),
    ]

    operations = [
        migrations.RunSQL(MACHINERY, UNDO_MACHINERY),
        *[migrations.RunSQL(follow(table), unfollow(table)) for table in CURATED_TABLES],
    ]
