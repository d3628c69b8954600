"""The board's own market data for career pages: what open jobs for a role advertise.

A role's jobs are those of its job search (`CareerRole.job_search_fields`), run by the same
FilterSet as the search page, so the role page's count is the count its "Open jobs" button and
its feed show. Salaries are compared as
yearly equivalents (the jobs' generated columns, copied into their search rows), per currency,
from each job's midpoint, and per seniority level where a page asks: a median mixing interns and
leads describes nobody. On a large board the figures come from a sample of the rows and are
marked as estimates; either way they are kept until public data changes (careerboard/caching.py).
"""

from dataclasses import dataclass, field

from django.http import QueryDict

from careerboard.caching import (
    ROLE_JOB_COUNTS_PREFIX,
    ROLE_MARKET_PREFIX,
    SKILL_MARKET_PREFIX,
    remembered,
)
from careerboard.db_routers import read_connection
from careerboard.models import CareerRole, SalaryFigure, Skill
from jobs.filters import JobFilterSet
from jobs.models import Job, SearchRow
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
    selects, params = [], []
    for role in roles:
        sql, role_params = (
            role_search(role).matching_rows().order_by().values("job_id").query.sql_with_params()
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
    """Open jobs asking for this skill, the skills they ask for with it, and what they pay."""
    return remembered(SKILL_MARKET_PREFIX, skill_id, lambda: _skill_market(skill_id))


SKILL_FIGURES_SQL = """
WITH s AS MATERIALIZED (
    SELECT salary_currency AS currency, (salary_min_annual + salary_max_annual) / 2.0 AS midpoint,
           skill_ids
    FROM ({matching}) AS matching
)
SELECT 'jobs', NULL, count(*)::float8, NULL::float8, NULL::float8, NULL::float8 FROM s
UNION ALL
(SELECT 'together', other::text, count(*), NULL, NULL, NULL
 FROM s, unnest(s.skill_ids) AS other WHERE other <> %s
 GROUP BY other ORDER BY count(*) DESC, other LIMIT %s)
UNION ALL
(SELECT 'pay', currency, count(*),
        percentile_cont(0.25) WITHIN GROUP (ORDER BY midpoint),
        percentile_cont(0.5) WITHIN GROUP (ORDER BY midpoint),
        percentile_cont(0.75) WITHIN GROUP (ORDER BY midpoint)
 FROM s WHERE midpoint IS NOT NULL GROUP BY currency ORDER BY count(*) DESC, currency LIMIT %s)
"""


def _skill_market(skill_id: int) -> SkillMarket:
    """The count, the skills asked for together and the pay in one pass over the skill's rows:
    one read of the table's pages instead of one per figure.

    On a large board that read is a sample of the pages: those the skill list counts, or, for a
    skill common enough to have about SKILL_FIGURES_ROWS jobs in fewer pages, those fewer; its
    count is then the skill list's, so that both pages give the same figure."""
    percent = listed = sample_percent(5)
    share = skill_shares().get(skill_id, 0.0)
    if percent is not None and share:
        enough = 100.0 * SKILL_FIGURES_ROWS / (search_rows() * share)
        percent = min(percent, max(enough, MIN_SAMPLE_PERCENT))
    scale = 100.0 / percent if percent else 1.0
    sql, params = (
        SearchRow.objects.live()
        .filter(skill_ids__contains=[skill_id])
        .order_by()
        .values("salary_currency", "salary_min_annual", "salary_max_annual", "skill_ids")
        .query.sql_with_params()
    )
    statement = SKILL_FIGURES_SQL.format(matching=sampled_sql(sql, percent))
    with read_connection().cursor() as cursor:
        cursor.execute(statement, [*params, skill_id, TOGETHER_SHOWN, CURRENCIES_PER_SKILL])
        rows = cursor.fetchall()
    figures = {"jobs": [], "together": [], "pay": []}
    for kind, *values in rows:
        figures[kind].append(values)
    open_jobs = round(figures["jobs"][0][1] * scale)
    if percent != listed:
        open_jobs = skill_job_counts().counts.get(skill_id, open_jobs)
    return SkillMarket(
        open_jobs=open_jobs,
        together=[(int(other), round(n * scale)) for other, n, *_ in figures["together"]],
        pay=[
            AdvertisedPay(currency, round(n * scale), round(low), round(median), round(high))
            for currency, n, low, median, high in figures["pay"]
        ],
        is_estimate=percent is not None,
    )
