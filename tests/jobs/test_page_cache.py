"""Anonymous visitors get cached pages; nothing of one visitor reaches another."""

import pytest
from django.test import Client
from django.urls import reverse

from careerboard.services import api_token_create
from jobs import counters
from tests.factories import PublishedJobFactory, SeekerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 60
    settings.COUNTERS_KEY_PREFIX = f"test-page-cache:{id(settings)}"


def test_anonymous_search_is_served_from_the_cache(django_assert_max_num_queries):
    PublishedJobFactory(title="Python developer")
    client = Client()
    first = client.get(reverse("jobs:job_list"), {"q": "python"})
    with django_assert_max_num_queries(1):  # the public data version
        second = client.get(reverse("jobs:job_list"), {"q": "python"})
    assert second.content == first.content


def test_logged_in_people_always_get_a_fresh_page():
    job = PublishedJobFactory(title="Old title")
    client = Client()
    client.force_login(SeekerFactory())
    client.get(job.get_absolute_url())
    job.title = "New title"
    job.save()
    assert b"New title" in client.get(job.get_absolute_url()).content


def test_views_of_cached_job_pages_are_still_counted():
    job = PublishedJobFactory()
    for n in range(3):
        client = Client(HTTP_USER_AGENT="Mozilla/5.0 Firefox/133.0", REMOTE_ADDR=f"192.0.2.{n}")
        assert client.get(job.get_absolute_url()).status_code == 200
    counters.flush()
    job.refresh_from_db()
    assert job.view_count == 3


def test_the_job_page_sets_no_cookie_so_it_can_be_cached():
    job = PublishedJobFactory()
    response = Client().get(job.get_absolute_url())
    assert not response.cookies
    # Browsers revalidate, so a closed job never lingers in them.
    assert response["Cache-Control"] == "no-cache"
    assert "Cookie" in response["Vary"]


def test_one_visitors_message_never_reaches_another():
    job = PublishedJobFactory()
    reporter, other = Client(), Client()
    other.get(job.get_absolute_url())  # the page is in the cache before the report

    response = reporter.post(
        reverse("jobs:job_report", args=[job.pk]), {"reason": "fraud"}, follow=True
    )
    assert "Our moderators will look" in response.content.decode()
    assert "Our moderators will look" not in other.get(job.get_absolute_url()).content.decode()
    assert "Our moderators will look" not in Client().get(job.get_absolute_url()).content.decode()


def test_a_page_shown_with_a_message_is_never_stored():
    job = PublishedJobFactory()
    reporter = Client()
    reporter.post(reverse("jobs:job_report", args=[job.pk]), {"reason": "fraud"}, follow=True)
    assert "Our moderators will look" not in Client().get(job.get_absolute_url()).content.decode()


def test_signed_in_pages_and_shared_pages_never_cross():
    PublishedJobFactory(title="Python developer")
    signed_in = Client()
    signed_in.force_login(SeekerFactory())
    url = reverse("jobs:job_list")
    own_header = f'href="{reverse("profiles:recommended")}"'

    mine = signed_in.get(url)
    assert own_header in mine.content.decode()
    assert "private" in mine["Cache-Control"]
    assert own_header not in Client().get(url).content.decode()
    assert own_header in signed_in.get(url).content.decode()


def test_a_visitor_with_a_pending_message_gets_their_own_page():
    job = PublishedJobFactory()
    Client().get(job.get_absolute_url())  # cached for everyone
    reporter = Client()
    reporter.post(reverse("jobs:job_report", args=[job.pk]), {"reason": "fraud"})
    assert "Our moderators will look" in reporter.get(job.get_absolute_url()).content.decode()


def test_anonymous_api_job_list_is_served_from_the_cache(django_assert_max_num_queries):
    PublishedJobFactory(title="Python developer")
    client = Client()
    url = reverse("api:job_list")
    first = client.get(url, {"q": "python"})
    with django_assert_max_num_queries(1):  # the public data version
        second = client.get(url, {"q": "python"})
    assert second.json() == first.json()
    assert first.json()["results"][0]["title"] == "Python developer"


def test_api_readers_with_a_token_get_a_fresh_list():
    job = PublishedJobFactory(title="Old title")
    _token, key = api_token_create(user=SeekerFactory())
    client = Client(HTTP_AUTHORIZATION=f"Token {key}")
    url = reverse("api:job_list")
    client.get(url)
    job.title = "New title"
    job.save()
    assert client.get(url).json()["results"][0]["title"] == "New title"


def test_job_cards_follow_edits_of_the_job_and_its_company(client):
    job = PublishedJobFactory(title="Old title", company__name="Old name")
    seeker = SeekerFactory()
    client.force_login(seeker)
    url = reverse("jobs:job_list")
    page = client.get(url).content.decode()
    assert "Old title" in page and "Old name" in page
    job.title = "New title"
    job.save()
    assert "New title" in client.get(url).content.decode()
    job.company.name = "New name"
    job.company.is_verified = True
    job.company.save()
    page = client.get(url).content.decode()
    assert "New name" in page and "Verified employer" in page
