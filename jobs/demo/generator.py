"""Deterministic synthetic job listings for benchmarks, loaded with PostgreSQL COPY.

The same count and seed give the same listings (dates are relative to the moment of the run).
Rows are streamed in batches, never held in memory. Each batch's skills and places are copied
before its jobs, so the trigger that writes search rows (migration 0008) finds them in place when
the jobs arrive: the rows are made by the same SQL as every other job's, with no second pass.
"""

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import accumulate

from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from careerboard.models import ANNUAL_FACTORS, Period, Skill
from jobs.demo.vocabulary import (
    CITIES,
    COMPANY_FIRST,
    COMPANY_KIND,
    COMPANY_SECOND,
    DUTIES,
    EMPLOYMENT,
    HEADINGS,
    INTROS,
    OFFERS,
    PAY,
    ROLES,
    SENIORITY,
    TITLE_PREFIX,
    WANTS,
    WORKPLACE,
)
from jobs.locations import Place, get_or_create_location
from jobs.models import Company, Job
from jobs.models.postings import title_slug
from jobs.services.posting import SUBSTANTIVE_FIELDS

BATCH = 20_000


@dataclass(frozen=True)
class SkillInfo:
    pk: int
    name: str
    text: str


def _weighted(rng: random.Random, options: list[tuple[str, int]]) -> str:
    values, cumulative = _CUMULATIVE.setdefault(
        id(options), ([o for o, _ in options], list(accumulate(w for _, w in options)))
    )
    return rng.choices(values, cum_weights=cumulative)[0]


_CUMULATIVE: dict[int, tuple[list, list]] = {}


@dataclass
class GeneratedJob:
    id: int
    title: str
    company_id: int
    company_name: str
    sentences: list[str]
    seniority: str
    workplace: str
    remote_anywhere: bool
    applicant_countries: list[str]
    employment_type: str
    salary: tuple
    published_at: datetime
    required: list[SkillInfo]
    nice: list[SkillInfo]
    places: list[tuple]

    @property
    def description(self) -> str:
        s = self.sentences
        return (
            f"{s[0]}\n\n### {HEADINGS[0]}\n\n"
            + "\n".join(f"- {line}" for line in s[1:5])
            + f"\n\n### {HEADINGS[1]}\n\n"
            + "\n".join(f"- {line}" for line in s[5:8])
            + f"\n\n### {HEADINGS[2]}\n\n{s[8]}"
        )

    # The rest of a posting's fields, under the job's own names (see SUBSTANTIVE_FIELDS).
    salary_min = property(lambda self: self.salary[0])
    salary_max = property(lambda self: self.salary[1])
    salary_currency = property(lambda self: self.salary[2])
    salary_period = property(lambda self: self.salary[3])
    apply_url = property(lambda self: f"https://jobs.example/apply/{self.id}")
    apply_email = ""
    apply_on_site = False


class JobGenerator:
    def __init__(self, *, count: int, seed: int, now: datetime):
        self.count, self.now = count, now
        self.rng = random.Random(seed)

    def prepare(self) -> None:
        """Skills, places and companies to draw from."""
        skills = list(Skill.objects.visible().order_by("id"))
        if not skills:
            raise ValueError("There are no skills: run `manage.py load_seeds` first.")
        popular = ["python", "sql", "git", "java", "apis", "postgresql", "cloud-platforms"]
        skills.sort(key=lambda s: (popular.index(s.slug) if s.slug in popular else 99, s.pk))
        self.skills = [SkillInfo(s.pk, s.name, " ".join([s.name, *s.aliases])) for s in skills]
        # Zipf-like popularity: the first skills appear in a large share of the jobs.
        self.skill_weights = list(accumulate(1 / (rank + 3) for rank in range(len(self.skills))))
        self.seniority_weights = list(accumulate(w for *_, w in SENIORITY))
        self.slugs: dict[str, str] = {}
        self.languages = [
            info for info, s in zip(self.skills, skills, strict=True) if s.category == "language"
        ] or self.skills[:5]
        self.titles = sorted(
            " ".join(part for part in (TITLE_PREFIX[seniority], role, suffix) if part)
            for seniority in TITLE_PREFIX
            for role in ROLES
            for suffix in ["", *(f"({s.name})" for s in self.languages)]
        )
        self.locations = []
        for city, region, country, currency in CITIES:
            location = get_or_create_location(Place(city=city, region=region, country=country))
            self.locations.append((location.pk, f"{city} {region}".strip(), country, currency))
        self.companies = self._companies(max(20, self.count // 200))

    def _companies(self, wanted: int) -> list[tuple[int, str]]:
        gen = Company.objects.filter(slug__startswith="gen-").order_by("id")
        have = gen.count()
        new = []
        for n in range(have, wanted):
            name = (
                f"{COMPANY_FIRST[n % 20]}{COMPANY_SECOND[(n // 20) % 20]} "
                f"{COMPANY_KIND[(n // 400) % len(COMPANY_KIND)]}"
            ) + (f" {n // 5600 + 1}" if n >= 5600 else "")
            slug = f"gen-{n}-{slugify(name)}"
            new.append(
                Company(
                    name=name,
                    slug=slug,
                    website=f"https://{slug}.example",
                    is_verified=n % 3 == 0,
                    approved_at=timezone.now(),
                )
            )
        Company.objects.bulk_create(new, batch_size=5000)
        return list(gen.values_list("id", "name"))

    def jobs(self, first_id: int) -> Iterator[GeneratedJob]:
        rng = self.rng
        for n in range(self.count):
            seniority, factor, _ = rng.choices(SENIORITY, cum_weights=self.seniority_weights)[0]
            required = self._pick_skills(rng, rng.randint(2, 4))
            nice = [s for s in self._pick_skills(rng, rng.randint(0, 3)) if s not in required]
            suffix = f"({rng.choice(self.languages).name})" if rng.random() < 0.35 else ""
            title = " ".join(p for p in (TITLE_PREFIX[seniority], rng.choice(ROLES), suffix) if p)
            company_id, company_name = rng.choice(self.companies)
            workplace = _weighted(rng, WORKPLACE)
            employment = "internship" if seniority == "intern" else _weighted(rng, EMPLOYMENT)
            remote_only = workplace == "remote" and rng.random() < 0.5
            places = rng.sample(self.locations, 0 if remote_only else rng.choice([1, 1, 1, 2]))
            anywhere = workplace == "remote" and rng.random() < 0.5
            countries = []
            if workplace == "remote" and not anywhere:
                countries = sorted({c for _, _, c, _ in rng.sample(self.locations, 2)})
            currency = places[0][3] if places else rng.choice(["USD", "EUR", "GBP"])
            yield GeneratedJob(
                id=first_id + n,
                title=title,
                company_id=company_id,
                company_name=company_name,
                sentences=[
                    rng.choice(INTROS),
                    *rng.sample(DUTIES, 4),
                    *rng.sample(WANTS, 3),
                    rng.choice(OFFERS),
                ],
                seniority=seniority,
                workplace=workplace,
                remote_anywhere=anywhere,
                applicant_countries=countries,
                employment_type=employment,
                salary=self._salary(rng, currency, factor, employment),
                published_at=self.now - timedelta(seconds=rng.randrange(0, 30 * 86400)),
                required=required,
                nice=nice,
                places=places,
            )

    def _pick_skills(self, rng, k) -> list[SkillInfo]:
        picked = []
        while len(picked) < k:
            skill = rng.choices(self.skills, cum_weights=self.skill_weights)[0]
            if skill not in picked:
                picked.append(skill)
        return picked

    def _salary(self, rng, currency, factor, employment):
        if rng.random() < 0.2:
            return None, None, "", ""
        mid, spread = PAY[currency]
        low = round(mid * factor * rng.uniform(0.85, 1.1), -3)
        high = low + round(spread * factor * rng.uniform(0.6, 1.2), -3)
        if employment == "contract" and rng.random() < 0.7:
            days = ANNUAL_FACTORS[Period.DAY]
            return int(round(low / days, -1)), int(round(high / days, -1)), currency, Period.DAY
        if employment == "part_time" and rng.random() < 0.5:
            hours = ANNUAL_FACTORS[Period.HOUR]
            return round(low / hours), round(high / hours), currency, Period.HOUR
        return int(low), int(high), currency, Period.YEAR

    def slug(self, title: str) -> str:
        if title not in self.slugs:
            self.slugs[title] = title_slug(title)
        return self.slugs[title]


# A posting's own fields, then what the board sets.
JOB_COLUMNS = [
    "id",
    "slug",
    "company_id",
    *SUBSTANTIVE_FIELDS,
    "status",
    "published_at",
    "expires_at",
    "created_at",
    "updated_at",
    "rejection_reason",
    "view_count",
    "apply_click_count",
    "skill_ids",
    "location_ids",
]


def _copy_batch(cursor, generator: JobGenerator, jobs: list[GeneratedJob]) -> None:
    now = generator.now
    # Skills and places first: the jobs' insert trigger reads them to write the search rows.
    with cursor.copy("COPY jobs_jobskill (job_id, skill_id, is_required) FROM STDIN") as copy:
        for job in jobs:
            for skill in job.required:
                copy.write_row((job.id, skill.pk, True))
            for skill in job.nice:
                copy.write_row((job.id, skill.pk, False))
    with cursor.copy("COPY jobs_job_locations (job_id, location_id) FROM STDIN") as copy:
        for job in jobs:
            for place in job.places:
                copy.write_row((job.id, place[0]))
    with cursor.copy(f"COPY jobs_job ({', '.join(JOB_COLUMNS)}) FROM STDIN") as copy:
        for job in jobs:
            skill_ids = sorted(s.pk for s in job.required + job.nice)
            copy.write_row(
                (
                    job.id,
                    generator.slug(job.title),
                    job.company_id,
                    *(getattr(job, name) for name in SUBSTANTIVE_FIELDS),
                    Job.Status.PUBLISHED.value,
                    job.published_at,
                    job.published_at + timedelta(days=60),
                    now,
                    now,
                    "",
                    0,
                    0,
                    skill_ids,
                    sorted(p[0] for p in job.places),
                )
            )


def _drop_indexes_for_bulk_load(cursor) -> list[str]:
    """Drop the job and search tables' secondary indexes; returns the statements to recreate them.

    Building an index once over a million rows is several times faster than updating it row by
    row. The definitions come from the catalogue, so they are exactly the migrations' own.
    """
    cursor.execute(
        """
        SELECT indexname, indexdef FROM pg_indexes
        WHERE tablename IN ('jobs_job', 'jobs_searchrow') AND indexname NOT IN (
            SELECT conname FROM pg_constraint
            WHERE conrelid IN ('jobs_job'::regclass, 'jobs_searchrow'::regclass))
        """
    )
    indexes = cursor.fetchall()
    for name, _ in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
    return [definition for _, definition in indexes]


def generate_jobs(
    *, count: int, seed: int, now: datetime, progress: Callable[[int, int], None] | None = None
) -> int:
    """Create `count` published jobs in one transaction; returns how many were created."""
    generator = JobGenerator(count=count, seed=seed, now=now)
    generator.prepare()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("LOCK TABLE jobs_job IN EXCLUSIVE MODE")
        cursor.execute("SELECT pg_get_serial_sequence('jobs_job', 'id')")
        sequence = cursor.fetchone()[0]
        cursor.execute("SELECT nextval(%s)", [sequence])
        first_id = cursor.fetchone()[0]
        cursor.execute("SELECT setval(%s, %s)", [sequence, first_id + count - 1])
        recreate = _drop_indexes_for_bulk_load(cursor) if count >= 100_000 else []
        jobs = generator.jobs(first_id)
        done = 0
        while done < count:
            batch = [next(jobs) for _ in range(min(BATCH, count - done))]
            _copy_batch(cursor, generator, batch)
            done += len(batch)
            # The triggers join each batch with the tables written so far. Autovacuum, which
            # cannot see this transaction's rows, may have analysed them as empty, and the
            # planner then scans them once per new row: a 100,000-job load took minutes a batch.
            # Analysed here, in the transaction, they are counted with the rows it added.
            cursor.execute("ANALYZE jobs_job, jobs_jobskill, jobs_job_locations, jobs_searchrow")
            if progress:
                progress(done, count)
        # Django's foreign keys are deferred; check them now, before the indexes are rebuilt.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for statement in recreate:
            cursor.execute(statement)
        # A board's search rows arrive in date order; these were written in random order
        # within each batch. Newest-first reads then touch neighbouring pages, as in service.
        cursor.execute("CLUSTER jobs_searchrow USING searchrow_newest")
    # Every table it wrote (companies and places too), so that no plan waits for autovacuum: at
    # 100,000 jobs, unanalysed places turned a location filter into a 500-fold nested loop.
    # Vacuumed too, where that can run (outside a transaction): until a vacuum marks the new
    # pages all-visible, an index-only scan reads the table as well, and autovacuum may be off
    # or behind (it was off on the server the benchmarks ran on).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")
    return count
