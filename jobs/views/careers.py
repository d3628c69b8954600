"""Career pages: roles, their paths and their markets."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render

from careerboard.caching import cache_for_anonymous
from careerboard.guide import role_guide
from careerboard.models import CareerRole, Sector, SourceDocument
from careerboard.seo import canonical_url
from jobs.careers import career_path_around, pay_chart
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
    salaries = list(role.salary_figures.visible())
    outlooks = list(role.outlook_figures.visible())
    education = list(role.education.visible())
    path = career_path_around(role)
    guide = role_guide(role)
    documents = SourceDocument.objects.attach_citations(
        [*salaries, *outlooks, *education, *path.steps_in, *path.steps_out, *guide.cited()]
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
            "sectors": Sector.objects.visible(),
            "path": path,
            "documents": documents,
            "market": market,
            "job_search_query": role.job_search_query(),
            "chart": pay_chart(role, salaries, market),
            "canonical_url": canonical_url(request),
        },
    )
