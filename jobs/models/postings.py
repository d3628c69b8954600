"""Jobs and their places and skills, with `published()`, the one definition of public."""

from collections.abc import Callable
from functools import cache, cached_property, partial

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower
from django.db.models.query import ModelIterable
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django_countries.fields import CountryField

from careerboard.caching import PLACES_COPY, worker_copy
from careerboard.db_routers import read_database, read_prepared
from careerboard.markdown import render_markdown
from careerboard.models import ANNUAL_FACTORS, Period, Skill, skills_by_id
from jobs.models.companies import Company


class Location(models.Model):
    """A place, normalised so that "UK" and "United Kingdom" are one country."""

    city = models.CharField(max_length=100, blank=True)
    region = models.CharField(max_length=100, blank=True)
    country = CountryField()

    class Meta:
        ordering = ["country", "region", "city"]
        constraints = [
            models.UniqueConstraint(
                Lower("city"), Lower("region"), "country", name="location_unique_place"
            ),
        ]
        indexes = [models.Index(Lower("city"), name="location_city_lower")]

    def __str__(self):
        return ", ".join(part for part in (self.city, self.region, self.country.name) if part)


def title_slug(title: str) -> str:
    """The slug of a job's URL, made from its title (a title of no Latin letters reads "job")."""
    return slugify(title)[:160] or "job"


# Beside each job of `with_card_data`: its places' ids in the order of Location.Meta.ordering,
# and its skills as [job skill id, skill id, required] (ordered by name once named).
CARD_PLACES_SQL = """ARRAY(SELECT p.id FROM jobs_job_locations jl JOIN jobs_location p
    ON p.id = jl.location_id WHERE jl.job_id = jobs_job.id ORDER BY p.country, p.region, p.city)"""
CARD_SKILLS_SQL = """ARRAY(SELECT ARRAY[js.id, js.skill_id, js.is_required::int]
    FROM jobs_jobskill js WHERE js.job_id = jobs_job.id)"""


class JobQuerySet(models.QuerySet):
    def published(self):
        """What the public may see: published and not past its expiry, whatever cron did."""
        return self.filter(status=Job.Status.PUBLISHED, expires_at__gt=timezone.now())

    def for_company_member(self, user):
        return self.filter(company__members=user)

    def with_card_data(self):
        """What a job card shows, fetched in bulk: company, locations and skills.

        One query: the ids of each job's places and skills come as arrays beside it, and the
        places and skills themselves from the worker's copies (`places_by_id`, `skills_by_id`),
        set on each job as if prefetched. The description is left in the database: a card does
        not show it, and at scale it is kilobytes per row.
        """
        return self.with_page_data().defer("description")

    def with_page_data(self):
        """A job's own page: the card data and the description, in one query as well."""
        jobs = self.select_related("company").annotate(
            card_place_ids=RawSQL(CARD_PLACES_SQL, ()), card_skills=RawSQL(CARD_SKILLS_SQL, ())
        )
        jobs._iterable_class = CardDataIterable
        return jobs


# The largest id a bigint holds: an id beyond it (typed into a URL) is no job's.
MAX_ID = 2**63 - 1


def jobs_for_cards(ids: list[int]) -> dict[int, "Job"]:
    """What `Job.objects.with_card_data().in_bulk(ids)` gives, read by one prepared statement.

    Search pages read their cards by id this way: the statement's text never changes, so the
    server plans it once per connection (careerboard/db_routers.py, read_prepared) and the ORM
    does not build it again.
    """
    jobs = card_jobs(ids)
    attach_card_data(list(jobs.values()))
    return jobs


def card_jobs(ids: list[int], *, description: bool = False) -> dict[int, "Job"]:
    """Jobs with their companies and the ids of their places and skills (without their
    description unless asked), by one prepared statement: their places and skills are then named
    by attach_card_data(), once for all the jobs of a page read this way. The jobs and their
    companies are made with `from_db`, as a query makes them."""
    ids = [pk for pk in ids if 0 < pk <= MAX_ID]
    if not ids:
        return {}
    columns, job_fields, company_fields = _card_columns(description)
    sql = f"""SELECT {columns}
        FROM jobs_job JOIN jobs_company ON jobs_company.id = jobs_job.company_id
        WHERE jobs_job.id = ANY(%s::bigint[])"""
    jobs = _jobs_from_rows(read_prepared(sql, [ids]), job_fields, company_fields)
    return {job.pk: job for job in jobs}


# The newest open jobs asking for any of a job's skills, ranked by how many they ask for, then
# whether they are of its seniority; then by date, as they were read. "Open" is
# JobQuerySet.published() written out, with the status as a literal: built by the ORM, the status
# is a parameter, and the prepared statement's generic plan cannot use the partial index of
# published jobs (1.6 ms more a job page). tests/jobs/test_job_pages.py leaves an expired job out.
SIMILAR_JOBS_SQL = """
WITH newest AS (
    SELECT id, skill_ids, seniority, published_at FROM jobs_job
    WHERE status = 'published' AND expires_at > %s AND skill_ids && %s::bigint[] AND id <> %s
    ORDER BY published_at DESC, id DESC LIMIT %s
), ranked AS (
    SELECT id, row_number() OVER (
        ORDER BY (SELECT count(*) FROM unnest(skill_ids) AS skill WHERE skill = ANY(%s::bigint[]))
                 DESC,
                 seniority <> %s, published_at DESC, id DESC
    ) AS rank
    FROM newest
)
SELECT {columns}
FROM ranked JOIN jobs_job ON jobs_job.id = ranked.id
JOIN jobs_company ON jobs_company.id = jobs_job.company_id
WHERE ranked.rank <= %s ORDER BY ranked.rank
"""
# How many of the newest jobs sharing a skill are ranked.
SIMILAR_CANDIDATES = 60


def similar_card_jobs(job: "Job", limit: int) -> list["Job"]:
    """Of the newest open jobs that share a skill with `job`, those that share the most, then
    those of its seniority, then the newest: read as card_jobs() reads jobs, in one prepared
    statement that finds, ranks and reads them."""
    if not job.skill_ids:
        return []
    columns, job_fields, company_fields = _card_columns(False)
    skills = list(job.skill_ids)
    params = [timezone.now(), skills, job.pk, SIMILAR_CANDIDATES, skills, job.seniority, limit]
    rows = read_prepared(SIMILAR_JOBS_SQL.format(columns=columns), params)
    return _jobs_from_rows(rows, job_fields, company_fields)


def _jobs_from_rows(rows, job_fields: list[str], company_fields: list[str]) -> list["Job"]:
    alias = read_database()
    split = len(job_fields)
    jobs = []
    for row in rows:
        job = Job.from_db(alias, job_fields, row[:split])
        job._state.fields_cache["company"] = Company.from_db(alias, company_fields, row[split:-2])
        job.card_place_ids, job.card_skills = row[-2], row[-1]
        jobs.append(job)
    return jobs


@cache
def _card_columns(description: bool) -> tuple[str, list[str], list[str]]:
    """What card_jobs() reads: each job's columns (the description only when asked), its
    company's, and the ids of its places and skills; with the names of the fields read."""
    job_fields = [
        field for field in Job._meta.concrete_fields if description or field.name != "description"
    ]
    company_fields = list(Company._meta.concrete_fields)
    columns = [f'jobs_job."{field.column}"' for field in job_fields]
    columns += [f'jobs_company."{field.column}"' for field in company_fields]
    return (
        f"{', '.join(columns)}, {CARD_PLACES_SQL}, {CARD_SKILLS_SQL}",
        [field.attname for field in job_fields],
        [field.attname for field in company_fields],
    )


class CardDataIterable(ModelIterable):
    """Jobs read `with_card_data()`, their places and skills set from the arrays read beside
    them: a page of cards costs one query, whatever its size."""

    def __iter__(self):
        jobs = list(super().__iter__())
        attach_card_data(jobs)
        yield from jobs


def attach_card_data(jobs: list["Job"]) -> None:
    """Sets on jobs read with the ids of their places and skills (`card_place_ids`,
    `card_skills`) those places, and their skills as `card_skill_list`: (skill, is_required)
    pairs, required first, then by name, as a card shows them. `job_skills` and `locations`
    answer as if prefetched; a job's JobSkill rows are made only if asked for (a page of cards
    never does: making them was half of this)."""
    places = places_by_id({pk for job in jobs for pk in job.card_place_ids})
    skills = skills_by_id()
    for job in jobs:
        ordered = sorted(job.card_skills, key=lambda row: (not row[2], skills[row[1]].name))
        job.card_skill_list = [(skills[skill_id], bool(req)) for _, skill_id, req in ordered]
        as_prefetched(job, "job_skills", partial(_job_skills, job, ordered, skills))
        as_prefetched(job, "locations", partial(list, [places[pk] for pk in job.card_place_ids]))


def _job_skills(job: "Job", ordered: list, skills: dict[int, Skill]) -> list["JobSkill"]:
    """The job's JobSkill rows from the (id, skill id, required) rows read beside it, in the
    order attach_card_data() gave them."""
    job_skills = []
    for pk, skill_id, required in ordered:
        job_skill = JobSkill.from_db(job._state.db, None, (pk, job.pk, skill_id, bool(required)))
        job_skill._state.fields_cache.update(job=job, skill=skills[skill_id])
        job_skills.append(job_skill)
    return job_skills


def as_prefetched(instance: models.Model, relation: str, objects: Callable[[], list]) -> None:
    """Sets what `instance.<relation>.all()` gives, as prefetch_related would have: the rows
    objects() makes, the first time they are asked for."""
    rows = PrefetchedRows(instance, relation, objects)
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[relation] = rows


class PrefetchedRows(models.QuerySet):
    """A relation's rows, already read. Building the relation's own filtered query for each job
    of a page cost more than reading the page; it is built only when a query is derived from the
    rows (filter, order_by, ...), which then asks the database as it would after prefetch_related.
    """

    def __init__(self, instance: models.Model, relation: str, objects: Callable[[], list]):
        self._objects = objects
        super().__init__(model=instance._meta.get_field(relation).related_model)
        self._instance = instance
        self._relation = relation
        self._prefetch_done = True

    @property
    def _result_cache(self) -> list:
        """The rows, made when first read, by whatever reads them (iteration, len(), count(),
        exists(), an index, pickling)."""
        if self._objects is not None:
            self._rows = self._objects()
            self._objects = None
        return self._rows

    @_result_cache.setter
    def _result_cache(self, rows):
        # QuerySet.__init__ says "not read yet" (None): the rows are objects()'s.
        if rows is not None:
            self._rows, self._objects = rows, None

    def _chain(self):
        manager = getattr(self._instance, self._relation)
        return manager._apply_rel_filters(self.model._default_manager.get_queryset())._chain()


def places_by_id(ids) -> dict[int, Location]:
    """The places of these ids. A worker keeps those it has read while public data stays as it
    was (careerboard/caching.py) and reads only the others."""
    known = worker_copy(PLACES_COPY, dict)
    missing = [pk for pk in ids if pk not in known]
    if missing:
        known.update(Location.objects.in_bulk(missing))
    return known


def annualised(field: str) -> Case:
    """The yearly equivalent of a salary field, as the database computes it."""
    return Case(
        *[
            When(salary_period=period, then=F(field) * Value(factor))
            for period, factor in ANNUAL_FACTORS.items()
        ],
        default=None,
        output_field=models.BigIntegerField(),
    )


class JobStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PENDING = "pending", "Pending review"
    PUBLISHED = "published", "Published"
    REJECTED = "rejected", "Rejected"
    CLOSED = "closed", "Closed (filled)"
    EXPIRED = "expired", "Expired"


class Workplace(models.TextChoices):
    ONSITE = "onsite", "On-site"
    HYBRID = "hybrid", "Hybrid"
    REMOTE = "remote", "Remote"


def remote_scope_error(
    *, workplace: str, remote_anywhere: bool, applicant_countries: list[str]
) -> str | None:
    """What is wrong with where a job says its applicants may live, or None: the one statement
    of the rule, used by `Job.clean()` and so by the posting form, the API and the admin.

    Only a remote job says it (the constraint `job_remote_scope_only_when_remote` holds the
    database to that much), and a remote job says it one way: anywhere, or the countries listed.
    """
    if workplace != Workplace.REMOTE:
        if remote_anywhere or applicant_countries:
            return "Where applicants may live applies to remote jobs only."
        return None
    if remote_anywhere and applicant_countries:
        return "Either applicants may live anywhere or only in these countries, not both."
    if not remote_anywhere and not applicant_countries:
        return "Say where applicants may live: tick “anywhere” or list the countries."
    return None


class Job(models.Model):
    Status = JobStatus
    Workplace = Workplace

    class EmploymentType(models.TextChoices):
        FULL_TIME = "full_time", "Full-time"
        PART_TIME = "part_time", "Part-time"
        CONTRACT = "contract", "Contract"
        TEMPORARY = "temporary", "Temporary"
        INTERNSHIP = "internship", "Internship"

    class Seniority(models.TextChoices):
        INTERN = "intern", "Intern"
        JUNIOR = "junior", "Junior"
        MID = "mid", "Mid-level"
        SENIOR = "senior", "Senior"
        LEAD = "lead", "Lead / principal"

    # Which status may follow which: the one place this is decided.
    TRANSITIONS = {
        Status.DRAFT: {Status.PENDING, Status.PUBLISHED},
        Status.PENDING: {Status.PUBLISHED, Status.REJECTED, Status.DRAFT},
        Status.PUBLISHED: {Status.CLOSED, Status.EXPIRED, Status.PENDING},
        Status.REJECTED: {Status.DRAFT},
        Status.CLOSED: {Status.DRAFT},
        Status.EXPIRED: {Status.PUBLISHED, Status.PENDING, Status.DRAFT},
    }

    title = models.CharField(max_length=150)
    slug = models.SlugField(max_length=160)
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="jobs")
    description = models.TextField(help_text="Markdown.")
    locations = models.ManyToManyField(Location, blank=True, related_name="jobs")
    workplace = models.CharField(max_length=10, choices=Workplace.choices)
    remote_anywhere = models.BooleanField(
        "applicants may live anywhere", default=False, help_text="Remote jobs only."
    )
    applicant_countries = ArrayField(
        models.CharField(max_length=2),
        default=list,
        blank=True,
        help_text="Remote jobs: ISO codes of the countries applicants may live in.",
    )
    employment_type = models.CharField(max_length=12, choices=EmploymentType.choices)
    seniority = models.CharField(max_length=10, choices=Seniority.choices)
    salary_min = models.PositiveIntegerField(null=True, blank=True)
    salary_max = models.PositiveIntegerField(null=True, blank=True)
    salary_currency = models.CharField(max_length=3, blank=True)
    salary_period = models.CharField(max_length=10, choices=Period.choices, blank=True)
    salary_min_annual = models.GeneratedField(
        expression=annualised("salary_min"),
        output_field=models.BigIntegerField(null=True),
        db_persist=True,
    )
    salary_max_annual = models.GeneratedField(
        expression=annualised("salary_max"),
        output_field=models.BigIntegerField(null=True),
        db_persist=True,
    )
    skills = models.ManyToManyField(Skill, through="JobSkill", related_name="jobs")
    apply_url = models.URLField("apply at (URL)", max_length=500, blank=True)
    apply_email = models.EmailField("apply by email", blank=True)
    apply_on_site = models.BooleanField(
        "accept applications on CareerBoard",
        default=False,
        help_text="Seekers apply here with their profile and resume.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When it last went to review."
    )
    rejection_reason = models.TextField(blank=True)
    # A database default too: the benchmark generator writes rows with COPY.
    revision = models.PositiveIntegerField(
        default=1,
        db_default=1,
        editable=False,
        help_text="Goes up by one with every change of substance.",
    )
    approved_revision = models.PositiveIntegerField(
        null=True,
        blank=True,
        editable=False,
        help_text="The revision a moderator last approved.",
    )
    expiry_warned_at = models.DateTimeField(null=True, blank=True, editable=False)
    view_count = models.PositiveIntegerField(default=0, editable=False)
    apply_click_count = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Derived from the rows above by services.job_reindex(), for matching and similar jobs.
    skill_ids = ArrayField(models.BigIntegerField(), default=list, editable=False)
    location_ids = ArrayField(models.BigIntegerField(), default=list, editable=False)

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="job_salary_min_le_max",
                condition=Q(salary_min__isnull=True)
                | Q(salary_max__isnull=True)
                | Q(salary_min__lte=F("salary_max")),
            ),
            models.CheckConstraint(
                name="job_salary_has_currency_and_period",
                condition=(Q(salary_min__isnull=True) & Q(salary_max__isnull=True))
                | (~Q(salary_currency="") & ~Q(salary_period="")),
            ),
            models.CheckConstraint(
                name="job_has_way_to_apply",
                condition=~Q(apply_url="") | ~Q(apply_email="") | Q(apply_on_site=True),
            ),
            models.CheckConstraint(
                name="job_published_has_dates",
                condition=~Q(status="published")
                | Q(published_at__isnull=False, expires_at__isnull=False),
            ),
            models.CheckConstraint(
                name="job_expires_after_published",
                condition=Q(published_at__isnull=True)
                | Q(expires_at__isnull=True)
                | Q(expires_at__gt=F("published_at")),
            ),
            models.CheckConstraint(
                name="job_remote_scope_only_when_remote",
                condition=Q(workplace="remote")
                | (Q(remote_anywhere=False) & Q(applicant_countries=[])),
            ),
            models.CheckConstraint(
                name="job_status_valid",
                condition=Q(status__in=JobStatus.values),
            ),
            models.CheckConstraint(
                name="job_workplace_valid",
                condition=Q(workplace__in=Workplace.values),
            ),
            models.CheckConstraint(
                name="job_approved_revision_not_ahead",
                condition=Q(approved_revision__isnull=True)
                | Q(approved_revision__lte=F("revision")),
            ),
        ]
        indexes = [
            GinIndex(fields=["skill_ids"], name="job_skill_ids_gin"),
            GinIndex(fields=["location_ids"], name="job_location_ids_gin"),
            models.Index(
                F("published_at").desc(),
                "id",
                name="job_published_newest",
                condition=Q(status="published"),
            ),
            models.Index(
                F("salary_max_annual").desc(nulls_last=True),
                "id",
                name="job_published_salary",
                condition=Q(status="published"),
            ),
            models.Index(fields=["company", "status"], name="job_company_status"),
            models.Index(fields=["status", "expires_at"], name="job_status_expiry"),
            models.Index(
                fields=["submitted_at"], name="job_review_queue", condition=Q(status="pending")
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # The URL carries the title; the view sends an old or a wrong slug on to this one.
        self.slug = title_slug(self.title)
        if "title" in (kwargs.get("update_fields") or ()):
            kwargs["update_fields"] = {*kwargs["update_fields"], "slug"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("jobs:job_detail", args=[self.pk, self.slug])

    def clean(self):
        errors = {}
        if (
            self.salary_min is not None
            and self.salary_max is not None
            and self.salary_min > self.salary_max
        ):
            errors["salary_max"] = "The maximum salary must not be below the minimum."
        has_salary = self.salary_min is not None or self.salary_max is not None
        if has_salary and not self.salary_currency:
            errors["salary_currency"] = "Give the currency of the salary."
        if has_salary and not self.salary_period:
            errors["salary_period"] = "Say whether the salary is per hour, day, month or year."
        if not self.apply_url and not self.apply_email and not self.apply_on_site:
            errors["apply_url"] = (
                "Give a link or an email address where people can apply, "
                "or accept applications on CareerBoard."
            )
        if scope_error := remote_scope_error(
            workplace=self.workplace,
            remote_anywhere=self.remote_anywhere,
            applicant_countries=self.applicant_countries,
        ):
            errors["remote_anywhere"] = scope_error
        if errors:
            raise ValidationError(errors)

    @property
    def is_public(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.expires_at is not None
            and self.expires_at > timezone.now()
        )

    @cached_property
    def description_html(self):
        return render_markdown(self.description)

    @property
    def has_salary(self) -> bool:
        return self.salary_min is not None or self.salary_max is not None

    def can_transition_to(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.status, set())


class JobSkill(models.Model):
    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="job_skills")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="job_skills")
    is_required = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job", "skill"], name="jobskill_unique"),
        ]
        indexes = [models.Index(fields=["skill", "job"], name="jobskill_skill_job")]

    def __str__(self):
        kind = "required" if self.is_required else "nice to have"
        return f"{self.skill} ({kind})"
