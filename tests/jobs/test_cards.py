"""Job cards: what a card on the search page shows, worked out by the view for the whole page."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.db.models import Prefetch
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from careerboard.models import Resource
from jobs.models import Job, JobSkill, jobs_for_cards
from profiles.models import Profile, ProfileSkill, SavedJob
from tests.factories import PublishedJobFactory, SeekerFactory, SkillFactory

pytestmark = pytest.mark.django_db


def test_a_card_shows_the_job_its_places_salary_required_skills_and_age_with_working_links(
    client,
):
    posted = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    job = PublishedJobFactory(
        title="Data engineer",
        company__name="Acme & Sons",
        company__is_verified=True,
        published_at=posted,
        expires_at=posted + timedelta(days=60),
        salary_min=70000,
        salary_max=90000,
        salary_currency="EUR",
        salary_period="year",
        places=["Berlin, Germany", "Paris, France"],
        skills=[SkillFactory(name="Python")],
        skills__nice=[SkillFactory(name="Scala")],
    )
    with time_machine.travel(posted + timedelta(days=3, hours=2), tick=False):
        page = client.get(reverse("jobs:job_list")).content.decode()
        job_page = client.get(job.get_absolute_url())
        company_page = client.get(job.company.get_absolute_url())
    card = page[page.index('<article class="job-card">') : page.index("</article>")]

    assert f'<a href="{job.get_absolute_url()}">Data engineer</a>' in card
    assert f'<a href="{job.company.get_absolute_url()}">Acme &amp; Sons</a>' in card
    assert 'title="Verified employer">Verified</span>' in card
    assert '<li class="job-card-place">Berlin, Germany; Paris, France</li>' in card
    assert "EUR 70,000–90,000 per year" in card
    assert '<li class="tag">Python</li>' in card and "Scala" not in card
    posted_line = '<time datetime="2026-03-02T09:30:00+00:00" title="2 March 2026">3\xa0days ago'
    assert posted_line in card
    assert job_page.status_code == 200 and company_page.status_code == 200


def test_a_seeker_sees_the_match_and_the_missing_skills_linked_and_the_job_page_teaches_them(
    client,
):
    python, go = SkillFactory(name="Python"), SkillFactory(name="Go")
    tour = Resource.objects.create(
        name="A Tour of Go",
        slug="tour-of-go",
        kind=Resource.Kind.LEARNING,
        url="https://go.dev/tour",
    )
    tour.skills.add(go)
    job = PublishedJobFactory(title="Platform engineer", seniority="mid", skills=[python, go])
    seeker = SeekerFactory()
    profile = Profile.objects.create(user=seeker)
    ProfileSkill.objects.create(profile=profile, skill=python, level=3)
    client.force_login(seeker)

    card = client.get(reverse("jobs:job_list")).content.decode()
    job_page = client.get(job.get_absolute_url()).content.decode()

    # Python at the expected level earns its weight 2 of 4; Go is missing.
    assert '<span class="badge match-mid">Match 50%</span>' in card
    # One missing skill reads inline beside the score, not as a one-item list.
    assert f'You lack 1 skill: <a href="{go.get_absolute_url()}">Go</a></span>' in card
    assert '<ul class="missing-skills">' not in card
    # On the job's page the score and Save job are a box of their own above How to apply.
    assert '<div class="job-fit box fit-box">' in job_page
    assert job_page.index("fit-box") < job_page.index('id="apply-title"')
    assert "A Tour of Go" not in card
    assert (
        f'You lack 1 skill: <a href="{go.get_absolute_url()}">Go</a> (learn it with '
        '<a href="https://go.dev/tour" rel="noopener">A Tour of Go</a>)'
    ) in job_page


def test_a_hostile_title_and_company_name_are_shown_as_text_on_every_page_of_cards(client):
    job = PublishedJobFactory(
        title='<script>alert("job")</script> engineer',
        company__name="<b>Bold</b> & Co",
        skills=[SkillFactory(name="Rust")],
    )
    pages = [
        reverse("jobs:job_list"),
        reverse("home"),
        job.company.get_absolute_url(),
        job.skills.first().get_absolute_url(),
    ]
    for url in pages:
        html = client.get(url).content.decode()
        assert "<script>alert" not in html and "<b>Bold</b>" not in html, url
        assert "&lt;script&gt;alert(" in html, url


def test_the_save_button_of_a_card_posts_the_visitors_csrf_token_and_saves_the_job():
    job = PublishedJobFactory(title="Platform engineer")
    seeker = SeekerFactory()
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(seeker)

    page = browser.get(reverse("jobs:job_list")).content.decode()
    card = page[page.index('<article class="job-card">') : page.index("</article>")]
    form = re.search(
        r'<form method="post" action="([^"]+)" class="save-form">(.*?)</form>', card, re.S
    )
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.group(2)).group(1)
    answer = browser.post(
        form.group(1), {"csrfmiddlewaretoken": token, "next": job.get_absolute_url()}
    )

    assert answer.status_code == 302
    assert SavedJob.objects.filter(user=seeker, job=job).exists()
    forged = Client(enforce_csrf_checks=True)
    forged.force_login(SeekerFactory())
    assert forged.post(form.group(1), {"csrfmiddlewaretoken": "x" * 64}).status_code == 403


CARD_READERS = {
    "with_card_data": lambda ids: Job.objects.with_card_data().in_bulk(ids),
    "jobs_for_cards": jobs_for_cards,
}


@pytest.mark.parametrize("reader", CARD_READERS)
def test_cards_read_places_and_skills_in_the_order_and_with_the_names_a_prefetch_gives(
    django_assert_num_queries, reader
):
    """Cards read ids beside each job instead of prefetching: the same places and skills, in
    the same order, as a prefetch gives."""
    jobs = [
        PublishedJobFactory(
            places=["Paris, France", "Berlin, Germany", "Austin, Texas, United States"],
            skills=[SkillFactory(name=name) for name in ("sql", "Python", "Go")],
            skills__nice=[SkillFactory(name=name) for name in ("Zig", "Ada")],
        ),
        PublishedJobFactory(places=[], skills=[]),
    ]
    ids = [job.pk for job in jobs]
    prefetched = (
        Job.objects.select_related("company")
        .prefetch_related(
            "locations",
            Prefetch(
                "job_skills",
                queryset=JobSkill.objects.select_related("skill").order_by(
                    "-is_required", "skill__name"
                ),
            ),
        )
        .in_bulk(ids)
    )
    with django_assert_num_queries(3):  # the jobs, then the skills and the places they name
        read = CARD_READERS[reader](ids)
        for pk, job in read.items():
            expected = prefetched[pk]
            assert list(job.locations.all()) == list(expected.locations.all())
            assert [(js.pk, js.skill.name, js.is_required) for js in job.job_skills.all()] == [
                (js.pk, js.skill.name, js.is_required) for js in expected.job_skills.all()
            ]
            # What a card shows, without making the rows.
            assert [(skill.name, required) for skill, required in job.card_skill_list] == [
                (js.skill.name, js.is_required) for js in expected.job_skills.all()
            ]
    assert [str(place) for place in read[ids[0]].locations.all()] == [
        "Berlin, Germany",
        "Paris, France",
        "Austin, Texas, United States of America",
    ]
    assert [js.skill.name for js in read[ids[0]].job_skills.all()] == [
        "Go",
        "Python",
        "sql",
        "Ada",
        "Zig",
    ]


def test_the_prepared_card_read_gives_what_the_queryset_gives(django_assert_num_queries):
    """jobs_for_cards makes its jobs from one prepared statement: every field but the
    description, the company's, and ids that are not jobs left out."""
    jobs = [
        PublishedJobFactory(places=["Paris, France"], skills=[SkillFactory(name="Rust")]),
        PublishedJobFactory(salary_min=None, salary_max=None, places=[], skills=[]),
    ]
    ids = [jobs[1].pk, jobs[0].pk, 0]
    expected = Job.objects.with_card_data().in_bulk(ids)
    with CaptureQueriesContext(connection) as queries:
        read = jobs_for_cards(ids)
    # One statement for the jobs, their companies and the ids of their places and skills (the
    # others read the public data version for the worker's copies of places and skills).
    assert sum("FROM jobs_job" in query["sql"] for query in queries) == 1
    assert not any(
        "jobs_company" in query["sql"] and "FROM jobs_job" not in query["sql"] for query in queries
    )
    assert set(read) == {jobs[0].pk, jobs[1].pk}
    for pk, job in read.items():
        for field in Job._meta.concrete_fields:
            if field.name != "description":
                assert getattr(job, field.attname) == getattr(expected[pk], field.attname)
        for field in job.company._meta.concrete_fields:
            assert getattr(job.company, field.attname) == getattr(
                expected[pk].company, field.attname
            )
        assert job.get_deferred_fields() == {"description"}
        assert job.published_at.utcoffset() == timedelta(0)
    with django_assert_num_queries(1):  # a description asked for is read, as when deferred
        assert read[jobs[0].pk].description == jobs[0].description
    assert jobs_for_cards([]) == {}


def test_a_query_derived_from_card_data_asks_for_that_jobs_rows_only(django_assert_num_queries):
    """Card data sets each job's places and skills without building their queries; one derived
    from them (a filter, an order) must still be the job's own, as after a prefetch."""
    python, go, zig = (SkillFactory(name=name) for name in ("Python", "Go", "Zig"))
    job = PublishedJobFactory(places=["Paris, France"], skills=[python, go], skills__nice=[zig])
    PublishedJobFactory(places=["Lyon, France", "Oslo, Norway"], skills=[python, zig])
    read = Job.objects.with_card_data().get(pk=job.pk)
    with django_assert_num_queries(0):
        assert len(read.job_skills.all()) == 3
        assert read.locations.count() == 1
    with django_assert_num_queries(2):
        required = read.job_skills.filter(is_required=True).order_by("skill__name")
        assert [js.skill_id for js in required] == [go.pk, python.pk]
        assert [str(place) for place in read.locations.order_by("city")] == ["Paris, France"]
