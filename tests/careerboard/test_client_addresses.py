"""Client addresses behind trusted proxies: forged X-Forwarded-For entries never count, and login
lockout, rate limits and API throttles each see the real client."""

import pytest
from django.test import RequestFactory
from django.urls import reverse
from rest_framework.throttling import AnonRateThrottle

from careerboard.net import client_ip
from tests.factories import PublishedJobFactory, SeekerFactory

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"
ALICE = "203.0.113.7"
MALLORY = "198.51.100.66"


@pytest.mark.parametrize(
    ("num_proxies", "forwarded_for", "expected"),
    [
        # No proxy declared: the header is the client's own claim and is ignored.
        (0, ALICE, PROXY),
        # One proxy, which appended the address it saw.
        (1, ALICE, ALICE),
        # A client who sends its own header gets the proxy's entry appended after it.
        (1, f"{MALLORY}, {ALICE}", ALICE),
        (1, f"garbage, 127.0.0.1, {ALICE}", ALICE),
        (1, f"{MALLORY}, [2001:db8::7]:5555", "2001:db8::7"),
        # A CDN in front of the proxy: the CDN's own address is the last entry.
        (2, f"{MALLORY}, {ALICE}, 192.0.2.1", ALICE),
        # Reached without the header (a health check from the proxy host).
        (1, None, PROXY),
    ],
)
def test_the_client_address_is_the_one_the_trusted_proxies_saw(
    settings, num_proxies, forwarded_for, expected
):
    settings.NUM_PROXIES = num_proxies
    headers = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for else {}
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, **headers)
    assert client_ip(request) == expected


def login(client, address, password, **headers):
    return client.post(
        reverse("login"),
        {"username": "ada", "password": password},
        HTTP_X_FORWARDED_FOR=address,
        **headers,
    )


def test_failed_logins_from_one_client_do_not_lock_the_account_out_elsewhere(client, settings):
    settings.NUM_PROXIES = 1
    settings.AXES_FAILURE_LIMIT = 5
    SeekerFactory(username="ada")
    for _ in range(5):
        login(client, MALLORY, "wrong")
    assert login(client, MALLORY, "a-good-password").status_code == 429
    # Prefixing a made-up address does not get the attacker a fresh count.
    assert login(client, f"192.0.2.44, {MALLORY}", "a-good-password").status_code == 429
    response = login(client, ALICE, "a-good-password")
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_site_rate_limits_count_each_client_behind_the_proxy(client, settings):
    settings.NUM_PROXIES = 1
    job = PublishedJobFactory()
    url = reverse("jobs:job_report", args=[job.pk])

    def report(address):
        return client.post(url, {"reason": "fraud"}, HTTP_X_FORWARDED_FOR=address).status_code

    assert [report(MALLORY) for _ in range(5)] == [302] * 5
    assert report(MALLORY) == 429
    assert report(f"{ALICE}, {MALLORY}") == 429
    assert report(ALICE) == 302


def test_forged_forwarded_for_headers_do_not_escape_the_api_throttle(client, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/minute"})
    url = reverse("api:skill_list")
    statuses = [client.get(url, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").status_code for n in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_the_api_throttle_counts_each_client_behind_the_proxy(client, settings, monkeypatch):
    settings.NUM_PROXIES = 1
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "2/minute"})
    url = reverse("api:skill_list")

    def read(address):
        return client.get(url, HTTP_X_FORWARDED_FOR=address).status_code

    assert [read(MALLORY), read(MALLORY), read(MALLORY)] == [200, 200, 429]
    assert read(ALICE) == 200
