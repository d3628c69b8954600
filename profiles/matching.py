"""Match scores between a seeker's skills and jobs, computed in PostgreSQL.

Each job skill earns credit min(1, level / expected level), where the expected level follows the
job's seniority (intern 1, junior 2, mid 3, senior 4, lead 5); required skills weigh 2, nice-to-
have ones 1; the score is the weighted credit as a percentage. A job without skills has none.
"""

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import dateformat, timezone

from careerboard.caching import FITS_PREFIX, JOB_CARDS_PREFIX, RECOMMENDED_PREFIX, remembered
from careerboard.db_routers import read_connection
from careerboard.models import Resource, Skill
from jobs.cards import reverse_each
from jobs.models import Application, Job, jobs_for_cards
from profiles.models import Profile, SavedJob
from profiles.services import seeker_profile

EXPECTED_LEVEL = {"intern": 1, "junior": 2, "mid": 3, "senior": 4, "lead": 5}
RECOMMEND_CANDIDATES = 500

# The score of the job skills `js` for the levels `p.level` (NULL: lacking), against the
# expected levels `e` of the job's seniority.
SCORE = """round(100.0 * sum(CASE WHEN js.is_required THEN 2 ELSE 1 END
                          * LEAST(1.0, COALESCE(p.level, 0)::numeric / e.level))
              / sum(CASE WHEN js.is_required THEN 2 ELSE 1 END))::int"""
EXPECTED = (
    "(VALUES "
    + ", ".join(f"('{seniority}', {level})" for seniority, level in EXPECTED_LEVEL.items())
    + ") AS e(seniority, level)"
)

SCORE_SQL = f"""
SELECT js.job_id,
       {SCORE} AS score,
       COALESCE(array_agg(js.skill_id ORDER BY js.is_required DESC, js.skill_id)
                FILTER (WHERE p.level IS NULL), '{{}}') AS missing
FROM jobs_jobskill js
JOIN jobs_job j ON j.id = js.job_id
JOIN {EXPECTED} ON e.seniority = j.seniority
LEFT JOIN unnest(%(skills)s::bigint[], %(levels)s::int[]) AS p(skill_id, level)
     ON p.skill_id = js.skill_id
WHERE js.job_id = ANY(%(jobs)s)
GROUP BY js.job_id
"""

APPLICANT_SCORES_SQL = f"""
SELECT a.applicant_id, {SCORE} AS score
FROM jobs_application a
JOIN jobs_job j ON j.id = a.job_id
JOIN jobs_jobskill js ON js.job_id = a.job_id
JOIN {EXPECTED} ON e.seniority = j.seniority
JOIN profiles_profile pr ON pr.user_id = a.applicant_id AND pr.visibility = %(visible)s
LEFT JOIN profiles_profileskill p ON p.profile_id = pr.id AND p.skill_id = js.skill_id
WHERE a.job_id = %(job)s
GROUP BY a.applicant_id
"""

RECOMMEND_SQL = """
WITH candidates AS (
    SELECT id, seniority, published_at, salary_max_annual, workplace, location_ids
    FROM jobs_job
    WHERE status = 'published' AND expires_at > now() AND skill_ids && %(skills)s::bigint[]
      {preferences}
    ORDER BY published_at DESC, id DESC
    LIMIT %(candidates)s
)
SELECT c.id, {score} AS score
FROM candidates c
JOIN jobs_jobskill js ON js.job_id = c.id
JOIN {expected} ON e.seniority = c.seniority
LEFT JOIN unnest(%(skills)s::bigint[], %(levels)s::int[]) AS p(skill_id, level)
     ON p.skill_id = js.skill_id
GROUP BY c.id, c.published_at, c.salary_max_annual
ORDER BY score DESC,
         (c.salary_max_annual IS NOT NULL AND c.salary_max_annual >= %(min_salary)s) DESC,
         c.published_at DESC, c.id DESC
LIMIT %(limit)s OFFSET %(offset)s
"""


@dataclass
class Fit:
    score: int
    missing: list[Skill] = field(default_factory=list)
    resources: dict[int, list[Resource]] = field(default_factory=dict)


def _levels(skill_levels: dict[int, int]) -> dict:
    return {"skills": list(skill_levels), "levels": list(skill_levels.values())}


def scores(skill_levels: dict[int, int], job_ids: list[int]) -> dict[int, tuple[int, list[int]]]:
    """{job id: (score, missing skill ids)} for these jobs, in one query."""
    if not job_ids:
        return {}
    with read_connection().cursor() as cursor:
        cursor.execute(SCORE_SQL, {**_levels(skill_levels), "jobs": list(job_ids)})
        return {job_id: (score, missing) for job_id, score, missing in cursor.fetchall()}


def applicant_scores(job: Job) -> dict[int, int]:
    """{applicant's user id: score} for those who applied to this job with a profile visible
    to employers, in one query; a private profile's skills are never scored for an employer."""
    with read_connection().cursor() as cursor:
        cursor.execute(
            APPLICANT_SCORES_SQL, {"job": job.pk, "visible": Profile.Visibility.EMPLOYERS}
        )
        return dict(cursor.fetchall())


def fits(
    skill_levels: dict[int, int], job_ids: list[int], *, resources: bool = True
) -> dict[int, Fit]:
    """Scores with the missing skills and, if asked, up to three visible resources teaching
    each (a job page lists them; a card does not)."""
    return remembered(
        FITS_PREFIX,
        [sorted(skill_levels.items()), job_ids, resources],
        lambda: _fits(skill_levels, job_ids, resources=resources),
    )


def _fits(skill_levels: dict[int, int], job_ids: list[int], *, resources: bool) -> dict[int, Fit]:
    scored = scores(skill_levels, job_ids)
    missing_ids = {pk for _, missing in scored.values() for pk in missing}
    skills = Skill.objects.visible().in_bulk(missing_ids)
    teaching: dict[int, list[Resource]] = {}
    if skills and resources:
        through = (
            Resource.skills.through.objects.filter(skill_id__in=skills, resource__is_hidden=False)
            .select_related("resource")
            .order_by("-resource__is_featured", "resource__sort_order")
        )
        for link in through:
            if len(teaching.setdefault(link.skill_id, [])) < 3:
                teaching[link.skill_id].append(link.resource)
    return {
        job_id: Fit(
            score=score,
            missing=[skills[pk] for pk in missing if pk in skills],
            resources={pk: teaching.get(pk, []) for pk in missing if pk in skills},
        )
        for job_id, (score, missing) in scored.items()
    }


def visitor_card_data(request, jobs: list[Job], detailed: bool) -> dict[int, dict]:
    """For job cards and pages: when the signed-in person applied to each job on the board, and
    for those who look for work their fit to it and whether they saved it, in one batch of
    queries for all the jobs (registered with `jobs.cards`)."""
    # Long on purpose: each query of the batch sits beside the figures it gives a card.
    ids = [job.pk for job in jobs]
    applied = dict(
        Application.objects.filter(applicant=request.user, job_id__in=ids).values_list(
            "job_id", "created_at"
        )
    )
    applications_url = reverse("profiles:applications")

    def application(pk: int) -> dict:
        if pk not in applied:
            return {"applied_on": ""}
        sent = timezone.localtime(applied[pk])
        return {
            "applied_on": dateformat.format(sent, "j F Y"),
            "applied_iso": sent.isoformat(),
            "applications_url": applications_url,
        }

    if not request.user.looks_for_work:
        return {pk: {"seeker": False, **application(pk)} for pk in applied}
    profile = seeker_profile(request)
    found = fits(profile.skill_levels(), ids, resources=detailed) if profile else {}
    saved = set(
        SavedJob.objects.filter(user=request.user, job_id__in=ids).values_list("job_id", flat=True)
    )
    profile_url = reverse("profiles:profile")
    save_url = reverse_each("profiles:saved_toggle", 1)
    skill_url = reverse_each("skill_detail", 1)

    def shown(fit: Fit | None) -> dict:
        if fit is None:
            return {"score": None, "missing": []}
        missing = []
        for skill in fit.missing:
            missing.append(
                {
                    "name": skill.name,
                    "url": skill_url(skill.slug),
                    "resources": fit.resources.get(skill.pk, []),
                }
            )
        band = "high" if fit.score >= 75 else "mid" if fit.score >= 40 else "low"
        return {"score": fit.score, "band": band, "missing": missing}

    return {
        job.pk: {
            **shown(found.get(job.pk)),
            **application(job.pk),
            "seeker": True,
            "has_profile": profile is not None,
            "saved": job.pk in saved,
            "save_url": save_url(job.pk),
            "profile_url": profile_url,
        }
        for job in jobs
    }


def recommended_ids(profile, *, limit: int = 20, offset: int = 0) -> list[tuple[int, int]]:
    """(job id, score) of open jobs ranked for this profile, computed in the database.

    Only the newest RECOMMEND_CANDIDATES jobs sharing a skill with the profile (and fitting its
    stated workplace and employment types) are scored, so it stays fast on a million jobs.
    """
    skill_levels = profile.skill_levels()
    if not skill_levels:
        return []
    preferences, params = [], {}
    if profile.workplaces:
        preferences.append("AND workplace = ANY(%(workplaces)s)")
        params["workplaces"] = list(profile.workplaces)
    if profile.employment_types:
        preferences.append("AND employment_type = ANY(%(employment_types)s)")
        params["employment_types"] = list(profile.employment_types)
    params |= {
        **_levels(skill_levels),
        "candidates": RECOMMEND_CANDIDATES,
        "min_salary": profile.min_salary or 0,
        "limit": limit,
        "offset": offset,
    }
    sql = RECOMMEND_SQL.format(preferences=" ".join(preferences), score=SCORE, expected=EXPECTED)

    def rank():
        with read_connection().cursor() as cursor:
            cursor.execute(sql, params)
            return [tuple(row) for row in cursor.fetchall()]

    return remembered(RECOMMENDED_PREFIX, [sql, params], rank)


def recommended_jobs(profile, *, limit: int = 20, offset: int = 0) -> list[tuple[Job, int]]:
    ranked = recommended_ids(profile, limit=limit, offset=offset)
    ids = [job_id for job_id, _ in ranked]
    cards = remembered(JOB_CARDS_PREFIX, ids, lambda: jobs_for_cards(ids))
    # Asked again (one index lookup): a job closed since the cards were kept leaves at once.
    still_open = set(Job.objects.published().filter(pk__in=ids).values_list("pk", flat=True))
    return [(cards[job_id], score) for job_id, score in ranked if job_id in still_open]
