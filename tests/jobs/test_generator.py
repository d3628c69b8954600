"""The benchmark generator: deterministic, published, and searchable exactly like real jobs."""

from datetime import UTC, datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from jobs.demo.generator import JobGenerator, generate_jobs
from jobs.models import Job, JobSkill
from jobs.services import job_reindex
from tests.factories import SkillFactory

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 1, 15, tzinfo=UTC)


@pytest.fixture
def skills():
    return [
        SkillFactory(name=name, category=category, aliases=aliases)
        for name, category, aliases in [
            ("Python", "language", ["py"]),
            ("SQL", "database", []),
            ("Go", "language", ["golang"]),
            ("Git", "version_control", []),
            ("Docker", "devops", []),
        ]
    ]


def search_rows(job_ids):
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT job_id, document::text, tags, skill_ids, location_ids
            FROM jobs_searchrow WHERE job_id = ANY(%s) ORDER BY job_id
            """,
            [job_ids],
        )
        return cursor.fetchall()


def test_creates_the_requested_number_of_public_jobs(skills):
    assert generate_jobs(count=300, seed=3, now=NOW) == 300
    assert Job.objects.filter(status=Job.Status.PUBLISHED).count() == 300
    assert Job.objects.filter(company__slug__startswith="gen-").count() == 300


def test_the_same_seed_gives_the_same_listings(skills):
    def first_jobs():
        generator = JobGenerator(count=50, seed=9, now=NOW)
        generator.prepare()
        return [(j.title, j.description, j.salary) for j in generator.jobs(first_id=1)]

    assert first_jobs() == first_jobs()


def test_search_rows_hold_skills_and_places_as_reindexing_would(skills):
    generate_jobs(count=200, seed=5, now=NOW)
    ids = list(Job.objects.order_by("id").values_list("id", flat=True)[:50])
    generated = search_rows(ids)
    assert len(generated) == 50
    job_reindex(job_ids=ids)
    assert search_rows(ids) == generated


def test_denormalised_arrays_agree_with_the_rows(skills):
    generate_jobs(count=100, seed=2, now=NOW)
    for job in Job.objects.prefetch_related("locations")[:30]:
        skill_ids = sorted(JobSkill.objects.filter(job=job).values_list("skill_id", flat=True))
        assert sorted(job.skill_ids) == skill_ids
        assert sorted(job.location_ids) == sorted(location.pk for location in job.locations.all())


def test_command_needs_seeded_skills_and_a_positive_count():
    with pytest.raises(CommandError, match="load_seeds"):
        call_command("generate_jobs", count=10, verbosity=0)
    with pytest.raises(CommandError, match="at least 1"):
        call_command("generate_jobs", count=0, verbosity=0)


def row_counts(cursor) -> dict[str, int]:
    cursor.execute("SELECT relname FROM pg_stat_user_tables WHERE schemaname = 'public'")
    tables = [name for (name,) in cursor.fetchall()]
    counts = {}
    for table in tables:
        cursor.execute(f'SELECT count(*) FROM "{table}"')
        counts[table] = cursor.fetchone()[0]
    return counts


def test_every_table_it_writes_is_analysed_for_the_planner(skills):
    """The tables are those that gained rows, so a table the generator starts writing is covered."""
    with connection.cursor() as cursor:
        before = row_counts(cursor)
        cursor.execute("SELECT clock_timestamp()")
        started = cursor.fetchone()[0]
    generate_jobs(count=40, seed=3, now=NOW)
    with connection.cursor() as cursor:
        written = {table for table, rows in row_counts(cursor).items() if rows > before[table]}
        # Statistics read in a transaction are a snapshot taken at the first read: take a new one.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT relname FROM pg_stat_user_tables WHERE relname = ANY(%s) "
            "AND last_analyze >= %s",
            [sorted(written), started],
        )
        analysed = {name for (name,) in cursor.fetchall()}
    assert {"jobs_company", "jobs_location", "jobs_job", "jobs_jobskill"} <= written
    assert written - analysed == set()


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_tables_it_writes_are_vacuumed_as_well(skills):
    """Autovacuum may be off or behind: the new pages are marked all-visible, so that index-only
    scans need not read the table too."""
    generate_jobs(count=40, seed=3, now=NOW)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, relpages, relallvisible FROM pg_class WHERE relname = ANY(%s)",
            [["jobs_job", "jobs_jobskill", "jobs_searchrow"]],
        )
        pages = {name: (total, visible) for name, total, visible in cursor.fetchall()}
    assert len(pages) == 3
    assert all(total > 0 and visible == total for total, visible in pages.values()), pages
