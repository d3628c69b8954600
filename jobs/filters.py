"""The job search FilterSet: one definition of search for pages, feeds, alerts and the API.

Search reads the narrow search rows of published jobs (`SearchRow`, kept in step by SQL
triggers), never the wide jobs table; the jobs of a page are fetched by id once it is chosen.
Counts come from one pass over a sample of the rows on a large board, and that sample, not the
planner's guess, decides how the page is read: an ordered index walk when matches are common
enough to meet soon, the matches themselves sorted when they are few, nothing when there are
none.
"""

import json
from dataclasses import dataclass
from datetime import timedelta

import django_filters
from django import forms
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import SearchRank
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import (
    BigIntegerField,
    Count,
    DateTimeField,
    ExpressionWrapper,
    F,
    Func,
    OrderBy,
    Q,
    Value,
)
from django.utils import timezone
from django.utils.functional import cached_property
from django_countries import countries
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from careerboard.caching import (
    PLANNER_ESTIMATE_SECONDS,
    SEARCH_ROWS_KEY,
    SEARCH_STATS_PREFIX,
    SEARCH_TAG_SHARES_KEY,
    SKILL_JOB_COUNTS_PREFIX,
    remembered,
)
from careerboard.models import Skill
from jobs.locations import country_code, location_condition
from jobs.models import Company, Job, Location, SearchRow
from jobs.search import AllWords, build_search_query, document_matches, is_known_word

# Above this many search rows, counts come from a sample of the table's pages...
EXACT_STATS_UP_TO = 50_000
# ... of about this many rows ...
STATS_SAMPLE_ROWS = 4_000
# ... unless no more than this many sampled rows match: then counting exactly is cheap...
MIN_SAMPLE_HITS = 3
# ... and stops here: beyond it, the sample's estimate is good enough.
EXACT_COUNT_CAP = 3000
# Relevance ranks only the newest matches, so a broad query never ranks the whole board...
RANK_CANDIDATES = 500
# ... but when the counts say there are few matches, it ranks them all, which costs little.
RANK_ALL_UP_TO = 3000
# Newest or best-paid first reads the date or salary index in order until it has the rows it
# needs, which is quick when matches are common: about needed * board / matches rows. Rows lie
# in date order, several to a page, while finding the matches through the filters' indexes
# reads a page for each match found there (often many more than match in the end). When a walk
# would pass over more rows than this, the matches are read that way and sorted instead...
WALK_BUDGET_ROWS = 100_000
# ... or more than this many times the rows a sort would read: a walk reads neighbouring rows,
# a sort reads each row it finds on a page of its own.
NEIGHBOURS_PER_SCATTERED_READ = 4
# ... and, by salary, always when there are at most this many: sorting them is cheap, while a
# walk can pass over most of the board when the matches sit at its far end (pay in rupees, say).
# Dates are not tied to what people search for that way.
SORT_ALL_UP_TO = 5000
# Whether a word is common is seen in a sample of about this many rows (jobs.search).
WORD_SAMPLE_ROWS = 1000
# Reading a row to check it costs about as much as this many row ids out of a GIN lookup
# (measured at 1,000,000 listings: 1.6 us against 0.15 us).
ROW_COST_IN_LOOKUPS = 10
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
        model = SearchRow
        fields = []

    def __init__(self, data=None, queryset=None, *, now=None, **kwargs):
        super().__init__(data, queryset if queryset is not None else SearchRow.objects, **kwargs)
        self.now = now or timezone.now()
        # Set from stats() when known, so the ordering can choose its plan...
        self.expected_total: int | None = None
        # ... and whether that figure is a count (then 0 means there is nothing to read)...
        self.total_is_exact = False
        # ... and how many rows match the filters other than the choices.
        self.base_estimate: int | None = None
        # Set by in_order() when the page is to be read by walking an ordered index.
        self.walks = False

    # Conditions, one per filter -------------------------------------------------------------

    def condition_q(self, value):
        query = self.search_query
        return Q(document_matches(query)) if query is not None else None

    def condition_location(self, value):
        places = Location.objects.filter(location_condition(value)).values("id")
        return Q(location_ids__overlap=ArraySubquery(places))

    def _tags(self, facet, values):
        """A choice filter: looked up in the tags' GIN index, or checked on each row that the
        other filters leave, whichever reads less (see choices_on_rows)."""
        if self.choices_on_rows():
            return Q(**{f"{facet}__in": values})
        return Q(tags__overlap=[SearchRow.tag(facet, value) for value in values])

    def choices_on_rows(self) -> bool:
        """Whether checking the choices on the rows the other filters match costs less than
        looking them up.

        A lookup yields about board x (the chosen options' shares, multiplied across facets)
        row ids, at a fraction of the cost of reading a row (ROW_COST_IN_LOOKUPS); a check reads
        each row the other filters match (the sample's estimate). "Full-time, mid or senior" is
        half the board, so for a rare keyword each match is checked; "hybrid, contract, lead" is
        a small share, so it is looked up.
        """
        if self.base_estimate is None:
            return False
        return self.base_estimate * ROW_COST_IN_LOOKUPS <= self._looked_up_rows

    @cached_property
    def _looked_up_rows(self) -> float:
        """How many row ids a lookup of the chosen options yields (see choices_on_rows)."""
        data, shares = self.cleaned_data(), tag_shares()
        looked_up = float(self.board_rows)
        for facet in ("workplace", "employment_type", "seniority"):
            chosen = data.get(facet)
            if not _is_empty(chosen):
                share = sum(shares.get(SearchRow.tag(facet, value), 0.0) for value in chosen)
                looked_up *= min(1.0, share)
        return looked_up

    @cached_property
    def board_rows(self) -> int:
        """How many search rows there are, asked once per search."""
        return search_rows()

    def condition_workplace(self, value):
        return self._tags("workplace", value)

    def condition_employment_type(self, value):
        return self._tags("employment_type", value)

    def condition_seniority(self, value):
        return self._tags("seniority", value)

    def condition_salary_min(self, value):
        return Q(salary_max_annual__gte=int(value))

    def condition_currency(self, value):
        # Not a facet: it narrows the rows the choices are checked on, so it is always looked up
        # (in the currency and salary index, which also orders one currency's pay).
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

    @cached_property
    def search_query(self):
        percent = min(100.0, 100.0 * WORD_SAMPLE_ROWS / max(self.board_rows, 1))
        return build_search_query(
            self.cleaned_data().get("q") or "",
            is_known=lambda word: is_known_word(word, sample_percent=percent),
        )

    @property
    def sort_order(self) -> str:
        sort = self.cleaned_data().get("sort")
        if sort == Sort.RELEVANCE and self.search_query is None:
            return Sort.NEWEST
        return sort or (Sort.RELEVANCE if self.search_query is not None else Sort.NEWEST)

    def matching_rows(self):
        """The search rows of open jobs that match every filter, in no order."""
        return SearchRow.objects.live().filter(*self.conditions().values())

    def matching_jobs(self):
        """The open jobs that match, as a Job QuerySet (feeds and alerts add their own order)."""
        return Job.objects.published().filter(pk__in=self.matching_rows().values("job_id"))

    @property
    def qs(self) -> "Results":
        """The results in order, bound or not (an unbound search lists every open job)."""
        if self.is_surely_empty():
            return Results(lambda needed: SearchRow.objects.none())
        return Results(self.ordered_rows, walks=lambda: self.walks)

    def ordered_rows(self, needed: int):
        """The matching rows in the page's order, read in the way that suits `needed` rows."""
        rows = self.matching_rows()
        order = self.sort_order
        if order == Sort.RELEVANCE:
            rank = SearchRank(F("document"), AllWords(self.search_query))
            by_rank = ("-rank", "-published_at", "-job_id")
            if self.expected_total is not None and self.expected_total <= RANK_ALL_UP_TO:
                return rows.annotate(rank=rank).order_by(*by_rank)
            newest = self.in_order(F("published_at"), RANK_CANDIDATES, DateTimeField)
            candidates = rows.order_by(*newest).values("job_id")[:RANK_CANDIDATES]
            return (
                SearchRow.objects.filter(job_id__in=candidates)
                .annotate(rank=rank)
                .order_by(*by_rank)
            )
        if order == Sort.SALARY:
            salary = self.in_order(
                F("salary_max_annual"), needed, BigIntegerField, nulls_last=True, few=SORT_ALL_UP_TO
            )
            return rows.order_by(salary[0], "-published_at", "-job_id")
        return rows.order_by(*self.in_order(F("published_at"), needed, DateTimeField))

    def in_order(self, key, needed: int, field, *, nulls_last=False, few=0) -> tuple:
        """`key` descending, walking its index when that reads less than finding the matches
        and sorting them (see WALK_BUDGET_ROWS) and there are more than `few`; else as an
        expression no index answers, so that the matches are found and sorted."""
        if self.expected_total is not None:
            board = max(self.board_rows, self.expected_total)  # the planner's figure may lag
            currency = self.cleaned_data().get("currency")
            if currency and field is BigIntegerField:
                # Best paid first in one currency walks that currency's part of the index.
                share = tag_shares().get(SearchRow.tag("currency", currency), 1.0)
                board = max(round(board * share), self.expected_total)
            walked = needed * board / max(self.expected_total, 1)
            # A sort reads the rows the indexes find: all matches, or those of the filters
            # other than the choices when the choices are checked on rows.
            found = self.expected_total
            if self.base_estimate is not None and self.choices_on_rows():
                found = self.base_estimate
            if self.expected_total <= few or walked > min(
                WALK_BUDGET_ROWS, NEIGHBOURS_PER_SCATTERED_READ * found
            ):
                zero = Value(timedelta(0)) if field is DateTimeField else Value(0)
                key = ExpressionWrapper(key + zero, output_field=field())
            else:
                # The planner underrates how many rows a word matches and would rather build
                # bitmaps of them all; the sample says the walk is cheaper (see Results).
                self.walks = True
        return (OrderBy(key, descending=True, nulls_last=nulls_last or None), F("job_id").desc())

    def is_surely_empty(self) -> bool:
        """Whether the counts found nothing and counted it exactly: then no page is read."""
        return self.total_is_exact and self.expected_total == 0

    # Facets ------------------------------------------------------------------------------

    def facet_choices(self, name):
        return list(self.filters[name].extra["choices"])

    def stats(self) -> "SearchStats":
        """Counts for the page: exact on small boards and small result sets, else estimated.

        Counting hundreds of thousands of matches costs more than the page is allowed, so on a
        large board the counts come from a sample of the table's pages (what search engines do),
        are marked as estimates, and every result is kept until public data changes.
        """
        stats = remembered(SEARCH_STATS_PREFIX, self._cache_identity(), self._compute_stats)
        self.expected_total = stats.total
        self.total_is_exact = not stats.is_estimate or stats.total_is_exact
        self.base_estimate = stats.base
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

    def _compute_stats(self) -> "SearchStats":
        percent = sample_percent()
        if percent is not None:
            sampled = self.counted(sample_percent=percent)
            if sampled.base >= MIN_SAMPLE_HITS:
                scale = 100.0 / percent
                stats = sampled.scaled(scale, resolution=round(scale))
                self.base_estimate = stats.base
                if sampled.total < MIN_SAMPLE_HITS:
                    # Common enough before the choice filters, rare after them (an internship
                    # for a senior): the total is counted, which is quick when it is small.
                    stats.total, stats.total_is_exact = self.count_up_to(EXACT_COUNT_CAP)
                    stats.total = max(stats.total, sampled.total)
                return stats
        return self.counted().scaled(1.0, resolution=1, is_estimate=False)

    def count_up_to(self, cap: int) -> tuple[int, bool]:
        """How many rows match, if at most `cap`; (cap, False) when there are more."""
        found = self.matching_rows().values("job_id")[:cap].count()
        return found, found < cap

    def counted(self, *, sample_percent: float | None = None) -> "Counted":
        """Total, per-option and per-skill counts in one statement.

        The rows that match the filters other than the facets are read once (over a sample of the
        table's pages when asked to) and counted per combination of facet values, a few hundred
        groups at most; each option's count is then a sum over the groups its facets allow. The
        skills are counted over the rows that match every filter.
        """
        conditions = self.conditions()
        base = SearchRow.objects.live().filter(
            *[condition for name, condition in conditions.items() if name not in self.FACETS]
        )
        windows = [(int(days), self.now - timedelta(days=int(days))) for days, _ in POSTED_WITHIN]
        posted = " ".join(f"WHEN published_at >= %s THEN {days}" for days, _ in windows)
        base_sql, params = (
            base.order_by()
            .values("workplace", "employment_type", "seniority", "published_at", "skill_ids")
            .query.sql_with_params()
        )
        chosen = {
            facet: value
            for facet, value in self.cleaned_data().items()
            if facet in self.FACETS and not _is_empty(value)
        }
        everything, args = [], []
        for facet, value in chosen.items():
            if facet == "posted":
                everything.append("published_at >= %s")
                args.append(self.now - timedelta(days=int(value)))
            else:
                everything.append(f"{facet} = ANY(%s)")
                args.append(list(value))
        sql = f"""
            WITH s AS MATERIALIZED ({sampled_sql(base_sql, sample_percent)})
            SELECT workplace, employment_type, seniority,
                   CASE {posted} ELSE NULL END AS posted, count(*), NULL
            FROM s GROUP BY 1, 2, 3, 4
            UNION ALL
            SELECT NULL, NULL, NULL, NULL, n, skill_id FROM (
                SELECT skill_id, count(*) AS n FROM s, unnest(s.skill_ids) AS skill_id
                WHERE {" AND ".join(everything) or "true"}
                GROUP BY skill_id ORDER BY n DESC, skill_id LIMIT %s) AS top
        """
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, *[moment for _, moment in windows], *args, TOP_SKILLS])
            rows = cursor.fetchall()
        groups = [row for row in rows if row[5] is None]
        top_skills = [(row[5], row[4]) for row in rows if row[5] is not None]

        def allowed(group, facet, value) -> bool:
            if facet == "posted":
                return group[3] is not None and group[3] <= int(value)
            return group[self.FACETS.index(facet)] in value

        # For each group, which of the chosen facets it satisfies; an option of a facet counts
        # the groups that satisfy every other chosen facet.
        passes = [{f: allowed(group, f, v) for f, v in chosen.items()} for group in groups]
        facets = {facet: dict.fromkeys(self._facet_values(facet), 0) for facet in self.FACETS}
        total = 0
        for group, passed in zip(groups, passes, strict=True):
            failed = [f for f, ok in passed.items() if not ok]
            if not failed:
                total += group[4]
            if len(failed) > 1:
                continue
            for facet in failed or self.FACETS:
                for value in facets[facet]:
                    option = value if facet == "posted" else [value]
                    if allowed(group, facet, option):
                        facets[facet][value] += group[4]
        return Counted(
            base=sum(group[4] for group in groups),
            total=total,
            facets=facets,
            top_skills=top_skills,
        )

    def _facet_values(self, facet) -> list[str]:
        return [value for value, _label in self.facet_choices(facet)]


TOP_SKILLS = 12


class Results:
    """Jobs in the order of their search rows, read a page at a time: paginators and the API
    slice this.

    `ordered_rows(needed)` gives the rows in order, read in a way that suits fetching `needed` of
    them; the page's jobs and what a card shows are then fetched by id, in bulk.
    """

    def __init__(self, ordered_rows, *, walks=lambda: False):
        self.ordered_rows = ordered_rows
        self.walks = walks

    def __getitem__(self, item: slice) -> list[Job]:
        if not isinstance(item, slice):
            return self[item : item + 1][0]
        rows = self.ordered_rows(needed=item.stop or FIRST_PAGE_ROWS)
        ids = self._ids(rows.values_list("job_id", flat=True)[item])
        jobs = Job.objects.with_card_data().in_bulk(ids)
        return [jobs[pk] for pk in ids if pk in jobs]

    def __iter__(self):
        return iter(self[:])

    def _ids(self, query) -> list[int]:
        if not self.walks():
            return list(query)
        with transaction.atomic(), connection.cursor() as cursor:
            # The ordered index is then the only way left to read the rows.
            cursor.execute("SET LOCAL enable_bitmapscan = off; SET LOCAL enable_seqscan = off")
            return list(query)


@dataclass
class Counted:
    base: int
    total: int
    facets: dict[str, dict[str, int]]
    top_skills: list[tuple[int, int]]  # (skill id, n)

    def scaled(self, scale: float, *, resolution: int, is_estimate=True) -> "SearchStats":
        skills = Skill.objects.visible().in_bulk([pk for pk, _ in self.top_skills])
        return SearchStats(
            total=round(self.total * scale),
            base=round(self.base * scale),
            facets={
                facet: {value: round(n * scale) for value, n in options.items()}
                for facet, options in self.facets.items()
            },
            top_skills=[
                (skills[pk], round(n * scale)) for pk, n in self.top_skills if pk in skills
            ],
            is_estimate=is_estimate,
            resolution=resolution,
        )


@dataclass
class SkillCounts:
    """Open jobs per skill id over the whole board, estimated from a sample on large boards."""

    counts: dict[int, int]
    is_estimate: bool


def skill_job_counts() -> SkillCounts:
    """Counted once per version of public data: a million jobs ask for several million skills."""
    return remembered(SKILL_JOB_COUNTS_PREFIX, (), _count_skill_jobs)


def _count_skill_jobs() -> SkillCounts:
    percent = sample_percent(5)
    query = (
        SearchRow.objects.live()
        .order_by()
        .annotate(skill_id=Func(F("skill_ids"), function="unnest"))
        .values("skill_id")
        .annotate(n=Count("*"))
    )
    scale = 100.0 / percent if percent else 1
    return SkillCounts(
        counts={row["skill_id"]: round(row["n"] * scale) for row in run_sampled(query, percent)},
        is_estimate=percent is not None,
    )


@dataclass
class SearchStats:
    total: int
    # How many match the filters other than the facets.
    base: int
    facets: dict[str, dict[str, int]]
    top_skills: list[tuple[Skill, int]]
    is_estimate: bool
    # With estimates, counts below this were too rare for the sample to see.
    resolution: int
    # Whether the total was counted although the rest is estimated (few matches).
    total_is_exact: bool = False


def sample_percent(rows_factor: int = 1) -> float | None:
    """The share of the table's pages to read for about rows_factor * STATS_SAMPLE_ROWS rows.

    None means the board is small enough to read whole.
    """
    rows_wanted = STATS_SAMPLE_ROWS * rows_factor
    rows = search_rows()
    if rows <= EXACT_STATS_UP_TO:
        return None
    return min(100.0, max(0.05, 100.0 * rows_wanted / rows))


def sampled_sql(sql: str, sample_percent: float | None) -> str:
    """A query over the search rows, made to read only that share of the table's pages."""
    if sample_percent is None:
        return sql
    table = f"FROM {connection.ops.quote_name(SearchRow._meta.db_table)}"
    if sql.count(table) != 1:
        raise ValueError("Sampling needs exactly one reference to the search rows.")
    # A fixed seed samples the same pages each time, so the figures do not flicker.
    sampled = f"{table} TABLESAMPLE SYSTEM ({float(sample_percent):.4f}) REPEATABLE (0)"
    return sql.replace(table, sampled)


def run_sampled(query, sample_percent: float | None) -> list[dict]:
    """Run a values() query on the search rows, over a sample of their pages when asked to."""
    if sample_percent is None:
        return list(query)
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sampled_sql(sql, sample_percent), params)
        columns = [column.name for column in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def tag_shares() -> dict[str, float]:
    """The share of search rows each choice tag is in, from the planner's statistics."""
    shares = cache.get(SEARCH_TAG_SHARES_KEY)
    if shares is None:
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT most_common_elems::text::text[], most_common_elem_freqs
                FROM pg_stats WHERE tablename = %s AND attname = 'tags'
                """,
                [SearchRow._meta.db_table],
            )
            row = cursor.fetchone()
        shares = dict(zip(row[0], row[1], strict=False)) if row and row[0] else {}
        cache.set(SEARCH_TAG_SHARES_KEY, shares, PLANNER_ESTIMATE_SECONDS)
    return shares


def search_rows() -> int:
    """The planner's estimate of how many search rows there are (free, and fine for choosing a
    method)."""
    rows = cache.get(SEARCH_ROWS_KEY)
    if rows is None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                [SearchRow._meta.db_table],
            )
            rows = max(0, cursor.fetchone()[0])
        cache.set(SEARCH_ROWS_KEY, rows, PLANNER_ESTIMATE_SECONDS)
    return rows
