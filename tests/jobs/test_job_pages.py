"""A job's own page: its similar jobs, its link preview, and a query count that stays fixed."""

from datetime import timedelta

import pytest
from django.utils import timezone

from careerboard.markdown import markdown_text
from jobs.models import Job, similar_card_jobs
from profiles.models import Profile, ProfileSkill
from tests.factories import (
    AdminFactory,
    ExpiredJobFactory,
    PendingJobFactory,
    PublishedJobFactory,
    SeekerFactory,
    SkillFactory,
)

pytestmark = pytest.mark.django_db


def similar_titles(client, job) -> list[str]:
    response = client.get(job.get_absolute_url())
    return [card.job.title for card in response.context["cards"]]


def test_similar_jobs_share_the_most_skills_then_the_seniority_then_are_newest(client):
    python, django, sql, go = (SkillFactory(name=n) for n in ("Python", "Django", "SQL", "Go"))
    job = PublishedJobFactory(title="The job", seniority="senior", skills=[python, django, sql])
    hours_ago = iter(range(1, 100))

    def posted(title, skills, seniority="mid"):
        published_at = timezone.now() - timedelta(hours=next(hours_ago))
        PublishedJobFactory(
            title=title, skills=skills, seniority=seniority, published_at=published_at
        )

    posted("One skill, newest", [python])
    posted("Three skills", [python, django, sql])
    posted("One skill, senior", [go], seniority="senior")
    posted("Two skills", [django, sql, go])
    posted("One skill, same level", [sql], seniority="senior")
    posted("One skill, oldest", [django])
    posted("Nothing shared", [go], seniority="senior")
    ExpiredJobFactory(title="Closed, three skills", skills=[python, django, sql])
    assert similar_titles(client, job) == [
        "Three skills",
        "Two skills",
        "One skill, same level",
        "One skill, newest",
    ]


def test_only_the_newest_jobs_sharing_a_skill_are_ranked_and_read_in_one_statement(
    monkeypatch, django_assert_num_queries
):
    python, go = SkillFactory(name="Python"), SkillFactory(name="Go")
    job = PublishedJobFactory(title="The job", skills=[python, go])
    days_ago = iter(range(1, 100))

    def posted(title, skills):
        published_at = timezone.now() - timedelta(days=next(days_ago))
        return PublishedJobFactory(title=title, skills=skills, published_at=published_at)

    newest = posted("Newest, one skill", [python])
    newer = posted("Newer, one skill", [go])
    posted("Older, both skills", [python, go])
    monkeypatch.setattr("jobs.models.postings.SIMILAR_CANDIDATES", 2)
    with django_assert_num_queries(1):
        similar = similar_card_jobs(job, 4)
    assert [found.title for found in similar] == ["Newest, one skill", "Newer, one skill"]
    expected = Job.objects.with_card_data().in_bulk([newest.pk, newer.pk])
    for found in similar:
        assert found.company.name == expected[found.pk].company.name
        assert (found.card_place_ids, found.card_skills) == (
            expected[found.pk].card_place_ids,
            expected[found.pk].card_skills,
        )


def test_a_job_without_skills_has_no_similar_jobs(client):
    PublishedJobFactory(title="Another job", skills=[SkillFactory(name="Python")])
    assert similar_titles(client, PublishedJobFactory(title="The job")) == []


def test_the_link_preview_is_the_description_as_plain_text(client):
    description = "## The role\n\nYou build **fast** pages & *tests*.\n\n- one\n- two " + "x" * 300
    job = PublishedJobFactory(description=description)
    html = client.get(job.get_absolute_url()).content.decode()
    preview = markdown_text(description)[:199]
    assert preview.startswith("The role You build fast pages & tests. one two")
    assert f'<meta property="og:description" content="{preview.replace("&", "&amp;")}…">' in html


PREVIEW = "<strong>Preview.</strong>"


@pytest.mark.parametrize("factory", [PendingJobFactory, ExpiredJobFactory])
def test_its_members_and_moderators_preview_a_job_the_public_cannot_see(
    client, company, member, factory
):
    job = factory(company=company, title="Hidden role")
    assert client.get(job.get_absolute_url()).status_code in (404, 410)
    for user in (SeekerFactory(), member, AdminFactory()):
        client.force_login(user)
        response = client.get(job.get_absolute_url())
        may_preview = user == member or user.is_staff
        assert (response.status_code == 200) == may_preview
        assert (PREVIEW in response.content.decode()) == may_preview


def test_a_member_sees_a_public_job_as_everyone_does(client, company, member):
    job = PublishedJobFactory(company=company, title="Open role")
    client.force_login(member)
    html = client.get(job.get_absolute_url()).content.decode()
    assert "Open role" in html
    assert PREVIEW not in html


def board_of(n: int):
    """A job and n similar ones, each with several places and skills."""
    skills = [SkillFactory(name=f"Skill {k}") for k in range(4)]
    places = ["Oslo, Norway", "Lyon, France", "Porto, Portugal"]
    for k in range(n):
        PublishedJobFactory(title=f"Similar {k}", skills=skills[:3], skills__nice=skills[3:])
    return PublishedJobFactory(
        title="The job", skills=skills[:2], skills__nice=skills[2:], places=places
    )


@pytest.mark.parametrize("similar", [0, 1, 6])
def test_the_job_page_reads_the_same_few_queries_whatever_it_shows(
    client, similar, django_assert_max_num_queries
):
    job = board_of(similar)
    # The job with its company and the ids of its places and skills; the skill ids of the
    # newest jobs sharing a skill, to rank them; the chosen ones as the job was read; then their
    # skills and places, named once for all of them from the worker's copies (which tests read
    # afresh: they turn caches off).
    with django_assert_max_num_queries(5):
        response = client.get(job.get_absolute_url())
    assert len(response.context["cards"]) == min(similar, 4)


def test_a_seekers_job_page_keeps_a_fixed_query_count(client, django_assert_max_num_queries):
    seeker = SeekerFactory()
    profile = Profile.objects.create(user=seeker)
    job = board_of(6)
    for skill in job.skills.all()[:2]:
        ProfileSkill.objects.create(profile=profile, skill=skill, level=3)
    client.force_login(seeker)
    # The public page's five, then the session, the user and what the seeker's fit needs.
    with django_assert_max_num_queries(14):
        response = client.get(job.get_absolute_url())
    assert response.context["article"]["fit"]["seeker"]
    assert len(response.context["cards"]) == 4


@pytest.mark.parametrize("pk", ["0", "9223372036854775807", "9223372036854775808", "1" * 40])
def test_a_job_number_that_no_job_has_is_not_found(client, pk):
    """Ids are read by a prepared statement typed bigint: a number beyond it (typed into the
    address) is no job's, and says so rather than failing."""
    PublishedJobFactory()
    response = client.get(f"/jobs/{pk}/some-title/")
    assert response.status_code == 404
