"""Server-side SVG charts for career pages: they work without JavaScript and carry a text
alternative (role="img" with <title> and <desc>; the page also shows the data as a table)."""

from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Bar:
    label: str
    note: str  # who says so, shown under the label
    low: float
    high: float  # equal to low for a single figure
    kind: str  # "document" or "board": styled differently


def salary_bars(bars: list[Bar], *, title: str, description: str, unit: str) -> SafeString:
    """A horizontal chart of yearly pay: dots for single figures, bars for ranges."""
    if not bars:
        return mark_safe("")
    width, left, right, row = 760, 330, 30, 44
    top, height = 30, 30 + row * len(bars) + 36
    top_value = max(bar.high for bar in bars) * 1.1
    scale = (width - left - right) / top_value

    def x(value):
        return left + value * scale

    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="chart-title chart-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="chart-title">{escape(title)}</title>',
        f'<desc id="chart-desc">{escape(description)}</desc>',
    ]
    for step in range(0, 5):
        value = top_value / 1.1 * step / 4
        parts.append(
            f'<line class="grid" x1="{x(value):.1f}" x2="{x(value):.1f}" y1="{top - 10}" '
            f'y2="{height - 30}"/><text class="axis" x="{x(value):.1f}" y="{height - 12}" '
            f'text-anchor="middle">{escape(_short(value, unit))}</text>'
        )
    for i, bar in enumerate(bars):
        y = top + i * row
        parts.append(
            f'<text class="label" x="{left - 10}" y="{y + 12}" text-anchor="end">'
            f"{escape(_clip(bar.label, 38))}</text>"
            f'<text class="note" x="{left - 10}" y="{y + 27}" text-anchor="end">'
            f"{escape(_clip(bar.note, 44))}</text>"
        )
        if bar.high > bar.low:
            parts.append(
                f'<rect class="bar {bar.kind}" x="{x(bar.low):.1f}" y="{y + 4}" '
                f'width="{(bar.high - bar.low) * scale:.1f}" height="16" rx="4"/>'
            )
        else:
            parts.append(
                f'<circle class="dot {bar.kind}" cx="{x(bar.low):.1f}" cy="{y + 12}" r="7"/>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def _clip(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def _short(value: float, unit: str) -> str:
    if value >= 1_000_000:
        return f"{unit}{value / 1_000_000:.1f}M"
    if value >= 1000:
        return f"{unit}{value / 1000:.0f}k"
    return f"{unit}{value:.0f}"


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
        label = escape(name if len(name) <= 26 else name[:25] + "…")
        parts.append(
            f'<a href="{escape(url)}"><rect class="{css}" x="{x:.0f}" y="{y:.0f}" '
            f'width="{box_w}" height="{box_h}" rx="8"/><text class="node-label" '
            f'x="{x + box_w / 2:.0f}" y="{y + box_h / 2 + 5:.0f}" text-anchor="middle">'
            f"{label}</text></a>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))
