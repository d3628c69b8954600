"""Two people, two browsers, one page cache: nothing rendered for one may reach the other.

Each visitor has a browser context of its own (its own cookies); the live server runs with the
production page cache (see conftest.py), so the second visitor is served whatever the cache kept.
What is checked does not depend on the screen's width: these run at desktop width only.
"""

import re

import pytest
from django.middleware.csrf import _does_token_match
from playwright.sync_api import expect

from profiles.models import Profile, ProfileSkill
from tests.factories import (
    CompanyFactory,
    PublishedJobFactory,
    SeekerFactory,
    SkillFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
THANKS = "Thank you. Our moderators will look at this listing."


def assert_only_own_csrf_tokens(page):
    """Every CSRF token on the page was made for this browser's own CSRF cookie."""
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    secret = cookies.get("csrftoken")
    tokens = page.locator("input[name=csrfmiddlewaretoken]").evaluate_all(
        "inputs => inputs.map(input => input.value)"
    )
    foreign = [token for token in tokens if not secret or not _does_token_match(token, secret)]
    assert not foreign, f"{page.url} carries another visitor's CSRF token"


def report(page, reason="Fraud or scam"):
    page.get_by_label(reason).check()
    page.get_by_role("button", name="Send report").click()


def test_a_reporters_thanks_never_reaches_the_next_visitor(shoot, visitor):
    job = PublishedJobFactory(title="Too good to be true", company=CompanyFactory(name="Scam Co"))
    page = visitor()

    page.goto(f"/jobs/report/{job.pk}/")  # from a link someone shared
    report(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Too good to be true")
    expect(page.get_by_text(THANKS)).to_be_visible()
    shoot(page, "1-reporter-thanked")

    other = visitor()
    other.goto(job.get_absolute_url())
    expect(other.get_by_role("heading", level=1)).to_have_text("Too good to be true")
    shoot(other, "2-next-visitor")
    expect(other.get_by_text(THANKS)).to_have_count(0)
    assert_only_own_csrf_tokens(other)


def test_a_reporter_is_thanked_even_when_the_job_page_was_cached_for_others(shoot, visitor):
    job = PublishedJobFactory(title="Too good to be true", company=CompanyFactory(name="Scam Co"))
    earlier = visitor()
    earlier.goto(job.get_absolute_url())  # the page is now in the cache
    page = visitor()

    page.goto(job.get_absolute_url())
    page.get_by_role("link", name="Report this listing").click()
    report(page)
    expect(page.get_by_text(THANKS)).to_be_visible()
    shoot(page, "reporter-thanked")

    earlier.reload()
    expect(earlier.get_by_text(THANKS)).to_have_count(0)


def test_a_signed_in_seekers_pages_never_reach_anonymous_visitors(shoot, sign_in, visitor):
    python = SkillFactory(name="Python")
    company = CompanyFactory(name="Acme")
    job = PublishedJobFactory(title="Python developer", company=company, skills=[python])
    PublishedJobFactory(title="Python data engineer", company=company, skills=[python])
    seeker = SeekerFactory(username="ada")
    profile = Profile.objects.create(user=seeker, headline="Back-end developer")
    ProfileSkill.objects.create(profile=profile, skill=python, level=4)
    page, anonymous = visitor(), visitor()
    sign_in(page, seeker)
    urls = [
        "/",
        "/jobs/",
        "/jobs/?q=python",
        job.get_absolute_url(),
        company.get_absolute_url(),
        "/skills/",
        f"/skills/{python.slug}/",
        "/resources/",
        f"/jobs/report/{job.pk}/",
    ]
    for url in urls:
        # The seeker comes first, so a page stored for them would reach the anonymous visitor;
        # then again, so a page stored for the anonymous visitor would reach them.
        for _ in range(2):
            page.goto(url)
            expect(page.get_by_role("button", name="Log out")).to_be_visible()
            if url in (job.get_absolute_url(), "/jobs/?q=python"):
                expect(page.get_by_text("Match 100%").first).to_be_visible()
                expect(
                    page.get_by_role("button", name=re.compile("Save job")).first
                ).to_be_visible()

            anonymous.goto(url)
            expect(anonymous.get_by_role("link", name="Log in")).to_be_visible()
            for signed_in_only in ("Log out", "Your account", "Profile", "For you"):
                expect(anonymous.get_by_text(signed_in_only, exact=True)).to_have_count(0)
            expect(anonymous.get_by_text(re.compile(r"Match \d+%"))).to_have_count(0)
            expect(anonymous.get_by_role("button", name=re.compile("Save job"))).to_have_count(0)
            assert_only_own_csrf_tokens(anonymous)
    shoot(page, "signed-in")
    shoot(anonymous, "anonymous")
