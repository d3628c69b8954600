"""The career pages' tables, prepared for their templates: a role's path from junior to lead with
the documents' figures beside the board's."""

from dataclasses import dataclass, field

from careerboard.models import ANNUAL_FACTORS, CareerRole, Period, SalaryFigure
from jobs.careers import CareerPath
from jobs.market import LevelMarket, RoleMarket


@dataclass(frozen=True)
class QuotedPay:
    """A document's figure, with its yearly equivalent when it is not yearly already."""

    figure: SalaryFigure
    yearly: int | None = None
    basis: str = ""  # "2,080 hours"

    @classmethod
    def of(cls, figure: SalaryFigure) -> "QuotedPay":
        if figure.amount is None or figure.period == Period.YEAR:
            return cls(figure)
        periods = ANNUAL_FACTORS[figure.period]
        return cls(figure, round(float(figure.amount) * periods), f"{periods:,} {figure.period}s")


@dataclass(frozen=True)
class LadderStep:
    market: LevelMarket
    quoted: list[QuotedPay] = field(default_factory=list)


def level_figures_around(role: CareerRole, path: CareerPath):
    """The documents' figures given for a seniority level, of this role and the roles next to
    it (a document's senior figure may sit on the senior role)."""
    near = {
        role.pk,
        *(s.from_role_id for s in path.steps_in),
        *(s.to_role_id for s in path.steps_out),
    }
    return SalaryFigure.objects.visible().filter(role__in=near).exclude(level="")


def career_ladder(market: RoleMarket, figures: list[SalaryFigure]) -> list[LadderStep]:
    """Level by level, what the role's open jobs ask for and pay, beside the documents' figures
    for that level; empty when the role's search keeps to one level."""
    if not market.spans_levels:
        return []
    return [
        LadderStep(
            market=level,
            quoted=[QuotedPay.of(f) for f in figures if f.level == level.level],
        )
        for level in market.levels
    ]
