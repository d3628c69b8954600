"""The periodic tasks beat starts: each does what its management command does, and runs alone,
so two at once (two beats, or beat and a slow run) never do the work twice."""

import time
import zlib

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from careerboard.celery import app as celery_app
from jobs.models import Job, SearchTerm, SkillMarketFigures
from jobs.tasks import (
    expire_jobs,
    flush_job_counters,
    refresh_search_terms,
    refresh_skill_markets,
)
from profiles.tasks import send_job_alerts
from tests.factories import ExpiredJobFactory, PublishedJobFactory, SkillFactory


def test_the_schedule_names_a_registered_task_for_every_entry():
    celery_app.loader.import_default_modules()
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in celery_app.tasks, name
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {
        "careerboard.tasks.outbox_sweep",
        "jobs.tasks.expire_jobs",
        "jobs.tasks.flush_job_counters",
        "jobs.tasks.refresh_search_terms",
        "jobs.tasks.refresh_skill_markets",
        "jobs.tasks.send_application_digests",
        "profiles.tasks.send_job_alerts",
    } <= tasks


@pytest.mark.django_db
def test_expiry_task_expires_jobs_and_a_second_run_finds_nothing():
    job = ExpiredJobFactory()
    assert expire_jobs() == {"expired": 1, "warned": 0}
    job.refresh_from_db()
    assert job.status == Job.Status.EXPIRED
    assert expire_jobs() == {"expired": 0, "warned": 0}


@pytest.mark.django_db
def test_the_other_periodic_tasks_run_their_services(settings):
    kotlin = SkillFactory(name="Kotlin")
    PublishedJobFactory(title="Kotlin engineer", skills=[kotlin])
    assert refresh_search_terms() == SearchTerm.objects.count()
    assert SearchTerm.objects.filter(term="kotlin").exists()
    assert refresh_skill_markets() == 1
    assert list(SkillMarketFigures.objects.values_list("skill", flat=True)) == [kotlin.pk]
    assert send_job_alerts() == {"due": 0, "sent": 0, "nothing new": 0}
    settings.COUNTERS_KEY_PREFIX = f"test-counters:{time.time()}"  # nothing counted under it
    assert flush_job_counters() == {"views": 0, "apply_clicks": 0}


@pytest.mark.django_db(transaction=True)
def test_a_periodic_task_already_running_elsewhere_is_not_run_twice():
    job = ExpiredJobFactory()
    db = connection.settings_dict
    key = zlib.crc32(b"careerboard:expire-jobs")
    with psycopg.connect(
        dbname=db["NAME"], user=db["USER"], host=db["HOST"], port=db["PORT"] or 5432
    ) as other_worker:
        other_worker.execute("SELECT pg_advisory_lock(%s)", [key])
        assert expire_jobs() is None
        job.refresh_from_db()
        assert job.status == Job.Status.PUBLISHED
        other_worker.execute("SELECT pg_advisory_unlock(%s)", [key])
    assert expire_jobs() == {"expired": 1, "warned": 0}
