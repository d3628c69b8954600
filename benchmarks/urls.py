"""URLs of the benchmark server: the whole app, plus the framework floor and the naive baseline.

Used only by benchmarks/run.py (ROOT_URLCONF=benchmarks.urls); never part of a deployment.
"""

from django.db.models import Q
from django.http import HttpResponse
from django.template import engines
from django.urls import include, path

from jobs.models import Job

NAIVE_PAGE = engines["django"].from_string(
    "<!doctype html><title>Search</title><h1>{{ total }} jobs for {{ q }}</h1><ul>"
    "{% for job in jobs %}<li>{{ job.title }} at {{ job.company.name }}</li>{% endfor %}</ul>"
)


def hello(request):
    """The framework floor: the cheapest response Django can give."""
    return HttpResponse("Hello, world", content_type="text/plain")


def naive_search(request):
    """What a naive board does: icontains over title and description, newest first, counted."""
    q = request.GET.get("q", "")
    jobs = Job.objects.published().filter(Q(title__icontains=q) | Q(description__icontains=q))
    page = jobs.select_related("company").order_by("-published_at")[:20]
    return HttpResponse(NAIVE_PAGE.render({"jobs": page, "total": jobs.count(), "q": q}))


urlpatterns = [
    path("bench/hello", hello),
    path("bench/naive-search", naive_search),
    path("", include("careerboard.urls")),
]
