"""The job search FilterSet: one definition of search for pages, feeds and the API."""

import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta

import django_filters
from django import forms
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import SearchRank
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, DateTimeField, ExpressionWrapper, F, Func, Q, Value
from django.utils import timezone
from django_countries import countries
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from careerboard.models import Skill
from jobs.locations import country_code, location_condition
from jobs.models import Company, Job, Location
from jobs.search import build_search_query

# Above this many rows in the jobs table, counts come from a sample of its pages...
EXACT_STATS_UP_TO = 50_000
# ... of about this many rows ...
STATS_SAMPLE_ROWS = 4_000
# ... unless no more than this many sampled rows match: then counting exactly is cheap.
MIN_SAMPLE_HITS = 3
STATS_CACHE_SECONDS = 300
# Relevance ranks only the newest matches, so a broad query never ranks the whole board...
RANK_CANDIDATES = 500
# ... but when the counts say there are few matches, it ranks them all, which costs little.
RANK_ALL_UP_TO = 3000
# Newest-first reads the date index backwards until it has the rows it needs, which is quick
# when matches are common: about needed * board / matches rows. When that would pass over more
# rows than this, the matches are read through the filters' own indexes and sorted instead.
WALK_BUDGET_ROWS = 20_000
# A first page of results, on the site (20) or in the API (50).
FIRST_PAGE_ROWS = 50

POSTED_WITHIN = [("1", "Last 24 hours"), ("7", "Last 7 days"), ("30", "Last 30 days")]
CURRENCIES = [
    ("USD", "US dollars"),
    ("EUR", "Euros"),
    ("GBP", "Pounds sterling"),
    ("CAD", "Canadian dollars"),
    ("AUD", "Australian dollars"),
    ("INR", "Indian rupees"),
    ("CHF", "Swiss francs"),
]


def _is_empty(value) -> bool:
    if value is None or isinstance(value, str):
        return not value
    return hasattr(value, "__len__") and len(value) == 0


class Sort:
    RELEVANCE = "relevance"
    NEWEST = "newest"
    SALARY = "salary"
    CHOICES = [(RELEVANCE, "Best match"), (NEWEST, "Newest"), (SALARY, "Highest salary")]


class SkillSlugsField(forms.ModelMultipleChoiceField):
    """Skill slugs; an empty value (``?skill=``) means no skill filter, not a bad skill."""

    def clean(self, value):
        return super().clean([slug for slug in value or [] if slug])


@extend_schema_field(OpenApiTypes.STR)
class SkillSlugFilter(django_filters.ModelMultipleChoiceFilter):
    """Skills by slug, all required; repeat the parameter for several."""

    field_class = SkillSlugsField


class JobFilterSet(django_filters.FilterSet):
    """Each filter is a condition (`condition_<name>`); the search is their conjunction.

    Facet counts reuse the same conditions, leaving out each facet's own one, so an option's count
    is what a person gets by ticking it.
    """

    FACETS = ("workplace", "employment_type", "seniority", "posted")

    q = django_filters.CharFilter(label="Keywords", max_length=200)
    location = django_filters.CharFilter(label="Location", max_length=120)
    workplace = django_filters.MultipleChoiceFilter(
        choices=Job.Workplace.choices, widget=forms.CheckboxSelectMultiple
    )
    employment_type = django_filters.MultipleChoiceFilter(
        label="Employment type",
        choices=Job.EmploymentType.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    seniority = django_filters.MultipleChoiceFilter(
        choices=Job.Seniority.choices, widget=forms.CheckboxSelectMultiple
    )
    salary_min = django_filters.NumberFilter(
        label="Minimum yearly salary", min_value=0, max_value=100_000_000, decimal_places=0
    )
    currency = django_filters.ChoiceFilter(choices=CURRENCIES, empty_label="Any currency")
    skill = SkillSlugFilter(
        label="Skills (all required)",
        queryset=Skill.objects.visible(),
        to_field_name="slug",
    )
    posted = django_filters.ChoiceFilter(
        label="Posted", choices=POSTED_WITHIN, empty_label="Any time", widget=forms.RadioSelect
    )
    company = django_filters.CharFilter(label="Company", max_length=140)
    sort = django_filters.ChoiceFilter(label="Sort by", choices=Sort.CHOICES, empty_label=None)

    class Meta:
        model = Job
        fields = []

    def __init__(self, *args, now=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.now = now or timezone.now()
        # Set from stats() when known, so the ordering can choose its plan.
        self.expected_total: int | None = None

    # Conditions, one per filter -------------------------------------------------------------

    def condition_q(self, value):
        query = build_search_query(value)
        return Q(search_vector=query) if query is not None else None

    def condition_location(self, value):
        places = Location.objects.filter(location_condition(value)).values("id")
        return Q(location_ids__overlap=ArraySubquery(places))

    def condition_workplace(self, value):
        return Q(workplace__in=value)

    def condition_employment_type(self, value):
        return Q(employment_type__in=value)

    def condition_seniority(self, value):
        return Q(seniority__in=value)

    def condition_salary_min(self, value):
        return Q(salary_max_annual__gte=int(value))

    def condition_currency(self, value):
        return Q(salary_currency=value)

    def condition_skill(self, value):
        return Q(skill_ids__contains=[skill.pk for skill in value])

    def condition_posted(self, value):
        return Q(published_at__gte=self.now - timedelta(days=int(value)))

    def cleaned_data(self) -> dict:
        """The values that passed validation; invalid ones are reported, not applied."""
        if not self.is_bound:
            return {}
        self.form.is_valid()
        return self.form.cleaned_data

    def condition_company(self, value):
        return Q(company__slug=value)

    def conditions(self) -> dict[str, Q]:
        data = self.cleaned_data()
        conditions = {}
        for name in self.filters:
            value = data.get(name)
            method = getattr(self, f"condition_{name}", None)
            if method is None or _is_empty(value):
                continue
            condition = method(value)
            if condition is not None:
                conditions[name] = condition
        return conditions

    def describe(self) -> str:
        """The search in words, as a person would name it: "Python, Django, remote, in Germany".

        Keywords first, then each filter in the labels the search form shows; filters that did
        not validate are left out, as they are from the search. Empty for "everything".
        """
        data = self.cleaned_data()
        fields = self.form.fields
        words = [data["q"]] if data.get("q") else []
        words += [skill.name for skill in data.get("skill") or []]
        for name in ("workplace", "employment_type", "seniority"):
            chosen = data.get(name) or []
            words += [
                str(label).lower() for value, label in fields[name].choices if value in chosen
            ]
        if data.get("location"):
            code = country_code(data["location"])
            words.append(f"in {countries.name(code) if code else data['location']}")
        currency = data.get("currency") or ""
        if data.get("salary_min") is not None:
            salary = f"{fields['salary_min'].label.lower()} {int(data['salary_min']):,}"
            words.append(f"{salary} {currency}".strip())
        elif currency:
            words.append(f"paid in {currency}")
        if data.get("posted"):
            words.append(f"posted in the {dict(fields['posted'].choices)[data['posted']].lower()}")
        if data.get("company"):
            company = Company.objects.filter(slug=data["company"]).values_list("name", flat=True)
            words.append(f"at {company.first() or data['company']}")
        text = ", ".join(words)
        return text[:1].upper() + text[1:]

    # Results -----------------------------------------------------------------------------

    @property
    def search_query(self):
        return build_search_query(self.cleaned_data().get("q") or "")

    @property
    def sort_order(self) -> str:
        sort = self.cleaned_data().get("sort")
        if sort == Sort.RELEVANCE and self.search_query is None:
            return Sort.NEWEST
        return sort or (Sort.RELEVANCE if self.search_query is not None else Sort.NEWEST)

    def filter_queryset(self, queryset):
        queryset = queryset.filter(*self.conditions().values())
        return self.order(queryset)

    def order(self, queryset):
        order = self.sort_order
        if order == Sort.RELEVANCE:
            rank = SearchRank(F("search_vector"), self.search_query)
            if self.expected_total is not None and self.expected_total <= RANK_ALL_UP_TO:
                return queryset.annotate(rank=rank).order_by("-rank", "-published_at", "-id")
            newest = self.newest_first(RANK_CANDIDATES)
            candidates = queryset.order_by(*newest).values("pk")[:RANK_CANDIDATES]
            return (
                queryset.model.objects.filter(pk__in=candidates)
                .annotate(rank=rank)
                .order_by("-rank", "-published_at", "-id")
            )
        if order == Sort.SALARY:
            return queryset.order_by(
                F("salary_max_annual").desc(nulls_last=True), "-published_at", "-id"
            )
        return queryset.order_by(*self.newest_first(FIRST_PAGE_ROWS))

    def newest_first(self, needed: int) -> tuple:
        """Newest first, in the form that suits how common the matches are (see above)."""
        if self.expected_total is None:
            return ("-published_at", "-id")
        board = max(jobs_table_rows(), self.expected_total)  # the planner's figure may lag
        if needed * board <= WALK_BUDGET_ROWS * max(self.expected_total, 1):
            return ("-published_at", "-id")
        # The same order, as an expression the date index cannot answer.
        published = ExpressionWrapper(
            F("published_at") + Value(timedelta(0)), output_field=DateTimeField()
        )
        return (published.desc(), "-id")

    # Facets ------------------------------------------------------------------------------

    def facet_choices(self, name):
        return list(self.filters[name].extra["choices"])

    def facet_counts(self, queryset, *, sample_percent: float | None = None) -> dict:
        """Total and per-option counts in one query: {"total": n, "workplace": {"remote": n}}.

        With `sample_percent`, the counts are taken over that share of the table's pages and
        scaled up; "base" is how many sampled rows match the non-facet filters.
        """
        conditions = self.conditions()
        base = queryset.filter(
            *[condition for name, condition in conditions.items() if name not in self.FACETS]
        )
        aggregates, keys = {"base": Count("pk")}, {}

        def count_where(*qs):
            qs = [q for q in qs if q is not None]
            return Count("pk", filter=Q(*qs)) if qs else Count("pk")

        facet_conditions = {n: c for n, c in conditions.items() if n in self.FACETS}
        aggregates["total"] = count_where(*facet_conditions.values())
        for facet in self.FACETS:
            others = [c for n, c in facet_conditions.items() if n != facet]
            for i, (value, _label) in enumerate(self.facet_choices(facet)):
                alias = f"{facet}_{i}"
                keys[alias] = (facet, value)
                option = value if facet == "posted" else [value]
                condition = getattr(self, f"condition_{facet}")(option)
                aggregates[alias] = count_where(*others, condition)
        query = base.order_by().values(_all=Value(1)).annotate(**aggregates).values(*aggregates)
        (result,) = run_sampled(query, sample_percent)
        counts = {"total": result["total"], "base": result["base"]}
        counts |= {facet: {} for facet in self.FACETS}
        for alias, (facet, value) in keys.items():
            counts[facet][value] = result[alias]
        return counts

    def top_skills(self, queryset, limit=12, *, sample_percent=None) -> list[tuple[Skill, int]]:
        """The skills most asked for among the results, with how many results ask for each."""
        query = (
            queryset.filter(*self.conditions().values())
            .order_by()
            .annotate(skill_id=Func(F("skill_ids"), function="unnest"))
            .values("skill_id")
            .annotate(n=Count("*"))
            .order_by("-n", "skill_id")[:limit]
        )
        rows = run_sampled(query, sample_percent)
        skills = Skill.objects.visible().in_bulk([row["skill_id"] for row in rows])
        return [(skills[row["skill_id"]], row["n"]) for row in rows if row["skill_id"] in skills]

    def stats(self, queryset) -> "SearchStats":
        """Counts for the page: exact on small boards and small result sets, else estimated.

        Counting hundreds of thousands of matches costs more than the page is allowed, so on a
        large board the counts come from a sample of the table's pages (what search engines do),
        are marked as estimates, and every result is cached for a few minutes.
        """
        key = "search-stats:" + hashlib.sha256(self._cache_identity().encode()).hexdigest()
        stats = cache.get(key)
        if stats is None:
            stats = self._compute_stats(queryset)
            cache.set(key, stats, STATS_CACHE_SECONDS)
        self.expected_total = stats.total
        return stats

    def _cache_identity(self) -> str:
        data = {
            name: value
            for name, value in self.cleaned_data().items()
            if name != "sort" and not _is_empty(value)
        }
        data["skill"] = sorted(skill.slug for skill in data.get("skill", []))
        day = self.now.date().isoformat()  # "posted within" windows move with the date
        return json.dumps(data, sort_keys=True, default=str) + day

    def _compute_stats(self, queryset) -> "SearchStats":
        percent = sample_percent()
        if percent is not None:
            sampled = self.facet_counts(queryset, sample_percent=percent)
            if sampled["base"] >= MIN_SAMPLE_HITS:
                scale = 100.0 / percent
                return SearchStats(
                    total=round(sampled["total"] * scale),
                    facets={
                        facet: {value: round(n * scale) for value, n in options.items()}
                        for facet, options in sampled.items()
                        if facet in self.FACETS
                    },
                    top_skills=[
                        (skill, round(n * scale))
                        for skill, n in self.top_skills(queryset, sample_percent=percent)
                    ],
                    is_estimate=True,
                    resolution=round(scale),
                )
        counts = self.facet_counts(queryset)
        return SearchStats(
            total=counts["total"],
            facets={facet: counts[facet] for facet in self.FACETS},
            top_skills=self.top_skills(queryset),
            is_estimate=False,
            resolution=1,
        )


@dataclass
class SkillCounts:
    """Open jobs per skill id over the whole board, estimated from a sample on large boards."""

    counts: dict[int, int]
    is_estimate: bool


def skill_job_counts(queryset) -> SkillCounts:
    """Counted once every few minutes at most: a million jobs ask for several million skills."""
    counted = cache.get("skill-job-counts")
    if counted is None:
        percent = sample_percent(5)
        query = (
            queryset.order_by()
            .annotate(skill_id=Func(F("skill_ids"), function="unnest"))
            .values("skill_id")
            .annotate(n=Count("*"))
        )
        scale = 100.0 / percent if percent else 1
        counted = SkillCounts(
            counts={
                row["skill_id"]: round(row["n"] * scale) for row in run_sampled(query, percent)
            },
            is_estimate=percent is not None,
        )
        cache.set("skill-job-counts", counted, STATS_CACHE_SECONDS)
    return counted


@dataclass
class SearchStats:
    total: int
    facets: dict[str, dict[str, int]]
    top_skills: list[tuple[Skill, int]]
    is_estimate: bool
    # With estimates, counts below this were too rare for the sample to see.
    resolution: int


def sample_percent(rows_factor: int = 1) -> float | None:
    """The share of the table's pages to read for about rows_factor * STATS_SAMPLE_ROWS rows.

    None means the board is small enough to read whole.
    """
    rows_wanted = STATS_SAMPLE_ROWS * rows_factor
    rows = jobs_table_rows()
    if rows <= EXACT_STATS_UP_TO:
        return None
    return min(100.0, max(0.05, 100.0 * rows_wanted / rows))


def run_sampled(query, sample_percent: float | None) -> list[dict]:
    """Run a values() query, over a sample of the jobs table's pages when asked to."""
    if sample_percent is None:
        return list(query)
    sql, params = query.query.sql_with_params()
    table = f"FROM {connection.ops.quote_name(Job._meta.db_table)}"
    if sql.count(table) != 1:
        raise ValueError("Sampling needs exactly one reference to the jobs table.")
    # A fixed seed samples the same pages each time, so the figures do not flicker.
    sampled = f"{table} TABLESAMPLE SYSTEM ({float(sample_percent):.4f}) REPEATABLE (0)"
    with connection.cursor() as cursor:
        cursor.execute(sql.replace(table, sampled), params)
        columns = [column.name for column in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def jobs_table_rows() -> int:
    """The planner's estimate of the jobs table's size (free, and fine for choosing a method)."""
    rows = cache.get("jobs-table-rows")
    if rows is None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                [Job._meta.db_table],
            )
            rows = max(0, cursor.fetchone()[0])
        cache.set("jobs-table-rows", rows, 600)
    return rows
