"""Periodic work on seekers' data, started by Celery beat (settings.CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from careerboard.locks import run_alone
from profiles.services import alerts_send


@shared_task
def send_job_alerts() -> dict[str, int] | None:
    """E-mail each due job alert its new jobs (each alert is also claimed row by row)."""
    return run_alone("job-alerts", alerts_send)
