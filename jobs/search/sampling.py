"""Counting a search: one pass over the matching rows (a sample of them on a large board) gives
the total, the facet counts and the top skills; cached until public data changes."""

import json
from bisect import bisect_left
from dataclasses import dataclass
from datetime import timedelta

from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    F,
    Func,
    Value,
)

from careerboard.caching import (
    SEARCH_ELEMENT_SHARES_KEY,
    SEARCH_ROWS_KEY,
    SEARCH_STATS_PREFIX,
    SKILL_JOB_COUNTS_PREFIX,
    remembered,
    worker_estimate,
)
from careerboard.db_routers import read_connection
from careerboard.models import Skill, visible_skills_by_id
from jobs.models import SearchRow

# The condition of the keywords among a search's conditions (JobFilterSet.conditions).
KEYWORDS = "q"
# Above this many search rows, counts come from a sample of the table's pages...
EXACT_STATS_UP_TO = 50_000
# ... of about this many rows ...
STATS_SAMPLE_ROWS = 4_000
# ... unless no more than this many sampled rows match: then counting exactly is cheap...
MIN_SAMPLE_HITS = 3
# ... and stops here: beyond it, the sample's estimate is good enough.
EXACT_COUNT_CAP = 3000
# A sample reads at least this share of the table's pages.
MIN_SAMPLE_PERCENT = 0.05
# A sample keeps the pay of at most this many of its best-paid matches (PageReading.in_order).
SAMPLED_PAY_KEPT = 200


def is_empty(value) -> bool:
    if value is None or isinstance(value, str):
        return not value
    return hasattr(value, "__len__") and len(value) == 0


class SampledCounts:
    """The counts of a `JobFilterSet`: one sampled statement, kept until public data changes."""

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
        self.keywordless_estimate = stats.keywordless
        self.keywordless_chosen_estimate = stats.keywordless_chosen
        self.window_share = stats.window_share
        self.sampled_pay = stats.sampled_pay
        self.sample_scale = stats.resolution
        return stats

    def _cache_identity(self) -> str:
        data = {
            name: value
            for name, value in self.cleaned_data().items()
            if name != "sort" and not is_empty(value)
        }
        data["skill"] = sorted(skill.slug for skill in data.get("skill", []))
        day = self.now.date().isoformat()  # "posted within" windows move with the date
        return json.dumps(data, sort_keys=True, default=str) + day

    def _compute_stats(self) -> "SearchStats":
        percent = sample_percent()
        if percent is not None:
            sampled = self.counted(sample_percent=percent)
            scale = 100.0 / percent
            if sampled.base >= MIN_SAMPLE_HITS:
                stats = sampled.scaled(scale, resolution=round(scale))
                self.sample_scale = stats.resolution
                self.base_estimate = stats.base
                self.keywordless_estimate = stats.keywordless
                self.keywordless_chosen_estimate = stats.keywordless_chosen
                if sampled.total < MIN_SAMPLE_HITS:
                    # Common enough before the choice filters, rare after them (an internship
                    # for a senior): the total is counted, which is quick when it is small.
                    self.expected_total = stats.total
                    found = self.first_ids(EXACT_COUNT_CAP)
                    stats.total = max(len(found), sampled.total)
                    stats.total_is_exact = len(found) < EXACT_COUNT_CAP
                return stats
            # Too few in the sample to scale: everything is counted, and the sample bounds how
            # many rows the filters other than the choices leave, so that common conditions are
            # checked on those rows rather than looked up (JobFilterSet.on_rows).
            self.base_estimate = round(MIN_SAMPLE_HITS * scale)
            if sampled.keywordless is not None:
                # Bounded alike when as few.
                seen = max(sampled.keywordless, MIN_SAMPLE_HITS)
                self.keywordless_estimate = round(seen * scale)
                seen = max(sampled.keywordless_chosen, MIN_SAMPLE_HITS)
                self.keywordless_chosen_estimate = round(seen * scale)
            # The same read also takes the first matches in the page's order, so that the page
            # is cut from them rather than found again by the same lookups.
            counted = self.counted(first=EXACT_COUNT_CAP)
            if counted.total <= EXACT_COUNT_CAP:
                self.first_matches = counted.first_ids
            stats = counted.scaled(1.0, resolution=1, is_estimate=False)
            stats.keywordless = self.keywordless_estimate
            stats.keywordless_chosen = self.keywordless_chosen_estimate
            return stats
        return self.counted().scaled(1.0, resolution=1, is_estimate=False)

    def first_ids(self, cap: int) -> list[int]:
        """The ids of the first `cap` matches in the page's order, counted for the total and kept
        for this search's page (see Results), which is then cut from them rather than found
        again by the same lookups."""
        rows = self.ordered_rows(needed=cap)
        self.first_matches = list(rows.values_list("job_id", flat=True)[:cap])
        return self.first_matches

    def counted(self, *, sample_percent: float | None = None, first: int = 0) -> "Counted":
        """Total, per-option and per-skill counts in one statement.

        The rows that match the filters other than the facets are read once (over a sample of the
        table's pages when asked to) and counted per combination of facet values, a few hundred
        groups at most; each option's count is then a sum over the groups its facets allow. The
        skills are counted over the rows that match every filter. With `first`, the ids of that
        many matches in the page's order come with them.
        """
        chosen = {
            facet: value
            for facet, value in self.cleaned_data().items()
            if facet in self.FACETS and not is_empty(value)
        }
        read = self._count_groups(chosen, sample_percent, first)
        groups = read.groups
        total, facets = self._tally(groups, chosen)
        base = sum(group[4] for group in groups)
        window = chosen.get("posted")
        in_window = (
            sum(group[4] for group in groups if self._group_allows(group, "posted", window))
            if window
            else base
        )
        return Counted(
            base=base,
            total=total,
            facets=facets,
            top_skills=read.top_skills,
            window_share=in_window / base if base else 1.0,
            keywordless=read.keywordless,
            keywordless_chosen=read.keywordless_chosen,
            first_ids=read.first_ids,
            sampled_pay=read.sampled_pay,
        )

    def _count_groups(self, chosen: dict, sample_percent: float | None, first: int) -> "Read":
        """The one statement: rows per combination of facet values (workplace, type, seniority,
        posted window, count), the top skills of the rows that match every chosen facet, over a
        sample with keywords how many rows the filters other than the keywords and the facets
        match (the rows a check of the keywords would read), and with `first` the ids of the
        first matches in the page's order."""
        conditions = self.conditions()
        keywords = conditions.pop(KEYWORDS, None) if sample_percent is not None else None
        base = SearchRow.objects.live().filter(
            *[condition for name, condition in conditions.items() if name not in self.FACETS]
        )
        has_keywords = Value(True)
        if keywords is not None:
            has_keywords = ExpressionWrapper(keywords, output_field=BooleanField())
        base = base.annotate(has_keywords=has_keywords)
        columns = [
            "workplace",
            "employment_type",
            "seniority",
            "published_at",
            "skill_ids",
            "has_keywords",
        ]
        if first:
            keys, order = self.page_order()
            base = base.annotate(**keys)
            columns += ["job_id", *keys]
        if sample_percent is not None:
            columns.append("salary_max_eur")
        windows = [
            (int(days), self.now - timedelta(days=int(days)))
            for days, _ in self.facet_choices("posted")
        ]
        posted = " ".join(f"WHEN published_at >= %s THEN {days}" for days, _ in windows)
        base_sql, params = base.order_by().values(*columns).query.sql_with_params()
        facets, args = [], []
        for facet, value in chosen.items():
            if facet == "posted":
                facets.append("published_at >= %s")
                args.append(self.now - timedelta(days=int(value)))
            else:
                facets.append(f"{facet} = ANY(%s)")
                args.append(list(value))
        with_facets = " AND ".join(facets) or "true"
        matching = f"has_keywords AND {with_facets}"
        pay_sql, pay_args = "", []
        if sample_percent is not None:
            pay_sql = f"""
            UNION ALL
            SELECT NULL, NULL, NULL, NULL, NULL, 'pay',
                   ARRAY(SELECT salary_max_eur FROM s
                         WHERE {matching} AND salary_max_eur IS NOT NULL
                         ORDER BY salary_max_eur DESC LIMIT %s)"""
            pay_args = [*args, SAMPLED_PAY_KEPT]
        first_sql, first_args = "", []
        if first:
            first_sql = f"""
            UNION ALL
            SELECT NULL, NULL, NULL, NULL, NULL, 'first',
                   ARRAY(SELECT job_id FROM s WHERE {matching} ORDER BY {order} LIMIT %s)"""
            first_args = [*args, first]
        # The groups of the rows without the keywords come too: summed, they count the rows a
        # check of the keywords reads.
        sql = f"""
            WITH s AS MATERIALIZED ({sampled_sql(base_sql, sample_percent)})
            SELECT workplace, employment_type, seniority,
                   CASE {posted} ELSE NULL END AS posted, count(*),
                   CASE WHEN has_keywords THEN 'group' ELSE 'other' END, NULL::bigint[]
            FROM s GROUP BY 1, 2, 3, 4, 6
            UNION ALL
            SELECT NULL, NULL, NULL, NULL, n, skill_id::text, NULL FROM (
                SELECT skill_id, count(*) AS n FROM s, unnest(s.skill_ids) AS skill_id
                WHERE {matching}
                GROUP BY skill_id ORDER BY n DESC, skill_id LIMIT %s) AS top{pay_sql}{first_sql}
        """
        moments = [moment for _, moment in windows]
        with read_connection().cursor() as cursor:
            cursor.execute(sql, [*params, *moments, *args, TOP_SKILLS, *pay_args, *first_args])
            rows = cursor.fetchall()
        every = [row[:5] for row in rows if row[5] in ("group", "other")]
        keywordless = keywordless_chosen = None
        if keywords is not None:
            keywordless = sum(group[4] for group in every)
            keywordless_chosen = sum(
                group[4]
                for group in every
                if all(self._group_allows(group, f, v) for f, v in chosen.items())
            )
        return Read(
            groups=[row[:5] for row in rows if row[5] == "group"],
            top_skills=[(int(row[5]), row[4]) for row in rows if row[5].isdigit()],
            keywordless=keywordless,
            keywordless_chosen=keywordless_chosen,
            first_ids=next((row[6] for row in rows if row[5] == "first"), None),
            sampled_pay=next((row[6] for row in rows if row[5] == "pay"), None),
        )

    def _group_allows(self, group: tuple, facet: str, value) -> bool:
        if facet == "posted":
            return group[3] is not None and group[3] <= int(value)
        return group[self.FACETS.index(facet)] in value

    def _tally(self, groups: list[tuple], chosen: dict) -> tuple[int, dict[str, dict[str, int]]]:
        """The total and each option's count, summed over the groups.

        For each group, which of the chosen facets it satisfies; an option of a facet counts
        the groups that satisfy every other chosen facet.
        """
        passes = [
            {f: self._group_allows(group, f, v) for f, v in chosen.items()} for group in groups
        ]
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
                    if self._group_allows(group, facet, option):
                        facets[facet][value] += group[4]
        return total, facets

    def _facet_values(self, facet) -> list[str]:
        return [value for value, _label in self.facet_choices(facet)]


TOP_SKILLS = 12


@dataclass
class Read:
    """What the one statement of `SampledCounts._count_groups` read."""

    groups: list[tuple]
    top_skills: list[tuple[int, int]]
    keywordless: int | None
    keywordless_chosen: int | None
    first_ids: list[int] | None
    sampled_pay: list[int] | None


@dataclass
class Counted:
    base: int
    total: int
    facets: dict[str, dict[str, int]]
    top_skills: list[tuple[int, int]]  # (skill id, n)
    window_share: float = 1.0
    keywordless: int | None = None
    keywordless_chosen: int | None = None
    first_ids: list[int] | None = None
    sampled_pay: list[int] | None = None

    def scaled(self, scale: float, *, resolution: int, is_estimate=True) -> "SearchStats":
        skills = visible_skills_by_id()
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
            window_share=self.window_share,
            keywordless=None if self.keywordless is None else round(self.keywordless * scale),
            keywordless_chosen=(
                None if self.keywordless_chosen is None else round(self.keywordless_chosen * scale)
            ),
            sampled_pay=self.sampled_pay,
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
    # The share of the rows matching the filters other than the facets that were posted within
    # the window chosen ("posted in the last day"), 1.0 without one.
    window_share: float = 1.0
    # Sampled with keywords: how many rows match the filters other than the keywords and the
    # facets, which is what checking the keywords on rows would read (JobFilterSet.on_rows).
    keywordless: int | None = None
    # ... and of those, how many have the facets chosen: what a check of the keywords reads
    # when the choices are looked up.
    keywordless_chosen: int | None = None
    # Sampled: the best yearly pay in euros of the sampled matches, best first (at most
    # SAMPLED_PAY_KEPT), each standing for `resolution` matches of the board.
    sampled_pay: list[int] | None = None


def sample_percent(rows_factor: int = 1) -> float | None:
    """The share of the table's pages to read for about rows_factor * STATS_SAMPLE_ROWS rows.

    None means the board is small enough to read whole.
    """
    rows_wanted = STATS_SAMPLE_ROWS * rows_factor
    rows = search_rows()
    if rows <= EXACT_STATS_UP_TO:
        return None
    return min(100.0, max(MIN_SAMPLE_PERCENT, 100.0 * rows_wanted / rows))


def rows_read_from(sql: str, source: str) -> str:
    """A query over the search rows, made to read them from `source` (SQL that follows the
    table's name in FROM: a sample clause, or ` AS` and the name after a subquery). Only for a
    query that names the table once."""
    table = connection.ops.quote_name(SearchRow._meta.db_table)
    if sql.count(f"FROM {table}") != 1:
        raise ValueError("The query must read the search rows exactly once.")
    return sql.replace(f"FROM {table}", source.format(table=table))


def first_in_order_sql(sql: str, order: str, bound: int) -> str:
    """A query over the search rows, made to read only the first `bound` rows in `order` (an
    index's order): its filters then check them one by one, and its limit stops the walk."""
    first = f"SELECT * FROM {{table}} ORDER BY {order} LIMIT {int(bound)}"
    return rows_read_from(sql, f"FROM ({first}) AS {{table}}")


def sampled_sql(sql: str, sample_percent: float | None) -> str:
    """A query over the search rows, made to read only that share of the table's pages."""
    if sample_percent is None:
        return sql
    # A fixed seed samples the same pages each time, so the figures do not flicker.
    sample = f"TABLESAMPLE SYSTEM ({float(sample_percent):.4f}) REPEATABLE (0)"
    return rows_read_from(sql, f"FROM {{table}} {sample}")


def run_sampled(query, sample_percent: float | None) -> list[dict]:
    """Run a values() query on the search rows, over a sample of their pages when asked to."""
    if sample_percent is None:
        return list(query)
    sql, params = query.query.sql_with_params()
    with read_connection().cursor() as cursor:
        cursor.execute(sampled_sql(sql, sample_percent), params)
        columns = [column.name for column in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def tag_shares() -> dict[str, float]:
    """The share of search rows each choice tag is in, from the planner's statistics."""
    return _element_shares()["tags"]


def skill_shares() -> dict[int, float]:
    """The share of search rows each common skill is in, from the planner's statistics; a skill
    not among them is rare."""
    return _element_shares()["skill_ids"]


def word_shares() -> dict[str, float]:
    """The share of search rows each common word (lexeme) is in, from the planner's statistics
    of the documents; a word not among them is rare."""
    return _element_shares()["document"]


def salary_share(minimum: int) -> float:
    """The share of search rows paid at least `minimum` euros a year, from the planner's
    statistics (its most common values, then its histogram of the others)."""
    pay = _element_shares()["salary_max_eur"]
    if not pay:
        return 1.0
    share = sum(freq for value, freq in pay["common"] if value >= minimum)
    bounds = pay["histogram"]
    if len(bounds) > 1:
        at = bisect_left(bounds, minimum)
        if at == 0:
            above = 1.0
        elif at == len(bounds):
            above = 0.0
        else:
            low, high = bounds[at - 1], bounds[at]
            within = (high - minimum) / (high - low) if high > low else 0.0
            above = (len(bounds) - 1 - at + within) / (len(bounds) - 1)
        share += pay["others"] * above
    return share


def currency_salary_share(currency: str, minimum_in_euros: float) -> float:
    """The share of search rows paid in `currency` at least `minimum_in_euros` a year: the
    currency's share times the share of paid rows at least that well paid in euros, as if pay
    in euros were spread alike in every currency."""
    share = tag_shares().get(SearchRow.tag("currency", currency), 0.0)
    paid = _element_shares()["salary_max_eur"].get("paid", 0.0)
    if not paid:
        return share
    return share * min(1.0, salary_share(round(minimum_in_euros)) / paid)


def _element_shares() -> dict[str, dict]:
    return worker_estimate(SEARCH_ELEMENT_SHARES_KEY, _read_element_shares)


def _read_element_shares() -> dict[str, dict]:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT attname, most_common_elems::text::text[], most_common_elem_freqs, null_frac,
                   most_common_vals::text::text[], most_common_freqs,
                   histogram_bounds::text::text[]
            FROM pg_stats
            WHERE tablename = %s
              AND attname IN ('tags', 'skill_ids', 'salary_max_eur', 'document')
            """,
            [SearchRow._meta.db_table],
        )
        read = {row[0]: row[1:] for row in cursor.fetchall()}
    tags, skills, pay = read.get("tags"), read.get("skill_ids"), read.get("salary_max_eur")
    words = read.get("document")
    salaries = {}
    if pay:
        _, _, null_frac, values, freqs, bounds = pay
        common = [(int(value), freq) for value, freq in zip(values or [], freqs or [], strict=True)]
        salaries = {
            "paid": 1.0 - null_frac,
            "common": common,
            "others": max(0.0, 1.0 - null_frac - sum(freq for _, freq in common)),
            "histogram": [int(bound) for bound in bounds or []],
        }
    return {
        "tags": dict(zip(tags[0] or [], tags[1] or [], strict=False)) if tags else {},
        "skill_ids": (
            {int(pk): share for pk, share in zip(skills[0] or [], skills[1] or [], strict=False)}
            if skills
            else {}
        ),
        "salary_max_eur": salaries,
        "document": dict(zip(words[0] or [], words[1] or [], strict=False)) if words else {},
    }


def search_rows() -> int:
    """The planner's estimate of how many search rows there are (free, and fine for choosing a
    method)."""
    return worker_estimate(SEARCH_ROWS_KEY, _read_search_rows)


def _read_search_rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
            [SearchRow._meta.db_table],
        )
        return max(0, cursor.fetchone()[0])
