"""Anonymous visitors get cached pages; logged-in people and job-view counts stay exact."""

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

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
    with django_assert_max_num_queries(0):
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
    client = Client()
    for _ in range(3):
        assert client.get(job.get_absolute_url()).status_code == 200
    counters.flush()
    job.refresh_from_db()
    assert job.view_count == 3


def test_the_job_page_sets_no_cookie_so_it_can_be_cached():
    job = PublishedJobFactory()
    response = Client().get(job.get_absolute_url())
    assert not response.cookies
    assert "max-age=60" in response["Cache-Control"]


def test_anonymous_api_job_list_is_served_from_the_cache(django_assert_max_num_queries):
    PublishedJobFactory(title="Python developer")
    client = Client()
    url = reverse("api:job_list")
    first = client.get(url, {"q": "python"})
    with django_assert_max_num_queries(0):
        second = client.get(url, {"q": "python"})
    assert second.json() == first.json()
    assert first.json()["results"][0]["title"] == "Python developer"


def test_api_readers_with_a_token_get_a_fresh_list():
    job = PublishedJobFactory(title="Old title")
    client = Client(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=SeekerFactory()).key}")
    url = reverse("api:job_list")
    client.get(url)
    job.title = "New title"
    job.save()
    assert client.get(url).json()["results"][0]["title"] == "New title"


def test_job_cards_are_kept_but_follow_edits_of_the_job_and_its_company(client):
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
