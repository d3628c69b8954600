"""API tokens: shown once on the page that made them, never in a cookie, the session or the
database; only a digest is kept, and it authenticates, is replaced and is revoked."""

import contextlib
import hashlib
import re
import zlib

import pytest
from django.contrib.sessions.models import Session
from django.core import signing
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from rest_framework.test import APIClient

from careerboard.models import ApiToken
from jobs.models import CompanyMembership
from tests.factories import AdminFactory, CompanyFactory, EmployerFactory, SeekerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member():
    user = EmployerFactory()
    CompanyMembership.objects.create(company=CompanyFactory(), user=user)
    return user


def create_token(client) -> tuple[object, str]:
    response = client.post(reverse("jobs:api_token_create"))
    assert response.status_code == 200
    (key,) = re.findall(r'<code class="api-token">([^<]+)</code>', response.content.decode())
    return response, key


def cookie_texts(cookies):
    """Each cookie's value and, for Django's signed cookies (messages), the data it carries:
    signed is not encrypted, anyone holding the cookie can read it."""
    for morsel in cookies.values():
        yield morsel.value
        payload = morsel.value.split(":", 1)[0]
        with contextlib.suppress(ValueError, zlib.error):
            data = signing.b64_decode(payload.removeprefix(".").encode())
            yield (zlib.decompress(data) if payload.startswith(".") else data).decode(
                errors="replace"
            )


def authenticated_user(key):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = api.get(reverse("api:skill_list"))
    return response.status_code, response.wsgi_request.user


def test_a_new_token_is_shown_once_and_never_put_in_a_cookie_or_the_session(client, member):
    client.force_login(member)
    response, key = create_token(client)
    assert "no-store" in response["Cache-Control"]
    assert all(key not in text for text in cookie_texts(response.cookies))
    assert all(key not in text for text in cookie_texts(client.cookies))
    assert all(key not in str(session.get_decoded()) for session in Session.objects.all())
    # The dashboard afterwards names the token by its first characters only.
    dashboard = client.get(
        reverse("jobs:company_dashboard", args=[member.companies.get().slug])
    ).content.decode()
    assert key not in dashboard
    assert key[:8] in dashboard


def test_only_a_digest_of_the_token_is_stored_and_it_authenticates(client, member):
    client.force_login(member)
    _response, key = create_token(client)
    token = ApiToken.objects.get(user=member)
    assert token.digest == hashlib.sha256(key.encode()).hexdigest()
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM careerboard_apitoken")
        assert all(key not in str(value) for row in cursor.fetchall() for value in row)
    assert authenticated_user(key) == (200, member)


def test_a_replaced_or_revoked_token_stops_working(client, member):
    client.force_login(member)
    _response, first = create_token(client)
    _response, second = create_token(client)
    assert first != second
    assert authenticated_user(first)[0] == 401
    assert authenticated_user(second) == (200, member)
    client.post(reverse("jobs:api_token_revoke"))
    assert authenticated_user(second)[0] == 401
    assert not ApiToken.objects.filter(user=member).exists()


def test_an_inactive_users_token_does_not_authenticate(client, member):
    client.force_login(member)
    _response, key = create_token(client)
    member.is_active = False
    member.save()
    assert authenticated_user(key)[0] == 401


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 302), ("seeker", 404), ("employer", 404), ("admin", 404), ("member", 200)],
)
def test_only_company_members_can_make_tokens(client, member, who, status):
    users = {
        "seeker": SeekerFactory,
        "employer": EmployerFactory,
        "admin": AdminFactory,
        "member": lambda: member,
    }
    if who != "anonymous":
        client.force_login(users[who]())
    response = client.post(reverse("jobs:api_token_create"))
    assert response.status_code == status
    assert ApiToken.objects.exists() is (who == "member")
    # A token is made by POST only.
    assert client.get(reverse("jobs:api_token_create")).status_code == (
        302 if who == "anonymous" else 405
    )


@pytest.mark.django_db(transaction=True)
def test_tokens_kept_in_clear_before_are_replaced_by_their_digests():
    user = EmployerFactory()
    key = "dd18aac0fbd5dce61f47f77cfa9a73b866c71f23"
    executor = MigrationExecutor(connection)
    (tokens_migration,) = [
        node
        for node in executor.loader.graph.nodes
        if node[0] == "careerboard" and node[1].endswith("_api_tokens_kept_as_digests")
    ]
    before = [
        parent.key
        for parent in executor.loader.graph.node_map[tokens_migration].parents
        if parent.key[0] == "careerboard"
    ]
    executor.migrate(before)
    try:
        with connection.cursor() as cursor:
            # The table rest_framework.authtoken kept, as an existing database has it (a test
            # database made while that app was installed still has its own: start afresh).
            cursor.execute("DROP TABLE IF EXISTS authtoken_token CASCADE")
            cursor.execute(
                "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY,"
                " created timestamptz NOT NULL, user_id bigint NOT NULL UNIQUE)"
            )
            cursor.execute("INSERT INTO authtoken_token VALUES (%s, now(), %s)", [key, user.pk])
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM authtoken_token")
            assert cursor.fetchone() == (0,)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS authtoken_token")
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert ApiToken.objects.get(user=user).prefix == key[:8]
    assert authenticated_user(key) == (200, user)
