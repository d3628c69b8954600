"""The skills of a seeker's profile, chosen with the skill picker: saved as posted, added and
removed by round trips without JavaScript, and garbage refused without losing what was saved."""

import re

import pytest
from django.urls import reverse

from careerboard.models import Skill
from profiles.models import Profile, ProfileSkill
from tests.factories import SeekerFactory, SkillFactory
from tests.forms import FormFields

pytestmark = pytest.mark.django_db
URL = reverse("profiles:profile")


@pytest.fixture
def python():
    return SkillFactory(name="Python")


@pytest.fixture
def git():
    return SkillFactory(name="Git", category=Skill.Category.VERSION_CONTROL)


@pytest.fixture
def seeker(python):
    """A seeker whose profile holds Python at level 4 for 6 years."""
    user = SeekerFactory()
    profile = Profile.objects.create(user=user, headline="Back-end developer")
    ProfileSkill.objects.create(profile=profile, skill=python, level=4, years=6)
    return user


def saved_skills(user) -> set[tuple[str, int, int]]:
    rows = ProfileSkill.objects.filter(profile__user=user).select_related("skill")
    return {(row.skill.name, row.level, row.years) for row in rows}


def posted(*rows, **extra) -> dict:
    """The profile form as a browser posts it, with rows of (skill id, level, years)."""
    data = {"headline": "Back-end developer", "visibility": "private", "skills": []}
    for skill, level, years in rows:
        data["skills"].append(str(skill))
        data[f"skills-{skill}-level"] = str(level)
        data[f"skills-{skill}-years"] = str(years)
    return {**data, **extra}


def test_the_skills_posted_are_the_skills_saved_each_with_its_level_and_years(
    client, seeker, python, git
):
    client.force_login(seeker)
    response = client.post(URL, posted((git.pk, 2, ""), (python.pk, 5, 7)))
    assert response.status_code == 302
    assert saved_skills(seeker) == {("Git", 2, 0), ("Python", 5, 7)}


def test_a_skill_chosen_but_not_added_is_saved_with_the_rest(client, seeker, python, git):
    client.force_login(seeker)
    data = posted((python.pk, 4, 6), **{"skills-add": str(git.pk), "skills-add-level": "1"})
    assert client.post(URL, data).status_code == 302
    assert saved_skills(seeker) == {("Python", 4, 6), ("Git", 1, 0)}


def test_the_form_posted_back_as_rendered_keeps_every_saved_skill(client, seeker):
    client.force_login(seeker)
    fields = FormFields()
    fields.feed(client.get(URL).content.decode())
    assert client.post(URL, fields.data).status_code == 302
    assert saved_skills(seeker) == {("Python", 4, 6)}


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([("999999", 3, 1)], "We do not know the skill “999999”"),
        ([("python", 3, 1)], "We do not know the skill “python”"),
        ([("-4", 3, 1)], "We do not know the skill “-4”"),
        ([("9" * 30, 3, 1)], "We do not know the skill"),
        ([("PYTHON", 9, 1)], "Choose a level from 1 to 5 for Python."),
        ([("PYTHON", "high", 1)], "Choose a level from 1 to 5 for Python."),
        ([("PYTHON", "", 1)], "Choose a level from 1 to 5 for Python."),
        ([("PYTHON", 3, -2)], "Give the years of Python as a whole number from 0 to 60."),
        ([("PYTHON", 3, 61)], "Give the years of Python as a whole number from 0 to 60."),
        ([("PYTHON", 3, "1.5")], "Give the years of Python as a whole number from 0 to 60."),
        ([("PYTHON", 3, "lots")], "Give the years of Python as a whole number from 0 to 60."),
    ],
)
def test_garbage_rows_are_refused_with_a_clear_message_and_the_saved_skills_stay(
    client, seeker, python, rows, message
):
    client.force_login(seeker)
    rows = [
        (python.pk if skill == "PYTHON" else skill, level, years) for skill, level, years in rows
    ]
    response = client.post(URL, posted(*rows, headline="Changed"))
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert 'id="error-summary"' in page and 'href="#id_skills"' in page
    assert saved_skills(seeker) == {("Python", 4, 6)}
    assert Profile.objects.get(user=seeker).headline == "Back-end developer"


def test_a_hidden_skill_cannot_be_added(client, seeker):
    hidden = SkillFactory(name="Retired", is_hidden=True)
    client.force_login(seeker)
    response = client.post(URL, posted((hidden.pk, 3, 1)))
    assert "We do not know the skill" in response.content.decode()
    assert "data-picker-name>Retired<" not in response.content.decode()
    assert saved_skills(seeker) == {("Python", 4, 6)}


def test_more_skills_than_allowed_are_refused(client, seeker):
    skills = [SkillFactory() for _ in range(61)]
    client.force_login(seeker)
    response = client.post(URL, posted(*[(skill.pk, 3, 1) for skill in skills]))
    assert "Choose at most 60 skills." in response.content.decode()
    assert saved_skills(seeker) == {("Python", 4, 6)}


def test_without_javascript_add_comes_back_with_the_row_and_saves_nothing(
    client, seeker, python, git
):
    client.force_login(seeker)
    data = posted(
        (python.pk, 4, 6),
        headline="Typed, not saved",
        **{"skills-add": str(git.pk), "skills-add-level": "2", "picker-add": "skills"},
    )
    response = client.post(URL, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Git added." in page
    assert f'name="skills-{git.pk}-level"' in page and "Typed, not saved" in page
    assert 'id="error-summary"' not in page
    assert saved_skills(seeker) == {("Python", 4, 6)}


def test_without_javascript_remove_comes_back_without_the_row_and_saves_nothing(
    client, seeker, python, git
):
    client.force_login(seeker)
    data = posted((python.pk, 4, 6), (git.pk, 2, 1), **{"picker-remove": f"skills:{python.pk}"})
    response = client.post(URL, data)
    page = response.content.decode()
    assert "Python removed." in page
    assert f'name="skills-{python.pk}-level"' not in page
    assert f'name="skills-{git.pk}-level"' in page
    assert saved_skills(seeker) == {("Python", 4, 6)}


@pytest.mark.parametrize(
    "buttons",
    [
        {"picker-add": "skills"},
        {"picker-add": "no-such-picker"},
        {"picker-remove": "skills:abc"},
        {"picker-remove": "nonsense"},
        {"picker-remove": "", "picker-add": ""},
    ],
)
def test_a_picker_button_with_nothing_or_garbage_to_do_changes_nothing(
    client, seeker, python, buttons
):
    client.force_login(seeker)
    response = client.post(URL, posted((python.pk, 4, 6), **buttons))
    assert response.status_code == 200
    assert f'name="skills-{python.pk}-level"' in response.content.decode()
    assert saved_skills(seeker) == {("Python", 4, 6)}


def test_adding_with_nothing_chosen_says_what_to_do(client, seeker, python):
    client.force_login(seeker)
    response = client.post(URL, posted((python.pk, 4, 6), **{"picker-add": "skills"}))
    assert "Choose a skill from the list first." in response.content.decode()


def test_the_skills_to_add_are_grouped_by_category_and_sorted_whatever_their_case(
    client, seeker, git
):
    for name in ["jQuery", "Kotlin", "Java", "ada"]:
        SkillFactory(name=name)
    SkillFactory(name="Hidden", is_hidden=True)
    client.force_login(seeker)
    page = client.get(URL).content.decode()
    choices = page[
        page.index('name="skills-add"') : page.index("</select>", page.index('name="skills-add"'))
    ]
    groups = re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', choices, re.S)
    names = {label: re.findall(r">([^<]+)</option>", options) for label, options in groups}
    assert names == {
        "Languages": ["ada", "Java", "jQuery", "Kotlin", "Python"],
        "Version control": ["Git"],
    }
    # The skill the profile holds is shown, and cannot be added twice.
    assert re.search(r'<option value="\d+" disabled>Python</option>', choices)


def test_the_profile_lists_its_skills_strongest_first_each_with_labelled_fields(client, seeker):
    profile = Profile.objects.get(user=seeker)
    for name, level in [("ada", 2), ("Bash", 5), ("awk", 2)]:
        ProfileSkill.objects.create(profile=profile, skill=SkillFactory(name=name), level=level)
    client.force_login(seeker)
    page = client.get(URL).content.decode()
    assert re.findall(r'class="picked-skill-name" data-picker-name>([^<]+)<', page) == [
        "Bash",
        "Python",
        "ada",
        "awk",
    ]
    python = Skill.objects.get(name="Python")
    assert f'<label for="id_skills-{python.pk}-level">Level' in page
    assert f'id="id_skills-{python.pk}-level"' in page


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.post(URL, posted())
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_seeker_changes_only_their_own_profile(client, seeker, python, git):
    other = SeekerFactory()
    client.force_login(other)
    assert client.post(URL, posted((git.pk, 1, 0))).status_code == 302
    assert saved_skills(other) == {("Git", 1, 0)}
    assert saved_skills(seeker) == {("Python", 4, 6)}


def test_every_level_offered_has_a_label_and_the_years_field_reads_naturally(client, seeker):
    client.force_login(seeker)
    page = client.get(URL).content.decode()
    labels = ["1 – beginner", "2 – learning", "3 – working", "4 – strong", "5 – expert"]
    for value, label in enumerate(labels, start=1):
        # The chosen row's level select, the add control's and the script's row template.
        assert page.count(f">{label}</option>") == 3
        assert f">{value}</option>" not in page
    assert "Years of experience" in page and "Years experience" not in page
    assert "2 is still learning" in page and "4 is strong" in page
