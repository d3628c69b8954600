"""A change to what the public sees shows on the very next request, caches on as in production.

Each test lets an anonymous visitor see the listing, a job's page or a skill's page (so they
are in the page cache), makes one kind of change the way the board makes it (a service, a
command, the admin, a bulk update), and asks again. The tests commit, as production does.
"""

import time
from dataclasses import replace
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from careerboard.caching import public_version
from careerboard.models import CareerRole, Importance, Resource, RoleSkill
from jobs import counters, services
from jobs.models import CompanyMembership, Job, JobEdit, Location
from tests.caches import caches_as_in_production
from tests.factories import AdminFactory, EmployerFactory, PublishedJobFactory, SkillFactory
from tests.forms import FormFields

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def production_caches(settings):
    """Redis behind each worker's memory, as in production, under a key prefix of this test's."""
    with caches_as_in_production(settings, name="version", page_seconds=60):
        yield


@pytest.fixture
def visitor():
    return Client(HTTP_USER_AGENT="Mozilla/5.0 Firefox/133.0")


@pytest.fixture
def rust():
    return SkillFactory(name="Rust", slug="rust")


@pytest.fixture
def rust_job(rust):
    return PublishedJobFactory(
        title="Systems engineer",
        company__name="Oldname Labs",
        skills=[rust],
        places=["Bombay, India"],
    )


def text(client, url, **params) -> str:
    return client.get(url, params).content.decode()


def public_pages(job) -> list[str]:
    return [
        reverse("jobs:job_list"),
        job.get_absolute_url(),
        reverse("skill_detail", args=["rust"]),
    ]


def seen_on_every_page(visitor, job, words: str) -> bool:
    return all(words in text(visitor, url) for url in public_pages(job))


def admin_edit(url: str, **changes) -> None:
    """Change these fields in an admin change form and save it, as a staff member would."""
    admin = Client()
    admin.force_login(AdminFactory())
    form = FormFields()
    form.feed(text(admin, url))
    data = {**form.data, **{name: [value] for name, value in changes.items()}}
    data.pop("csrfmiddlewaretoken", None)
    data = {name: values for name, values in data.items() if values}
    response = admin.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]


def test_a_job_closed_by_its_employer_leaves_every_page_at_once(visitor, rust_job):
    assert seen_on_every_page(visitor, rust_job, "Systems engineer")
    services.job_close(job=rust_job, by=EmployerFactory())
    assert "Systems engineer" not in text(visitor, reverse("jobs:job_list"))
    assert "Systems engineer" not in text(visitor, reverse("skill_detail", args=["rust"]))
    assert visitor.get(rust_job.get_absolute_url()).status_code == 410


def test_a_job_expired_by_the_command_leaves_every_page_at_once(visitor, rust):
    # Moving the clock instead would make Redis unreachable to the test: the wait is real.
    expires_at = timezone.now() + timedelta(seconds=2)
    job = PublishedJobFactory(title="Systems engineer", skills=[rust], expires_at=expires_at)
    assert seen_on_every_page(visitor, job, "Systems engineer")
    time.sleep(max(0.0, (expires_at - timezone.now()).total_seconds()) + 0.1)
    call_command("expire_jobs", verbosity=0)
    assert "Systems engineer" not in text(visitor, reverse("jobs:job_list"))
    assert "Systems engineer" not in text(visitor, reverse("skill_detail", args=["rust"]))
    assert visitor.get(job.get_absolute_url()).status_code == 410


def test_an_approved_edit_shows_on_every_page_at_once(visitor, rust_job):
    member = EmployerFactory()
    CompanyMembership.objects.create(company=rust_job.company, user=member)
    assert seen_on_every_page(visitor, rust_job, "Systems engineer")
    posting = services.job_latest_posting(job=rust_job)
    posting = replace(posting, fields={**posting.fields, "title": "Systems lead"})
    services.job_update(job=rust_job, by=member, posting=posting, submit=True)
    assert seen_on_every_page(visitor, rust_job, "Systems engineer")  # not approved yet
    edit = JobEdit.objects.get(job=rust_job)
    services.job_edit_approve(edit=edit, by=AdminFactory(), revision=edit.revision)
    old = rust_job.get_absolute_url()
    rust_job.refresh_from_db()
    assert visitor.get(old)["Location"] == rust_job.get_absolute_url()  # the title's new address
    assert seen_on_every_page(visitor, rust_job, "Systems lead")


def test_a_title_changed_in_the_admin_moves_the_job_address_at_once(visitor, rust_job):
    old = rust_job.get_absolute_url()
    assert visitor.get(old).status_code == 200  # now in the page cache
    admin_edit(reverse("admin:jobs_job_change", args=[rust_job.pk]), title="Systems lead")
    rust_job.refresh_from_db()
    moved = visitor.get(old)
    assert moved.status_code == 301 and moved["Location"] == rust_job.get_absolute_url()
    assert seen_on_every_page(visitor, rust_job, "Systems lead")


def test_a_company_renamed_in_the_admin_shows_on_every_page_at_once(visitor, rust_job):
    assert seen_on_every_page(visitor, rust_job, "Oldname Labs")
    admin_edit(reverse("admin:jobs_company_change", args=[rust_job.company.pk]), name="Brightwave")
    assert seen_on_every_page(visitor, rust_job, "Brightwave")


def test_a_skill_alias_added_in_the_admin_finds_its_jobs_at_once(visitor, rust, rust_job):
    listing = reverse("jobs:job_list")
    assert "Systems engineer" not in text(visitor, listing, q="rustlang")
    admin_edit(reverse("admin:careerboard_skill_change", args=[rust.pk]), aliases="rustlang")
    assert "Systems engineer" in text(visitor, listing, q="rustlang")


def test_a_skill_renamed_in_the_admin_shows_on_every_page_at_once(visitor, rust, rust_job):
    """Cards name skills from each worker's copy of the skills, kept under the version."""
    assert seen_on_every_page(visitor, rust_job, "Rust")
    admin_edit(reverse("admin:careerboard_skill_change", args=[rust.pk]), name="Rust language")
    assert seen_on_every_page(visitor, rust_job, "Rust language")
    assert '<li class="tag">Rust language</li>' in text(visitor, reverse("jobs:job_list"))


def test_roles_and_resources_edited_in_the_admin_show_on_the_skill_page_at_once(visitor, rust):
    """Skill pages name the roles and resources of each skill from each worker's copies."""
    role = CareerRole.objects.create(name="Systems programmer", slug="systems-programmer")
    RoleSkill.objects.create(role=role, skill=rust, importance=Importance.CORE)
    book = Resource.objects.create(
        name="The Rust Book", slug="rust-book", kind=Resource.Kind.LEARNING, url="https://a.example"
    )
    book.skills.add(rust)
    url = reverse("skill_detail", args=["rust"])
    page = text(visitor, url)
    assert "Systems programmer" in page and "The Rust Book" in page
    admin_edit(reverse("admin:careerboard_careerrole_change", args=[role.pk]), is_hidden="on")
    admin_edit(reverse("admin:careerboard_resource_change", args=[book.pk]), name="Rust, the book")
    page = text(visitor, url)
    assert "Systems programmer" not in page
    assert "Rust, the book" in page


def test_a_word_searched_before_any_job_had_it_is_whole_once_one_has(visitor):
    """Each worker remembers whether search knows a word; a new job's words count at once."""
    PublishedJobFactory(title="JavaScript developer")
    listing = reverse("jobs:job_list")
    assert "JavaScript developer" in text(visitor, listing, q="java")  # as the start of a word
    PublishedJobFactory(title="Java developer")
    found = text(visitor, listing, q="java")
    assert "Java developer" in found and "JavaScript developer" not in found


def test_a_place_renamed_in_bulk_shows_on_every_page_at_once(visitor, rust_job):
    assert seen_on_every_page(visitor, rust_job, "Bombay")
    Location.objects.filter(city="Bombay").update(city="Mumbai")
    assert seen_on_every_page(visitor, rust_job, "Mumbai")


def test_a_rate_changed_in_the_admin_shows_in_cached_pages_at_once(visitor, exchange_rates):
    job = PublishedJobFactory(
        title="Rupee job", salary_max=2_340_000, salary_currency="INR", salary_period="year"
    )
    pages = [reverse("jobs:job_list"), job.get_absolute_url()]
    assert all("about eur 23,000 a year" in text(visitor, url).lower() for url in pages)
    rate = exchange_rates["INR"]
    admin_edit(reverse("admin:careerboard_exchangerate_change", args=[rate.pk]), per_euro="20")
    assert all("about eur 117,000 a year" in text(visitor, url).lower() for url in pages)


def test_flushing_view_counts_keeps_the_version_and_the_cached_pages(
    visitor, rust_job, django_assert_max_num_queries
):
    url = rust_job.get_absolute_url()
    visitor.get(url)
    before = public_version()
    assert counters.flush() == {"views": 1, "apply_clicks": 0}
    rust_job.refresh_from_db()
    assert rust_job.view_count == 1
    assert public_version() == before
    with django_assert_max_num_queries(1):  # the version: the page itself comes from the cache
        assert visitor.get(url).status_code == 200


def test_a_draft_edited_by_its_employer_keeps_the_version():
    draft = PublishedJobFactory(status=Job.Status.DRAFT, published_at=None, expires_at=None)
    before = public_version()
    Job.objects.filter(pk=draft.pk).update(title="Still a draft")
    assert public_version() == before


def test_the_version_moves_once_the_change_commits():
    """A page built before the commit, from the data before it, is kept under the old version."""
    job = PublishedJobFactory(title="Systems engineer")
    before = public_version()
    with transaction.atomic():
        Job.objects.filter(pk=job.pk).update(title="Systems lead")
        Job.objects.filter(pk=job.pk).update(title="Systems lead, platform")
        assert public_version() == before
    assert public_version() == before + 1


def test_a_new_job_counts_on_its_skill_page_at_once(visitor, rust, rust_job):
    url = reverse("skill_detail", args=["rust"])
    assert "1 open job asking for Rust" in text(visitor, url)
    PublishedJobFactory(title="Compiler engineer", skills=[rust])
    assert "2 open jobs asking for Rust" in text(visitor, url)
