"""POST forms submitted as rendered, with CSRF checks on, as a browser does."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from jobs.models import CompanyMembership, JobReport
from profiles.models import Profile, ProfileSkill, SavedJob
from tests.factories import (
    EmployerFactory,
    JobFactory,
    PublishedJobFactory,
    SeekerFactory,
    SkillFactory,
)
from tests.forms import FormFields

pytestmark = pytest.mark.django_db


def rendered_form(html, action):
    """The hidden inputs of the form posting to action, as the page rendered them."""
    match = re.search(rf'<form[^>]*action="{re.escape(action)}"[^>]*>(.*?)</form>', html, re.S)
    assert match, f"no form posts to {action}"
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', match[1]))


@pytest.fixture
def browser_client():
    return Client(enforce_csrf_checks=True)


@pytest.mark.parametrize("page", ["jobs:job_list", "job_detail"])
def test_save_job_button_saves_from_the_list_and_the_job_page(browser_client, page):
    job = PublishedJobFactory()
    seeker = SeekerFactory()
    browser_client.force_login(seeker)
    url = job.get_absolute_url() if page == "job_detail" else reverse(page)
    action = reverse("profiles:saved_toggle", args=[job.pk])

    response = browser_client.get(url)
    fields = rendered_form(response.content.decode(), action)
    assert "csrfmiddlewaretoken" in fields
    saved = browser_client.post(action, fields)

    assert saved.status_code == 302
    assert SavedJob.objects.filter(user=seeker, job=job).exists()


def test_report_form_sends_a_report_and_offers_no_blank_reason(browser_client):
    job = PublishedJobFactory()
    action = reverse("jobs:job_report", args=[job.pk])

    html = browser_client.get(action).content.decode()
    fields = rendered_form(html, action)
    assert "---------" not in html
    assert 'name="reason" value=""' not in html
    response = browser_client.post(
        action, {**fields, "reason": "fraud", "details": "Asks for fees"}
    )

    assert response.status_code == 302
    assert JobReport.objects.filter(job=job, reason="fraud").exists()


def test_profile_and_posting_forms_posted_as_rendered_save_and_keep_their_skills(browser_client):
    python = SkillFactory(name="Python")
    seeker = SeekerFactory()
    profile = Profile.objects.create(user=seeker)
    ProfileSkill.objects.create(profile=profile, skill=python, level=4, years=2)
    browser_client.force_login(seeker)
    fields = FormFields()
    fields.feed(browser_client.get(reverse("profiles:profile")).content.decode())
    assert "csrfmiddlewaretoken" in fields.data
    assert browser_client.post(reverse("profiles:profile"), fields.data).status_code == 302
    assert list(profile.skills.values_list("skill__name", "level", "years")) == [("Python", 4, 2)]

    job = JobFactory(skills=[python], places=["Oslo, Norway"])
    member = EmployerFactory()
    CompanyMembership.objects.create(company=job.company, user=member)
    browser_client.force_login(member)
    url = reverse("jobs:job_edit", args=[job.pk])
    fields = FormFields()
    fields.feed(browser_client.get(url).content.decode())
    assert browser_client.post(url, {**fields.data, "action": "draft"}).status_code == 302
    assert list(job.job_skills.values_list("skill__name", "is_required")) == [("Python", True)]
