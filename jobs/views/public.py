"""Public pages: home, search, job, company and skill pages, and the counted apply and report
links."""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_http_methods
from django.views.generic import DetailView, TemplateView
from django_countries import countries
from django_ratelimit.decorators import ratelimit

from careerboard.caching import cache_for_anonymous
from careerboard.guide import roles_needing, skill_resources
from careerboard.markdown import html_text
from careerboard.models import Skill, rates_note, visible_skills_by_id
from careerboard.seo import canonical_url
from careerboard.templatetags.board import page_numbers
from jobs import counters, services
from jobs.cards import exchange_rates, job_article, job_cards, visitor_data
from jobs.filters import JobFilterSet
from jobs.forms import ReportForm
from jobs.locations import country_code, place_is_known, read_place_wish
from jobs.logos import company_logo
from jobs.market import skill_market
from jobs.models import (
    Company,
    Job,
    SearchRow,
    attach_card_data,
    card_jobs,
    similar_card_jobs,
)
from jobs.pagination import MAX_BROWSABLE_RESULTS, PAGE_SIZE, KnownCountPaginator
from jobs.search.plans import RANK_CANDIDATES, Results, Sort
from jobs.search.query import suggest_correction
from jobs.search.sampling import skill_job_counts
from jobs.structured_data import as_script, job_posting

# A job's page shows this many similar jobs.
SIMILAR_JOBS_SHOWN = 4
# The query parameters that choose which jobs a search lists (its canonical URL keeps these).
SEARCH_FILTERS = [name for name in JobFilterSet.base_filters if name != "sort"]


def popular_skills(limit=16) -> list[tuple[Skill, int]]:
    """The skills most open jobs ask for."""
    counts = skill_job_counts().counts
    top = sorted(counts, key=lambda skill_id: (-counts[skill_id], skill_id))[: limit * 2]
    skills = visible_skills_by_id()
    return [(skills[pk], counts[pk]) for pk in top if pk in skills][:limit]


@cache_for_anonymous
def home(request):
    latest = Job.objects.published().with_card_data().order_by("-published_at", "-id")[:8]
    return render(
        request,
        "jobs/home.html",
        {
            "cards": job_cards(request, latest),
            "popular_skills": popular_skills(),
            "canonical_url": canonical_url(request),
        },
    )


@cache_for_anonymous
def job_list(request):
    filterset = JobFilterSet(request.GET or None)
    stats = filterset.stats()
    results = filterset.qs
    limit = RANK_CANDIDATES if filterset.sort_order == Sort.RELEVANCE else MAX_BROWSABLE_RESULTS
    # An estimate may be low; leave room for a next page until a short page proves the end.
    pageable = stats.total if not stats.is_estimate else max(stats.total, 2 * PAGE_SIZE)
    paginator = KnownCountPaginator(results, PAGE_SIZE, count=min(pageable, limit))
    page_number = request.GET.get("page") or 1
    page = paginator.get_page(page_number)
    page_note = None
    if str(page.number) != str(page_number):
        page_note = f"There is no page “{str(page_number)[:20]}”; showing page {page.number}."
    total, is_estimate, page_note = _page_total(
        page, stats, limit=limit, ranked=filterset.sort_order == Sort.RELEVANCE, note=page_note
    )
    query_text = filterset.cleaned_data().get("q") or ""
    suggestion = suggest_correction(query_text) if total == 0 and query_text else None
    where, place_note = _place_words(filterset.cleaned_data().get("location") or "", total)
    params = request.GET.copy()
    params.pop("page", None)
    query_params = params.urlencode()
    counts = {"total": total, "is_estimate": is_estimate}
    # Which rates "any currency" compares salaries at, named (with their day) only when a salary
    # sort or filter compares across currencies; the filter's own help stays general.
    data = filterset.cleaned_data()
    by_salary = filterset.sort_order == Sort.SALARY or data.get("salary_min") is not None
    across_currencies = by_salary and not data.get("currency")
    rates = exchange_rates(page.object_list, wanted=across_currencies)
    return render(
        request,
        "jobs/job_list.html",
        {
            "filterset": filterset,
            "form": filterset.form,
            "page": page,
            "jobs": page.object_list,
            "cards": job_cards(request, page.object_list, rates=rates),
            "rates_note": rates_note(rates) if across_currencies else "",
            "counts": counts,
            "facets": facet_table(filterset, stats, estimate=is_estimate),
            "skill_options": skill_facet(stats.top_skills, data.get("skill"), estimate=is_estimate),
            "currency_options": currency_options(filterset.form),
            "active_filters": active_filter_count(filterset),
            "top_skills": stats.top_skills,
            "stats": stats,
            "page_note": page_note,
            "where": where,
            "place_note": place_note,
            "suggestion": suggestion,
            "suggestion_params": _with(params, q=suggestion) if suggestion else "",
            "query_params": query_params,
            "keywords": filterset.form["q"].value(),
            "page_url": f"?{query_params}&page=" if query_params else "?page=",
            "page_links": page_links(page),
            "sort": filterset.sort_order,
            "canonical_url": canonical_url(request, params=SEARCH_FILTERS),
        },
    )


def _place_words(location: str, total: int) -> tuple[str, str | None]:
    """Where the search looks, in words for its title ("in Berlin", "working remotely from
    Germany"), and a note on how the location was read: "remote" typed there is the remote
    workplace filter, and a place no job is in is said to be one."""
    wish = read_place_wish(location)
    code = country_code(wish.place) if wish.place else None
    place = countries.name(code) if code else wish.place
    if wish.remote:
        where = f"working remotely from {place}" if place else "working remotely"
    else:
        where = f"in {place}" if place else ""
    note = None
    if wish.remote:
        note = f"“{location}” is read as remote work: showing remote jobs" + (
            f" in {place} or open to applicants living there." if place else "."
        )
    if total == 0 and wish.place and not place_is_known(wish.place):
        note = (
            f"No job is in a place called “{wish.place}”. Try a city or a country, "
            "or type “remote” for remote jobs."
        )
    return where, note


def _page_total(page, stats, *, limit: int, ranked: bool, note: str | None):
    """The total shown beside a page of results, whether it is an estimate, and the page's note."""
    total, is_estimate = stats.total, stats.is_estimate
    shown = len(page.object_list)
    if 0 < shown < PAGE_SIZE or (shown == 0 and page.number == 1):
        # The last page: the total is exact whatever the estimate said.
        total, is_estimate = (page.number - 1) * PAGE_SIZE + shown, False
    elif shown == 0:
        note = note or "There are no more results; go back a page."
    elif is_estimate:
        total = max(total, page.end_index() + 1)
    if total > limit:
        note = note or (
            f"Showing the first {limit:,} of {'about ' if is_estimate else ''}{total:,} jobs"
            f"{' ranked by relevance' if ranked else ''}; "
            "add filters to narrow them down."
        )
    return total, is_estimate, note


def _with(params, **changes):
    params = params.copy()
    for key, value in changes.items():
        params[key] = value
    return params.urlencode()


def active_filter_count(filterset) -> int:
    """How many filter values apply besides keywords and location, to show on a closed panel."""
    count = 0
    for name, value in filterset.cleaned_data().items():
        if name in ("q", "location", "sort") or value is None or value == "":
            continue
        count += len(value) if isinstance(value, list | tuple | QuerySet) else 1
    return count


def page_links(page) -> list[dict]:
    """The pagination's numbers around the current page, a gap standing for those left out."""
    return [
        {
            "number": number,
            "current": number == page.number,
            "gap": number == page.paginator.ELLIPSIS,
        }
        for number in page_numbers(page)
    ]


def _count_text(count: int, estimate: bool) -> str:
    return f"{'≈' if estimate else ''}{count:,}"


def facet_table(filterset, stats, *, estimate: bool) -> list[dict]:
    """For the template: each facet's options with their counts, ids and whether they are ticked,
    worked out here so that the template only writes them out."""
    data = filterset.cleaned_data()
    form = filterset.form
    table = []
    for facet in JobFilterSet.FACETS:
        chosen = data.get(facet) or []
        chosen = [chosen] if isinstance(chosen, str) else chosen
        options = []
        for number, (value, label) in enumerate(filterset.facet_choices(facet), start=1):
            count = stats.facets[facet][value]
            checked = value in chosen
            options.append(
                {
                    "value": value,
                    "label": label,
                    "id": f"f-{facet}-{number}",
                    "count": _count_text(count, estimate),
                    "checked": checked,
                    "is_empty": not count and not checked and not estimate,
                }
            )
        field = form[facet]
        multiple = facet != "posted"
        table.append(
            {
                "name": facet,
                "label": filterset.filters[facet].label or facet.replace("_", " ").capitalize(),
                "multiple": multiple,
                "input_type": "checkbox" if multiple else "radio",
                "errors": field.errors,
                "any_checked": not field.value(),
                "any_label": getattr(field.field, "empty_label", None) or "Any",
                "options": options,
            }
        )
    return table


def skill_facet(top_skills, selected, *, estimate: bool) -> list[dict]:
    """The skills to offer as filters: the most asked for, with their counts, then any chosen
    ones not among them (without a count)."""
    chosen = {skill.slug for skill in selected or ()}
    options = [
        {
            "slug": skill.slug,
            "name": skill.name,
            "count": _count_text(count, estimate),
            "checked": skill.slug in chosen,
        }
        for skill, count in top_skills
    ]
    shown = {skill.slug for skill, _count in top_skills}
    options += [
        {"slug": skill.slug, "name": skill.name, "count": "", "checked": True}
        for skill in selected or ()
        if skill.slug not in shown
    ]
    return options


def currency_options(form) -> list[dict]:
    """The currency filter's choices, the chosen one (or "any", when none is) selected."""
    value = form["currency"].value()
    chosen = "" if value is None else str(value)
    return [
        {"value": str(code), "label": label, "selected": str(code) == chosen}
        for code, label in form.fields["currency"].choices
    ]


def count_job_views(view):
    """Count a view of a public job page, whether it came from the page cache or not."""

    @wraps(view)
    def wrapper(request, pk, slug=""):
        response = view(request, pk=pk, slug=slug)
        if response.status_code == 200 and getattr(response, "job_is_public", True):
            counters.count("views", pk, request)
        return response

    return wrapper


@count_job_views
@cache_for_anonymous
def job_detail(request, pk, slug=""):
    job = card_jobs([pk], description=True).get(pk)
    if job is None:
        raise Http404("No such job.")
    # Only a job the public cannot see asks whether its visitor manages it (or moderates).
    is_member = (
        not job.is_public
        and request.user.is_authenticated
        and (request.user.is_staff or job.company.members.filter(pk=request.user.pk).exists())
    )
    if not job.is_public and not is_member:
        # A job that was public says it has gone; one that never was does not exist.
        if job.status in (Job.Status.PUBLISHED, Job.Status.CLOSED, Job.Status.EXPIRED):
            title = services.job_public_title(job)
            return render(request, "jobs/job_gone.html", {"job": job, "title": title}, status=410)
        raise Http404("No such job.")
    if slug != job.slug:
        # Only after the visibility check: the redirect names the title.
        return redirect(job, permanent=True)
    jobs = [job, *similar_card_jobs(job, SIMILAR_JOBS_SHOWN)]
    # Their places and skills, named once for all of them.
    attach_card_data(jobs)
    # The visitor's fit to this job and its similar ones, in one batch of queries.
    visitor = visitor_data(request, jobs, detailed=True)
    # The job's own facts are worked out as its cards' are, and shown by the same partial.
    facts, *cards = job_cards(request, jobs, visitor=visitor)
    my_fit = visitor.get(job.pk)
    fit_html = ""
    if my_fit and my_fit.get("seeker"):
        fit = {"job": job, "fit": my_fit, "url": job.get_absolute_url()}
        fit_html = render_to_string("jobs/_job_fit.html", fit, request)
    required = [skill for skill, is_required in job.card_skill_list if is_required]
    response = render(
        request,
        "jobs/job_detail.html",
        {
            "job": job,
            "facts": facts,
            "article": job_article(
                job,
                facts=facts,
                required=required,
                optional=[skill for skill, is_required in job.card_skill_list if not is_required],
                locations=list(job.locations.all()),
                fit=my_fit,
                fit_html=fit_html,
            ),
            "cards": cards,
            "is_member": is_member,
            "job_posting": as_script(data) if (data := job_posting(job)) else None,
            # Its link preview, from the description already rendered for the page.
            "description_text": html_text(job.description_html),
            "canonical_url": settings.SITE_URL + job.get_absolute_url() if job.is_public else None,
        },
    )
    response.job_is_public = job.is_public
    return response


@method_decorator(cache_for_anonymous, name="dispatch")
class CompanyDetailView(DetailView):
    model = Company
    template_name = "jobs/company_detail.html"

    def get_queryset(self):
        # Anonymous visitors (the only ones served from the page cache) see public companies.
        return Company.objects.visible_to(self.request.user).prefetch_related("sectors")

    def get_context_data(self, **kwargs):
        jobs = list(
            Job.objects.published()
            .filter(company=self.object)
            .with_card_data()
            .order_by("-published_at", "-id")
        )
        return super().get_context_data(
            open_jobs=jobs,
            cards=job_cards(self.request, jobs),
            logo=company_logo(self.object),
            canonical_url=canonical_url(self.request),
            **kwargs,
        )


@method_decorator(cache_for_anonymous, name="dispatch")
class SkillListView(TemplateView):
    template_name = "jobs/skill_list.html"

    def get_context_data(self, **kwargs):
        counted = skill_job_counts()
        categories = {}
        for skill in Skill.objects.visible().order_by("category", "sort_order", "name"):
            skill.open_jobs = counted.counts.get(skill.pk, 0)
            categories.setdefault(skill.get_category_display(), []).append(skill)
        return super().get_context_data(
            categories=categories,
            counts_are_estimates=counted.is_estimate,
            canonical_url=canonical_url(self.request),
            **kwargs,
        )


@cache_for_anonymous
def skill_detail(request, slug):
    skill = get_object_or_404(Skill.objects.visible(), slug=slug)
    market = skill_market(skill.pk)
    open_jobs = market.open_jobs
    rows = SearchRow.objects.live().filter(skill_ids__contains=[skill.pk])
    jobs = Results(lambda needed: rows.order_by("-published_at", "-job_id"))
    # The count is known (or estimated, or a minute behind a passed expiry) already: the paginator
    # must not count again, and the first page is always fetched in case the count is behind.
    pageable = min(max(open_jobs, PAGE_SIZE), MAX_BROWSABLE_RESULTS)
    page = KnownCountPaginator(jobs, PAGE_SIZE, count=pageable).get_page(request.GET.get("page"))
    if len(page.object_list) < PAGE_SIZE:
        open_jobs = (page.number - 1) * PAGE_SIZE + len(page.object_list)
    resources = skill_resources(skill)
    roles = roles_needing(skill)
    skills = visible_skills_by_id()
    return render(
        request,
        "jobs/skill_detail.html",
        {
            "skill": skill,
            "together": [(skills[pk], n) for pk, n in market.together if pk in skills],
            "market": market,
            "page": page,
            "jobs": page.object_list,
            "cards": job_cards(request, page.object_list),
            "resources": resources,
            "roles": roles,
            "open_jobs": open_jobs,
            "counts_are_estimates": market.is_estimate,
            "canonical_url": canonical_url(request),
        },
    )


# Counting -------------------------------------------------------------------------------------


def job_apply(request, pk):
    """Follow the employer's apply link; the click is counted for the employer's dashboard."""
    job = get_object_or_404(Job.objects.published(), pk=pk)
    if not job.apply_url:
        return redirect(job)
    counters.count("apply_clicks", job.pk, request)
    return redirect(job.apply_url)


@require_http_methods(["GET", "POST"])
@ratelimit(key="user_or_ip", rate="5/h", method="POST")
def job_report(request, pk):
    job = get_object_or_404(Job.objects.published(), pk=pk)
    form = ReportForm(request.POST or None)
    if request.method == "GET" or not form.is_valid():
        status = 400 if request.method == "POST" else 200
        return render(request, "jobs/job_report.html", {"job": job, "form": form}, status=status)
    services.job_report(
        job=job,
        reason=form.cleaned_data["reason"],
        details=form.cleaned_data["details"],
        reporter=request.user if request.user.is_authenticated else None,
        email=form.cleaned_data["reporter_email"],
    )
    messages.success(request, "Thank you. Our moderators will look at this listing.")
    return redirect(job)
