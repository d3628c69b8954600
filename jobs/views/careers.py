"""Career pages: roles, their paths and their markets."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render

from careerboard.caching import cache_for_anonymous
from careerboard.models import ANNUAL_FACTORS, CareerRole, Sector
from careerboard.seo import canonical_url
from jobs.charts import Bar, career_path, salary_bars
from jobs.market import role_market


@cache_for_anonymous
def career_list(request):
    roles = CareerRole.objects.visible().prefetch_related(
        Prefetch("next_roles", queryset=CareerRole.objects.visible())
    )
    return render(
        request,
        "jobs/career_list.html",
        {"roles": roles, "canonical_url": canonical_url(request)},
    )


@cache_for_anonymous
def career_detail(request, slug):
    role = get_object_or_404(CareerRole.objects.visible(), slug=slug)
    visible_roles = CareerRole.objects.visible()
    previous_roles = list(role.previous_roles.visible())
    # The path ahead, level by level, up to three steps: developer -> senior -> lead -> CTO.
    levels, edges, shown = [[role]], set(), {role.pk, *(r.pk for r in previous_roles)}
    edges |= {(p.name, role.name) for p in previous_roles}
    for _ in range(3):
        steps = CareerRole.next_roles.through.objects.filter(
            from_careerrole__in=levels[-1], to_careerrole__in=visible_roles
        ).select_related("from_careerrole", "to_careerrole")
        level = []
        for step in steps:
            edges.add((step.from_careerrole.name, step.to_careerrole.name))
            if step.to_careerrole.pk not in shown:
                shown.add(step.to_careerrole.pk)
                level.append(step.to_careerrole)
        if not level:
            break
        levels.append(sorted(level, key=lambda r: (r.sort_order, r.name)))
    next_roles, later = levels[1] if len(levels) > 1 else [], [r for lv in levels[2:] for r in lv]
    columns = [[(r.name, r.get_absolute_url()) for r in previous_roles]] + [
        [(r.name, r.get_absolute_url()) for r in level] for level in levels
    ]
    salaries = list(role.salary_figures.visible())
    market = role_market(role)
    bars = [
        Bar(
            label=f"{figure.label}, {figure.region}" if figure.region else figure.label,
            note=", ".join(filter(None, [figure.publisher, figure.as_of])) or figure.sources[0],
            low=float(figure.low if figure.amount is None else figure.amount)
            * ANNUAL_FACTORS[figure.period],
            high=float(figure.high if figure.amount is None else figure.amount)
            * ANNUAL_FACTORS[figure.period],
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
    chart = salary_bars(
        bars,
        title=f"Yearly pay of a {role.name} in US dollars",
        description="Figures quoted by the source documents (hourly figures at 2,080 hours a "
        "year) beside the middle half of the salaries that open jobs on CareerBoard advertise. "
        "The table below gives every figure.",
        unit="$",
    )
    diagram = career_path(
        columns, edges, title=f"Career path around {role.name}", current=role.name
    )
    return render(
        request,
        "jobs/career_detail.html",
        {
            "role": role,
            "skills": role.skills.visible(),
            "salaries": salaries,
            "outlooks": role.outlook_figures.visible(),
            "education": role.education.visible(),
            "sectors": Sector.objects.visible(),
            "previous_roles": previous_roles,
            "next_roles": next_roles,
            "later_roles": later,
            "market": market,
            "chart": chart,
            "diagram": diagram,
            "canonical_url": canonical_url(request),
        },
    )
