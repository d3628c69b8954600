"""Search rows hold the salary in euros and where a remote job's applicants may live.

`salary_min_eur` and `salary_max_eur` are the yearly salary at the newest visible exchange rate of
its currency (careerboard.ExchangeRate, `jobs_salary_in_euros`), NULL when the currency has no
rate: "Highest salary" and a minimum salary in any currency compare these, and their index
replaces the one on the salary in its own currency (one currency's pay keeps the currency and
salary index of migration 0011). The tags of a remote job say where its applicants may live,
"applicant:anywhere" or "applicant:DE" for each country (`jobs_applicant_tags`), for a country
search to find remote jobs open to people there.

`jobs_search_sync` gets its new body (`jobs_reindex` calls it, so the rename triggers of
migration 0003 follow too); the jobs trigger also follows `remote_anywhere` and
`applicant_countries`; and a change of a rate (admin, `load_seeds`, SQL) re-converts the rows of
its currency in bulk, in the same transaction, touching only rows whose figure moves.
"""

from importlib import import_module

from django.db import migrations, models

SEARCH_ROWS_TABLE = import_module("jobs.migrations.0008_search_rows_table")

IN_EUROS = """
CREATE FUNCTION jobs_salary_in_euros(yearly bigint, paid_in text) RETURNS bigint
LANGUAGE sql STABLE AS $$
SELECT CASE WHEN paid_in = 'EUR' THEN yearly
    ELSE round(yearly / (SELECT r.per_euro FROM careerboard_exchangerate r
                         WHERE r.currency = paid_in AND NOT r.is_hidden
                         ORDER BY r.as_of DESC LIMIT 1))::bigint END
$$;

CREATE FUNCTION jobs_applicant_tags(workplace text, anywhere boolean, countries varchar[])
RETURNS text[] LANGUAGE sql IMMUTABLE AS $$
SELECT CASE
    WHEN workplace <> 'remote' THEN '{}'::text[]
    WHEN anywhere THEN ARRAY['applicant:anywhere']
    ELSE ARRAY(SELECT DISTINCT 'applicant:' || upper(c) FROM unnest(countries) AS c ORDER BY 1)
END
$$;
"""

DROP_IN_EUROS = """
DROP FUNCTION jobs_applicant_tags(text, boolean, varchar[]);
DROP FUNCTION jobs_salary_in_euros(bigint, text);
"""

SYNC_FUNCTION = """
CREATE OR REPLACE FUNCTION jobs_search_sync(job_ids bigint[]) RETURNS void LANGUAGE sql AS $$
DELETE FROM jobs_searchrow s
WHERE s.job_id = ANY(job_ids)
  AND NOT EXISTS (SELECT 1 FROM jobs_job j WHERE j.id = s.job_id AND j.status = 'published');
INSERT INTO jobs_searchrow AS s (
    job_id, company_id, published_at, expires_at, workplace, employment_type, seniority,
    salary_min_annual, salary_max_annual, salary_currency, salary_min_eur, salary_max_eur,
    tags, skill_ids, location_ids, document)
SELECT j.id, j.company_id, j.published_at, j.expires_at, j.workplace, j.employment_type,
    j.seniority,
    j.salary_min_annual, j.salary_max_annual, j.salary_currency,
    jobs_salary_in_euros(j.salary_min_annual, j.salary_currency),
    jobs_salary_in_euros(j.salary_max_annual, j.salary_currency),
    array_remove(ARRAY[
        'workplace:' || j.workplace,
        'type:' || j.employment_type,
        'seniority:' || j.seniority,
        CASE WHEN j.salary_currency <> '' THEN 'currency:' || j.salary_currency END], NULL)
    || jobs_applicant_tags(j.workplace, j.remote_anywhere, j.applicant_countries),
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
    salary_min_eur = EXCLUDED.salary_min_eur,
    salary_max_eur = EXCLUDED.salary_max_eur,
    tags = EXCLUDED.tags,
    skill_ids = EXCLUDED.skill_ids,
    location_ids = EXCLUDED.location_ids,
    document = EXCLUDED.document;
$$;
"""

OLD_SYNC_FUNCTION = SEARCH_ROWS_TABLE.SYNC_FUNCTION.replace(
    "CREATE FUNCTION", "CREATE OR REPLACE FUNCTION"
)

# The columns a search row is made of: a change to any of them rewrites the row.
ROW_SOURCES = f"{SEARCH_ROWS_TABLE.ROW_SOURCES}, remote_anywhere, applicant_countries"


def follows_jobs_function(row_sources: str) -> str:
    """Migration 0008's trigger function on the jobs table, for these row sources."""
    return f"""
CREATE OR REPLACE FUNCTION jobs_search_follows_jobs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM jobs_search_sync(ARRAY(SELECT n.id FROM new_rows n WHERE n.status = 'published'));
    ELSIF TG_OP = 'DELETE' THEN
        DELETE FROM jobs_searchrow s USING old_rows o WHERE s.job_id = o.id;
    ELSE
        PERFORM jobs_search_sync(ARRAY(
            SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
            WHERE (n.status = 'published' OR o.status = 'published')
              AND ROW(n.{row_sources.replace(", ", ", n.")})
                  IS DISTINCT FROM ROW(o.{row_sources.replace(", ", ", o.")})));
    END IF;
    RETURN NULL;
END $$;
"""


CONVERT = """
CREATE FUNCTION jobs_search_convert(currencies text[]) RETURNS void LANGUAGE sql AS $$
UPDATE jobs_searchrow s SET
    salary_min_eur = jobs_salary_in_euros(s.salary_min_annual, s.salary_currency),
    salary_max_eur = jobs_salary_in_euros(s.salary_max_annual, s.salary_currency)
WHERE s.salary_currency = ANY(currencies)
  AND ROW(s.salary_min_eur, s.salary_max_eur) IS DISTINCT FROM ROW(
      jobs_salary_in_euros(s.salary_min_annual, s.salary_currency),
      jobs_salary_in_euros(s.salary_max_annual, s.salary_currency));
$$;

CREATE FUNCTION jobs_search_follows_rates() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM jobs_search_convert(ARRAY(SELECT DISTINCT n.currency FROM new_rows n));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM jobs_search_convert(ARRAY(SELECT DISTINCT o.currency FROM old_rows o));
    ELSE
        PERFORM jobs_search_convert(ARRAY(
            SELECT n.currency FROM new_rows n UNION SELECT o.currency FROM old_rows o));
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER jobs_search_follows_rate_inserts AFTER INSERT ON careerboard_exchangerate
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION jobs_search_follows_rates();
CREATE TRIGGER jobs_search_follows_rate_updates AFTER UPDATE ON careerboard_exchangerate
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION jobs_search_follows_rates();
CREATE TRIGGER jobs_search_follows_rate_deletes AFTER DELETE ON careerboard_exchangerate
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION jobs_search_follows_rates();
"""

DROP_CONVERT = """
DROP TRIGGER jobs_search_follows_rate_inserts ON careerboard_exchangerate;
DROP TRIGGER jobs_search_follows_rate_updates ON careerboard_exchangerate;
DROP TRIGGER jobs_search_follows_rate_deletes ON careerboard_exchangerate;
DROP FUNCTION jobs_search_follows_rates();
DROP FUNCTION jobs_search_convert(text[]);
"""

# Only the new values are filled in: cheaper than rewriting every row's document.
FILL = """
UPDATE jobs_searchrow s SET
    salary_min_eur = jobs_salary_in_euros(s.salary_min_annual, s.salary_currency),
    salary_max_eur = jobs_salary_in_euros(s.salary_max_annual, s.salary_currency),
    tags = s.tags || jobs_applicant_tags(j.workplace, j.remote_anywhere, j.applicant_countries)
FROM jobs_job j
WHERE j.id = s.job_id AND (s.salary_currency <> '' OR j.workplace = 'remote');
ANALYZE jobs_searchrow;
"""

UNFILL = """
UPDATE jobs_searchrow SET tags = ARRAY(SELECT t FROM unnest(tags) AS t
                                       WHERE t NOT LIKE 'applicant:%')
WHERE workplace = 'remote';
"""


class Migration(migrations.Migration):
    dependencies = [
        ("careerboard", "0013_exchange_rates"),
        ("jobs", "0012_daily_stats_and_approved_postings"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="searchrow",
            name="searchrow_salary",
        ),
        migrations.AddField(
            model_name="searchrow",
            name="salary_max_eur",
            field=models.BigIntegerField(null=True),
        ),
        migrations.AddField(
            model_name="searchrow",
            name="salary_min_eur",
            field=models.BigIntegerField(null=True),
        ),
        migrations.RunSQL(IN_EUROS, DROP_IN_EUROS),
        migrations.RunSQL(SYNC_FUNCTION, OLD_SYNC_FUNCTION),
        migrations.RunSQL(
            follows_jobs_function(ROW_SOURCES),
            follows_jobs_function(SEARCH_ROWS_TABLE.ROW_SOURCES),
        ),
        migrations.RunSQL(CONVERT, DROP_CONVERT),
        migrations.RunSQL(FILL, UNFILL),
        migrations.AddIndex(
            model_name="searchrow",
            index=models.Index(
                models.OrderBy(models.F("salary_max_eur"), descending=True, nulls_last=True),
                models.OrderBy(models.F("published_at"), descending=True),
                models.OrderBy(models.F("job"), descending=True),
                name="searchrow_salary_eur",
            ),
        ),
    ]
