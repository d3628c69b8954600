"""API tokens, created and revoked from the employer dashboard."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from careerboard import services as core_services
from jobs.models import Company


@login_required
@require_POST
@never_cache
def api_token_create(request):
    """A new API token for this member (replacing any old one), shown once on the page answering
    the POST: it never goes into a cookie, the session or a redirect."""
    if not Company.objects.for_member(request.user).exists():
        raise Http404("Only company members can have API tokens.")
    _token, key = core_services.api_token_create(user=request.user)
    return render(request, "jobs/api_token_created.html", {"key": key})


@login_required
@require_POST
def api_token_revoke(request):
    revoked = core_services.api_token_revoke(user=request.user)
    messages.success(request, "Your API token was revoked." if revoked else "You had no token.")
    return redirect("jobs:employer_dashboard")
