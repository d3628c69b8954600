"""CareerBoard's core app; importing it loads the Celery app, so `shared_task` finds it."""

from careerboard.celery import app as celery_app

__all__ = ["celery_app"]
