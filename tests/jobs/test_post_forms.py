"""POST forms submitted as rendered, with CSRF checks on, as a browser does."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from jobs.models import JobReport
from profiles.models import SavedJob
from tests.factories import PublishedJobFactory, SeekerFactory

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
