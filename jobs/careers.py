"""What a career page shows, prepared for its template: the steps around a role, each with the
documents that describe it, and the pay chart beside the board's own figures."""

from dataclasses import dataclass, field

from django.utils.safestring import SafeString

from careerboard.models import CareerRole, CareerStep, SalaryFigure
from jobs.charts import Bar, career_path, salary_bars
from jobs.market import RoleMarket

ANNUAL = {"year": 1, "hour": 2080, "day": 260, "week": 52, "month": 12}
# The path ahead is drawn this many steps deep: developer -> senior -> lead -> CTO.
STEPS_AHEAD = 3


@dataclass
class CareerPath:
    """The steps into a role, out of it, and the roles further ahead."""

    steps_in: list[CareerStep] = field(default_factory=list)
    steps_out: list[CareerStep] = field(default_factory=list)
    later_roles: list[CareerRole] = field(default_factory=list)
    diagram: SafeString = SafeString("")


def career_path_around(role: CareerRole) -> CareerPath:
    """Walk the visible steps around the role, a query per level, and draw them."""
    steps = CareerStep.objects.visible().filter(
        from_role__is_hidden=False, to_role__is_hidden=False
    )
    steps_in = list(steps.filter(to_role=role).select_related("from_role"))
    steps_out = list(steps.filter(from_role=role).select_related("to_role"))
    levels = [[role], _by_order(step.to_role for step in steps_out)]
    edges = {(s.from_role.name, role.name) for s in steps_in}
    edges |= {(role.name, s.to_role.name) for s in steps_out}
    shown = {role.pk, *(s.from_role_id for s in steps_in), *(s.to_role_id for s in steps_out)}
    while levels[-1] and len(levels) <= STEPS_AHEAD:
        level = []
        for step in steps.filter(from_role__in=levels[-1]).select_related("from_role", "to_role"):
            edges.add((step.from_role.name, step.to_role.name))
            if step.to_role_id not in shown:
                shown.add(step.to_role_id)
                level.append(step.to_role)
        levels.append(_by_order(level))
    columns = [[(s.from_role.name, s.from_role.get_absolute_url()) for s in steps_in]] + [
        [(r.name, r.get_absolute_url()) for r in level] for level in levels if level
    ]
    return CareerPath(
        steps_in=steps_in,
        steps_out=steps_out,
        later_roles=[r for level in levels[2:] for r in level],
        diagram=career_path(
            columns, edges, title=f"Career path around {role.name}", current=role.name
        ),
    )


def _by_order(roles) -> list[CareerRole]:
    return sorted(roles, key=lambda r: (r.sort_order, r.name))


def pay_chart(role: CareerRole, salaries: list[SalaryFigure], market: RoleMarket) -> SafeString:
    """The documents' US dollar figures as yearly pay, beside what open jobs advertise."""
    bars = [
        Bar(
            label=f"{figure.label}, {figure.region}" if figure.region else figure.label,
            note=", ".join(filter(None, [figure.publisher, figure.as_of]))
            or figure.citations[0].title,
            low=float(figure.low if figure.amount is None else figure.amount)
            * ANNUAL[figure.period],
            high=float(figure.high if figure.amount is None else figure.amount)
            * ANNUAL[figure.period],
            kind="document",
        )
        for figure in salaries
        if figure.currency == "USD"
    ]
    bars += [
        Bar(
            label="Advertised on CareerBoard",
            note=f"middle half of {pay.jobs:,} open jobs, median {pay.median:,}",
            low=pay.low,
            high=pay.high,
            kind="board",
        )
        for pay in market.pay
        if pay.currency == "USD"
    ]
    return salary_bars(
        bars,
        title=f"Yearly pay of a {role.name} in US dollars",
        description="Figures quoted by the source documents (hourly figures at 2,080 hours a "
        "year) beside the middle half of the salaries that open jobs on CareerBoard advertise. "
        "The table below gives every figure.",
        unit="$",
    )
