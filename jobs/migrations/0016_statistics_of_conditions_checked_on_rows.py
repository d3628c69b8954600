"""What the planner knows of the conditions search checks on rows rather than looking up
(jobs.filters.unindexed): `seniority || ''` is an expression with no statistics of its own, which
the planner would take to match 0.5% of rows whatever the value, and then walk the wrong index."""

from django.db import migrations

EXPRESSIONS = {
    "searchrow_workplace_on_rows": "(workplace || '')",
    "searchrow_employment_type_on_rows": "(employment_type || '')",
    "searchrow_seniority_on_rows": "(seniority || '')",
    "searchrow_skills_on_rows": "(skill_ids || '{}'::bigint[])",
}


class Migration(migrations.Migration):
    dependencies = [
        ("jobs", "0015_search_rows_by_seniority_and_salary"),
    ]

    operations = [
        migrations.RunSQL(
            [
                f"CREATE STATISTICS {name} ON {expression} FROM jobs_searchrow"
                for name, expression in EXPRESSIONS.items()
            ]
            + ["ANALYZE jobs_searchrow"],
            [f"DROP STATISTICS {name}" for name in EXPRESSIONS],
        ),
    ]
