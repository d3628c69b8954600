"""The JSON API: the search page's filters, paging, bad input, and who may write what."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient
from rest_framework.throttling import AnonRateThrottle

from careerboard.services import api_token_create
from jobs.filters import JobFilterSet
from jobs.models import CompanyMembership, Job, JobEdit
from tests.factories import (
    AdminFactory,
    CompanyFactory,
    EmployerFactory,
    ExpiredJobFactory,
    PublishedJobFactory,
    SeekerFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def authorised(user):
    client = APIClient()
    _token, key = api_token_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def submission(**overrides):
    data = {
        "company": "acme",
        "title": "Go developer",
        "description": "Build **services**.",
        "workplace": "remote",
        "remote_anywhere": True,
        "employment_type": "full_time",
        "seniority": "senior",
        "salary_min": 90000,
        "salary_max": 120000,
        "salary_currency": "USD",
        "salary_period": "year",
        "required_skills": ["python"],
        "apply_url": "https://acme.example/jobs/go",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    "params",
    [
        {"q": "python"},
        {"workplace": ["remote"]},
        {"skill": ["python"], "sort": "newest"},
        {"q": "developer", "seniority": ["senior", "mid"], "sort": "salary"},
    ],
)
def test_job_search_matches_the_search_page_exactly(api, python, params):
    PublishedJobFactory(
        title="Python developer",
        workplace="remote",
        remote_anywhere=True,
        skills=[python],
        seniority="senior",
    )
    PublishedJobFactory(
        title="Java developer",
        seniority="mid",
        salary_min=1,
        salary_max=2,
        salary_currency="USD",
        salary_period="year",
    )
    PublishedJobFactory(title="Python analyst", skills=[python])
    ExpiredJobFactory(title="Python expired", skills=[python])
    response = api.get(reverse("api:job_list"), params)
    assert response.status_code == 200
    expected = list(JobFilterSet(params).qs)
    assert [job["id"] for job in response.json()["results"]] == [job.pk for job in expected]
    assert response.json()["count"] == len(expected)
    assert response.json()["count_is_estimate"] is False


def test_job_json_carries_what_a_client_needs(api, python):
    job = PublishedJobFactory(
        title="Python developer",
        skills=[python],
        places=["Oslo, Norway"],
        salary_min=1000,
        salary_max=2000,
        salary_currency="EUR",
        salary_period="month",
    )
    data = api.get(reverse("api:job_detail", args=[job.pk])).json()
    assert data["title"] == "Python developer"
    assert data["company"]["slug"] == job.company.slug
    assert data["locations"] == [{"city": "Oslo", "region": "", "country": "NO"}]
    assert data["salary"] == {
        "min": 1000,
        "max": 2000,
        "currency": "EUR",
        "period": "month",
        "yearly_min_eur": 12000,
        "yearly_max_eur": 24000,
        "rate_date": None,
    }
    assert data["skills"] == [{"slug": "python", "name": "Python", "required": True}]
    assert data["url"].endswith(job.get_absolute_url())


def test_pages_of_twenty(api):
    for n in range(25):
        PublishedJobFactory(title=f"Role {n}")
    first = api.get(reverse("api:job_list")).json()
    assert len(first["results"]) == 20 and first["next"]
    second = api.get(first["next"]).json()
    assert len(second["results"]) == 5 and second["next"] is None


@pytest.mark.parametrize(
    "params",
    [
        {"workplace": "moon"},
        {"salary_min": "lots"},
        {"skill": "nope"},
        {"q": "x" * 5000},
        {"sort": "random"},
        {"posted": "365"},
    ],
)
def test_garbage_parameters_are_a_400_with_the_reason(api, params):
    response = api.get(reverse("api:job_list"), params)
    assert response.status_code == 400
    assert set(params) <= set(response.json())


def test_closed_and_expired_jobs_are_not_in_the_api(api):
    job = ExpiredJobFactory()
    assert api.get(reverse("api:job_detail", args=[job.pk])).status_code == 404


def test_companies_skills_and_resources_are_listed(api, python, company):
    assert api.get(reverse("api:company_list")).json()["results"][0]["slug"] == "acme"
    assert api.get(reverse("api:company_detail", args=["acme"])).status_code == 200
    assert api.get(reverse("api:skill_list")).json()["results"][0]["slug"] == "python"
    assert api.get(reverse("api:resource_list")).status_code == 200


def test_schema_and_docs_are_served(api):
    schema = api.get(reverse("api_schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    assert "/api/v1/jobs/" in schema.json()["paths"]
    assert api.get(reverse("api_docs")).status_code == 200


# Writing ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 401),
        ("seeker", 400),
        ("other_company_member", 400),
        ("admin", 400),
        ("member", 201),
    ],
)
def test_only_members_post_for_their_company(python, company, member, who, status):
    users = {
        "seeker": SeekerFactory,
        "admin": AdminFactory,
        "member": lambda: member,
        "other_company_member": lambda: (
            CompanyMembership.objects.create(company=CompanyFactory(), user=EmployerFactory()).user
        ),
    }
    client = APIClient() if who == "anonymous" else authorised(users[who]())
    response = client.post(reverse("api:job_list"), submission(), format="json")
    assert response.status_code == status, response.content
    assert Job.objects.exists() is (status == 201)


def test_an_unverified_company_posting_through_the_api_waits_for_review(python, company, member):
    response = authorised(member).post(reverse("api:job_list"), submission(), format="json")
    assert response.json()["status"] == "pending"
    assert not Job.objects.published().exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"salary_min": 200000}, "salary_max"),
        ({"remote_anywhere": False}, "applicant_countries_text"),
        ({"apply_url": ""}, "apply_url"),
        ({"required_skills": ["cobol"]}, "skills"),
        ({"workplace": "moon"}, "workplace"),
        ({"expires_on": "2999-01-01"}, "expires_on"),
    ],
)
def test_api_postings_are_validated_like_the_web_form(python, company, member, overrides, field):
    response = authorised(member).post(
        reverse("api:job_list"), submission(**overrides), format="json"
    )
    assert response.status_code == 400
    assert field in response.json()
    assert not Job.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 401), ("seeker", 404), ("other_company_member", 404), ("member", 200)],
)
def test_only_members_edit_and_close_their_jobs(python, company, member, who, status):
    job = PublishedJobFactory(company=company, title="Old title")
    users = {
        "seeker": SeekerFactory,
        "member": lambda: member,
        "other_company_member": lambda: (
            CompanyMembership.objects.create(company=CompanyFactory(), user=EmployerFactory()).user
        ),
    }
    client = APIClient() if who == "anonymous" else authorised(users[who]())
    edit = client.patch(
        reverse("api:job_detail", args=[job.pk]), submission(title="New title"), format="json"
    )
    assert edit.status_code == status
    close = client.post(reverse("api:job_close", args=[job.pk]))
    assert close.status_code == status
    job.refresh_from_db()
    assert (job.status == Job.Status.CLOSED) is (status == 200)
    # An unverified company's edit of a live job waits for review, as on the web.
    assert JobEdit.objects.filter(job=job).exists() is (status == 200)


def test_anonymous_reads_are_rate_limited(api, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/minute"})
    statuses = [api.get(reverse("api:skill_list")).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_a_patch_changes_only_the_fields_it_sends(python, company, member):
    job = PublishedJobFactory(
        company=company, title="Old title", skills=[python], places=["Oslo, Norway"]
    )
    company.is_verified = True
    company.save()
    description = job.description
    response = authorised(member).patch(
        reverse("api:job_detail", args=[job.pk]), {"title": "New title"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["title"] == "New title"
    job.refresh_from_db()
    assert (job.title, job.description) == ("New title", description)
    assert list(job.job_skills.values_list("skill__slug", flat=True)) == ["python"]


def test_a_patch_of_a_live_job_of_an_unverified_company_waits_for_review(python, company, member):
    job = PublishedJobFactory(
        company=company, title="Old title", skills=[python], places=["Oslo, Norway"]
    )
    response = authorised(member).patch(
        reverse("api:job_detail", args=[job.pk]), {"title": "New title"}, format="json"
    )
    assert response.status_code == 200, response.content
    job.refresh_from_db()
    assert job.title == "Old title"
    assert JobEdit.objects.get(job=job).changes["fields"]["title"] == "New title"


@pytest.mark.parametrize("title", ["", "   "])
def test_a_patch_with_a_blank_title_is_a_400_naming_the_field(python, company, member, title):
    job = PublishedJobFactory(
        company=company, title="Old title", skills=[python], places=["Oslo, Norway"]
    )
    response = authorised(member).patch(
        reverse("api:job_detail", args=[job.pk]), {"title": title}, format="json"
    )
    assert response.status_code == 400
    assert "title" in response.json()
    job.refresh_from_db()
    assert job.title == "Old title"
    assert not JobEdit.objects.filter(job=job).exists()


def test_a_put_still_needs_every_required_field(python, company, member):
    job = PublishedJobFactory(company=company, skills=[python])
    response = authorised(member).put(
        reverse("api:job_detail", args=[job.pk]), {"title": "New title"}, format="json"
    )
    assert response.status_code == 400
    assert "description" in response.json()


def test_closing_a_closed_job_is_a_409(python, company, member):
    job = PublishedJobFactory(company=company, skills=[python])
    client = authorised(member)
    assert client.post(reverse("api:job_close", args=[job.pk])).status_code == 200
    again = client.post(reverse("api:job_close", args=[job.pk]))
    assert again.status_code == 409
    assert "closed" in again.json()["detail"]


def test_the_write_schema_states_what_the_server_enforces(api):
    schema = api.get(reverse("api_schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    components = schema["components"]["schemas"]
    write, patch = components["JobWrite"], components["PatchedJobWrite"]
    assert {"title", "description", "workplace", "required_skills"} <= set(write["required"])
    assert "required" not in patch
    for field in ("title", "description"):
        assert write["properties"][field]["minLength"] == 1
        assert write["properties"][field]["pattern"] == r"\S"
    assert write["properties"]["salary_min"]["minimum"] == 0
    assert "/api/v1/skills/" in write["properties"]["required_skills"]["items"]["description"]
    close = schema["paths"]["/api/v1/jobs/{id}/close/"]["post"]["responses"]
    assert "409" in close


def test_successive_patches_of_a_live_job_add_up_in_the_edit_waiting_for_review(
    python, company, member
):
    job = PublishedJobFactory(
        company=company, title="Old title", skills=[python], places=["Oslo, Norway"]
    )
    client = authorised(member)
    url = reverse("api:job_detail", args=[job.pk])
    assert client.patch(url, {"title": "New title"}, format="json").status_code == 200
    assert client.patch(url, {"description": "New text."}, format="json").status_code == 200
    fields = JobEdit.objects.get(job=job).changes["fields"]
    assert (fields["title"], fields["description"]) == ("New title", "New text.")


@pytest.mark.parametrize("body", [[], ["title"], "title", 3])
def test_a_patch_body_that_is_not_an_object_is_a_400(python, company, member, body):
    job = PublishedJobFactory(company=company, skills=[python], places=["Oslo, Norway"])
    response = authorised(member).patch(
        reverse("api:job_detail", args=[job.pk]), body, format="json"
    )
    assert response.status_code == 400
