"""The Celery app: workers send the outbox and run the periodic work that beat starts on the
schedule in settings.CELERY_BEAT_SCHEDULE (`celery -A careerboard worker`, `... beat`)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "careerboard.settings")

app = Celery("careerboard")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
