"""Employer pages: the dashboard, companies and their members, and posting jobs."""

from functools import partial

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import dateformat, timezone
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.core import is_ratelimited
from django_ratelimit.decorators import ratelimit

from careerboard.models import ApiToken
from jobs import services
from jobs.forms import CompanyForm, DashboardFilterForm, InviteForm, JobForm
from jobs.models import (
    Company,
    CompanyEdit,
    CompanyInvitation,
    CompanyMembership,
    Job,
    JobEdit,
)


def for_employers(request):
    """How posting works, what review means and what costs nothing; then the way in."""
    user = request.user
    manages = user.is_authenticated and Company.objects.for_member(user).exists()
    return render(
        request,
        "jobs/for_employers.html",
        {
            "manages": manages,
            "lifetime_days": settings.JOB_DEFAULT_LIFETIME_DAYS,
            "max_lifetime_days": settings.JOB_MAX_LIFETIME_DAYS,
            "renewal_days": services.RENEWAL_WINDOW.days,
            "jobs_per_day": settings.JOB_SUBMISSIONS_PER_DAY,
        },
    )


def member_jobs(user):
    """The jobs of the companies the user is a member of, with their company."""
    return Job.objects.for_company_member(user).select_related("company")


@login_required
def employer_dashboard(request):
    companies = list(Company.objects.for_member(request.user).order_by("name"))
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
            sectors=data["sectors"],
        )
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
        Company.objects.for_member(request.user).select_related("pending_edit"), slug=slug
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
        Company.objects.for_member(request.user).select_related("pending_edit"), slug=slug
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
    for job in page.object_list:
        job.renewable = not services.job_renewal_refusal(job)
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
    company = get_object_or_404(Company.objects.for_member(request.user), slug=slug)
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
    company = get_object_or_404(Company.objects.for_member(request.user), slug=slug)
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
    company = get_object_or_404(Company.objects.for_member(request.user), slug=slug)
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
    company = get_object_or_404(Company.objects.for_member(request.user), slug=slug)
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
    company = get_object_or_404(Company.objects.for_member(request.user), slug=slug)
    save = partial(services.job_create, company=company, by=request.user)
    return _posting_page(request, JobForm(request.POST or None), company, None, save)


@login_required
def job_edit(request, pk):
    job = get_object_or_404(
        Job.objects.for_company_member(request.user).select_related("company"), pk=pk
    )
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
# Actions hard to take back: asked for (GET) on a page that confirms them, then done (POST).
CONFIRMED_ACTIONS = {"close", "renew", "delete"}


def _job_action_refusal(job: Job, action: str) -> str:
    """Why a confirmed action cannot be taken on this job now; empty when it can."""
    if action == "renew":
        return services.job_renewal_refusal(job)
    if action == "close" and not job.can_transition_to(Job.Status.CLOSED):
        return f"Only a published job can be closed; “{job.title}” is {job.get_status_display()}."
    if action == "delete" and job.status != Job.Status.DRAFT:
        return "Only drafts can be deleted; close a published job instead."
    return ""


def _job_action_confirm(request, job: Job, action: str):
    dashboard = reverse("jobs:company_dashboard", args=[job.company.slug])
    if refusal := _job_action_refusal(job, action):
        messages.error(request, refusal)
        return redirect(dashboard)
    if action == "close":
        return _confirm_page(
            request,
            title=f"Close “{job.title}”?",
            question="Close a job once the role is filled: it leaves the board at once and "
            "takes no more applications. The applications you have stay on your dashboard.",
            button="Close the job",
            back=dashboard,
        )
    if action == "delete":
        return _confirm_page(
            request,
            title=f"Delete the draft “{job.title}”?",
            question="The draft is deleted for good; nobody has seen it.",
            button="Delete the draft",
            back=dashboard,
        )
    until = dateformat.format(timezone.localtime(services.job_renewed_until()), "j F Y")
    if job.status == Job.Status.EXPIRED and services.job_needs_review(job):
        question = (
            f"It changed since a moderator approved it, so it goes back to review first; "
            f"once approved it stays up until {until}."
        )
    elif job.status == Job.Status.EXPIRED:
        question = f"It goes back on the board at once and stays up until {until}."
    elif job.expires_at:
        closes = dateformat.format(timezone.localtime(job.expires_at), "j F Y")
        question = f"It closes on {closes}; renewed, it stays up until {until}."
    else:
        question = f"Renewed, it stays up until {until}."
    return _confirm_page(
        request,
        title=f"Renew “{job.title}”?",
        question=question,
        button="Renew the job",
        back=dashboard,
    )


@login_required
@require_http_methods(["GET", "POST"])
def job_action(request, pk, action):
    job = get_object_or_404(
        Job.objects.for_company_member(request.user).select_related("company"), pk=pk
    )
    if action not in JOB_ACTIONS:
        raise Http404("No such action.")
    if request.method == "GET":
        if action not in CONFIRMED_ACTIONS:
            return HttpResponseNotAllowed(["POST"])
        return _job_action_confirm(request, job, action)
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
