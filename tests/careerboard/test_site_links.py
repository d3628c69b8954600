"""The header's and footer's links, reversed once per worker (careerboard/context_processors.py)."""

import importlib

import pytest
from django.conf import settings as django_settings
from django.urls import clear_url_caches

from tests.factories import AdminFactory, EmployerFactory, SeekerFactory

pytestmark = pytest.mark.django_db


def header_links(client) -> set[str]:
    page = client.get("/jobs/").content.decode()
    header = page[page.index('<header class="site-header">') : page.index("</header>")]
    return {part.split('"', 1)[0] for part in header.split('href="')[1:]}


@pytest.mark.parametrize(
    "visitor, expected, absent",
    [
        (None, {"/", "/jobs/", "/employers/", "/accounts/signup/"}, {"/admin/", "/accounts/"}),
        (SeekerFactory, {"/jobs/", "/me/recommended/", "/me/", "/accounts/"}, {"/admin/"}),
        (EmployerFactory, {"/jobs/", "/jobs/dashboard/"}, {"/me/", "/admin/"}),
        (AdminFactory, {"/jobs/", "/admin/", "/jobs/moderation/"}, {"/me/", "/jobs/dashboard/"}),
    ],
)
def test_each_visitor_sees_the_header_links_of_their_role(client, visitor, expected, absent):
    if visitor is not None:
        client.force_login(visitor())
    links = header_links(client)
    assert expected <= links
    assert not absent & links
    assert any(link.startswith("/accounts/login/?next=") for link in links) is (visitor is None)


def test_a_new_admin_address_shows_in_the_header_once_the_urls_are_read_again(client, settings):
    client.force_login(AdminFactory())
    assert "/admin/" in header_links(client)  # the worker now holds the links
    settings.ADMIN_URL = "back-office-7f3a/"
    try:
        clear_url_caches()
        importlib.reload(importlib.import_module(django_settings.ROOT_URLCONF))
        links = header_links(client)
        assert "/back-office-7f3a/" in links
        assert "/admin/" not in links
    finally:
        settings.ADMIN_URL = "admin/"
        clear_url_caches()
        importlib.reload(importlib.import_module(django_settings.ROOT_URLCONF))
