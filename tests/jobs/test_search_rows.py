"""A job's search row follows the job and what it is made of (skills, places, company), on
every path: services, the admin, bulk updates and raw SQL alike."""

import textwrap
from datetime import timedelta

import pytest
from django.contrib.postgres.search import SearchQuery
from django.core.management import call_command
from django.db import connection
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from careerboard.models import ExchangeRate, Skill
from jobs.models import CompanyMembership, Job, Location, SearchRow
from jobs.services import company_approve, job_close
from tests.factories import AdminFactory, EmployerFactory, PublishedJobFactory, SkillFactory

pytestmark = pytest.mark.django_db


def found(client, q):
    """Titles the search page lists for these keywords."""
    page = client.get(reverse("jobs:job_list"), {"q": q}).content.decode()
    return {job.title for job in Job.objects.all() if job.title in page}


@pytest.fixture
def rust_jobs():
    rust = SkillFactory(name="Rust", slug="rust")
    return rust, [PublishedJobFactory(title=f"Systems role {n}", skills=[rust]) for n in range(3)]


def matching(q):
    rows = SearchRow.objects.filter(document=SearchQuery(q)).values("job_id")
    return set(Job.objects.filter(pk__in=rows).values_list("title", flat=True))


def test_an_alias_added_to_a_skill_finds_its_jobs(client, rust_jobs):
    rust, jobs = rust_jobs
    assert matching("rustlang") == set()
    rust.aliases = ["rustlang"]
    rust.save()
    assert found(client, "rustlang") == {job.title for job in jobs}


def edit_skill_in_the_admin(client, skill, **changes):
    """POST the admin's change form for the skill, its other fields as they are."""
    client.force_login(AdminFactory())
    form = {
        "name": skill.name,
        "slug": skill.slug,
        "category": skill.category,
        "description": skill.description,
        "aliases": ",".join(skill.aliases),
        "sort_order": skill.sort_order,
        **changes,
    }
    response = client.post(reverse("admin:careerboard_skill_change", args=[skill.pk]), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    client.logout()


def test_an_alias_added_in_the_admin_finds_the_skills_jobs_on_the_search_page(client, rust_jobs):
    rust, jobs = rust_jobs
    assert matching("rustlang") == set()
    edit_skill_in_the_admin(client, rust, aliases="rustlang")
    assert found(client, "rustlang") == {job.title for job in jobs}


def test_a_search_made_before_an_alias_was_added_finds_the_jobs_when_made_again(client, rust_jobs):
    rust, jobs = rust_jobs
    assert found(client, "rustlang") == set()
    edit_skill_in_the_admin(client, rust, aliases="rustlang")
    assert found(client, "rustlang") == {job.title for job in jobs}


def test_a_skill_renamed_in_the_admin_is_found_by_its_new_name_in_search_and_the_api(
    client, rust_jobs
):
    rust, jobs = rust_jobs
    edit_skill_in_the_admin(client, rust, name="Ferrous")
    assert found(client, "ferrous") == {job.title for job in jobs}
    assert found(client, "rust") == set()
    listed = client.get(reverse("api:job_list"), {"q": "ferrous"}).json()["results"]
    assert {job["title"] for job in listed} == {job.title for job in jobs}


SEED_DOCUMENT = """
[[document]]
key = "doc-a"
file_name = "doc-a.txt"
title = "Document A"
source = "doc-a.txt"
"""

SEED_SKILL = """
[[skill]]
key = "rust"
name = "Rust"
category = "language"
description = "A systems language."
aliases = {aliases}
sources = ["doc-a.txt"]
"""


def test_aliases_changed_in_the_seed_files_find_the_skills_jobs_after_load_seeds(client, tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for name in (
        "careers.toml",
        "role_skills.toml",
        "facts.toml",
        "resources.toml",
        "figures.toml",
        "rates.toml",
    ):
        (seeds / name).write_text("")
    (seeds / "sources.toml").write_text(SEED_DOCUMENT)
    (seeds / "skills.toml").write_text(textwrap.dedent(SEED_SKILL.format(aliases="[]")))
    call_command("load_seeds", path=seeds, verbosity=0)
    rust = Skill.objects.get(seed_key="rust")
    job = PublishedJobFactory(title="Embedded engineer", skills=[rust])
    assert matching("rustlang") == set()
    (seeds / "skills.toml").write_text(textwrap.dedent(SEED_SKILL.format(aliases='["rustlang"]')))
    call_command("load_seeds", path=seeds, verbosity=0)
    assert found(client, "rustlang") == {job.title}


def test_a_renamed_skill_is_found_by_its_new_name_and_not_its_old(client, rust_jobs):
    _, jobs = rust_jobs
    Skill.objects.filter(slug="rust").update(name="Ferrous")  # a bulk edit, as seeds make
    assert found(client, "ferrous") == {job.title for job in jobs}
    assert found(client, "rust") == set()


def test_a_place_renamed_in_the_admin_is_found_by_its_new_name(client):
    job = PublishedJobFactory(title="Backend engineer", places=["Bombay, India"])
    location = Location.objects.get(city="Bombay")
    client.force_login(AdminFactory())
    response = client.post(
        reverse("admin:jobs_location_change", args=[location.pk]),
        {"city": "Mumbai", "region": "Maharashtra", "country": "IN"},
    )
    assert response.status_code == 302
    assert found(client, "mumbai") == {job.title}
    assert found(client, "maharashtra") == {job.title}


def test_a_company_renamed_by_its_member_is_found_by_its_new_name_once_approved(client):
    job = PublishedJobFactory(title="Platform engineer", company__name="Oldname Labs")
    employer = EmployerFactory()
    CompanyMembership.objects.create(company=job.company, user=employer)
    client.force_login(employer)
    response = client.post(
        reverse("jobs:company_edit", args=[job.company.slug]),
        {"name": "Brightwave", "website": "https://brightwave.example", "about": "We build."},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert matching("oldname") == {job.title} and matching("brightwave") == set()
    company_approve(company=job.company, by=AdminFactory())
    assert found(client, "brightwave") == {job.title}
    assert found(client, "oldname") == set()


def test_a_place_removed_leaves_the_jobs_that_had_it(client):
    job = PublishedJobFactory(title="Data engineer", places=["Lyon, France"])
    location = Location.objects.get(city="Lyon")
    location.delete()
    job.refresh_from_db()
    assert job.location_ids == []
    assert found(client, "lyon") == set()


def row_ids():
    return set(SearchRow.objects.values_list("job_id", flat=True))


def test_only_published_jobs_have_search_rows_whatever_changes_their_status():
    employer = EmployerFactory()
    job = PublishedJobFactory(title="Go engineer")
    assert row_ids() == {job.pk}
    job_close(job=job, by=employer)
    assert row_ids() == set()
    # A bulk update, as the expiry command and the admin's actions make, is followed too.
    Job.objects.filter(pk=job.pk).update(status=Job.Status.PUBLISHED)
    assert row_ids() == {job.pk}
    Job.objects.filter(pk=job.pk).update(status=Job.Status.EXPIRED)
    assert row_ids() == set()


def test_a_job_past_its_expiry_is_not_found_before_the_expiry_command_runs(client):
    job = PublishedJobFactory(title="Kotlin engineer")
    Job.objects.filter(pk=job.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert found(client, "kotlin") == set()


def test_a_description_edited_in_the_admin_is_searched_at_once(client):
    job = PublishedJobFactory(title="Engineer", description="We ship things.")
    Job.objects.filter(pk=job.pk).update(description="We ship Elixir services.")
    assert found(client, "elixir") == {"Engineer"}


def test_a_deleted_job_leaves_no_search_row():
    job = PublishedJobFactory()
    Job.objects.filter(pk=job.pk).delete()
    assert row_ids() == set()


def test_counter_flushes_do_not_rewrite_search_rows():
    def row_version():
        with connection.cursor() as cursor:
            cursor.execute("SELECT ctid::text FROM jobs_searchrow WHERE job_id = %s", [job.pk])
            return cursor.fetchone()[0]

    job = PublishedJobFactory()
    written = row_version()
    Job.objects.filter(pk=job.pk).update(view_count=F("view_count") + 5)
    assert row_version() == written
    Job.objects.filter(pk=job.pk).update(title="Renamed")
    assert row_version() != written


def test_a_rate_changed_in_the_admin_reconverts_and_resorts_the_jobs_paid_in_it(
    client, exchange_rates
):
    rupees = PublishedJobFactory(
        title="Rupee job", salary_max=2_340_000, salary_currency="INR", salary_period="year"
    )
    PublishedJobFactory(
        title="Dollar job", salary_max=100_000, salary_currency="USD", salary_period="year"
    )

    def by_salary():
        page = client.get(reverse("jobs:job_list"), {"sort": "salary"}).content.decode()
        return sorted(("Rupee job", "Dollar job"), key=page.index)

    assert by_salary() == ["Dollar job", "Rupee job"]
    rate = exchange_rates["INR"]
    client.force_login(AdminFactory())
    response = client.post(
        reverse("admin:careerboard_exchangerate_change", args=[rate.pk]),
        {
            "currency": "INR",
            "per_euro": "20",
            "as_of": "2026-01-02",
            "published_by": rate.published_by,
            "sort_order": 0,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    client.logout()
    assert SearchRow.objects.get(job=rupees).salary_max_eur == 117_000
    assert by_salary() == ["Rupee job", "Dollar job"]


def test_rates_added_hidden_or_deleted_in_bulk_reconvert_only_their_currency(exchange_rates):
    job = PublishedJobFactory(salary_max=100_000, salary_currency="USD", salary_period="year")
    other = PublishedJobFactory(salary_max=100_000, salary_currency="GBP", salary_period="year")

    def in_euros(of):
        return SearchRow.objects.get(job=of).salary_max_eur

    assert (in_euros(job), in_euros(other)) == (80_000, 125_000)
    ExchangeRate.objects.filter(currency="USD").update(per_euro=2)
    assert (in_euros(job), in_euros(other)) == (50_000, 125_000)
    ExchangeRate.objects.create(
        currency="USD", per_euro=4, as_of="2026-06-01", published_by="Test central bank"
    )
    assert in_euros(job) == 25_000
    ExchangeRate.objects.filter(currency="USD", as_of="2026-06-01").update(is_hidden=True)
    assert in_euros(job) == 50_000
    ExchangeRate.objects.filter(currency="USD").delete()
    assert (in_euros(job), in_euros(other)) == (None, 125_000)


def test_where_remote_applicants_may_live_follows_every_change_of_the_job():
    job = PublishedJobFactory(workplace="remote", applicant_countries=["DE", "FR"])

    def applicant_tags():
        return sorted(t for t in SearchRow.objects.get(job=job).tags if t.startswith("applicant:"))

    assert applicant_tags() == ["applicant:DE", "applicant:FR"]
    Job.objects.filter(pk=job.pk).update(applicant_countries=[], remote_anywhere=True)
    assert applicant_tags() == ["applicant:anywhere"]
    Job.objects.filter(pk=job.pk).update(workplace="onsite", remote_anywhere=False)
    assert applicant_tags() == []
