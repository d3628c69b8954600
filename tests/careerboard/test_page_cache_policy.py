"""The page cache shares a page only when nothing of its visitor went into it."""

import pytest
from django.test import Client

from tests.careerboard import page_cache_urls

pytestmark = [pytest.mark.urls("tests.careerboard.page_cache_urls"), pytest.mark.django_db]


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 60
    page_cache_urls.calls.clear()


def test_a_plain_page_is_built_once_for_every_anonymous_visitor():
    first, second = Client().get("/plain/"), Client().get("/plain/")
    assert second.content == first.content
    assert page_cache_urls.calls == ["/plain/"]
    assert first["Cache-Control"] == "no-cache"


@pytest.mark.parametrize("url", ["/token/", "/message/", "/session/"])
def test_a_page_that_left_a_personal_trace_is_never_shared(url):
    first = Client().get(url)
    Client().get(url)
    assert page_cache_urls.calls == [url, url]
    assert "private" in first["Cache-Control"]


def test_one_visitors_token_never_reaches_another():
    first, second = Client().get("/token/"), Client().get("/token/")
    assert first.content != second.content


@pytest.mark.parametrize(
    "client_kwargs",
    [{"HTTP_AUTHORIZATION": "Token abc"}, {"HTTP_COOKIE": "sessionid=abc"}],
    ids=["credentials", "session"],
)
def test_a_request_that_belongs_to_someone_is_built_for_them(client_kwargs):
    Client().get("/plain/")
    response = Client(**client_kwargs).get("/plain/")
    assert page_cache_urls.calls == ["/plain/", "/plain/"]
    assert "private" in response["Cache-Control"]


def test_a_visitor_with_pending_messages_is_not_served_the_shared_page():
    Client().get("/plain/")
    visitor = Client()
    response = visitor.get("/leave-message/", follow=True)
    assert "only for you" in response.content.decode()
    assert page_cache_urls.calls == ["/plain/", "/plain/"]
    assert "only for you" not in Client().get("/plain/").content.decode()


def test_the_page_cache_is_off_when_its_lifetime_is_zero(settings):
    settings.PAGE_CACHE_SECONDS = 0
    Client().get("/plain/")
    Client().get("/plain/")
    assert page_cache_urls.calls == ["/plain/", "/plain/"]
