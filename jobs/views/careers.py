"""Career pages: roles, their paths and their markets."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render

from careerboard.caching import cache_for_anonymous
from careerboard.guide import role_guide
from careerboard.models import CareerRole, SourceDocument
from careerboard.seo import canonical_url
from jobs.career_tables import (
    career_ladder,
    comparable_roles,
    level_figures_around,
    role_columns,
)
from jobs.careers import career_path_around, pay_charts
from jobs.forms import CompareRolesForm
from jobs.market import role_job_counts, role_market


@cache_for_anonymous
def career_list(request):
    roles = list(
        comparable_roles().prefetch_related(
            Prefetch("next_roles", queryset=CareerRole.objects.visible())
        )
    )
    counts = role_job_counts(roles)
    columns, documents = role_columns(roles, open_jobs=counts.counts)
    return render(
        request,
        "jobs/career_list.html",
        {
            "columns": columns,
            "documents": documents,
            "counts_are_estimates": counts.is_estimate,
            "canonical_url": canonical_url(request),
        },
    )


@cache_for_anonymous
def career_compare(request):
    form = CompareRolesForm(request.GET, choices=comparable_roles())
    if not form.is_valid():
        return render(request, "jobs/career_compare.html", {"form": form}, status=400)
    roles = form.cleaned_data["roles"]
    columns, documents = role_columns(roles, markets={r.pk: role_market(r) for r in roles})
    return render(
        request,
        "jobs/career_compare.html",
        {"form": form, "columns": columns, "documents": documents},
    )


@cache_for_anonymous
def career_detail(request, slug):
    role = get_object_or_404(CareerRole.objects.visible(), slug=slug)
    salaries = list(role.salary_figures.visible())
    outlooks = list(role.outlook_figures.visible())
    education = list(role.education.visible())
    path = career_path_around(role)
    level_figures = list(level_figures_around(role, path))
    guide = role_guide(role)
    sectors = list(role.sectors.visible())
    documents = SourceDocument.objects.attach_citations(
        [
            *salaries,
            *outlooks,
            *education,
            *path.steps_in,
            *path.steps_out,
            *level_figures,
            *guide.cited(),
            *sectors,
        ]
    )
    market = role_market(role)
    return render(
        request,
        "jobs/career_detail.html",
        {
            "role": role,
            "guide": guide,
            "salaries": salaries,
            "outlooks": outlooks,
            "education": education,
            "sectors": sectors,
            "path": path,
            "documents": documents,
            "market": market,
            "ladder": career_ladder(market, level_figures),
            "job_search_query": role.job_search_query(),
            "pay_charts": pay_charts(role, salaries, market),
            "canonical_url": canonical_url(request),
        },
    )
