"""A job's address carries its title (/jobs/42/lead-site-reliability-engineer/); every other
address of the job leads there for good, and every link the board gives out is that one."""

import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from jobs.models import CompanyMembership
from tests.factories import (
    ClosedJobFactory,
    CompanyFactory,
    EmployerFactory,
    JobFactory,
    PublishedJobFactory,
    SeekerFactory,
)

pytestmark = pytest.mark.django_db
SITE = "http://127.0.0.1:8000"


def test_a_job_address_carries_its_title():
    job = PublishedJobFactory(title="Lead Site Reliability Engineer")
    assert job.get_absolute_url() == f"/jobs/{job.pk}/lead-site-reliability-engineer/"


def test_a_title_without_latin_letters_still_makes_an_address(client):
    job = PublishedJobFactory(title="Разработчик")
    assert job.get_absolute_url() == f"/jobs/{job.pk}/job/"
    assert client.get(job.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("tail", ["", "old-title/", "LEAD-SITE-RELIABILITY-ENGINEER/"])
def test_the_bare_id_and_a_wrong_slug_move_permanently_to_the_titled_address(client, tail):
    job = PublishedJobFactory(title="Lead Site Reliability Engineer")
    response = client.get(f"/jobs/{job.pk}/{tail}")
    assert response.status_code == 301
    assert response["Location"] == job.get_absolute_url()
    assert client.get(response["Location"]).status_code == 200
    # Browsers ask again each time: a title changed back and forth must not loop between two
    # remembered redirects.
    assert "no-cache" in response["Cache-Control"]


def test_a_query_string_is_no_way_round_the_canonical_address(client):
    job = PublishedJobFactory(title="Data engineer")
    response = client.get(f"/jobs/{job.pk}/?utm_source=newsletter")
    assert response.status_code == 301 and response["Location"] == job.get_absolute_url()


def test_an_unknown_id_is_404_with_or_without_a_slug(client):
    assert client.get("/jobs/999999/").status_code == 404
    assert client.get("/jobs/999999/anything/").status_code == 404


@pytest.mark.parametrize("tail", ["", "wrong/"])
def test_a_job_never_public_is_404_and_its_title_does_not_leak_through_a_redirect(client, tail):
    draft = JobFactory(title="Secret reorganisation lead")
    seeker = Client()
    seeker.force_login(SeekerFactory())
    for visitor in (client, seeker, _member_of(CompanyFactory())):
        response = visitor.get(f"/jobs/{draft.pk}/{tail}")
        assert response.status_code == 404
        assert "Location" not in response


def test_a_member_previewing_a_draft_by_its_bare_id_is_sent_to_its_titled_address():
    draft = JobFactory(title="Platform engineer")
    response = _member_of(draft.company).get(f"/jobs/{draft.pk}/")
    assert response.status_code == 301 and response["Location"] == draft.get_absolute_url()


def test_a_closed_job_says_it_has_gone_at_any_of_its_addresses(client):
    job = ClosedJobFactory(title="Go developer")
    for url in (f"/jobs/{job.pk}/", f"/jobs/{job.pk}/wrong/", job.get_absolute_url()):
        assert client.get(url).status_code == 410


def test_a_new_title_makes_a_new_address_and_the_old_one_leads_there(python):
    company = CompanyFactory(name="Acme", is_verified=True)
    job = PublishedJobFactory(company=company, title="Site Reliability Engineer")
    old = job.get_absolute_url()
    visitor = Client()
    assert visitor.get(old).status_code == 200

    employer = _member_of(company)
    response = employer.post(
        reverse("jobs:job_edit", args=[job.pk]),
        {
            "title": "Lead Site Reliability Engineer",
            "description": job.description,
            "workplace": "remote",
            "remote_anywhere": "on",
            "employment_type": "full_time",
            "seniority": "lead",
            "apply_url": job.apply_url,
            "required_skills": [str(python.pk)],
            "action": "save",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    job.refresh_from_db()

    assert job.get_absolute_url() == f"/jobs/{job.pk}/lead-site-reliability-engineer/"
    moved = visitor.get(old)
    assert moved.status_code == 301 and moved["Location"] == job.get_absolute_url()
    assert b"Lead Site Reliability Engineer" in visitor.get(job.get_absolute_url()).content


def test_canonical_link_json_ld_sitemap_feeds_and_api_give_the_titled_address(client):
    job = PublishedJobFactory(title="Lead Site Reliability Engineer")
    url = f"/jobs/{job.pk}/lead-site-reliability-engineer/"
    page = client.get(url).content.decode()
    assert f'<link rel="canonical" href="{SITE}{url}">' in page
    (ld,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert json.loads(ld)["url"] == f"{SITE}{url}"
    assert url in client.get("/sitemap-jobs.xml").content.decode()
    for feed in ("job_feed_rss", "job_feed_atom"):
        assert url in client.get(reverse(feed)).content.decode()
    assert client.get("/api/v1/jobs/").json()["results"][0]["url"] == f"{SITE}{url}"
    # A search result links the job by the same address.
    assert f'href="{url}"' in client.get(reverse("jobs:job_list")).content.decode()


def _member_of(company) -> Client:
    user = EmployerFactory()
    CompanyMembership.objects.create(company=company, user=user)
    visitor = Client()
    visitor.force_login(user)
    return visitor
