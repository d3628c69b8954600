"""Search rows follow what they are made of, whatever path changes it.

A job's search columns (skill and place ids, and the weighted vector of its title, company, skills
with their aliases, description and places) are computed by one SQL function, `jobs_reindex`.
The services call it for the jobs they change; statement-level triggers call it, in the same
transaction and once per statement, for every job touched by a rename: a skill's name or aliases,
a place's city or region, a company's name, or a place detached from jobs. So an edit in the
admin, a service or `load_seeds` can never leave search rows stale.
"""

from django.db import migrations

REINDEX_FUNCTION = """
CREATE FUNCTION jobs_reindex(job_ids bigint[]) RETURNS void LANGUAGE sql AS $$
UPDATE jobs_job AS j SET
    skill_ids = COALESCE(
        (SELECT array_agg(js.skill_id ORDER BY js.skill_id)
         FROM jobs_jobskill js WHERE js.job_id = j.id), '{}'),
    location_ids = COALESCE(
        (SELECT array_agg(jl.location_id ORDER BY jl.location_id)
         FROM jobs_job_locations jl WHERE jl.job_id = j.id), '{}'),
    search_vector =
        setweight(to_tsvector('english', j.title), 'A')
        || setweight(to_tsvector('english', concat_ws(' ',
            (SELECT c.name FROM jobs_company c WHERE c.id = j.company_id),
            (SELECT string_agg(concat_ws(' ', s.name, array_to_string(s.aliases, ' ')), ' '
                               ORDER BY js.skill_id)
             FROM jobs_jobskill js JOIN careerboard_skill s ON s.id = js.skill_id
             WHERE js.job_id = j.id))), 'B')
        || setweight(to_tsvector('english', j.description), 'C')
        || setweight(to_tsvector('english', COALESCE(
            (SELECT string_agg(concat_ws(' ', l.city, l.region), ' ' ORDER BY jl.location_id)
             FROM jobs_job_locations jl JOIN jobs_location l ON l.id = jl.location_id
             WHERE jl.job_id = j.id), '')), 'D')
WHERE j.id = ANY(job_ids)
$$;
"""

# (trigger, table, event, the jobs whose rows it changed)
TRIGGERS = [
    (
        "jobs_search_follows_skills",
        "careerboard_skill",
        "UPDATE",
        """SELECT js.job_id FROM jobs_jobskill js
           JOIN new_rows n ON n.id = js.skill_id JOIN old_rows o ON o.id = n.id
           WHERE n.name IS DISTINCT FROM o.name OR n.aliases IS DISTINCT FROM o.aliases""",
    ),
    (
        "jobs_search_follows_places",
        "jobs_location",
        "UPDATE",
        """SELECT jl.job_id FROM jobs_job_locations jl
           JOIN new_rows n ON n.id = jl.location_id JOIN old_rows o ON o.id = n.id
           WHERE n.city IS DISTINCT FROM o.city OR n.region IS DISTINCT FROM o.region""",
    ),
    (
        "jobs_search_follows_companies",
        "jobs_company",
        "UPDATE",
        """SELECT j.id FROM jobs_job j
           JOIN new_rows n ON n.id = j.company_id JOIN old_rows o ON o.id = n.id
           WHERE n.name IS DISTINCT FROM o.name""",
    ),
    (
        "jobs_search_follows_detached_places",
        "jobs_job_locations",
        "DELETE",
        "SELECT o.job_id FROM old_rows o",
    ),
]


def trigger_sql(name, table, event, affected):
    transitions = (
        "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows"
        if event == "UPDATE"
        else "REFERENCING OLD TABLE AS old_rows"
    )
    return f"""
CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM jobs_reindex(ARRAY(SELECT DISTINCT affected.id FROM ({affected}) AS affected(id)));
    RETURN NULL;
END $$;
CREATE TRIGGER {name} AFTER {event} ON {table} {transitions}
    FOR EACH STATEMENT EXECUTE FUNCTION {name}();
"""


def drop_trigger_sql(name, table, *_):
    return f"DROP TRIGGER {name} ON {table}; DROP FUNCTION {name}();"


class Migration(migrations.Migration):
    dependencies = [
        ("careerboard", "0001_users_skills_and_career_resources"),
        ("jobs", "0002_moderation_reports_invitations_applications"),
    ]

    operations = [
        migrations.RunSQL(REINDEX_FUNCTION, "DROP FUNCTION jobs_reindex(bigint[]);"),
        *[
            migrations.RunSQL(trigger_sql(*trigger), drop_trigger_sql(*trigger))
            for trigger in TRIGGERS
        ],
    ]
