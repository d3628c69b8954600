"""The board's own market data for career pages: what open jobs for a role advertise.

A role's jobs are those of its job search (`CareerRole.job_search_fields`), run by the same
FilterSet as the search page, so the role page's count is the count its "Open jobs" button and
its feed show. Salaries are compared as
yearly equivalents (the jobs' generated columns, copied into their search rows), per currency,
from each job's midpoint. On a large board the figures come from a sample of the rows and are
marked as estimates; either way they are kept until public data changes (careerboard/caching.py).
"""

from dataclasses import dataclass

from django.db.models import Aggregate, Count, F, FloatField, Func
from django.http import QueryDict

from careerboard.caching import ROLE_MARKET_PREFIX, SKILL_MARKET_PREFIX, remembered
from careerboard.models import CareerRole
from jobs.filters import JobFilterSet
from jobs.models import SearchRow
from jobs.search.sampling import run_sampled, sample_percent


@dataclass(frozen=True)
class AdvertisedPay:
    currency: str
    jobs: int
    low: int  # 25th percentile of yearly midpoints
    median: int
    high: int  # 75th percentile


@dataclass(frozen=True)
class RoleMarket:
    open_jobs: int
    pay: list[AdvertisedPay]
    is_estimate: bool


def role_search(role: CareerRole) -> JobFilterSet:
    """The search that lists the role's jobs: the page's count, listing, button and feed."""
    return JobFilterSet(QueryDict(role.job_search_query()))


def role_market(role: CareerRole) -> RoleMarket:
    return remembered(ROLE_MARKET_PREFIX, role.pk, lambda: _compute(role))


def _compute(role: CareerRole) -> RoleMarket:
    search = role_search(role)
    stats = search.stats()
    return RoleMarket(
        open_jobs=stats.total,
        pay=advertised_pay(search.matching_rows(), sample_percent(5)),
        is_estimate=stats.is_estimate,
    )


def advertised_pay(matching, percent: float | None, currencies: int = 3) -> list[AdvertisedPay]:
    """Quartiles of the yearly midpoints advertised by these jobs, for their main currencies."""
    scale = 100.0 / percent if percent else 1.0
    midpoint = (F("salary_min_annual") + F("salary_max_annual")) / 2.0
    rows = run_sampled(
        matching.filter(salary_min_annual__isnull=False, salary_max_annual__isnull=False)
        .order_by()
        .values("salary_currency")
        .annotate(
            jobs=Count("job_id"),
            low=Percentile(midpoint, fraction=0.25),
            median=Percentile(midpoint, fraction=0.5),
            high=Percentile(midpoint, fraction=0.75),
        )
        .order_by("-jobs", "salary_currency")[:currencies],
        percent,
    )
    return [
        AdvertisedPay(
            currency=row["salary_currency"],
            jobs=round(row["jobs"] * scale),
            low=round(row["low"]),
            median=round(row["median"]),
            high=round(row["high"]),
        )
        for row in rows
    ]


@dataclass(frozen=True)
class SkillMarket:
    together: list[tuple[int, int]]  # (skill id, open jobs asking for both)
    pay: list[AdvertisedPay]
    is_estimate: bool


def skill_market(skill_id: int) -> SkillMarket:
    """Skills that open jobs ask for together with this one, and what those jobs pay."""
    return remembered(SKILL_MARKET_PREFIX, skill_id, lambda: _skill_market(skill_id))


def _skill_market(skill_id: int) -> SkillMarket:
    percent = sample_percent(5)
    scale = 100.0 / percent if percent else 1.0
    matching = SearchRow.objects.live().filter(skill_ids__contains=[skill_id])
    together = run_sampled(
        matching.order_by()
        .annotate(other=Func(F("skill_ids"), function="unnest"))
        .values("other")
        .annotate(n=Count("*"))
        .order_by("-n", "other")[:9],
        percent,
    )
    return SkillMarket(
        together=[
            (row["other"], round(row["n"] * scale)) for row in together if row["other"] != skill_id
        ][:8],
        pay=advertised_pay(matching, percent, currencies=2),
        is_estimate=percent is not None,
    )


class Percentile(Aggregate):
    """percentile_cont(fraction) WITHIN GROUP (ORDER BY expression)."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression, *, fraction: float, **extra):
        super().__init__(expression, fraction=float(fraction), output_field=FloatField(), **extra)
