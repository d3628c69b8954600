"""Search reads a narrow table of published jobs, kept in step by SQL in the same transaction.

`jobs_searchrow` holds one row per published job: its company, dates, yearly salary, choice tags,
skill and place ids and one text-search document, all small enough to stay in the row (no TOAST),
so counting, sampling and choosing candidates never read the wide jobs table. The document keeps
positions for the title (A), the company, skills and aliases (B) and places (D), and the
description's words without positions, which keeps it a few hundred bytes; search therefore
matches phrases as all of their words.

`jobs_search_sync(ids)` writes or removes the rows of these jobs from the jobs table, in date
order: rows then lie on disk as a board's do, newest last, so reading the newest matches reads
neighbouring pages. A
statement-level trigger on the jobs table calls it for every insert, delete and change of what a
row holds (status, dates, title, description, facts, salary, skills, places); `jobs_reindex`,
which the rename triggers of migration 0003 call, now refreshes the id arrays and then the rows.
The search vector on the wide table goes: the document replaces it.
"""

import django.contrib.postgres.fields
import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.deletion
from importlib import import_module

from django.db import migrations, models

SYNC_FUNCTION = """
CREATE FUNCTION jobs_search_sync(job_ids bigint[]) RETURNS void LANGUAGE sql AS $$
DELETE FROM jobs_searchrow s
WHERE s.job_id = ANY(job_ids)
  AND NOT EXISTS (SELECT 1 FROM jobs_job j WHERE j.id = s.job_id AND j.status = 'published');
INSERT INTO jobs_searchrow AS s (
    job_id, company_id, published_at, expires_at, workplace, employment_type, seniority,
    salary_min_annual, salary_max_annual, salary_currency, tags, skill_ids, location_ids, document)
SELECT j.id, j.company_id, j.published_at, j.expires_at, j.workplace, j.employment_type,
    j.seniority,
    j.salary_min_annual, j.salary_max_annual, j.salary_currency,
    array_remove(ARRAY[
        'workplace:' || j.workplace,
        'type:' || j.employment_type,
        'seniority:' || j.seniority,
        CASE WHEN j.salary_currency <> '' THEN 'currency:' || j.salary_currency END], NULL),
    j.skill_ids, j.location_ids,
    setweight(to_tsvector('english', j.title), 'A')
    || setweight(to_tsvector('english', concat_ws(' ', c.name, skills.words)), 'B')
    || setweight(to_tsvector('english', COALESCE(places.words, '')), 'D')
    || strip(to_tsvector('english', j.description))
FROM jobs_job j
JOIN jobs_company c ON c.id = j.company_id
LEFT JOIN LATERAL (
    SELECT string_agg(concat_ws(' ', sk.name, array_to_string(sk.aliases, ' ')), ' '
                      ORDER BY js.skill_id) AS words
    FROM jobs_jobskill js JOIN careerboard_skill sk ON sk.id = js.skill_id
    WHERE js.job_id = j.id) AS skills ON true
LEFT JOIN LATERAL (
    SELECT string_agg(concat_ws(' ', l.city, l.region), ' ' ORDER BY jl.location_id) AS words
    FROM jobs_job_locations jl JOIN jobs_location l ON l.id = jl.location_id
    WHERE jl.job_id = j.id) AS places ON true
WHERE j.id = ANY(job_ids) AND j.status = 'published'
ORDER BY j.published_at
ON CONFLICT (job_id) DO UPDATE SET
    company_id = EXCLUDED.company_id,
    published_at = EXCLUDED.published_at,
    expires_at = EXCLUDED.expires_at,
    workplace = EXCLUDED.workplace,
    employment_type = EXCLUDED.employment_type,
    seniority = EXCLUDED.seniority,
    salary_min_annual = EXCLUDED.salary_min_annual,
    salary_max_annual = EXCLUDED.salary_max_annual,
    salary_currency = EXCLUDED.salary_currency,
    tags = EXCLUDED.tags,
    skill_ids = EXCLUDED.skill_ids,
    location_ids = EXCLUDED.location_ids,
    document = EXCLUDED.document;
$$;
"""

REINDEX_FUNCTION = """
CREATE OR REPLACE FUNCTION jobs_reindex(job_ids bigint[]) RETURNS void LANGUAGE sql AS $$
UPDATE jobs_job AS j SET
    skill_ids = COALESCE(
        (SELECT array_agg(js.skill_id ORDER BY js.skill_id)
         FROM jobs_jobskill js WHERE js.job_id = j.id), '{}'),
    location_ids = COALESCE(
        (SELECT array_agg(jl.location_id ORDER BY jl.location_id)
         FROM jobs_job_locations jl WHERE jl.job_id = j.id), '{}')
WHERE j.id = ANY(job_ids);
SELECT jobs_search_sync(job_ids);
$$;
"""

# Going back, migration 0003's function, the vector again among what it computes.
OLD_REINDEX_FUNCTION = import_module(
    "jobs.migrations.0003_search_rows_follow_renames"
).REINDEX_FUNCTION.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION")

# The columns a search row is made of: a change to any of them rewrites the row.
ROW_SOURCES = (
    "status, title, description, company_id, workplace, employment_type, seniority, "
    "salary_min_annual, salary_max_annual, salary_currency, published_at, expires_at, "
    "skill_ids, location_ids"
)

JOBS_TRIGGER = f"""
CREATE FUNCTION jobs_search_follows_jobs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM jobs_search_sync(ARRAY(SELECT n.id FROM new_rows n WHERE n.status = 'published'));
    ELSIF TG_OP = 'DELETE' THEN
        DELETE FROM jobs_searchrow s USING old_rows o WHERE s.job_id = o.id;
    ELSE
        PERFORM jobs_search_sync(ARRAY(
            SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
            WHERE (n.status = 'published' OR o.status = 'published')
              AND ROW(n.{ROW_SOURCES.replace(", ", ", n.")})
                  IS DISTINCT FROM ROW(o.{ROW_SOURCES.replace(", ", ", o.")})));
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER jobs_search_follows_inserts AFTER INSERT ON jobs_job
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION jobs_search_follows_jobs();
CREATE TRIGGER jobs_search_follows_updates AFTER UPDATE ON jobs_job
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION jobs_search_follows_jobs();
CREATE TRIGGER jobs_search_follows_deletes AFTER DELETE ON jobs_job
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION jobs_search_follows_jobs();
"""

DROP_JOBS_TRIGGER = """
DROP TRIGGER jobs_search_follows_inserts ON jobs_job;
DROP TRIGGER jobs_search_follows_updates ON jobs_job;
DROP TRIGGER jobs_search_follows_deletes ON jobs_job;
DROP FUNCTION jobs_search_follows_jobs();
"""

FILL = """
ALTER TABLE jobs_searchrow ALTER COLUMN document SET STORAGE MAIN;
SELECT jobs_search_sync(ARRAY(SELECT id FROM jobs_job WHERE status = 'published'));
ANALYZE jobs_searchrow;
"""

RESTORE_VECTORS = """
SELECT jobs_reindex(ARRAY(SELECT id FROM jobs_job));
"""


class Migration(migrations.Migration):
    dependencies = [
        ("jobs", "0007_company_review"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchRow",
            fields=[
                (
                    "job",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="search_row",
                        serialize=False,
                        to="jobs.job",
                    ),
                ),
                ("published_at", models.DateTimeField()),
                ("expires_at", models.DateTimeField()),
                ("workplace", models.CharField(max_length=10)),
                ("employment_type", models.CharField(max_length=12)),
                ("seniority", models.CharField(max_length=10)),
                ("salary_min_annual", models.BigIntegerField(null=True)),
                ("salary_max_annual", models.BigIntegerField(null=True)),
                ("salary_currency", models.CharField(blank=True, max_length=3)),
                (
                    "tags",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.TextField(), default=list, size=None
                    ),
                ),
                (
                    "skill_ids",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.BigIntegerField(), default=list, size=None
                    ),
                ),
                (
                    "location_ids",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.BigIntegerField(), default=list, size=None
                    ),
                ),
                ("document", django.contrib.postgres.search.SearchVectorField()),
            ],
        ),
        migrations.AddField(
            model_name="searchrow",
            name="company",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.DO_NOTHING, related_name="+", to="jobs.company"
            ),
        ),
        migrations.RunSQL(SYNC_FUNCTION, "DROP FUNCTION jobs_search_sync(bigint[]);"),
        migrations.RunSQL(JOBS_TRIGGER, DROP_JOBS_TRIGGER),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
        migrations.AddIndex(
            model_name="searchrow",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["document"], name="searchrow_document"
            ),
        ),
        migrations.AddIndex(
            model_name="searchrow",
            index=django.contrib.postgres.indexes.GinIndex(fields=["tags"], name="searchrow_tags"),
        ),
        migrations.AddIndex(
            model_name="searchrow",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["skill_ids"], name="searchrow_skills"
            ),
        ),
        migrations.AddIndex(
            model_name="searchrow",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["location_ids"], name="searchrow_places"
            ),
        ),
        migrations.AddIndex(
            model_name="searchrow",
            index=models.Index(
                models.OrderBy(models.F("published_at"), descending=True),
                models.OrderBy(models.F("job"), descending=True),
                name="searchrow_newest",
            ),
        ),
        migrations.AddIndex(
            model_name="searchrow",
            index=models.Index(
                models.OrderBy(models.F("salary_max_annual"), descending=True, nulls_last=True),
                models.OrderBy(models.F("published_at"), descending=True),
                models.OrderBy(models.F("job"), descending=True),
                name="searchrow_salary",
            ),
        ),
        # Going back, the old function fills the restored vectors in once the column is back.
        migrations.RunSQL(migrations.RunSQL.noop, RESTORE_VECTORS),
        migrations.RunSQL(REINDEX_FUNCTION, OLD_REINDEX_FUNCTION),
        migrations.RemoveIndex(
            model_name="job",
            name="job_search_vector_gin",
        ),
        migrations.RemoveField(
            model_name="job",
            name="search_vector",
        ),
    ]
