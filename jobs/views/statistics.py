"""A job's statistics page, for its company's members."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from jobs.models import Job
from jobs.statistics import job_statistics


@login_required
def job_statistics_page(request, pk):
    """Views, apply clicks and applications, in total and day by day, as a chart and a table.
    Anyone outside the job's company finds nothing here, as on every employer page."""
    job = get_object_or_404(
        Job.objects.for_company_member(request.user).select_related("company"), pk=pk
    )
    stats = job_statistics(job)
    return render(
        request,
        "jobs/job_statistics.html",
        {"job": job, "company": job.company, "stats": stats, "days": len(stats.days)},
    )
