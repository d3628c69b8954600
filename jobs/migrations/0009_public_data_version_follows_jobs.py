"""The public data version (careerboard migration 0004) follows jobs, companies and places.

A change bumps it when the public could see it: a job that is or was published, closed or
expired (the public sees the last two as a "gone" page), and any company or place. Counting a
view or an apply click, the expiry warning and `updated_at` alone leave it alone, so flushing
the counters every few minutes does not empty the page cache. On a thousand-row UPDATE the
check costs about 0.1 ms a row.
"""

from django.db import migrations

PUBLIC_JOB = "status IN ('published', 'closed', 'expired')"
# Job columns whose change nobody sees on a public page, and the id arrays, which only follow
# changes that move the version themselves (the job's skills and places).
UNSEEN_JOB_COLUMNS = (
    "'{view_count,apply_click_count,expiry_warned_at,updated_at,skill_ids,location_ids}'::text[]"
)
# What the public sees of the public jobs among the rows, for a set difference: matching rows
# pair by pair costs seconds on thousands of rows, a hashed EXCEPT a few milliseconds.
SEEN_NEW, SEEN_OLD = (
    f"SELECT to_jsonb(r) - {UNSEEN_JOB_COLUMNS} FROM {rows} r WHERE r.{PUBLIC_JOB}"
    for rows in ("new_rows", "old_rows")
)

# (table, event, the rows whose change is public); rows are old_rows or new_rows, or both.
TRIGGERS = [
    ("jobs_job", "INSERT", f"SELECT 1 FROM new_rows WHERE {PUBLIC_JOB}"),
    ("jobs_job", "DELETE", f"SELECT 1 FROM old_rows WHERE {PUBLIC_JOB}"),
    (
        "jobs_job",
        "UPDATE",
        f"({SEEN_NEW} EXCEPT {SEEN_OLD}) UNION ALL ({SEEN_OLD} EXCEPT {SEEN_NEW})",
    ),
    *[
        (
            table,
            event,
            f"""SELECT 1 FROM {rows} r JOIN jobs_job j ON j.id = r.job_id
                WHERE j.{PUBLIC_JOB}""",
        )
        for table in ("jobs_jobskill", "jobs_job_locations")
        for event, rows in (("INSERT", "new_rows"), ("UPDATE", "new_rows"), ("DELETE", "old_rows"))
    ],
    *[
        (table, event, f"SELECT 1 FROM {rows}")
        for table in ("jobs_company", "jobs_company_sectors", "jobs_location")
        for event, rows in (("INSERT", "new_rows"), ("UPDATE", "new_rows"), ("DELETE", "old_rows"))
    ],
]


def name(table: str, event: str) -> str:
    return f"public_data_follows_{table}_{event.lower()}"


def trigger_sql(table: str, event: str, public_rows: str) -> str:
    transitions = {
        "INSERT": "NEW TABLE AS new_rows",
        "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        "DELETE": "OLD TABLE AS old_rows",
    }[event]
    return f"""
CREATE FUNCTION {name(table, event)}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS ({public_rows}) THEN
        PERFORM careerboard_public_data_changed();
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER {name(table, event)} AFTER {event} ON {table} REFERENCING {transitions}
    FOR EACH STATEMENT EXECUTE FUNCTION {name(table, event)}();
"""


def drop_trigger_sql(table: str, event: str, _public_rows: str) -> str:
    return f"DROP TRIGGER {name(table, event)} ON {table}; DROP FUNCTION {name(table, event)}();"


class Migration(migrations.Migration):
    dependencies = [
        ("careerboard", "0004_public_data_version"),
        ("jobs", "0008_search_rows_table"),
    ]

    operations = [
        migrations.RunSQL(trigger_sql(*trigger), drop_trigger_sql(*trigger)) for trigger in TRIGGERS
    ]
