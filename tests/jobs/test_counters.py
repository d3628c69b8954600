"""Job views and apply clicks count people: once per visitor, job and day, and no crawlers."""

from datetime import datetime, time, timedelta

import pytest
import redis
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jobs import counters
from tests.factories import PublishedJobFactory, SeekerFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("counter_keys")]
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
SAFARI = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Version/17.0 Mobile Safari/604.1"
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"


@pytest.fixture
def job():
    return PublishedJobFactory(apply_url="https://acme.example/apply")


@pytest.fixture
def some_day():
    """Noon of a day ahead, so that the day's markers have not yet expired in the real Redis."""
    day = timezone.localdate() + timedelta(days=2)
    return timezone.make_aware(datetime.combine(day, time(12)))


def visit(job, *, agent=FIREFOX, address="192.0.2.10", user=None, method="get", **headers):
    client = Client(HTTP_USER_AGENT=agent, REMOTE_ADDR=address, **headers)
    if user is not None:
        client.force_login(user)
    response = getattr(client, method)(job.get_absolute_url())
    assert response.status_code == 200
    return client


def counts(job):
    counters.flush()
    job.refresh_from_db()
    return job.view_count, job.apply_click_count


def test_the_same_visitor_counts_once_however_often_they_look_and_click(job):
    client = visit(job)
    client.get(job.get_absolute_url())
    client.get(reverse("jobs:job_apply", args=[job.pk]))
    client.get(reverse("jobs:job_apply", args=[job.pk]))
    assert counts(job) == (1, 1)
    client.get(job.get_absolute_url())
    assert counts(job) == (1, 1)


def test_different_visitors_each_count(job):
    visit(job, address="192.0.2.10")
    visit(job, address="192.0.2.11")
    visit(job, address="192.0.2.10", agent=SAFARI)
    assert counts(job) == (3, 0)


def test_visitors_behind_the_proxy_are_told_apart_by_their_own_address(job, settings):
    settings.NUM_PROXIES = 1
    proxy = "10.0.0.2"
    visit(job, address=proxy, HTTP_X_FORWARDED_FOR="192.0.2.10")
    visit(job, address=proxy, HTTP_X_FORWARDED_FOR="192.0.2.11")
    # A made-up entry in front of the proxy's does not make a second visitor.
    visit(job, address=proxy, HTTP_X_FORWARDED_FOR="203.0.113.99, 192.0.2.11")
    assert counts(job) == (2, 0)


def test_a_signed_in_person_counts_once_wherever_they_come_from(job):
    seeker = SeekerFactory()
    visit(job, user=seeker, address="192.0.2.10")
    visit(job, user=seeker, address="198.51.100.7", agent=SAFARI)
    assert counts(job) == (1, 0)


@pytest.mark.parametrize(
    ("agent", "headers"),
    [
        (GOOGLEBOT, {}),
        ("Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", {}),
        ("curl/8.5.0", {}),
        ("", {}),
        (FIREFOX, {"HTTP_SEC_PURPOSE": "prefetch"}),
    ],
)
def test_crawlers_clients_without_a_name_and_prefetches_do_not_count(job, agent, headers):
    client = visit(job, agent=agent, **headers)
    client.get(reverse("jobs:job_apply", args=[job.pk]))
    assert counts(job) == (0, 0)


def test_a_head_request_does_not_count(job):
    visit(job, method="head")
    assert counts(job) == (0, 0)


def test_the_same_visitor_counts_again_the_next_day(job, some_day):
    with time_machine.travel(some_day, tick=False):
        visit(job)
        visit(job)
    with time_machine.travel(some_day + timedelta(hours=11, minutes=59), tick=False):
        visit(job)
    assert counts(job) == (1, 0)
    with time_machine.travel(some_day + timedelta(days=1), tick=False):
        visit(job)
        visit(job)
    assert counts(job) == (2, 0)


def test_redis_keeps_no_visitor_address_and_forgets_markers_at_midnight(job, some_day):
    with time_machine.travel(some_day, tick=False):
        visit(job, address="203.0.113.99")
        counters.push()
    client = redis.Redis.from_url(settings.REDIS_URL)
    [marker] = client.scan_iter(f"{settings.COUNTERS_KEY_PREFIX}:*:seen:*")
    assert b"203.0.113.99" not in marker
    midnight = some_day.replace(hour=0) + timedelta(days=1)
    assert client.expiretime(marker) == int(midnight.timestamp())
