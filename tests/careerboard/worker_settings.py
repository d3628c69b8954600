"""Settings of the beat that tests/careerboard/test_worker.py starts: the production schedule,
every entry firing each second instead of minutes or hours apart."""

from careerboard.settings import *  # noqa: F403
from careerboard.settings import CELERY_BEAT_SCHEDULE as PRODUCTION_SCHEDULE

CELERY_BEAT_SCHEDULE = {
    name: {**entry, "schedule": 1.0} for name, entry in PRODUCTION_SCHEDULE.items()
}
