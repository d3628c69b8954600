"""Public pages of the board: home, search, job, company and skill pages."""

from functools import partial, wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django.views.generic import DetailView, TemplateView
from django_ratelimit.core import is_ratelimited
from django_ratelimit.decorators import ratelimit

from careerboard import services as core_services
from careerboard.caching import cache_for_anonymous
from careerboard.models import ApiToken, CareerRole, Sector, Skill
from careerboard.seo import canonical_url
from jobs import counters, services
from jobs.cards import job_cards, visitor_data
from jobs.charts import Bar, career_path, salary_bars
from jobs.filters import RANK_CANDIDATES, JobFilterSet, Results, Sort, skill_job_counts
from jobs.forms import CompanyForm, DashboardFilterForm, InviteForm, JobForm, RejectForm, ReportForm
from jobs.market import role_market, skill_market
from jobs.models import (
    Company,
    CompanyEdit,
    CompanyInvitation,
    CompanyMembership,
    Job,
    JobEdit,
    JobReport,
    ModerationEvent,
    SearchRow,
)
from jobs.search import suggest_correction
from jobs.structured_data import as_script, job_posting

PAGE_SIZE = 20
# Sorted by date or salary, a search pages through at most this many results.
MAX_BROWSABLE_RESULTS = 5000
# The query parameters that choose which jobs a search lists (its canonical URL keeps these).
SEARCH_FILTERS = [name for name in JobFilterSet.base_filters if name != "sort"]


class KnownCountPaginator(Paginator):
    """A paginator told the total, which the facet query has already counted."""

    def __init__(self, object_list, per_page, *, count: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._known_count = count

    @cached_property
    def count(self):
        return self._known_count


def popular_skills(limit=16) -> list[tuple[Skill, int]]:
    """The skills most open jobs ask for."""
    counts = skill_job_counts().counts
    top = sorted(counts, key=lambda skill_id: (-counts[skill_id], skill_id))[: limit * 2]
    skills = Skill.objects.visible().in_bulk(top)
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
    total, is_estimate = stats.total, stats.is_estimate
    shown = len(page.object_list)
    if 0 < shown < PAGE_SIZE or (shown == 0 and page.number == 1):
        # The last page: the total is exact whatever the estimate said.
        total, is_estimate = (page.number - 1) * PAGE_SIZE + shown, False
    elif shown == 0:
        page_note = page_note or "There are no more results; go back a page."
    elif is_estimate:
        total = max(total, page.end_index() + 1)
    if total > limit:
        page_note = page_note or (
            f"Showing the first {limit:,} of {'about ' if is_estimate else ''}{total:,} jobs"
            f"{' ranked by relevance' if filterset.sort_order == Sort.RELEVANCE else ''}; "
            "add filters to narrow them down."
        )
    query_text = filterset.cleaned_data().get("q") or ""
    suggestion = suggest_correction(query_text) if total == 0 and query_text else None
    params = request.GET.copy()
    params.pop("page", None)
    counts = {"total": total, "is_estimate": is_estimate}
    return render(
        request,
        "jobs/job_list.html",
        {
            "filterset": filterset,
            "form": filterset.form,
            "page": page,
            "jobs": page.object_list,
            "cards": job_cards(request, page.object_list),
            "counts": counts,
            "facets": facet_table(filterset, stats),
            "active_filters": active_filter_count(filterset),
            "top_skills": stats.top_skills,
            "stats": stats,
            "page_note": page_note,
            "suggestion": suggestion,
            "suggestion_params": _with(params, q=suggestion) if suggestion else "",
            "query_params": params.urlencode(),
            "sort": filterset.sort_order,
            "canonical_url": canonical_url(request, params=SEARCH_FILTERS),
        },
    )


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


def facet_table(filterset, stats):
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
                "count": stats.facets[facet][value],
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


def count_job_views(view):
    """Count a view of a public job page, whether it came from the page cache or not."""

    @wraps(view)
    def wrapper(request, pk, slug):
        response = view(request, pk=pk, slug=slug)
        if response.status_code == 200 and getattr(response, "job_is_public", True):
            counters.count("views", pk, request)
        return response

    return wrapper


@count_job_views
@cache_for_anonymous
def job_detail(request, pk, slug):
    job = get_object_or_404(Job.objects.with_page_data(), pk=pk)
    is_member = request.user.is_authenticated and (
        request.user.is_staff or job.company.members.filter(pk=request.user.pk).exists()
    )
    if not job.is_public and not is_member:
        # A job that was public says it has gone; one that never was does not exist.
        if job.status in (Job.Status.PUBLISHED, Job.Status.CLOSED, Job.Status.EXPIRED):
            title = services.job_public_title(job)
            return render(request, "jobs/job_gone.html", {"job": job, "title": title}, status=410)
        raise Http404("No such job.")
    if slug != job.slug:
        return redirect(job, permanent=True)
    similar = similar_jobs(job)
    # The visitor's fit to this job and its similar ones, in one batch of queries.
    visitor = visitor_data(request, [job, *similar], detailed=True)
    response = render(
        request,
        "jobs/job_detail.html",
        {
            "job": job,
            "cards": job_cards(request, similar, visitor=visitor),
            "my_fit": visitor.get(job.pk),
            "is_member": is_member,
            "job_posting": as_script(data) if (data := job_posting(job)) else None,
            "canonical_url": canonical_url(request) if job.is_public else None,
        },
    )
    response.job_is_public = job.is_public
    return response


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
    counted = skill_job_counts()
    open_jobs = counted.counts.get(skill.pk, 0)
    rows = SearchRow.objects.live().filter(skill_ids__contains=[skill.pk])
    jobs = Results(lambda needed: rows.order_by("-published_at", "-job_id"))
    # The count is known (or estimated, or a minute behind a passed expiry) already: the paginator
    # must not count again, and the first page is always fetched in case the count is behind.
    pageable = min(max(open_jobs, PAGE_SIZE), MAX_BROWSABLE_RESULTS)
    page = KnownCountPaginator(jobs, PAGE_SIZE, count=pageable).get_page(request.GET.get("page"))
    if len(page.object_list) < PAGE_SIZE:
        open_jobs = (page.number - 1) * PAGE_SIZE + len(page.object_list)
    resources = list(skill.resources.visible())
    market = skill_market(skill.pk)
    together = Skill.objects.visible().in_bulk([pk for pk, _ in market.together])
    return render(
        request,
        "jobs/skill_detail.html",
        {
            "skill": skill,
            "together": [(together[pk], n) for pk, n in market.together if pk in together],
            "market": market,
            "page": page,
            "jobs": page.object_list,
            "cards": job_cards(request, page.object_list),
            "resources": resources,
            "open_jobs": open_jobs,
            "counts_are_estimates": counted.is_estimate,
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


# Employers ------------------------------------------------------------------------------------


def member_companies(user):
    return Company.objects.filter(members=user)


def member_jobs(user):
    return Job.objects.for_company_member(user).select_related("company")


@login_required
def employer_dashboard(request):
    companies = list(member_companies(request.user).order_by("name"))
    if len(companies) == 1:
        return redirect("jobs:company_dashboard", slug=companies[0].slug)
    return render(request, "jobs/employer_dashboard.html", {"companies": companies})


def _company_creation_limited(request) -> bool:
    """Counts only companies actually created, so mistakes in the form cost nothing."""
    return is_ratelimited(
        request,
        group="jobs.company_create",
        key="user",
        rate=f"{settings.COMPANY_CREATIONS_PER_DAY}/d",
        increment=True,
    )


@login_required
def company_create(request):
    form = CompanyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid() and _company_creation_limited(request):
        form.add_error(
            None,
            f"You have added {settings.COMPANY_CREATIONS_PER_DAY} companies today, the most we "
            "allow. Please try again tomorrow, or ask a colleague to invite you to theirs.",
        )
        return render(
            request, "jobs/company_form.html", {"form": form, "company": None}, status=429
        )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        company = services.company_create(
            name=data["name"],
            created_by=request.user,
            website=data["website"],
            about=data["about"],
            size=data["size"],
            logo=data["logo"],
        )
        company.sectors.set(data["sectors"])
        if not request.user.is_hiring:
            request.user.is_hiring = True
            request.user.save(update_fields=["is_hiring"])
        messages.success(
            request,
            f"{company.name} is ready. Post its first role: the company becomes public "
            "once a moderator has approved it or that role.",
        )
        return redirect("jobs:company_dashboard", slug=company.slug)
    return render(request, "jobs/company_form.html", {"form": form, "company": None})


@login_required
def company_edit(request, slug):
    company = get_object_or_404(
        member_companies(request.user).select_related("pending_edit"), slug=slug
    )
    edit = getattr(company, "pending_edit", None)
    # A change waiting for review is what the member last asked for: the form starts from it.
    initial = {"name": edit.name, "website": edit.website} if edit else None
    form = CompanyForm(
        request.POST or None, request.FILES or None, instance=company, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        company = services.company_update(company=company, by=request.user, **form.cleaned_data)
        if CompanyEdit.objects.filter(company=company).exists():
            messages.success(
                request,
                "Saved. The new name or website shows once a moderator has approved it; "
                "the current ones stay public meanwhile.",
            )
        else:
            messages.success(request, "Company details saved.")
        return redirect("jobs:company_dashboard", slug=company.slug)
    return render(
        request, "jobs/company_form.html", {"form": form, "company": company, "edit": edit}
    )


@login_required
def company_dashboard(request, slug):
    company = get_object_or_404(
        member_companies(request.user).select_related("pending_edit"), slug=slug
    )
    memberships = list(company.memberships.select_related("user").order_by("user__username"))
    is_owner = any(
        m.user_id == request.user.pk and m.role == CompanyMembership.Role.OWNER for m in memberships
    )
    filters = DashboardFilterForm(request.GET or None)
    jobs = (
        Job.objects.filter(company=company)
        .select_related("pending_edit")
        .annotate(application_count=Count("applications"))
        .order_by("-updated_at", "-id")
    )
    if filters.is_valid():
        if filters.cleaned_data["q"]:
            jobs = jobs.filter(title__icontains=filters.cleaned_data["q"])
        if filters.cleaned_data["status"]:
            jobs = jobs.filter(status=filters.cleaned_data["status"])
    page = Paginator(jobs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "jobs/company_dashboard.html",
        {
            "company": company,
            "page": page,
            "jobs": page.object_list,
            "filters": filters,
            "invite_form": InviteForm(),
            "memberships": memberships,
            "is_owner": is_owner,
            "invitations": company.invitations.open().order_by("created_at") if is_owner else [],
            "pending_edit": getattr(company, "pending_edit", None),
            "api_token": ApiToken.objects.filter(user=request.user).first(),
        },
    )


@login_required
@require_POST
@ratelimit(key="user", rate="20/h", method="POST")
def company_invite(request, slug):
    company = get_object_or_404(member_companies(request.user), slug=slug)
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            services.company_invite(
                company=company, email=form.cleaned_data["email"], by=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Invitation sent to {form.cleaned_data['email']}.")
    else:
        messages.error(request, "Give a valid email address to invite.")
    return redirect("jobs:company_dashboard", slug=company.slug)


# Who manages a company ---------------------------------------------------------------------

# How a refused invitation answers: someone else's invitation is forbidden; a used, withdrawn
# or expired one is gone.
INVITATION_REFUSAL_STATUS = {"wrong_account": 403, "email_unverified": 403}


@login_required
@require_http_methods(["GET", "POST"])
def invitation_accept(request, token):
    invitation = get_object_or_404(CompanyInvitation.objects.select_related("company"), token=token)
    try:
        if request.method == "POST":
            company = services.invitation_accept(invitation=invitation, user=request.user)
        else:
            services.invitation_check(invitation=invitation, user=request.user)
    except ValidationError as error:
        return render(
            request,
            "jobs/invitation_accept.html",
            {"invitation": invitation, "refusal": error.messages[0], "code": error.code},
            status=INVITATION_REFUSAL_STATUS.get(error.code, 410),
        )
    if request.method == "POST":
        messages.success(request, f"You now manage {company.name}'s jobs.")
        return redirect("jobs:company_dashboard", slug=company.slug)
    return render(request, "jobs/invitation_accept.html", {"invitation": invitation})


def _confirm_page(request, *, title, question, button, back):
    return render(
        request,
        "jobs/confirm.html",
        {"title": title, "question": question, "button": button, "back": back},
    )


@login_required
@require_http_methods(["GET", "POST"])
def company_member_remove(request, slug, pk):
    """An owner removes someone, or a member leaves (GET asks to confirm, POST does it)."""
    company = get_object_or_404(member_companies(request.user), slug=slug)
    membership = get_object_or_404(company.memberships.select_related("user", "company"), pk=pk)
    leaving = membership.user_id == request.user.pk
    dashboard = reverse("jobs:company_dashboard", args=[company.slug])
    if not leaving and not company.is_owner(request.user):
        raise PermissionDenied(f"Only the owners of {company.name} can remove people.")
    if request.method == "GET":
        person = membership.user.get_full_name() or membership.user.username
        return _confirm_page(
            request,
            title=f"Leave {company.name}?" if leaving else f"Remove {person}?",
            question=(
                f"You will no longer manage {company.name}'s jobs or see its applicants."
                if leaving
                else f"{person} ({membership.user.email}) will no longer manage "
                f"{company.name}'s jobs or see its applicants."
            ),
            button=f"Leave {company.name}" if leaving else f"Remove {person}",
            back=dashboard,
        )
    try:
        services.membership_remove(membership=membership, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(dashboard)
    if leaving:
        messages.success(request, f"You left {company.name}.")
        return redirect("jobs:employer_dashboard")
    messages.success(request, f"{membership.user.username} no longer manages {company.name}.")
    return redirect(dashboard)


@login_required
@require_POST
def company_member_role(request, slug, pk):
    company = get_object_or_404(member_companies(request.user), slug=slug)
    membership = get_object_or_404(company.memberships.select_related("user", "company"), pk=pk)
    role = request.POST.get("role")
    if role not in CompanyMembership.Role.values:
        messages.error(request, "Choose owner or member.")
    else:
        try:
            services.membership_set_role(membership=membership, role=role, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            label = "an owner" if role == CompanyMembership.Role.OWNER else "a member"
            messages.success(request, f"{membership.user.username} is now {label}.")
    return redirect("jobs:company_dashboard", slug=company.slug)


@login_required
@require_http_methods(["GET", "POST"])
def company_invitation_revoke(request, slug, pk):
    company = get_object_or_404(member_companies(request.user), slug=slug)
    invitation = get_object_or_404(company.invitations.select_related("company"), pk=pk)
    dashboard = reverse("jobs:company_dashboard", args=[company.slug])
    if not company.is_owner(request.user):
        raise PermissionDenied(f"Only the owners of {company.name} can withdraw invitations.")
    if request.method == "GET":
        return _confirm_page(
            request,
            title="Withdraw this invitation?",
            question=f"The link sent to {invitation.email} will stop working at once.",
            button="Withdraw the invitation",
            back=dashboard,
        )
    try:
        services.invitation_revoke(invitation=invitation, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"The invitation to {invitation.email} was withdrawn.")
    return redirect(dashboard)


def _posting_page(request, form, company, job, save):
    """The posting form; a real submission (not a preview) is saved through `save`."""
    if request.method == "POST" and request.POST.get("action") != "preview" and form.is_valid():
        try:
            job = save(posting=form.to_posting(), submit=request.POST.get("action") == "submit")
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _saved_message(job))
            return redirect("jobs:company_dashboard", slug=company.slug)
    return render(
        request,
        "jobs/job_form.html",
        {
            "form": form,
            "company": company,
            "job": job,
            "preview": request.POST.get("action") == "preview",
        },
    )


@login_required
@ratelimit(key="user", rate="30/h", method="POST")
def job_create(request, slug):
    company = get_object_or_404(member_companies(request.user), slug=slug)
    save = partial(services.job_create, company=company, by=request.user)
    return _posting_page(request, JobForm(request.POST or None), company, None, save)


@login_required
def job_edit(request, pk):
    job = get_object_or_404(member_jobs(request.user), pk=pk)
    save = partial(services.job_update, job=job, by=request.user)
    form = JobForm(request.POST or None, instance=job)
    return _posting_page(request, form, job.company, job, save)


def _saved_message(job: Job) -> str:
    if job.status == Job.Status.PUBLISHED:
        if JobEdit.objects.filter(job=job).exists():
            return "Your changes are waiting for review; the current version stays up meanwhile."
        return f"“{job.title}” is live on the board."
    if job.status == Job.Status.PENDING:
        return f"“{job.title}” was sent for review. We email you when it is approved."
    return f"“{job.title}” is saved as a draft."


JOB_ACTIONS = {
    "submit": (services.job_submit, "Sent."),
    "close": (services.job_close, "Closed: the job has left the board."),
    "renew": (services.job_renew, "Renewed: the job stays up for another period."),
    "duplicate": (services.job_duplicate, "A copy was saved as a draft."),
    "delete": (services.job_delete_draft, "The draft was deleted."),
}


@login_required
@require_POST
def job_action(request, pk, action):
    job = get_object_or_404(member_jobs(request.user), pk=pk)
    if action not in JOB_ACTIONS:
        raise Http404("No such action.")
    service, done = JOB_ACTIONS[action]
    try:
        result = service(job=job, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        went_to_review = action == "renew" and result.status == Job.Status.PENDING
        says_status = action == "submit" or went_to_review
        messages.success(request, _saved_message(result) if says_status else done)
    return redirect("jobs:company_dashboard", slug=job.company.slug)


# Moderation -----------------------------------------------------------------------------------


HISTORY_PREFETCH = Prefetch(
    "moderation_events", queryset=ModerationEvent.objects.select_related("actor")
)


@staff_member_required
def moderation_queue(request):
    pending = (
        Job.objects.filter(status=Job.Status.PENDING)
        .select_related("company", "company__pending_edit")
        .prefetch_related(HISTORY_PREFETCH)
        .order_by("submitted_at", "id")
    )
    edits = (
        JobEdit.objects.select_related("job__company", "submitted_by")
        .prefetch_related(Prefetch("job__moderation_events", queryset=HISTORY_PREFETCH.queryset))
        .order_by("submitted_at")
    )
    new_companies = Company.objects.filter(approved_at__isnull=True).order_by("created_at", "id")
    company_edits = CompanyEdit.objects.select_related("company").order_by("submitted_at", "id")
    reports = JobReport.objects.filter(is_resolved=False).select_related("job__company")[:50]
    return render(
        request,
        "jobs/moderation_queue.html",
        {
            "pending": pending,
            "edits": edits,
            "new_companies": new_companies[:100],
            "company_edits": company_edits,
            "reports": reports,
            "reject_form": RejectForm(use_required_attribute=False),
        },
    )


def _seen_revision(request, name: str, pk: int) -> int | None:
    """The revision the moderator's page showed for this item (a hidden input beside it)."""
    value = request.POST.get(f"{name}-revision-{pk}", "")
    return int(value) if value.isdigit() else None


@staff_member_required
@require_POST
def moderation_decide(request):
    """Approve or reject the ticked jobs and edits, each in the revision the moderator read."""
    decision = request.POST.get("decision")
    reason = request.POST.get("reason", "")
    job_ids = [int(v) for v in request.POST.getlist("job") if v.isdigit()]
    edit_ids = [int(v) for v in request.POST.getlist("edit") if v.isdigit()]
    company_ids = [int(v) for v in request.POST.getlist("company") if v.isdigit()]
    company_edit_ids = [int(v) for v in request.POST.getlist("company_edit") if v.isdigit()]
    if decision not in ("approve", "reject") or not (
        job_ids or edit_ids or company_ids or company_edit_ids
    ):
        messages.error(request, "Tick at least one item and choose approve or reject.")
        return redirect("jobs:moderation_queue")
    done, refused = 0, []
    for job in Job.objects.filter(pk__in=job_ids).select_related("company"):
        revision = _seen_revision(request, "job", job.pk)
        try:
            if decision == "approve":
                services.job_approve(job=job, by=request.user, revision=revision)
            else:
                services.job_reject(job=job, by=request.user, reason=reason, revision=revision)
            done += 1
        except ValidationError as error:
            refused.append(f"{job.title}: {' '.join(error.messages)}")
    for edit in JobEdit.objects.filter(pk__in=edit_ids).select_related("job__company"):
        revision = _seen_revision(request, "edit", edit.pk)
        try:
            if decision == "approve":
                services.job_edit_approve(edit=edit, by=request.user, revision=revision)
            else:
                services.job_edit_reject(
                    edit=edit, by=request.user, reason=reason, revision=revision
                )
            done += 1
        except ValidationError as error:
            refused.append(f"{edit.job.title}: {' '.join(error.messages)}")
    for company in Company.objects.filter(pk__in=company_ids, approved_at__isnull=True):
        if decision == "approve":
            services.company_approve(company=company, by=request.user)
            done += 1
        else:
            refused.append(f"{company.name}: a new company is not rejected; it stays hidden.")
    for company_edit in CompanyEdit.objects.filter(pk__in=company_edit_ids).select_related(
        "company"
    ):
        try:
            with transaction.atomic():
                if decision == "approve":
                    services.company_approve(company=company_edit.company, by=request.user)
                else:
                    services.company_edit_reject(edit=company_edit, by=request.user, reason=reason)
            done += 1
        except ValidationError as error:
            refused.append(f"{company_edit.company.name}: {' '.join(error.messages)}")
    if done:
        verb = "approved" if decision == "approve" else "rejected"
        items = f"{done} item{pluralize(done)}"
        messages.success(request, f"{items} {verb}; the employers have been emailed.")
    for line in refused:
        messages.error(request, line)
    return redirect("jobs:moderation_queue")


# Career pages ---------------------------------------------------------------------------------

ANNUAL = {"year": 1, "hour": 2080, "day": 260, "week": 52, "month": 12}
CURRENCY_SIGNS = {"USD": "$", "EUR": "€", "GBP": "£"}


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


# API tokens -----------------------------------------------------------------------------------


@login_required
@require_POST
@never_cache
def api_token_create(request):
    """A new API token for this member (replacing any old one), shown once on the page answering
    the POST: it never goes into a cookie, the session or a redirect."""
    if not member_companies(request.user).exists():
        raise Http404("Only company members can have API tokens.")
    _token, key = core_services.api_token_create(user=request.user)
    return render(request, "jobs/api_token_created.html", {"key": key})


@login_required
@require_POST
def api_token_revoke(request):
    revoked = core_services.api_token_revoke(user=request.user)
    messages.success(request, "Your API token was revoked." if revoked else "You had no token.")
    return redirect("jobs:employer_dashboard")
