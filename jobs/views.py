"""Public pages of the board: home, search, job, company and skill pages."""

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Count, F, Func
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import cached_property
from django.views.generic import DetailView, TemplateView

from careerboard.models import Skill
from jobs.filters import JobFilterSet
from jobs.models import Company, Job
from jobs.search import suggest_correction

PAGE_SIZE = 20
POPULAR_SKILLS_CACHE_SECONDS = 600


class KnownCountPaginator(Paginator):
    """A paginator told the total, which the facet query has already counted."""

    def __init__(self, object_list, per_page, *, count: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._known_count = count

    @cached_property
    def count(self):
        return self._known_count


def popular_skills(limit=16) -> list[tuple[Skill, int]]:
    """The skills most open jobs ask for; counted over the whole board, so cached."""
    rows = cache.get("popular-skills")
    if rows is None:
        rows = list(
            Job.objects.published()
            .order_by()
            .annotate(skill_id=Func(F("skill_ids"), function="unnest"))
            .values_list("skill_id")
            .annotate(n=Count("*"))
            .order_by("-n", "skill_id")[:limit]
        )
        cache.set("popular-skills", rows, POPULAR_SKILLS_CACHE_SECONDS)
    skills = Skill.objects.visible().in_bulk([skill_id for skill_id, _ in rows])
    return [(skills[skill_id], n) for skill_id, n in rows if skill_id in skills]


def home(request):
    latest = Job.objects.published().with_card_data().order_by("-published_at", "-id")[:8]
    return render(
        request,
        "jobs/home.html",
        {"latest_jobs": latest, "popular_skills": popular_skills()},
    )


def job_list(request):
    filterset = JobFilterSet(request.GET or None, queryset=Job.objects.published())
    counts = filterset.facet_counts(Job.objects.published())
    paginator = KnownCountPaginator(filterset.qs.with_card_data(), PAGE_SIZE, count=counts["total"])
    page_number = request.GET.get("page") or 1
    page = paginator.get_page(page_number)
    page_note = None
    if str(page.number) != str(page_number):
        page_note = f"There is no page “{page_number[:20]}”; showing page {page.number}."
    query_text = filterset.cleaned_data().get("q") or ""
    suggestion = suggest_correction(query_text) if counts["total"] == 0 and query_text else None
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "jobs/job_list.html",
        {
            "filterset": filterset,
            "form": filterset.form,
            "page": page,
            "jobs": page.object_list,
            "counts": counts,
            "facets": facet_table(filterset, counts),
            "top_skills": filterset.top_skills(Job.objects.published()),
            "page_note": page_note,
            "suggestion": suggestion,
            "suggestion_params": _with(params, q=suggestion) if suggestion else "",
            "query_params": params.urlencode(),
            "sort": filterset.sort_order,
        },
    )


def _with(params, **changes):
    params = params.copy()
    for key, value in changes.items():
        params[key] = value
    return params.urlencode()


def facet_table(filterset, counts):
    """For the template: each facet's options with their counts and whether they are ticked."""
    data = filterset.cleaned_data()
    table = []
    for facet in JobFilterSet.FACETS:
        chosen = data.get(facet) or []
        chosen = [chosen] if isinstance(chosen, str) else chosen
        options = [
            {
                "value": value,
                "label": label,
                "count": counts[facet][value],
                "checked": value in chosen,
            }
            for value, label in filterset.facet_choices(facet)
        ]
        table.append(
            {
                "name": facet,
                "label": filterset.filters[facet].label or facet.replace("_", " ").capitalize(),
                "multiple": facet != "posted",
                "options": options,
            }
        )
    return table


def job_detail(request, pk, slug):
    job = get_object_or_404(Job.objects.with_card_data(), pk=pk)
    is_member = request.user.is_authenticated and (
        request.user.is_staff or job.company.members.filter(pk=request.user.pk).exists()
    )
    if not job.is_public and not is_member:
        # A job that was public says it has gone; one that never was does not exist.
        if job.status in (Job.Status.PUBLISHED, Job.Status.CLOSED, Job.Status.EXPIRED):
            return render(request, "jobs/job_gone.html", {"job": job}, status=410)
        raise Http404("No such job.")
    if slug != job.slug:
        return redirect(job, permanent=True)
    return render(
        request,
        "jobs/job_detail.html",
        {"job": job, "similar_jobs": similar_jobs(job), "is_member": is_member},
    )


def similar_jobs(job: Job, limit=4):
    """Recent open jobs that share the most skills with this one."""
    if not job.skill_ids:
        return []
    candidates = list(
        Job.objects.published()
        .filter(skill_ids__overlap=job.skill_ids)
        .exclude(pk=job.pk)
        .order_by("-published_at", "-id")
        .values_list("id", "skill_ids", "seniority")[:60]
    )
    wanted = set(job.skill_ids)
    candidates.sort(
        key=lambda row: (len(wanted & set(row[1])), row[2] == job.seniority), reverse=True
    )
    ids = [row[0] for row in candidates[:limit]]
    jobs = Job.objects.with_card_data().in_bulk(ids)
    return [jobs[pk] for pk in ids]


class CompanyDetailView(DetailView):
    model = Company
    template_name = "jobs/company_detail.html"

    def get_queryset(self):
        return Company.objects.prefetch_related("sectors")

    def get_context_data(self, **kwargs):
        jobs = (
            Job.objects.published()
            .filter(company=self.object)
            .with_card_data()
            .order_by("-published_at", "-id")
        )
        return super().get_context_data(open_jobs=jobs, **kwargs)


class SkillListView(TemplateView):
    template_name = "jobs/skill_list.html"

    def get_context_data(self, **kwargs):
        counts = dict(
            Job.objects.published()
            .order_by()
            .annotate(skill_id=Func(F("skill_ids"), function="unnest"))
            .values_list("skill_id")
            .annotate(n=Count("*"))
        )
        categories = {}
        for skill in Skill.objects.visible().order_by("category", "sort_order", "name"):
            skill.open_jobs = counts.get(skill.pk, 0)
            categories.setdefault(skill.get_category_display(), []).append(skill)
        return super().get_context_data(categories=categories, **kwargs)


def skill_detail(request, slug):
    skill = get_object_or_404(Skill.objects.visible(), slug=slug)
    jobs = (
        Job.objects.published()
        .filter(skill_ids__contains=[skill.pk])
        .with_card_data()
        .order_by("-published_at", "-id")
    )
    paginator = Paginator(jobs, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    resources = skill.resources.visible()
    return render(
        request,
        "jobs/skill_detail.html",
        {"skill": skill, "page": page, "jobs": page.object_list, "resources": resources},
    )
