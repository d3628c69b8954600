"""A country search also finds the remote jobs open to people living there (or anywhere), and
"remote" typed as a place asks for remote work instead of finding nothing."""

import pytest
from django.urls import reverse

from jobs.filters import JobFilterSet
from tests.factories import PublishedJobFactory

pytestmark = pytest.mark.django_db


def titles(**params):
    return {job.title for job in JobFilterSet(params).qs}


@pytest.fixture
def board():
    PublishedJobFactory(title="Remote anywhere", workplace="remote", remote_anywhere=True)
    PublishedJobFactory(title="Remote from Germany", workplace="remote", applicant_countries=["DE"])
    PublishedJobFactory(
        title="Remote from the EU few", workplace="remote", applicant_countries=["FR", "DE"]
    )
    PublishedJobFactory(title="Remote US only", workplace="remote", applicant_countries=["US"])
    PublishedJobFactory(title="Office in Berlin", places=["Berlin, Germany"])
    PublishedJobFactory(title="Office in Austin", places=["Austin, Texas, United States"])


OPEN_TO_GERMANY = {"Remote anywhere", "Remote from Germany", "Remote from the EU few"}
REMOTE = OPEN_TO_GERMANY | {"Remote US only"}


def test_germany_and_remote_finds_remote_jobs_open_to_germany_or_anywhere(board):
    assert titles(location="Germany", workplace=["remote"]) == OPEN_TO_GERMANY


def test_a_country_search_lists_its_offices_and_the_remote_jobs_open_to_it(board):
    assert titles(location="Deutschland") == OPEN_TO_GERMANY | {"Office in Berlin"}
    assert titles(location="Berlin, DE") == OPEN_TO_GERMANY | {"Office in Berlin"}
    assert titles(location="United States") == {
        "Remote anywhere",
        "Remote US only",
        "Office in Austin",
    }


def test_a_city_alone_finds_only_its_offices(board):
    assert titles(location="berlin") == {"Office in Berlin"}


@pytest.mark.parametrize("typed", ["remote", "REMOTE", "Remote only", "anywhere", " remote-only "])
def test_remote_typed_as_a_place_is_the_remote_workplace_filter(board, typed):
    assert titles(location=typed) == REMOTE


@pytest.mark.parametrize("typed", ["Remote, Germany", "Germany (remote)", "remote - DE"])
def test_remote_beside_a_country_is_remote_work_open_to_that_country(board, typed):
    assert titles(location=typed) == OPEN_TO_GERMANY


def test_the_page_says_remote_was_read_as_remote_work(client, board):
    html = client.get(reverse("jobs:job_list"), {"location": "Remote"}).content.decode()
    assert "“Remote” is read as remote work: showing remote jobs." in html
    assert "Software jobs working remotely</h1>" in html
    germany = client.get(reverse("jobs:job_list"), {"location": "remote, germany"})
    assert "showing remote jobs in Germany or open to applicants living there" in (
        germany.content.decode()
    )


def test_the_search_summary_names_remote_work_not_a_place_called_remote(board):
    assert JobFilterSet({"location": "remote"}).describe() == "Remote"
    assert JobFilterSet({"location": "remote, de"}).describe() == "Remote, in Germany"
    assert JobFilterSet({"location": "remote", "workplace": ["remote"]}).describe() == "Remote"


def test_a_place_no_job_is_in_gets_a_hint(client, board):
    html = client.get(reverse("jobs:job_list"), {"location": "Atlantis"}).content.decode()
    assert "No job is in a place called “Atlantis”" in html
    assert "type “remote” for remote jobs" in html


def test_the_api_reads_remote_and_countries_the_same_way(client, board):
    listed = client.get(reverse("api:job_list"), {"location": "germany", "workplace": "remote"})
    assert {job["title"] for job in listed.json()["results"]} == OPEN_TO_GERMANY
    remote = client.get(reverse("api:job_list"), {"location": "Anywhere"}).json()["results"]
    assert {job["title"] for job in remote} == REMOTE


@pytest.mark.parametrize(
    "typed", ["%", ",,,", "remote,", "(remote)", "remote remote", "'; DROP TABLE x", "a" * 120]
)
def test_garbage_places_never_fail(client, board, typed):
    assert client.get(reverse("jobs:job_list"), {"location": typed}).status_code == 200
    assert client.get(reverse("api:job_list"), {"location": typed}).status_code == 200
