"""Core pages that need no job data: accounts, health checks, errors and robots.txt."""

import sys

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import PasswordResetView
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.db import InterfaceError, OperationalError, connection
from django.db.models import Prefetch
from django.db.utils import DatabaseError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from careerboard import services
from careerboard.caching import cache_for_anonymous
from careerboard.forms import AccountForm, PasswordResetForm, ResourceFilterForm, SignupForm
from careerboard.guide import finding_work_facts
from careerboard.models import Resource, Skill, SourceDocument
from careerboard.replicas import OK, replica_aliases, replica_states
from careerboard.seo import canonical_url


def page_not_found(request, exception):
    """404: JSON for the API, the site's page for people."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return render(request, "404.html", status=404)


def server_error(request):
    """The 500 handler; a lost database connection gets a friendly 503 that asks to retry.

    Both pages are self-contained: rendering them touches neither the database nor the session.
    """
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "30"
        return response
    return HttpResponse(render_to_string("500.html"), status=500)


@never_cache
def healthz(request):
    """The process is up; says nothing of the database."""
    return JsonResponse({"status": "ok"})


def cache_is_reachable() -> bool:
    shared = caches["default"]
    return shared.ping() if hasattr(shared, "ping") else True


@never_cache
def readyz(request):
    """The process can serve: the database answers. Without the cache, or a replica, it serves
    more slowly; each replica's state and lag are reported."""
    cache_state = "ok" if cache_is_reachable() else "unreachable"
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return JsonResponse(
            {"status": "unavailable", "database": "unreachable", "cache": cache_state}, status=503
        )
    report = {"status": "ok", "database": "ok", "cache": cache_state}
    if replica_aliases():
        # A replica down or behind is skipped and the primary serves: the process stays ready.
        report["replicas"] = replica_states()
    replicas = report.get("replicas", {}).values()
    healthy = cache_state == "ok" and all(replica["state"] == OK for replica in replicas)
    report["status"] = "ok" if healthy else "degraded"
    return JsonResponse(report)


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page links to."""
    return redirect(static("img/favicon.svg"), permanent=True)


def _url_prefix(name: str) -> str:
    """The part of a URL with an id that comes before the id: /jobs/report/ of /jobs/report/7/."""
    return reverse(name, args=[0]).removesuffix("0/")


def robots_txt(request):
    private = [
        reverse("account"),
        reverse("profiles:profile"),
        reverse("jobs:employer_dashboard"),
        reverse("jobs:moderation_queue"),
        _url_prefix("jobs:invitation_accept"),
        # Report forms and the counted redirects to employers' apply pages are no pages to list.
        _url_prefix("jobs:job_report"),
        _url_prefix("jobs:job_apply"),
    ]
    lines = [
        "User-agent: *",
        *(f"Disallow: {path}" for path in private),
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain")


def rate_limited(request, exception):
    """django-ratelimit's answer when someone goes too fast: 429 with a page that says why.

    Limits are counted in the cache; while it is unreachable they fail closed, and the page
    says the service is busy rather than blaming the person.
    """
    if not cache_is_reachable():
        return render(request, "busy.html", status=503)
    return render(request, "429.html", status=429)


@ratelimit(key="ip", rate="10/h", method="POST")
def signup(request):
    if request.user.is_authenticated:
        return redirect("home")
    # "For employers" links here with ?purpose=hire, so the form starts with that choice.
    purpose = request.GET.get("purpose")
    initial = {"purpose": purpose} if purpose in dict(SignupForm.PURPOSES) else None
    form = SignupForm(request.POST or None, initial=initial)
    next_url = safe_next(request)
    if request.method == "POST" and form.is_valid():
        user = services.user_create(**form.account_fields())
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request,
            f"Welcome to CareerBoard, {user.username}. We emailed a link to {user.email}: "
            "follow it to confirm your address.",
        )
        if next_url:
            return redirect(next_url)
        if user.is_hiring:
            return redirect("jobs:company_create")
        return redirect(settings.LOGIN_REDIRECT_URL)
    return render(request, "registration/signup.html", {"form": form, "next": next_url})


def safe_next(request) -> str:
    """Where the person was going before signing up, if it is a page of this site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else ""


@login_required
def account(request):
    form = AccountForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in AccountForm.Meta.fields}
        user = services.user_update(user=request.user, **fields)
        if user.email != form.initial["email"]:
            messages.success(
                request,
                f"Your account is saved. We emailed a link to {user.email}: "
                "follow it to confirm your new address.",
            )
        else:
            messages.success(request, "Your account is saved.")
        return redirect("account")
    return render(request, "registration/account.html", {"form": form})


@require_http_methods(["GET", "POST"])
def email_verify(request, token):
    """The link from the confirmation email: a page with a button, so that only POST writes."""
    if request.method == "GET":
        return render(request, "registration/email_verify.html", {"token": token})
    try:
        user = services.email_verify(token=token)
    except ValidationError as error:
        return render(
            request, "registration/email_verify.html", {"error": error.messages[0]}, status=400
        )
    messages.success(request, f"Thank you: {user.email} is confirmed.")
    return redirect("account" if request.user == user else "login")


@login_required
@require_POST
@ratelimit(key="user", rate="5/h", method="POST")
def email_verification_resend(request):
    if request.user.has_verified_email:
        messages.info(request, f"{request.user.email} is already confirmed.")
    else:
        services.email_verification_send(user=request.user)
        messages.success(
            request,
            f"We emailed a new link to {request.user.email}. "
            "It may take a minute to arrive; check your spam folder too.",
        )
    target = request.POST.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return redirect(target)
    return redirect("account")


# Password resets send email: limited per address and per requested email.
password_reset = ratelimit(key="ip", rate="5/h", method="POST")(
    ratelimit(key="post:email", rate="3/h", method="POST")(
        PasswordResetView.as_view(
            form_class=PasswordResetForm,
            email_template_name="registration/email/password_reset.txt",
            subject_template_name="registration/email/password_reset_subject.txt",
        )
    )
)


@cache_for_anonymous
def resource_list(request):
    """Curated resources by kind, featured first; filter by kind and by a skill they teach."""
    form = ResourceFilterForm(request.GET or None)
    resources = Resource.objects.visible().prefetch_related(
        Prefetch("skills", queryset=Skill.objects.visible())
    )
    if form.is_valid():
        if form.cleaned_data["kind"]:
            resources = resources.filter(kind=form.cleaned_data["kind"])
        if form.cleaned_data["skill"]:
            resources = resources.filter(skills=form.cleaned_data["skill"])
    kinds = {}
    for resource in resources.order_by("-is_featured", "sort_order", "name"):
        kinds.setdefault(resource.get_kind_display(), []).append(resource)
    finding_work = finding_work_facts()
    cited = finding_work.facts if finding_work else []
    return render(
        request,
        "careerboard/resource_list.html",
        {
            "form": form,
            "kinds": kinds,
            "finding_work": finding_work,
            "documents": SourceDocument.objects.attach_citations(cited),
            "canonical_url": canonical_url(request, params=ResourceFilterForm.base_fields),
        },
        status=200 if form.is_valid() or not form.is_bound else 400,
    )
