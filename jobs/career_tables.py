"""The career pages' tables, prepared for their templates: a role's path from junior to lead with
the documents' figures beside the board's, and roles side by side."""

from dataclasses import dataclass, field

from django.db.models import Prefetch

from careerboard.models import (
    ANNUAL_FACTORS,
    CareerRole,
    EducationPath,
    Importance,
    OutlookFigure,
    Period,
    RoleSkill,
    SalaryFigure,
    Skill,
    SourceDocument,
)
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
        return cls(figure, round(figure.yearly_range()[0]), f"{periods:,} {figure.period}s")


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


@dataclass(frozen=True)
class RoleColumn:
    """One role of a comparison, with everything its row or column shows."""

    role: CareerRole
    salaries: list[SalaryFigure]
    outlooks: list[OutlookFigure]
    education: list[EducationPath]
    skills: list[Skill]
    open_jobs: int
    market: RoleMarket | None = None


def comparable_roles():
    """Visible roles with their visible figures, ways in and core skills, a query for each kind."""
    return CareerRole.objects.visible().prefetch_related(
        Prefetch("salary_figures", SalaryFigure.objects.visible(), to_attr="shown_salaries"),
        Prefetch("outlook_figures", OutlookFigure.objects.visible(), to_attr="shown_outlooks"),
        Prefetch("education", EducationPath.objects.visible(), to_attr="shown_education"),
        Prefetch(
            "skill_needs",
            RoleSkill.objects.visible()
            .filter(importance=Importance.CORE, skill__is_hidden=False)
            .select_related("skill"),
            to_attr="core_needs",
        ),
    )


def role_columns(
    roles: list[CareerRole],
    *,
    markets: dict[int, RoleMarket] | None = None,
    open_jobs: dict[int, int] | None = None,
) -> tuple[list[RoleColumn], list[SourceDocument]]:
    """A column per role, from `comparable_roles()`, and the documents their figures cite.

    Open jobs come from the role's market when given (a comparison), else from `open_jobs`
    (the list of every role, counted together)."""
    columns = [
        RoleColumn(
            role=role,
            salaries=role.shown_salaries,
            outlooks=role.shown_outlooks,
            education=role.shown_education,
            skills=[need.skill for need in role.core_needs],
            market=(markets or {}).get(role.pk),
            open_jobs=markets[role.pk].open_jobs if markets else (open_jobs or {}).get(role.pk, 0),
        )
        for role in roles
    ]
    documents = SourceDocument.objects.attach_citations(
        [r for c in columns for r in (*c.salaries, *c.outlooks, *c.education)]
    )
    return columns, documents
