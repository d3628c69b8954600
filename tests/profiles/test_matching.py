"""Match scores against hand-worked examples, and recommendations computed in the database."""

import pytest

from profiles import matching
from profiles.models import Profile, ProfileSkill
from tests.factories import PublishedJobFactory, SeekerFactory, SkillFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def skills():
    return {name: SkillFactory(name=name) for name in ["Python", "SQL", "Go", "Docker"]}


def test_full_marks_when_every_skill_is_at_the_expected_level(skills):
    job = PublishedJobFactory(
        seniority="mid", skills=[skills["Python"]], skills__nice=[skills["SQL"]]
    )
    levels = {skills["Python"].pk: 3, skills["SQL"].pk: 5}
    assert matching.scores(levels, [job.pk]) == {job.pk: (100, [])}


def test_required_skills_weigh_twice_and_levels_count_towards_seniority(skills):
    # Senior expects level 4. Python (required, weight 2) at level 2 earns 2 * 2/4 = 1;
    # Go (required, weight 2) is missing: 0; Docker (nice, weight 1) at level 4 earns 1.
    # Score = 100 * (1 + 0 + 1) / (2 + 2 + 1) = 40.
    job = PublishedJobFactory(
        seniority="senior", skills=[skills["Python"], skills["Go"]], skills__nice=[skills["Docker"]]
    )
    levels = {skills["Python"].pk: 2, skills["Docker"].pk: 4}
    assert matching.scores(levels, [job.pk]) == {job.pk: (40, [skills["Go"].pk])}


def test_missing_required_skills_come_before_missing_nice_ones(skills):
    job = PublishedJobFactory(
        seniority="junior", skills=[skills["Go"]], skills__nice=[skills["SQL"]]
    )
    assert matching.scores({}, [job.pk]) == {job.pk: (0, [skills["Go"].pk, skills["SQL"].pk])}


def test_a_job_without_skills_has_no_score(skills):
    job = PublishedJobFactory()
    assert matching.scores({skills["Go"].pk: 5}, [job.pk]) == {}


def test_recommendations_rank_by_score_and_respect_workplace_preferences(skills):
    user = SeekerFactory()
    profile = Profile.objects.create(user=user, workplaces=["remote"])
    ProfileSkill.objects.create(profile=profile, skill=skills["Python"], level=5)
    ProfileSkill.objects.create(profile=profile, skill=skills["SQL"], level=1)
    best = PublishedJobFactory(
        title="Best",
        workplace="remote",
        remote_anywhere=True,
        seniority="mid",
        skills=[skills["Python"]],
    )
    partial = PublishedJobFactory(
        title="Partial",
        workplace="remote",
        remote_anywhere=True,
        seniority="mid",
        skills=[skills["Python"], skills["SQL"]],
    )
    PublishedJobFactory(title="Office", workplace="onsite", skills=[skills["Python"]])
    PublishedJobFactory(
        title="Unrelated", workplace="remote", remote_anywhere=True, skills=[skills["Go"]]
    )
    ranked = matching.recommended_jobs(profile)
    assert [(job.title, score) for job, score in ranked] == [("Best", 100), ("Partial", 67)]
    assert ranked[0][0] == best and ranked[1][0] == partial


def test_a_cached_ranking_is_reused_but_follows_the_profile_and_closed_jobs(
    skills, settings, django_assert_num_queries
):
    settings.PAGE_CACHE_SECONDS = 60
    profile = Profile.objects.create(user=SeekerFactory())
    ProfileSkill.objects.create(profile=profile, skill=skills["Python"], level=5)
    python_job = PublishedJobFactory(title="Python", seniority="mid", skills=[skills["Python"]])
    go_job = PublishedJobFactory(title="Go", seniority="mid", skills=[skills["Go"]])
    assert matching.recommended_ids(profile) == [(python_job.pk, 100)]
    # The profile's skills and the public data version; the ranking comes from the cache.
    with django_assert_num_queries(2):
        assert matching.recommended_ids(profile) == [(python_job.pk, 100)]

    ProfileSkill.objects.create(profile=profile, skill=skills["Go"], level=5)
    assert sorted(matching.recommended_ids(profile)) == sorted(
        [(python_job.pk, 100), (go_job.pk, 100)]
    )

    python_job.status = "closed"
    python_job.save()
    assert [job.title for job, _ in matching.recommended_jobs(profile)] == ["Go"]
