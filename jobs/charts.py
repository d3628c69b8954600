"""Charts drawn on the server: pay charts and a job's figures by day as data for an HTML
template, and the career path as an SVG of links. All work without JavaScript; the pages also
give the figures as a table."""

import math
import textwrap
from dataclasses import dataclass, field, replace
from datetime import date
from html import escape

from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class PayRow:
    """One figure of a pay chart: a dot for one amount, a bar for a range (a middle half)."""

    label: str
    note: str  # who says so
    value: str  # the figure in words, shown beside the mark
    low: float  # yearly
    high: float  # equal to low for a single figure
    kind: str  # "document" or "board": styled differently
    middle: float | None = None  # a median marked inside the bar
    left: str = ""  # where the mark starts and ends, as a share of the scale ("12.5%")
    width: str = ""
    centre: str = ""


@dataclass(frozen=True)
class PayChart:
    """Yearly pay in one currency, drawn with HTML and CSS: the text wraps and stays readable
    at any width, and the list reads in order without the picture."""

    currency: str
    title: str
    rows: list[PayRow]
    ticks: list[tuple[str, str]]  # (label, position)
    legend: list[str] = field(default_factory=list)
    note: str = ""  # how figures were made yearly, when some were


# Tick steps a reader rounds to: 10k, 20k, 25k, 50k, 100k...
NICE_STEPS = [1, 2, 2.5, 5]


def pay_chart(
    rows: list[PayRow], *, currency: str, title: str, unit: str, note: str = ""
) -> PayChart | None:
    """Place the rows on one scale from 0 to a round number above the highest figure."""
    if not rows:
        return None
    top = max(row.high for row in rows)
    step = _nice_step(top / 4)
    scale = step * math.ceil(top / step) or step

    def at(value: float) -> str:
        return f"{100 * value / scale:.2f}%"

    placed = [
        replace(
            row,
            left=at(row.low),
            width=at(row.high - row.low),
            centre=at(row.middle) if row.middle is not None else "",
        )
        for row in rows
    ]
    ticks = [(_short(step * n, unit), at(step * n)) for n in range(round(scale / step) + 1)]
    return PayChart(currency, title, placed, ticks, legend=_legend(placed), note=note)


def _nice_step(rough: float) -> float:
    power = 10 ** math.floor(math.log10(rough)) if rough > 0 else 1
    return next((n * power for n in NICE_STEPS if n * power >= rough), 10 * power)


def _legend(rows: list[PayRow]) -> list[str]:
    """Only what is drawn."""
    drawn = {(row.kind, row.high > row.low) for row in rows}
    words = {
        ("document", False): "grey dot: one figure a source document quotes",
        ("document", True): "grey bar: a range a source document quotes",
        ("board", True): "blue bar: the middle half of the salaries open jobs on CareerBoard "
        "advertise, with their median marked",
        ("board", False): "blue dot: the salary open jobs on CareerBoard advertise",
    }
    return [text for key, text in words.items() if key in drawn]


@dataclass(frozen=True)
class DayBar:
    day: date
    value: int
    height: str  # as a share of the chart's height ("42.00%")


@dataclass(frozen=True)
class DayChart:
    """One measure day by day as columns, drawn with HTML and CSS; the page gives the figures
    as a table too."""

    key: str
    title: str
    bars: list[DayBar]
    top: int  # the value of a full-height column, a round number
    total: int
    busiest: DayBar | None  # the day with the most, if any


def day_chart(key: str, title: str, values: list[tuple[date, int]]) -> DayChart:
    """Columns on one scale from 0 to a round number at or above the highest day."""
    highest = max((value for _, value in values), default=0)
    step = _nice_step(highest / 4) if highest else 1
    top = int(step * math.ceil(highest / step)) or 1
    bars = [DayBar(day, value, f"{100 * value / top:.2f}%") for day, value in values]
    busiest = max(bars, key=lambda bar: bar.value) if highest else None
    return DayChart(key, title, bars, top, sum(value for _, value in values), busiest)


def _short(value: float, unit: str) -> str:
    if value >= 1_000_000:
        return f"{unit}{value / 1_000_000:g}M"
    if value >= 1000:
        return f"{unit}{value / 1000:g}k"
    return f"{unit}{value:g}"


# Long as one SVG is: the layout, the arrows and the boxes read in drawing order.
def career_path(
    columns: list[list[tuple[str, str]]],
    edges: set[tuple[str, str]],
    *,
    title: str,
    current: str,
) -> SafeString:
    """Roles in columns left to right (where people come from, this role, where it leads),
    as linked boxes, with an arrow for each step from one role to the next."""
    columns = [column for column in columns if column]
    if not columns:
        return mark_safe("")
    box_w, box_h, gap_x, gap_y = 190, 44, 70, 14
    tallest = max(len(column) for column in columns)
    width = len(columns) * box_w + (len(columns) - 1) * gap_x + 20
    height = tallest * (box_h + gap_y) + 20
    positions = {}
    parts = [
        # A group, not an image: the roles inside are links a keyboard can reach.
        f'<svg class="diagram" viewBox="0 0 {width} {height}" role="group" '
        f'aria-labelledby="path-title" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="path-title">{escape(title)}</title>',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" class="arrowhead"/>'
        "</marker></defs>",
    ]
    for c, column in enumerate(columns):
        offset = (tallest - len(column)) * (box_h + gap_y) / 2
        for r in range(len(column)):
            positions[(c, r)] = (10 + c * (box_w + gap_x), 10 + offset + r * (box_h + gap_y))
    for c in range(len(columns) - 1):
        for r, (name, _url) in enumerate(columns[c]):
            x1, y1 = positions[(c, r)]
            for r2, (next_name, _next_url) in enumerate(columns[c + 1]):
                if (name, next_name) not in edges:
                    continue
                x2, y2 = positions[(c + 1, r2)]
                parts.append(
                    f'<line class="edge" x1="{x1 + box_w:.0f}" y1="{y1 + box_h / 2:.0f}" '
                    f'x2="{x2 - 4:.0f}" y2="{y2 + box_h / 2:.0f}" marker-end="url(#arrow)"/>'
                )
    for (c, r), (x, y) in positions.items():
        name, url = columns[c][r]
        css = "node current" if name == current else "node"
        # Long names wrap onto a second line rather than lose their ends.
        lines = textwrap.wrap(name, 26, max_lines=2, placeholder="…")
        first_y = y + box_h / 2 + 5 - (len(lines) - 1) * 7
        label = "".join(
            f'<tspan x="{x + box_w / 2:.0f}" y="{first_y + 14 * n:.0f}">{escape(line)}</tspan>'
            for n, line in enumerate(lines)
        )
        parts.append(
            f'<a href="{escape(url)}"><rect class="{css}" x="{x:.0f}" y="{y:.0f}" '
            f'width="{box_w}" height="{box_h}" rx="8"/><text class="node-label" '
            f'text-anchor="middle">{label}</text></a>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))
