"""The skill picker of the profile and the posting form, in Chromium: by keyboard alone with its
script, by round trips without it, and the posting form's error summary."""

import pytest
from playwright.sync_api import expect

from careerboard.models import Skill
from jobs.models import CompanyMembership, Job
from profiles.models import Profile, ProfileSkill
from tests.e2e.conftest import message
from tests.factories import CompanyFactory, EmployerFactory, SeekerFactory, SkillFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def tab_to(page, is_there, what, limit=80):
    """Press Tab until `is_there` (a JavaScript function of the focused element) is true."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"({is_there})(document.activeElement)"):
            return
    pytest.fail(f"Tab never reached {what}")


def offered(page):
    """The options of the skill list open on the page, each read as name and category."""
    return page.get_by_role("listbox").get_by_role("option")


def focused(page, selector):
    return page.evaluate(f"document.activeElement.matches({selector!r})")


@pytest.fixture
def skills():
    SkillFactory(name="PostgreSQL", category=Skill.Category.DATABASE, aliases=["postgres"])
    SkillFactory(name="Python", aliases=["py"])
    SkillFactory(name="Java")
    SkillFactory(name="jQuery")
    SkillFactory(name="Kotlin")


@pytest.fixture
def seeker():
    user = SeekerFactory()
    Profile.objects.create(user=user)
    return user


@pytest.fixture
def employer():
    user = EmployerFactory()
    company = CompanyFactory(name="Blue Owl", slug="blue-owl")
    CompanyMembership.objects.create(company=company, user=user)
    return user


def test_a_keyboard_only_seeker_adds_a_skill_with_its_level_and_removes_it(
    page, shoot, sign_in, skills, seeker
):
    sign_in(page, seeker)
    page.goto("/me/")
    tab_to(page, "el => el.id === 'id_skills'", "the skill box")
    page.keyboard.type("postgres")
    expect(page.get_by_role("option", name="PostgreSQL")).to_have_attribute("aria-selected", "true")
    shoot(page, "1-filtered")
    page.keyboard.press("Enter")  # picks PostgreSQL; the level is next
    assert focused(page, "#id_skills-add-level")
    page.keyboard.press("ArrowDown")  # from 3 to 4
    page.keyboard.press("Tab")
    page.keyboard.type("5")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").get_by_text("PostgreSQL added at level 4.")).to_be_visible()
    assert focused(page, "#id_skills")
    expect(page.get_by_label("Level of PostgreSQL")).to_have_value("4")
    expect(page.get_by_label("Years of PostgreSQL")).to_have_value("5")
    assert not ProfileSkill.objects.exists()  # added in place: nothing was posted yet
    shoot(page, "2-added")

    tab_to(page, "el => el.textContent.trim() === 'Save profile'", "Save profile")
    page.keyboard.press("Enter")
    expect(message(page, "Your profile is saved.")).to_be_visible()
    saved = ProfileSkill.objects.get()
    assert (saved.skill.name, saved.level, saved.years) == ("PostgreSQL", 4, 5)

    tab_to(page, "el => el.textContent.trim() === 'Remove PostgreSQL'", "the Remove button")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").get_by_text("PostgreSQL removed.")).to_be_visible()
    assert focused(page, "#id_skills")
    expect(page.get_by_label("Level of PostgreSQL")).to_have_count(0)
    tab_to(page, "el => el.textContent.trim() === 'Save profile'", "Save profile")
    page.keyboard.press("Enter")
    expect(message(page, "Your profile is saved.")).to_be_visible()
    assert not ProfileSkill.objects.exists()


def test_the_list_filters_as_one_types_and_arrows_choose_among_the_matches(
    page, sign_in, skills, seeker
):
    sign_in(page, seeker)
    page.goto("/me/")
    box = page.get_by_role("combobox", name="Add a skill")
    box.fill("J")
    # Names that begin with the letters first, whatever their case; then the others.
    expect(offered(page)).to_have_text(["Java Languages", "jQuery Languages"])
    box.press("ArrowDown")
    expect(page.get_by_role("option", name="jQuery")).to_have_attribute("aria-selected", "true")
    box.press("Enter")
    expect(box).to_have_value("jQuery")
    page.get_by_role("button", name="Add skill").click()
    expect(page.get_by_label("Level of jQuery")).to_have_value("3")
    box.fill("jq")
    expect(page.get_by_role("status")).to_have_text("No skill matches “jq”.")
    expect(page.get_by_role("listbox")).to_be_hidden()


def test_without_javascript_skills_are_added_and_removed_by_round_trips_that_lose_nothing(
    visitor, sign_in, skills, seeker
):
    page = visitor(java_script_enabled=False)
    sign_in(page, seeker)
    page.goto("/me/")
    page.get_by_label("Headline").fill("Back-end developer")
    choice = page.get_by_label("Add a skill")
    # Grouped by category, sorted whatever the case of the names.
    languages = page.locator("optgroup[label='Languages'] option")
    expect(languages).to_have_text(["Java", "jQuery", "Kotlin", "Python"])
    choice.select_option(label="Python")
    page.get_by_label("Level", exact=True).select_option("5")
    page.get_by_label("Years", exact=True).fill("8")
    page.get_by_role("button", name="Add skill").click()
    expect(page.get_by_role("status")).to_have_text("Python added.")
    assert page.url.endswith("#id_skills-picker")
    expect(page.get_by_label("Headline")).to_have_value("Back-end developer")
    expect(page.get_by_label("Level of Python")).to_have_value("5")
    expect(page.get_by_label("Years of Python")).to_have_value("8")
    expect(page.locator("option", has_text="Python")).to_be_disabled()
    assert not ProfileSkill.objects.exists()

    choice.select_option(label="PostgreSQL")
    page.get_by_role("button", name="Add skill").click()
    page.get_by_role("button", name="Remove Python").click()
    expect(page.get_by_role("status")).to_have_text("Python removed.")
    expect(page.get_by_label("Level of Python")).to_have_count(0)
    page.get_by_role("button", name="Save profile").click()
    expect(message(page, "Your profile is saved.")).to_be_visible()
    saved = ProfileSkill.objects.get()
    assert (saved.skill.name, saved.level, saved.years) == ("PostgreSQL", 3, 0)
    assert Profile.objects.get(user=seeker).headline == "Back-end developer"


def test_posting_form_errors_are_summarised_with_links_that_reach_each_field(
    page, shoot, sign_in, skills, employer
):
    sign_in(page, employer)
    page.goto("/jobs/dashboard/companies/blue-owl/jobs/new/")
    page.get_by_role("button", name="Save draft").click()
    summary = page.get_by_role("alert").filter(has_text="things to fix before saving")
    expect(summary).to_be_focused()
    shoot(page, "1-summary")
    summary.get_by_role("link", name="Required skills: Choose at least one skill").click()
    expect(page.get_by_role("combobox", name="Add a required skill")).to_be_focused()
    summary.get_by_role("link", name="Title: This field is required.").click()
    expect(page.get_by_label("Title")).to_be_focused()

    expect(page.locator("#id_required_skills_error")).to_be_visible()
    page.get_by_label("Title").fill("Data engineer")
    required = page.get_by_role("combobox", name="Add a required skill")
    required.fill("postgres")
    required.press("Enter")  # a job's skills have no level: Enter adds at once
    expect(page.get_by_role("status").get_by_text("PostgreSQL added.")).to_be_visible()
    # The error beside the picker was about the skills as posted; it goes with the change.
    expect(page.locator("#id_required_skills_error")).to_have_count(0)
    expect(required).to_be_focused()
    expect(required).to_have_value("")
    nice = page.get_by_role("combobox", name="Add a nice-to-have skill")
    nice.fill("p")
    # A skill the job requires is not offered again as nice to have.
    expect(offered(page)).to_have_text(["Python Languages"])
    nice.press("Enter")
    shoot(page, "2-skills")
    page.get_by_role("button", name="Save draft").click()
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name="Required skills")).to_have_count(0)
    expect(page.get_by_role("button", name="Remove PostgreSQL")).to_be_visible()
    expect(page.get_by_role("button", name="Remove Python")).to_be_visible()
    assert not Job.objects.exists()


def test_without_javascript_an_employer_picks_skills_previews_and_saves_a_draft(
    visitor, sign_in, skills, employer
):
    page = visitor("phone", java_script_enabled=False)
    sign_in(page, employer)
    page.goto("/jobs/dashboard/companies/blue-owl/jobs/new/")
    page.get_by_label("Title").fill("Data engineer")
    page.get_by_label("Description").fill("Move **data**.")
    page.get_by_label("Employment type").select_option("full_time")
    page.get_by_label("Seniority").select_option("mid")
    page.get_by_label("Remote", exact=True).check()
    page.get_by_label("Applicants may live anywhere").check()
    page.get_by_label("Add a required skill").select_option(label="PostgreSQL")
    page.get_by_role("button", name="Add required skill").click()
    expect(page.get_by_role("status").first).to_have_text("PostgreSQL added.")
    expect(page.get_by_label("Title")).to_have_value("Data engineer")
    expect(page.get_by_role("alert")).to_have_count(0)  # a round trip judges nothing yet
    # Chosen, not added: a skill left in the box is kept all the same.
    page.get_by_label("Add a nice-to-have skill").select_option(label="Python")
    page.get_by_label("Apply by email").fill("jobs@blueowl.example")
    page.get_by_label("Accept applications on CareerBoard").check()
    page.get_by_role("button", name="Preview").click()
    preview = page.get_by_role("region", name="Preview: the job as seekers will see it")
    expect(preview.get_by_role("heading", name="How to apply")).to_be_visible()
    expect(preview.get_by_role("link", name="jobs@blueowl.example")).to_be_visible()
    expect(preview.get_by_text("Apply with your CareerBoard profile")).to_be_visible()
    expect(preview.get_by_role("link", name="PostgreSQL")).to_be_visible()
    expect(preview.get_by_role("link", name="Python")).to_be_visible()
    page.get_by_role("button", name="Save draft").click()
    expect(message(page, "“Data engineer” is saved as a draft.")).to_be_visible()
    job = Job.objects.get()
    assert {(js.skill.name, js.is_required) for js in job.job_skills.all()} == {
        ("PostgreSQL", True),
        ("Python", False),
    }
