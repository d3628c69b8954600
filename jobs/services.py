"""Writes and state changes of jobs and companies: one function per action."""

import tomllib
from collections import Counter
from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from careerboard.models import Sector, Skill, User
from jobs.locations import get_or_create_location, parse_place
from jobs.models import Company, Job, JobSkill, SearchTerm

REINDEX_SQL = """
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
            (SELECT string_agg(concat_ws(' ', s.name, array_to_string(s.aliases, ' ')), ' ')
             FROM jobs_jobskill js JOIN careerboard_skill s ON s.id = js.skill_id
             WHERE js.job_id = j.id))), 'B')
        || setweight(to_tsvector('english', j.description), 'C')
        || setweight(to_tsvector('english', COALESCE(
            (SELECT string_agg(concat_ws(' ', l.city, l.region), ' ')
             FROM jobs_job_locations jl JOIN jobs_location l ON l.id = jl.location_id
             WHERE jl.job_id = j.id), '')), 'D')
WHERE j.id = ANY(%s)
"""

ADD_TERMS_SQL = """
INSERT INTO jobs_searchterm (term, frequency)
SELECT lexeme, 1 FROM unnest(to_tsvector('simple', %s))
WHERE length(lexeme) BETWEEN 2 AND 80 AND lexeme ~ '^[[:alpha:]][[:alnum:]+#.-]*$'
ON CONFLICT (term) DO UPDATE SET frequency = jobs_searchterm.frequency + 1
"""


def job_reindex(*, job_ids: Iterable[int]) -> None:
    """Recompute the derived search columns of these jobs from their rows."""
    ids = list(job_ids)
    if ids:
        with connection.cursor() as cursor:
            cursor.execute(REINDEX_SQL, [ids])


def company_reindex_jobs(*, company: Company) -> None:
    job_reindex(job_ids=company.jobs.values_list("id", flat=True))


def search_terms_rebuild() -> int:
    """Rebuild the vocabulary that typo suggestions draw on, from skills and published titles."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE jobs_searchterm")
        cursor.execute(
            """
            INSERT INTO jobs_searchterm (term, frequency)
            SELECT word, ndoc FROM ts_stat(
                'SELECT to_tsvector(''simple'', title) FROM jobs_job WHERE status = ''published''')
            WHERE length(word) BETWEEN 2 AND 80 AND word ~ '^[[:alpha:]][[:alnum:]+#.-]*$'
            ON CONFLICT (term) DO NOTHING
            """
        )
        cursor.execute(
            """
            INSERT INTO jobs_searchterm (term, frequency)
            SELECT lower(name), 1000000 FROM careerboard_skill WHERE NOT is_hidden
            UNION
            SELECT lower(alias), 1000000 FROM careerboard_skill, unnest(aliases) AS alias
            WHERE NOT is_hidden
            ON CONFLICT (term) DO UPDATE SET frequency = EXCLUDED.frequency
            """
        )
    return SearchTerm.objects.count()


def search_terms_add_title(*, title: str) -> None:
    """Learn the words of a newly published title, so that a typo of them finds it."""
    with connection.cursor() as cursor:
        cursor.execute(ADD_TERMS_SQL, [title])


def job_set_skills(
    *, job: Job, required: Iterable[Skill], nice_to_have: Iterable[Skill] = ()
) -> None:
    required = list(required)
    nice = [skill for skill in nice_to_have if skill not in required]
    JobSkill.objects.filter(job=job).delete()
    JobSkill.objects.bulk_create(
        [JobSkill(job=job, skill=skill, is_required=True) for skill in required]
        + [JobSkill(job=job, skill=skill, is_required=False) for skill in nice]
    )


def job_set_locations(*, job: Job, places: Iterable[str]) -> None:
    """Attach locations given as text ("Berlin, Germany"); unknown countries are refused."""
    locations = []
    for text in places:
        place = parse_place(text)
        if place is None:
            raise ValidationError({"locations": f"“{text}” does not end with a country we know."})
        locations.append(get_or_create_location(place))
    job.locations.set(locations)


def company_create(*, name: str, created_by: User | None = None, **fields) -> Company:
    with transaction.atomic():
        company = Company(name=name, slug=_unique_company_slug(name), **fields)
        company.full_clean()
        company.save()
        if created_by is not None:
            company.memberships.create(user=created_by)
    return company


def _unique_company_slug(name: str) -> str:
    base = slugify(name)[:120] or "company"
    slug, n = base, 2
    while Company.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def job_transition(*, job: Job, to: str, by: User | None = None, now=None) -> Job:
    """Move a job to another status, refusing an illegal move before anything is written."""
    if not job.can_transition_to(to):
        raise ValidationError(
            f"A job that is {job.get_status_display().lower()} cannot become "
            f"{Job.Status(to).label.lower()}."
        )
    now = now or timezone.now()
    with transaction.atomic():
        job.status = to
        if to == Job.Status.PUBLISHED:
            job.published_at = now
            lifetime = timedelta(days=settings.JOB_DEFAULT_LIFETIME_DAYS)
            if job.expires_at is None or job.expires_at <= now:
                job.expires_at = now + lifetime
        job.save(update_fields=["status", "published_at", "expires_at", "updated_at"])
        if to == Job.Status.PUBLISHED:
            search_terms_add_title(title=job.title)
    return job


def demo_load(*, path: Path) -> Counter:
    """Load the hand-made demo companies and jobs; what already exists is left alone."""
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    counts = Counter()
    now = timezone.now()
    skills = {skill.seed_key: skill for skill in Skill.objects.exclude(seed_key=None)}
    sectors = {sector.seed_key: sector for sector in Sector.objects.exclude(seed_key=None)}
    with transaction.atomic():
        companies = {}
        for entry in data.get("company", []):
            company, created = Company.objects.get_or_create(
                slug=entry["key"],
                defaults={
                    "name": entry["name"],
                    "website": entry.get("website", ""),
                    "about": entry.get("about", "").strip(),
                    "size": entry.get("size", ""),
                    "is_verified": entry.get("verified", False),
                },
            )
            if created:
                company.sectors.set([sectors[key] for key in entry.get("sectors", [])])
            companies[entry["key"]] = company
            counts["companies created" if created else "companies kept"] += 1
        new_ids = []
        for entry in data.get("job", []):
            company = companies[entry["company"]]
            if Job.objects.filter(company=company, slug=entry["key"]).exists():
                counts["jobs kept"] += 1
                continue
            published_at = now - timedelta(days=entry.get("posted_days_ago", 0), hours=1)
            job = Job(
                company=company,
                slug=entry["key"],
                title=entry["title"],
                description=entry["description"].strip(),
                workplace=entry["workplace"],
                remote_anywhere=entry.get("remote_anywhere", False),
                applicant_countries=entry.get("applicant_countries", []),
                employment_type=entry["employment_type"],
                seniority=entry["seniority"],
                salary_min=entry.get("salary_min"),
                salary_max=entry.get("salary_max"),
                salary_currency=entry.get("salary_currency", ""),
                salary_period=entry.get("salary_period", ""),
                apply_url=entry.get("apply_url", ""),
                apply_email=entry.get("apply_email", ""),
                status=entry.get("status", Job.Status.PUBLISHED),
            )
            if job.status in (Job.Status.PUBLISHED, Job.Status.CLOSED):
                job.published_at = published_at
                job.expires_at = published_at + timedelta(days=60)
            job.full_clean(exclude=["slug"])
            job.save()
            job_set_locations(job=job, places=entry.get("locations", []))
            job_set_skills(
                job=job,
                required=[skills[key] for key in entry.get("required_skills", [])],
                nice_to_have=[skills[key] for key in entry.get("nice_skills", [])],
            )
            new_ids.append(job.pk)
            counts["jobs created"] += 1
        job_reindex(job_ids=new_ids)
        search_terms_rebuild()
    return counts
