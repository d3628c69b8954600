"""A seeker's profile is written by services: its fields, exactly its skills, and its alerts."""

import pytest

from careerboard.models import User
from profiles import services
from profiles.models import JobAlert, ProfileSkill
from tests.factories import SkillFactory, UserFactory

pytestmark = pytest.mark.django_db


def skill_rows(profile):
    return {
        (row.skill.name, row.level, row.years)
        for row in ProfileSkill.objects.filter(profile=profile).select_related("skill")
    }


def test_a_saved_profile_keeps_exactly_the_skills_given_and_its_owner_seeks_work():
    user = UserFactory(is_seeking=False)
    python, go, sql = (SkillFactory(name=name) for name in ("Python", "Go", "SQL"))
    profile = services.profile_get_or_create(user=user)
    services.profile_update(
        profile=profile,
        user=user,
        fields={"headline": "Back-end developer"},
        skills={python: (3, 2), go: (2, 1)},
    )
    assert skill_rows(profile) == {("Python", 3, 2), ("Go", 2, 1)}
    services.profile_update(
        profile=profile, user=user, fields={}, skills={python: (4, 3), sql: (1, 0)}
    )
    assert skill_rows(profile) == {("Python", 4, 3), ("SQL", 1, 0)}
    assert services.profile_get_or_create(user=user).headline == "Back-end developer"
    assert User.objects.get(pk=user.pk).is_seeking


def test_an_alert_changes_frequency_and_is_deleted():
    user = UserFactory()
    alert = services.alert_create(user=user, query="q=python", frequency="daily")
    services.alert_set_frequency(alert=alert, frequency="weekly")
    assert JobAlert.objects.get(pk=alert.pk).frequency == "weekly"
    services.alert_delete(alert=alert)
    assert not JobAlert.objects.filter(pk=alert.pk).exists()
