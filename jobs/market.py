"""The board's own market data for career pages: what open jobs for a role advertise.

A role's jobs are those of its job search (`CareerRole.job_search_fields`), run by the same
FilterSet as the search page, so the role page's count is the count its "Open jobs" button and
its feed show. Salaries are compared as
yearly equivalents (the jobs' generated columns, copied into their search rows), per currency,
from each job's midpoint, and per seniority level where a page asks: a median mixing interns and
leads describes nobody. On a large board the figures come from a sample of the rows and are
marked as estimates; either way they are kept until public data changes (careerboard/caching.py),
except a large board's skill figures, stored for every skill at once every few minutes.
"""

from collections import defaultdict
from dataclasses import astuple, dataclass, field, replace

from django.db import transaction
from django.http import QueryDict
from django.utils import timezone

from careerboard.caching import (
    ROLE_JOB_COUNTS_PREFIX,
    ROLE_MARKET_PREFIX,
    SKILL_MARKET_PREFIX,
    remembered,
    skill_markets_max_age,
)
from careerboard.db_routers import read_connection
from careerboard.models import CareerRole, SalaryFigure, Skill
from jobs.filters import JobFilterSet
from jobs.models import Job, SearchRow, SkillMarketFigures
from jobs.search.query import query_texts
from jobs.search.sampling import (
    MIN_SAMPLE_PERCENT,
    sample_percent,
    sampled_sql,
    search_rows,
    skill_job_counts,
    skill_shares,
)

Level = SalaryFigure.Level
# A job's seniority, in the steps the career pages (and the documents' figures) use.
LEVEL_OF_SENIORITY = {
    Job.Seniority.INTERN: Level.JUNIOR,
    Job.Seniority.JUNIOR: Level.JUNIOR,
    Job.Seniority.MID: Level.MID,
    Job.Seniority.SENIOR: Level.SENIOR,
    Job.Seniority.LEAD: Level.LEAD,
}
TOP_SKILLS = 10
TOP_SKILLS_PER_LEVEL = 8
CURRENCIES_SHOWN = 3
CURRENCIES_PER_SKILL = 2
TOGETHER_SHOWN = 8
# A skill's page reads about this many of its jobs for the skills asked for with it and their
# pay: a common skill (Python, in 40% of jobs) reads fewer of the table's pages than a rare one.
SKILL_FIGURES_ROWS = 2_000


@dataclass(frozen=True)
class AdvertisedPay:
    currency: str
    jobs: int
    low: int  # 25th percentile of yearly midpoints
    median: int
    high: int  # 75th percentile


@dataclass(frozen=True)
class LevelMarket:
    """What the role's open jobs at one seniority level ask for and pay."""

    level: str  # a SalaryFigure.Level
    jobs: int
    remote: int
    pay: list[AdvertisedPay]
    skills: list[tuple[Skill, int]]  # the skills its jobs ask for most, with their jobs
    new_skills: list[Skill] = field(default_factory=list)  # not among those of the level below

    @property
    def label(self) -> str:
        return Level(self.level).label

    @property
    def remote_percent(self) -> int | None:
        return round(100 * self.remote / self.jobs) if self.jobs else None


@dataclass(frozen=True)
class SkillShare:
    skill: Skill
    jobs: int
    percent: int  # of the role's jobs


@dataclass(frozen=True)
class RoleMarket:
    open_jobs: int
    pay: list[AdvertisedPay]
    is_estimate: bool
    # From the same pass over the role's rows (a sample of them on a large board):
    counted: int = 0  # its jobs, the base of the shares below
    remote: int = 0
    skills: list[tuple[Skill, int]] = field(default_factory=list)
    levels: list[LevelMarket] = field(default_factory=list)  # the levels its search allows

    @property
    def remote_percent(self) -> int | None:
        return round(100 * self.remote / self.counted) if self.counted else None

    @property
    def skill_shares(self) -> list[SkillShare]:
        return [SkillShare(skill, n, round(100 * n / self.counted)) for skill, n in self.skills]

    @property
    def spans_levels(self) -> bool:
        """Whether the role's search reaches jobs of more than one seniority level."""
        return len(self.levels) > 1


def role_search(role: CareerRole) -> JobFilterSet:
    """The search that lists the role's jobs: the page's count, listing, button and feed."""
    return JobFilterSet(QueryDict(role.job_search_query()))


def role_market(role: CareerRole) -> RoleMarket:
    return remembered(ROLE_MARKET_PREFIX, role.pk, lambda: _compute(role))


def _compute(role: CareerRole) -> RoleMarket:
    search = role_search(role)
    stats = search.stats()
    percent = sample_percent(5)
    allowed = search.cleaned_data().get("seniority") or list(LEVEL_OF_SENIORITY)
    levels = [level for level in Level if level in {LEVEL_OF_SENIORITY[s] for s in allowed}]
    figures = _level_figures(search.matching_rows(), percent, levels, total=stats.total)
    return RoleMarket(
        open_jobs=stats.total,
        is_estimate=stats.is_estimate or percent is not None,
        **figures,
    )


LEVEL_FIGURES_SQL = """
WITH s AS MATERIALIZED (
    SELECT CASE seniority {levels} END AS level, workplace, salary_currency AS currency,
           (salary_min_annual + salary_max_annual) / 2.0 AS midpoint, skill_ids
    FROM ({matching}) AS matching
)
SELECT 'pay', level, currency, count(*)::float8,
       percentile_cont(0.25) WITHIN GROUP (ORDER BY midpoint),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY midpoint),
       percentile_cont(0.75) WITHIN GROUP (ORDER BY midpoint)
FROM s WHERE midpoint IS NOT NULL GROUP BY GROUPING SETS ((level, currency), (currency))
UNION ALL
SELECT 'jobs', level, NULL, count(*), count(*) FILTER (WHERE workplace = %s), NULL, NULL
FROM s GROUP BY GROUPING SETS ((level), ())
UNION ALL
SELECT 'skill', level, NULL, n, skill_id, rank, NULL FROM (
    SELECT level, skill_id, count(*) AS n,
           row_number() OVER (PARTITION BY level ORDER BY count(*) DESC, skill_id) AS rank
    FROM s, unnest(s.skill_ids) AS skill_id
    GROUP BY GROUPING SETS ((level, skill_id), (skill_id))
) AS ranked WHERE rank <= %s
"""


def _level_figures(matching, percent: float | None, levels: list[str], *, total: int) -> dict:
    """Pay per currency, jobs, remote jobs and top skills, for all the rows and per level, in
    one statement over the rows (a sample of them on a large board).

    A sample's counts are scaled to `total`, the role's open jobs as its page gives them (from
    the search's own sample), so that the levels add up to the figure beside them."""
    # Long on purpose: one statement and the unpacking of its rows, which read best together.
    sql, params = (
        matching.order_by()
        .values(
            "seniority",
            "workplace",
            "salary_currency",
            "salary_min_annual",
            "salary_max_annual",
            "skill_ids",
        )
        .query.sql_with_params()
    )
    cases = " ".join(f"WHEN '{s}' THEN '{level}'" for s, level in LEVEL_OF_SENIORITY.items())
    statement = LEVEL_FIGURES_SQL.format(levels=cases, matching=sampled_sql(sql, percent))
    with read_connection().cursor() as cursor:
        cursor.execute(statement, [*params, Job.Workplace.REMOTE, TOP_SKILLS])
        rows = cursor.fetchall()
    sampled = next((row[3] for row in rows if row[0] == "jobs" and row[1] is None), 0)
    scale = total / sampled if percent and sampled else 1.0
    skill_of = Skill.objects.visible().in_bulk({row[4] for row in rows if row[0] == "skill"})
    pay, jobs, skills = {}, {}, {}
    for kind, level, currency, n, a, b, c in rows:
        if kind == "pay":
            pay.setdefault(level, []).append(
                AdvertisedPay(currency, round(n * scale), round(a), round(b), round(c))
            )
        elif kind == "jobs":
            jobs[level] = (round(n * scale), round(a * scale))
        elif int(a) in skill_of and (level is None or b <= TOP_SKILLS_PER_LEVEL):
            skills.setdefault(level, []).append((skill_of[int(a)], round(n * scale)))
    for figures in pay.values():
        figures.sort(key=lambda p: (-p.jobs, p.currency))
        del figures[CURRENCIES_SHOWN:]
    by_level, below = [], set()
    for level in levels:
        asked = skills.get(level, [])
        by_level.append(
            LevelMarket(
                level=level,
                jobs=jobs.get(level, (0, 0))[0],
                remote=jobs.get(level, (0, 0))[1],
                pay=pay.get(level, []),
                skills=asked,
                new_skills=[skill for skill, _ in asked if skill.pk not in below] if below else [],
            )
        )
        below = {skill.pk for skill, _ in asked} or below
    counted, remote = jobs.get(None, (0, 0))
    return {
        "pay": pay.get(None, []),
        "counted": counted,
        "remote": remote,
        "skills": skills.get(None, []),
        "levels": by_level,
    }


@dataclass(frozen=True)
class RoleJobCounts:
    counts: dict[int, int]  # role id: open jobs
    is_estimate: bool


def role_job_counts(roles: list[CareerRole]) -> RoleJobCounts:
    """Open jobs of each role's search, all in one statement, for the list of roles.

    On a board small enough to count whole, these are the counts the role pages show; on a
    large one each comes from the same sample of rows and is marked as an estimate.
    """
    return remembered(
        ROLE_JOB_COUNTS_PREFIX, sorted(role.pk for role in roles), lambda: _count(roles)
    )


def _count(roles: list[CareerRole]) -> RoleJobCounts:
    if not roles:
        return RoleJobCounts({}, is_estimate=False)
    percent = sample_percent()
    scale = 100.0 / percent if percent else 1.0
    searches = {role.pk: role_search(role) for role in roles}
    # The roles' keywords, read at once rather than as each search is built.
    query_texts([s.search_query for s in searches.values() if s.search_query is not None])
    selects, params = [], []
    for role in roles:
        sql, role_params = (
            searches[role.pk].matching_rows().order_by().values("job_id").query.sql_with_params()
        )
        selects.append(f"(SELECT count(*) FROM ({sampled_sql(sql, percent)}) AS role_{role.pk})")
        params += role_params
    with read_connection().cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(selects)}", params)
        counts = cursor.fetchone()
    return RoleJobCounts(
        {role.pk: round(n * scale) for role, n in zip(roles, counts, strict=True)},
        is_estimate=percent is not None,
    )


@dataclass(frozen=True)
class SkillMarket:
    open_jobs: int  # asking for the skill, as the skill list counts them
    together: list[tuple[int, int]]  # (skill id, open jobs asking for both)
    pay: list[AdvertisedPay]
    is_estimate: bool


def skill_market(skill_id: int) -> SkillMarket:
    """Open jobs asking for this skill, the skills they ask for with it, and what they pay.

    A board small enough to count whole works them out exactly, once per version of public
    data. A large one takes the count from the skill list's sample, and the rest from the
    figures `skill_markets_refresh` stored for every skill at once: on such a board a job more or
    less moves them by less than they show, and working them out for one page read a sample of
    20,000 rows (17 ms at 1,000,000 listings). Without stored figures younger than
    skill_markets_max_age(), they are worked out for the page as on a small board."""
    if sample_percent(5) is not None:
        stored = (
            SkillMarketFigures.objects.filter(
                skill_id=skill_id,
                refreshed_at__gte=timezone.now() - skill_markets_max_age(),
            )
            .values_list("together", "pay")
            .first()
        )
        if stored is not None:
            together, pay = stored
            return SkillMarket(
                open_jobs=skill_job_counts().counts.get(skill_id, 0),
                together=[(other, n) for other, n in together],
                pay=[AdvertisedPay(*figures) for figures in pay],
                is_estimate=True,
            )
    return remembered(SKILL_MARKET_PREFIX, skill_id, lambda: _skill_market(skill_id))


SKILL_FIGURES_SQL = """
WITH s AS MATERIALIZED (
    SELECT salary_currency AS currency, (salary_min_annual + salary_max_annual) / 2.0 AS midpoint,
           skill_ids
    FROM ({matching}) AS matching
), per_skill AS MATERIALIZED (
    SELECT skill, currency, midpoint, skill_ids
    FROM s, unnest(s.skill_ids) AS skill
    WHERE %s::bigint[] IS NULL OR skill = ANY(%s::bigint[])
)
SELECT 'jobs', skill, NULL, count(*)::float8, NULL::float8, NULL::float8, NULL::float8
FROM per_skill GROUP BY skill
UNION ALL
SELECT 'together', skill, other::text, n, NULL, NULL, NULL FROM (
    SELECT skill, other, count(*)::float8 AS n,
           row_number() OVER (PARTITION BY skill ORDER BY count(*) DESC, other) AS rank
    FROM per_skill, unnest(per_skill.skill_ids) AS other WHERE other <> skill
    GROUP BY skill, other
) AS together WHERE rank <= %s
UNION ALL
SELECT 'pay', skill, currency, n, low, median, high FROM (
    SELECT skill, currency, count(*)::float8 AS n,
           percentile_cont(0.25) WITHIN GROUP (ORDER BY midpoint) AS low,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY midpoint) AS median,
           percentile_cont(0.75) WITHIN GROUP (ORDER BY midpoint) AS high,
           row_number() OVER (PARTITION BY skill ORDER BY count(*) DESC, currency) AS rank
    FROM per_skill WHERE midpoint IS NOT NULL GROUP BY skill, currency
) AS pay WHERE rank <= %s
"""


def _skill_figures(rows, percent: float | None, skills: list[int] | None) -> dict[int, SkillMarket]:
    """The count, the skills asked for together and the pay of each of `skills` (None: every
    skill) in one pass over `rows`, their search rows (a sample of that share of the table's
    pages, when `percent` is given), scaled up to the whole table."""
    sql, params = (
        rows.order_by()
        .values("salary_currency", "salary_min_annual", "salary_max_annual", "skill_ids")
        .query.sql_with_params()
    )
    statement = SKILL_FIGURES_SQL.format(matching=sampled_sql(sql, percent))
    with read_connection().cursor() as cursor:
        cursor.execute(statement, [*params, skills, skills, TOGETHER_SHOWN, CURRENCIES_PER_SKILL])
        found = cursor.fetchall()
    scale = 100.0 / percent if percent else 1.0
    jobs, together, pay = {}, defaultdict(list), defaultdict(list)

    # Most jobs first, then by skill id or currency: the order the statement ranked them in.
    def ranked(row):
        kind, _skill, other, n, *_ = row
        return kind, -n, int(other) if kind == "together" else other or ""

    for kind, skill, other, n, low, median, high in sorted(found, key=ranked):
        if kind == "jobs":
            jobs[skill] = round(n * scale)
        elif kind == "together":
            together[skill].append((int(other), round(n * scale)))
        else:
            pay[skill].append(
                AdvertisedPay(other, round(n * scale), round(low), round(median), round(high))
            )
    return {
        skill: SkillMarket(n, together[skill], pay[skill], is_estimate=percent is not None)
        for skill, n in jobs.items()
    }


def _skill_market(skill_id: int) -> SkillMarket:
    """The figures of one skill from one pass over its rows: on a large board, a sample of the
    pages, those the skill list counts, or, for a skill common enough to have about
    SKILL_FIGURES_ROWS jobs in fewer pages, those fewer; its count is then the skill list's, so
    that both pages give the same figure."""
    percent = listed = sample_percent(5)
    share = skill_shares().get(skill_id, 0.0)
    if percent is not None and share:
        enough = 100.0 * SKILL_FIGURES_ROWS / (search_rows() * share)
        percent = min(percent, max(enough, MIN_SAMPLE_PERCENT))
    rows = SearchRow.objects.live().filter(skill_ids__contains=[skill_id])
    market = _skill_figures(rows, percent, [skill_id]).get(skill_id)
    if market is None:
        market = SkillMarket(0, [], [], is_estimate=percent is not None)
    if percent != listed:
        open_jobs = skill_job_counts().counts.get(skill_id, market.open_jobs)
        market = replace(market, open_jobs=open_jobs)
    return market


def skill_markets_refresh(*, dry_run: bool = False) -> int:
    """Work out every skill's figures in one pass over the search rows (on a large board, over
    the sample the skill list counts) and store them for skill_market, unless `dry_run`; returns
    how many skills have open jobs. Run by Celery beat (settings.CELERY_BEAT_SCHEDULE),
    `refresh_skill_markets` and `generate_jobs`."""
    figures = _skill_figures(SearchRow.objects.live(), sample_percent(5), None)
    known = set(Skill.objects.filter(pk__in=figures).values_list("pk", flat=True))
    now = timezone.now()
    stored = [
        SkillMarketFigures(
            skill_id=skill,
            together=[list(pair) for pair in market.together],
            pay=[astuple(pay) for pay in market.pay],
            refreshed_at=now,
        )
        for skill, market in figures.items()
        if skill in known
    ]
    if dry_run:
        return len(stored)
    with transaction.atomic():
        SkillMarketFigures.objects.exclude(skill_id__in=known).delete()
        SkillMarketFigures.objects.bulk_create(
            stored,
            update_conflicts=True,
            unique_fields=["skill"],
            update_fields=["together", "pay", "refreshed_at"],
        )
    return len(stored)
