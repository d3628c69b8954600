"""Seekers' pages (profile, recommendations, saved jobs, applications, alerts) and the
employer's view of a job's applicants, with permission-checked resume downloads."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Max
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from careerboard.forms import error_summary
from jobs.cards import job_cards
from jobs.models import Application, Job, ModerationEvent
from jobs.services import job_public_title
from profiles import matching, services
from profiles.forms import (
    AlertForm,
    AlertFrequencyForm,
    ApplicationStatusForm,
    ApplyForm,
    ProfileForm,
)
from profiles.models import JobAlert, Profile, SavedJob


def _back(request, fallback):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return redirect(target)
    return redirect(fallback)


@login_required
def profile_edit(request):
    profile = services.profile_get_or_create(user=request.user)
    form = ProfileForm(request.POST or None, request.FILES or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        services.profile_update(
            profile=profile,
            user=request.user,
            fields={name: form.cleaned_data[name] for name in ProfileForm.Meta.fields},
            skills=form.cleaned_data["skills"],
            upload=form.cleaned_data.get("resume_upload"),
            remove_resume=form.cleaned_data.get("remove_resume", False),
        )
        messages.success(request, "Your profile is saved. Every job now shows how well it fits.")
        return redirect("profiles:profile")
    return render(
        request,
        "profiles/profile_form.html",
        {"form": form, "profile": profile, "errors": error_summary(form)},
    )


@login_required
def recommended(request):
    profile = services.seeker_profile(request)
    page = request.GET.get("page", "1")
    page_number = min(int(page), 50) if page.isdigit() and int(page) > 0 else 1
    ranked = (
        matching.recommended_jobs(profile, limit=20, offset=(page_number - 1) * 20)
        if profile
        else []
    )
    return render(
        request,
        "profiles/recommended.html",
        {
            "profile": profile,
            "ranked": ranked,
            "cards": job_cards(request, [job for job, _ in ranked]),
            "page_number": page_number,
        },
    )


@login_required
def saved_list(request):
    saved = (
        SavedJob.objects.filter(user=request.user)
        .select_related("job__company")
        .prefetch_related("job__locations", "job__job_skills__skill")
    )
    page = Paginator(saved, 20).get_page(request.GET.get("page"))
    for item in page.object_list:
        item.title = job_public_title(item.job)
    return render(request, "profiles/saved_list.html", {"page": page, "saved": page.object_list})


@login_required
@require_POST
def saved_toggle(request, job_id):
    # Only an open job can be saved; one saved before it closed can still be removed.
    saved_by_user = Job.objects.filter(pk__in=request.user.saved_jobs.values("job"))
    job = get_object_or_404(Job.objects.published() | saved_by_user, pk=job_id)
    saved = services.saved_job_toggle(user=request.user, job=job)
    messages.success(request, f"Saved “{job.title}”." if saved else f"Removed “{job.title}”.")
    return _back(request, job.get_absolute_url())


@login_required
@ratelimit(key="user", rate="30/h", method="POST")
def apply(request, job_id):
    job = get_object_or_404(Job.objects.published().select_related("company"), pk=job_id)
    if not job.apply_on_site:
        return redirect("jobs:job_apply", pk=job.pk)
    profile = Profile.objects.filter(user=request.user).first()
    already = Application.objects.filter(job=job, applicant=request.user).first()
    form = ApplyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and already is None and form.is_valid():
        try:
            services.application_submit(
                job=job,
                user=request.user,
                note=form.cleaned_data["note"],
                upload=form.cleaned_data["resume"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"You applied to “{job.title}”. Good luck!")
            return redirect("profiles:applications")
    return render(
        request,
        "profiles/apply.html",
        {"job": job, "form": form, "profile": profile, "already": already},
        status=400 if request.method == "POST" and form.errors else 200,
    )


def _ended(job: Job, closed_on: dict) -> str:
    """What the seeker's applications say of a job no longer on the board."""
    if job.status == Job.Status.CLOSED and job.pk in closed_on:
        return f"Closed on {dateformat.format(timezone.localtime(closed_on[job.pk]), 'j M Y')}"
    if job.status in (Job.Status.EXPIRED, Job.Status.PUBLISHED) and job.expires_at:
        return f"Expired on {dateformat.format(timezone.localtime(job.expires_at), 'j M Y')}"
    return "No longer open"


@login_required
def applications(request):
    mine = list(Application.objects.filter(applicant=request.user).select_related("job__company"))
    closed = [a.job_id for a in mine if a.job.status == Job.Status.CLOSED]
    closed_on = dict(
        ModerationEvent.objects.filter(
            job_id__in=closed,
            target=ModerationEvent.Target.JOB,
            to_status=Job.Status.CLOSED,
        )
        .values("job_id")
        .annotate(on=Max("created_at"))
        .values_list("job_id", "on")
    )
    for application in mine:
        application.title = job_public_title(application.job)
        application.ended = "" if application.job.is_public else _ended(application.job, closed_on)
    return render(request, "profiles/applications.html", {"applications": mine})


@login_required
@require_http_methods(["GET", "POST"])
def application_withdraw(request, pk):
    """GET asks the applicant to confirm, POST withdraws."""
    application = get_object_or_404(
        Application.objects.filter(applicant=request.user).select_related("job__company"), pk=pk
    )
    if request.method == "GET":
        if not application.can_be_withdrawn:
            messages.error(
                request,
                f"This application is {application.get_status_display().lower()}: "
                "it can no longer be withdrawn.",
            )
            return redirect("profiles:applications")
        title = job_public_title(application.job) or "this job"
        return render(
            request,
            "jobs/confirm.html",
            {
                "title": "Withdraw your application?",
                "question": f"{application.job.company.name} will see that you withdrew your "
                f"application for {title}. You cannot apply to it again.",
                "button": "Withdraw my application",
                "back": reverse("profiles:applications"),
            },
        )
    try:
        services.application_transition(
            application=application, to=Application.Status.WITHDRAWN, by=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Your application was withdrawn.")
    return redirect("profiles:applications")


# Employers ------------------------------------------------------------------------------------


@login_required
def job_applicants(request, job_id):
    job = get_object_or_404(Job.objects.for_company_member(request.user), pk=job_id)
    applicants = list(
        Application.objects.filter(job=job)
        .select_related("applicant__profile")
        .order_by("created_at")
    )
    scores = matching.applicant_scores(job)
    for application in applicants:
        # A private profile stays private: the employer sees what was sent with the application.
        profile = getattr(application.applicant, "profile", None)
        application.shown_profile = profile if profile and profile.is_visible_to_employers else None
        application.match = scores.get(application.applicant_id)
    return render(request, "profiles/job_applicants.html", {"job": job, "applicants": applicants})


@login_required
@require_POST
def application_status(request, pk):
    application = get_object_or_404(
        Application.objects.filter(job__company__members=request.user).select_related(
            "job__company", "applicant"
        ),
        pk=pk,
    )
    form = ApplicationStatusForm(request.POST)
    if form.is_valid():
        try:
            services.application_transition(
                application=application, to=form.cleaned_data["status"], by=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Status saved; the applicant has been emailed.")
    else:
        messages.error(request, "Choose one of the listed statuses.")
    return redirect("profiles:job_applicants", job_id=application.job_id)


# Resumes: never public files; only these views read them --------------------------------------


def _resume_response(field_file, content_type):
    if not field_file:
        raise Http404("No resume.")
    name = field_file.name.rsplit("/", 1)[-1]
    response = FileResponse(field_file.open("rb"), as_attachment=True, filename=name)
    response["Content-Type"] = content_type or "application/octet-stream"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _content_type(name: str) -> str:
    return services.RESUME_TYPES.get(name.rsplit(".", 1)[-1].lower(), "application/octet-stream")


@login_required
def profile_resume(request):
    profile = get_object_or_404(Profile, user=request.user)
    return _resume_response(profile.resume, profile.resume_content_type)


@login_required
def application_resume(request, pk):
    """The applicant, members of the hiring company and staff may read it; nobody else."""
    visible = Application.objects.all()
    if not request.user.is_staff:
        visible = visible.filter(applicant=request.user) | visible.filter(
            job__company__members=request.user
        )
    application = get_object_or_404(visible.distinct(), pk=pk)
    return _resume_response(application.resume, _content_type(application.resume.name))


# Alerts ---------------------------------------------------------------------------------------


@login_required
@ratelimit(key="user", rate="20/h", method="POST")
def alerts(request):
    mine = JobAlert.objects.filter(user=request.user)
    if request.method == "POST":
        form = AlertForm(request.POST)
        if form.is_valid():
            try:
                services.alert_create(
                    user=request.user,
                    query=form.cleaned_data["query"],
                    frequency=form.cleaned_data["frequency"],
                )
            except ValidationError as error:
                if getattr(error, "code", None) == "email_unverified":
                    # Keep the search so it can be saved from here once the address is confirmed.
                    context = {"alerts": mine, "unsaved": form.instance}
                    return render(request, "profiles/alerts.html", context, status=403)
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, "Alert saved: we email you new jobs for this search.")
        else:
            messages.error(request, "Choose daily or weekly for the alert.")
        return redirect("profiles:alerts")
    return render(request, "profiles/alerts.html", {"alerts": mine})


@login_required
@require_POST
def alert_update(request, pk):
    alert = get_object_or_404(JobAlert.objects.filter(user=request.user), pk=pk)
    if request.POST.get("delete"):
        services.alert_delete(alert=alert)
        messages.success(request, "Alert deleted.")
    else:
        form = AlertFrequencyForm(request.POST, instance=alert)
        if form.is_valid():
            services.alert_set_frequency(alert=alert, frequency=form.cleaned_data["frequency"])
            messages.success(request, "Alert saved.")
        else:
            messages.error(request, "Choose daily or weekly.")
    return redirect("profiles:alerts")


@csrf_exempt
@require_http_methods(["GET", "POST"])
def alert_unsubscribe(request, token):
    """One click from the email, no login: the signed token is the proof (RFC 8058 POST too)."""
    alert = services.alert_from_token(token)
    if alert is None:
        return render(request, "profiles/unsubscribe.html", {"invalid": True}, status=400)
    if request.method == "POST":
        services.alert_unsubscribe(alert=alert)
        return render(request, "profiles/unsubscribe.html", {"done": True, "alert": alert})
    return render(request, "profiles/unsubscribe.html", {"alert": alert, "token": token})
