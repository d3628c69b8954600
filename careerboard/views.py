"""Core pages that need no job data: health checks and robots.txt."""

from django.db import connection
from django.db.utils import DatabaseError
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request):
    """The process is up; says nothing of the database."""
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request):
    """The process can serve: the database answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def robots_txt(request):
    lines = ["User-agent: *", "Disallow: /accounts/", "Disallow: /dashboard/", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain")
