"""What a career page shows, prepared for its template: the steps around a role, each with the
documents that describe it, and pay charts of the sourced figures beside the board's own."""

from dataclasses import dataclass, field

from django.template.defaultfilters import pluralize
from django.utils.safestring import SafeString

from careerboard.models import ANNUAL_FACTORS, CareerRole, CareerStep, Period, SalaryFigure
from jobs.charts import PayChart, PayRow, career_path, pay_chart
from jobs.filters import CURRENCIES
from jobs.market import AdvertisedPay, RoleMarket

CURRENCY_SIGNS = {"USD": "$", "CAD": "CA$", "GBP": "£", "EUR": "€", "AUD": "A$", "INR": "₹"}
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


def pay_charts(
    role: CareerRole, salaries: list[SalaryFigure], market: RoleMarket
) -> list[PayChart]:
    """One chart per currency: the documents' figures as yearly pay beside what open jobs
    advertise; US dollars first, then in the order the figures come."""
    rows: dict[str, list[PayRow]] = {"USD": []}
    periods: dict[str, set[str]] = {}
    for figure in salaries:
        rows.setdefault(figure.currency, []).append(_document_row(figure))
        periods.setdefault(figure.currency, set()).add(figure.period)
    for pay in market.pay:
        rows.setdefault(pay.currency, []).append(_board_row(pay, market.is_estimate))
    names = dict(CURRENCIES)
    charts = [
        pay_chart(
            currency_rows,
            currency=currency,
            title=f"Yearly pay of a {role.name}, in {names.get(currency, currency)} per year",
            unit=CURRENCY_SIGNS.get(currency, f"{currency} "),
            note=_yearly_note(periods.get(currency, set())),
        )
        for currency, currency_rows in rows.items()
    ]
    return [chart for chart in charts if chart]


def _yearly_note(periods: set[str]) -> str:
    """How the chart made other periods' figures yearly, if it had to."""
    counted = [
        f"{ANNUAL_FACTORS[period]:,} {Period(period).label.removeprefix('per ')}s"
        for period in (Period.HOUR, Period.DAY, Period.WEEK, Period.MONTH)
        if period in periods
    ]
    if not counted:
        return ""
    return f"Figures quoted per hour, day, week or month count {', '.join(counted)} a year."


def _money(value: float, currency: str) -> str:
    sign = CURRENCY_SIGNS.get(currency, f"{currency} ")
    return f"{sign}{value:,.0f}" if value >= 100 else f"{sign}{value:,.2f}"


def _document_row(figure: SalaryFigure) -> PayRow:
    low, high = figure.stated_range()
    yearly_low, yearly_high = figure.yearly_range()
    value = _money(yearly_low, figure.currency)
    if high > low:
        value += f"–{_money(yearly_high, figure.currency)}"
    value += " a year"
    if figure.qualifier:
        value += f" ({figure.qualifier})"
    if figure.period != Period.YEAR:
        stated = _money(low, figure.currency)
        if high > low:
            stated += f"–{_money(high, figure.currency)}"
        value += f", from {stated} {figure.get_period_display()}"
    return PayRow(
        label=f"{figure.label}, {figure.region}" if figure.region else figure.label,
        note=", ".join(filter(None, [figure.publisher, figure.as_of])) or figure.citations[0].title,
        value=value,
        low=yearly_low,
        high=yearly_high,
        kind="document",
    )


def _board_row(pay: AdvertisedPay, is_estimate: bool) -> PayRow:
    jobs = f"{'about ' if is_estimate else ''}{pay.jobs:,} open job{pluralize(pay.jobs)}"
    return PayRow(
        label="Advertised on CareerBoard",
        note=f"middle half of the salaries of {jobs}",
        value=f"median {_money(pay.median, pay.currency)}, middle half "
        f"{_money(pay.low, pay.currency)}–{_money(pay.high, pay.currency)}",
        low=pay.low,
        high=pay.high,
        middle=pay.median,
        kind="board",
    )
