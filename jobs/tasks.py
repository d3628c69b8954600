"""Periodic work on jobs, started by Celery beat (settings.CELERY_BEAT_SCHEDULE); each task runs
the service its management command runs, one run at a time across all workers."""

from celery import shared_task

from careerboard.locks import run_alone
from jobs import counters
from jobs.market import skill_markets_refresh
from jobs.services import application_digests_send, jobs_expire, search_terms_rebuild


@shared_task
def expire_jobs() -> dict[str, int] | None:
    """Expire jobs past their date and warn their employers a few days ahead."""

    def work():
        expired, warned = jobs_expire()
        return {"expired": expired, "warned": warned}

    return run_alone("expire-jobs", work)


@shared_task
def flush_job_counters() -> dict[str, int] | None:
    """Move view and apply-click counts from Redis into the jobs table."""
    return run_alone("flush-job-counters", counters.flush)


@shared_task
def refresh_search_terms() -> int | None:
    """Rebuild the "did you mean" vocabulary."""
    return run_alone("refresh-search-terms", search_terms_rebuild)


@shared_task
def send_application_digests() -> dict[str, int] | None:
    """E-mail each member who asked for a daily digest the applications of the last day."""
    return run_alone("application-digests", application_digests_send)


@shared_task
def refresh_skill_markets() -> int | None:
    """Work out every skill's pay and skills asked for together, for a large board's skill pages."""
    return run_alone("refresh-skill-markets", skill_markets_refresh)
