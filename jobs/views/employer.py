"""Employer pages: the way in for employers, the dashboard, companies, their members and
invitations."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.core import is_ratelimited
from django_ratelimit.decorators import ratelimit

from careerboard.models import ApiToken
from careerboard.templatetags.board import possessive
from jobs import services
from jobs.forms import ApplicationEmailsForm, CompanyForm, DashboardFilterForm, InviteForm
from jobs.models import (
    Company,
    CompanyEdit,
    CompanyInvitation,
    CompanyMembership,
    Job,
)
from jobs.statistics import live_totals


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
    mine = next(m for m in memberships if m.user_id == request.user.pk)
    is_owner = mine.role == CompanyMembership.Role.OWNER
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
    live_totals(page.object_list)
    return render(
        request,
        "jobs/company_dashboard.html",
        {
            "company": company,
            "page": page,
            "jobs": page.object_list,
            "filters": filters,
            "invite_form": InviteForm(),
            "application_emails_form": ApplicationEmailsForm(
                initial={"application_emails": mine.application_emails}
            ),
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


@login_required
@require_POST
def company_application_emails(request, slug):
    """A member chooses how they hear of new applications: each one, or a daily digest."""
    company = get_object_or_404(Company.objects.for_member(request.user), slug=slug)
    membership = get_object_or_404(company.memberships, user=request.user)
    form = ApplicationEmailsForm(request.POST)
    if form.is_valid():
        services.membership_set_application_emails(
            membership=membership, choice=form.cleaned_data["application_emails"]
        )
        choice = CompanyMembership.ApplicationEmails(form.cleaned_data["application_emails"])
        messages.success(request, f"New applications: {choice.label.lower()}.")
    else:
        messages.error(request, "Choose an e-mail for each application or a daily digest.")
    return redirect("jobs:company_dashboard", slug=company.slug)


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
        messages.success(request, f"You now manage {possessive(company.name)} jobs.")
        return redirect("jobs:company_dashboard", slug=company.slug)
    return render(request, "jobs/invitation_accept.html", {"invitation": invitation})


def confirm_page(request, *, title, question, button, back):
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
        return confirm_page(
            request,
            title=f"Leave {company.name}?" if leaving else f"Remove {person}?",
            question=(
                f"You will no longer manage {possessive(company.name)} jobs or see its applicants."
                if leaving
                else f"{person} ({membership.user.email}) will no longer manage "
                f"{possessive(company.name)} jobs or see its applicants."
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
        return confirm_page(
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
