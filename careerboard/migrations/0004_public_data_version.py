"""The public data version: a number that moves with every change to what the public sees.

Cached public pages and figures carry it in their keys (careerboard/caching.py), so a change
shows on the next request. Statement-level triggers mark the transaction whatever path made the
change (a service, the admin, `load_seeds`, raw SQL); as it commits, a deferred constraint
trigger adds one to the version, in a row of its own, once per transaction. The new number
becomes visible together with the data it follows: a request reads the version before the data,
so a page is never kept under a version newer than what it shows. Writers wait on each other
only from that last update to their commit.

This migration holds the machinery and the triggers on the curated tables; jobs adds its own.
"""

from django.db import migrations

MACHINERY = """
CREATE TABLE careerboard_public_data_version (
    one boolean PRIMARY KEY DEFAULT true CHECK (one),
    version bigint NOT NULL
);
INSERT INTO careerboard_public_data_version (version) VALUES (1);
-- The transactions that changed public data and have yet to commit.
CREATE UNLOGGED TABLE careerboard_public_data_change (txid bigint PRIMARY KEY);

CREATE FUNCTION careerboard_public_data_committed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE careerboard_public_data_version SET version = version + 1;
    DELETE FROM careerboard_public_data_change WHERE txid = NEW.txid;
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER careerboard_public_data_committed
    AFTER INSERT ON careerboard_public_data_change DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION careerboard_public_data_committed();

CREATE FUNCTION careerboard_public_data_changed() RETURNS void LANGUAGE sql AS $$
    INSERT INTO careerboard_public_data_change (txid) VALUES (txid_current())
    ON CONFLICT DO NOTHING;
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
DROP TABLE careerboard_public_data_version;
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
