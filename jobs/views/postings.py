"""Employers' job postings: the posting form, and the actions on a job (submit, close, renew,
duplicate, delete), the ones hard to take back confirmed first."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import dateformat, timezone
from django.views.decorators.http import require_http_methods
from django_ratelimit.decorators import ratelimit

from careerboard.forms import error_summary
from careerboard.templatetags.board import salary_range
from jobs import services
from jobs.cards import job_article
from jobs.forms import JobForm
from jobs.models import (
    Company,
    Job,
    JobEdit,
)
from jobs.views.employer import confirm_page


def member_jobs(user):
    """The jobs of the companies the user is a member of, with their company."""
    return Job.objects.for_company_member(user).select_related("company")


def _posting_page(request, form, company, job, save):
    """The posting form; a real submission (not a preview, nor a skill added or removed without
    JavaScript) is saved through `save`."""
    previewing = request.POST.get("action") == "preview"
    if request.method == "POST" and not previewing and form.is_valid():
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
            "preview": _preview(form, company) if previewing and not form.picking else None,
            "errors": error_summary(form),
        },
    )


def _preview(form: JobForm, company: Company) -> dict:
    """The job as seekers will see it, from what the form could read of the posting."""
    form.is_valid()
    data = form.cleaned_data
    job = Job(company=company, **form.posted_fields())
    facts = {
        "job": job,
        "places": "; ".join(data.get("places", [])),
        "workplace_label": job.get_workplace_display(),
        "employment_type_label": job.get_employment_type_display(),
        "seniority_label": job.get_seniority_display(),
        "salary": salary_range(job),
    }
    return job_article(
        job,
        facts=facts,
        required=data.get("required_skills", []),
        optional=data.get("nice_skills", []),
        locations=data.get("places", []),
        preview=True,
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
        return confirm_page(
            request,
            title=f"Close “{job.title}”?",
            question="Close a job once the role is filled: it leaves the board at once and "
            "takes no more applications. The applications you have stay on your dashboard.",
            button="Close the job",
            back=dashboard,
        )
    if action == "delete":
        return confirm_page(
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
    return confirm_page(
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
