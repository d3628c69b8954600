"""The demo data a newcomer sees after `make run`: a seeker with skills, so matches show at once."""

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from careerboard.models import User
from jobs.models import Application, Job
from profiles.models import Profile

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("load_seeds", verbosity=0)
    call_command("load_demo", verbosity=0)
    call_command("load_demo_profile", verbosity=0)
    return User.objects.get(username="seeker")


def test_the_demo_seeker_sees_ranked_recommendations_with_match_scores(client, demo):
    profile = Profile.objects.get(user=demo)
    assert profile.skill_levels()
    client.force_login(demo)
    page = client.get(reverse("profiles:recommended"))
    assert len(page.context["ranked"]) > 0
    assert "Match " in page.content.decode()


def test_the_demo_seeker_applies_with_the_demo_resume_to_jobs_that_take_applications_here(
    client, demo
):
    jobs = Job.objects.published().filter(apply_on_site=True)[:3]
    assert len(jobs) == 3
    client.force_login(demo)
    for job in jobs:
        assert (
            "Apply with your CareerBoard profile"
            in client.get(job.get_absolute_url()).content.decode()
        )
        response = client.post(reverse("profiles:apply", args=[job.pk]), {"note": "Hello!"})
        assert response.status_code == 302, response.context["form"].errors
    applications = Application.objects.filter(applicant=demo)
    assert applications.count() == 3
    assert all(a.resume.read(5) == b"%PDF-" for a in applications)


def test_the_demo_employer_sees_the_demo_seeker_apply_with_headline_and_fit(client, demo):
    employer = User.objects.get(username="employer")
    job = Job.objects.published().filter(apply_on_site=True, company__members=employer).first()
    client.force_login(demo)
    client.post(reverse("profiles:apply", args=[job.pk]), {"note": ""})
    client.force_login(employer)
    page = client.get(reverse("profiles:job_applicants", args=[job.pk])).content.decode()
    assert "Back-end developer, three years of Python and SQL" in page


def test_the_demo_skills_have_years_that_agree_with_the_headline(demo):
    profile = Profile.objects.get(user=demo)
    years = {row.skill.seed_key: row.years for row in profile.skills.select_related("skill")}
    assert years["python"] == 3 and years["sql"] == 3
    assert all(value >= 1 for value in years.values())
    assert all(value <= profile.years_experience for value in years.values())


def test_running_it_again_keeps_what_the_demo_user_changed(demo):
    profile = Profile.objects.get(user=demo)
    profile.headline = "Changed by hand"
    profile.save()
    profile.skills.all().delete()
    call_command("load_demo_profile", verbosity=0)
    profile.refresh_from_db()
    assert profile.headline == "Changed by hand"
    assert profile.skill_levels() == {}


def test_it_says_what_to_run_first_when_the_seeker_or_skills_are_missing(tmp_path):
    with pytest.raises(CommandError, match="run load_demo first"):
        call_command("load_demo_profile", verbosity=0)
    fixture = tmp_path / "demo.toml"
    fixture.write_text(
        '[seeker]\nusername = "ada"\n[seeker.skills]\ncobol = { level = 5, years = 9 }\n'
    )
    User.objects.create(username="ada")
    with pytest.raises(CommandError, match="Unknown skill keys"):
        call_command("load_demo_profile", path=fixture, verbosity=0)
