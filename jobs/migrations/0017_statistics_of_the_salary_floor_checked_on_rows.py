"""What the planner knows of the lowest salary in euros when search checks it on rows rather
than looking it up (`salary_max_eur + 0`, jobs.filters.unindexed), as migration 0016 for the
choices and skills."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("jobs", "0016_statistics_of_conditions_checked_on_rows"),
    ]

    operations = [
        migrations.RunSQL(
            [
                "CREATE STATISTICS searchrow_salary_eur_on_rows ON ((salary_max_eur + 0)) "
                "FROM jobs_searchrow",
                "ANALYZE jobs_searchrow",
            ],
            ["DROP STATISTICS searchrow_salary_eur_on_rows"],
        ),
    ]
