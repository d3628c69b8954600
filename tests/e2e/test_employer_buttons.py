"""Every button an employer can press, pressed in Chromium, with what the employer sees after."""

import io
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from careerboard.models import ApiToken
from jobs import counters
from jobs.models import Company, CompanyMembership, Job, JobDailyStats
from tests.e2e.conftest import message, pick_skill
from tests.factories import (
    AdminFactory,
    CompanyFactory,
    EmployerFactory,
    PublishedJobFactory,
    SeekerFactory,
    SkillFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PERSONS_BROWSER = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/140.0.0.0 Safari/537.36"
)


def job_row(page, title):
    """The dashboard's table row of the job with exactly this title."""
    return page.get_by_role("row").filter(has=page.get_by_role("link", name=title, exact=True))


@pytest.fixture
def member(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    employer = EmployerFactory()
    company = CompanyFactory(name="Blue Owl")
    CompanyMembership.objects.create(
        company=company, user=employer, role=CompanyMembership.Role.OWNER
    )
    return employer, company


def test_employer_adds_a_company_with_a_logo_that_shows_on_its_page(
    page, shoot, sign_in, visitor, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    logo = tmp_path / "owl.png"
    image = io.BytesIO()
    Image.new("RGB", (96, 96), (30, 90, 200)).save(image, format="PNG")
    logo.write_bytes(image.getvalue())
    sign_in(page, EmployerFactory())

    page.goto("/jobs/dashboard/")
    page.get_by_role("link", name="Add a company").click()
    page.get_by_label("Name").fill("Blue Owl")
    page.get_by_label("Website").fill("blueowl.example")  # https is assumed
    page.get_by_label("About").fill("We make **owls** fly.")
    page.get_by_label("Logo").set_input_files(str(logo))
    shoot(page, "1-company-form")
    page.get_by_role("button", name="Save company").click()
    expect(message(page, "Blue Owl is ready. Post its first role")).to_be_visible()
    expect(page.get_by_text("Blue Owl is not public yet")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Blue Owl")
    shoot(page, "2-company-dashboard")
    company = Company.objects.get()
    assert company.website == "https://blueowl.example"

    # The live server serves /media/ from MEDIA_ROOT, as the documented proxy does.
    page.get_by_role("link", name="Public page").click()
    # Beside the company's name the logo is decoration: no name of its own for screen readers.
    logo_img = page.locator(".company-header img.logo")
    expect(logo_img).to_be_visible()
    expect(logo_img).to_have_attribute("alt", "")
    page.wait_for_load_state("load")
    assert logo_img.evaluate("img => img.complete && img.naturalWidth") == 96
    shoot(page, "3-public-page-with-logo")

    # Nobody else sees the company until a moderator approves it.
    stranger = visitor(page.viewport_name)
    response = stranger.goto(company.get_absolute_url())
    assert response.status == 404
    moderator = visitor(page.viewport_name)
    sign_in(moderator, AdminFactory())
    moderator.goto("/jobs/moderation/")
    moderator.get_by_label("Blue Owl (https://blueowl.example)").check()
    moderator.get_by_role("button", name="Approve").click()
    expect(message(moderator, "1 item approved")).to_be_visible()
    shoot(moderator, "4-company-approved")
    company.refresh_from_db()
    assert company.approved_at is not None

    # Then an anonymous visitor sees it, logo included, through the page cache.
    stranger.goto(company.get_absolute_url())
    stranger.wait_for_load_state("load")
    assert stranger.locator(".company-header img.logo").evaluate("img => img.naturalWidth")

    page.go_back()
    page.get_by_role("link", name="Edit company").click()
    page.get_by_label("About").fill("We make **owls** fly, and fast.")
    page.get_by_role("button", name="Save company").click()
    expect(message(page, "Company details saved.")).to_be_visible()
    company.refresh_from_db()
    assert company.about == "We make **owls** fly, and fast."
    assert company.logo.name.startswith("logos/")


def test_employer_posts_a_job_and_edits_renews_duplicates_and_closes_it(
    page, shoot, sign_in, visitor, member, settings
):
    SkillFactory(name="Python")
    employer, company = member
    sign_in(page, employer)
    moderator = visitor(page.viewport_name)
    sign_in(moderator, AdminFactory())

    page.goto("/jobs/dashboard/")  # one company: its dashboard
    page.get_by_role("link", name="Post a job").click()
    page.get_by_label("Title").fill("Django developer")
    page.get_by_label("Description").fill("## The role\n\nBuild our **APIs**.")
    page.get_by_label("Employment type").select_option("full_time")
    page.get_by_label("Seniority").select_option("mid")
    page.get_by_label("On-site").check()
    page.get_by_label("Locations").fill("Amsterdam, Netherlands")
    pick_skill(page, "Add a required skill", "Python")
    page.get_by_label("Apply at (URL)").fill("https://blueowl.example/jobs")
    page.get_by_role("button", name="Preview").click()
    preview = page.get_by_role("region", name="Preview: the job as seekers will see it")
    expect(preview.get_by_role("heading", name="Django developer")).to_be_visible()
    expect(preview.locator("strong")).to_have_text("APIs")
    expect(preview.get_by_role("link", name="Apply for this job")).to_have_attribute(
        "href", "https://blueowl.example/jobs"
    )
    expect(preview.get_by_role("link", name="Python")).to_be_visible()
    shoot(page, "1-preview")
    page.get_by_role("button", name="Save draft").click()
    expect(message(page, "“Django developer” is saved as a draft.")).to_be_visible()
    expect(job_row(page, "Django developer").get_by_text("Draft", exact=True)).to_be_visible()
    job_row(page, "Django developer").get_by_role("link", name="Edit").click()
    expect(page.get_by_label("Locations")).to_have_value("Amsterdam, Netherlands")
    page.get_by_role("button", name="Submit for review").click()
    expect(message(page, "“Django developer” was sent for review.")).to_be_visible()
    expect(job_row(page, "Django developer").get_by_text("Pending review")).to_be_visible()
    shoot(page, "2-pending")
    job = Job.objects.get()

    moderator.goto("/jobs/moderation/")
    moderator.get_by_label("Django developer at Blue Owl").check()
    moderator.get_by_role("button", name="Approve").click()
    expect(message(moderator, "1 item approved")).to_be_visible()
    assert mail.outbox[-1].subject == "Your job “Django developer” is live on CareerBoard"

    page.reload()
    expect(job_row(page, "Django developer").get_by_text("Published")).to_be_visible()
    job_row(page, "Django developer").get_by_role("link", name="Edit").click()
    page.get_by_label("Title").fill("Senior Django developer")
    page.get_by_label("Seniority").select_option("senior")
    page.get_by_role("button", name="Save changes").click()
    expect(message(page, "Your changes are waiting for review")).to_be_visible()
    expect(
        job_row(page, "Django developer").get_by_text("Changes waiting for review")
    ).to_be_visible()
    shoot(page, "3-edit-waiting")

    moderator.goto("/jobs/moderation/")
    moderator.locator("input[name=edit]").check()
    moderator.get_by_role("button", name="Approve").click()
    expect(message(moderator, "1 item approved")).to_be_visible()
    moderator.goto(job.get_absolute_url())
    expect(moderator.get_by_role("heading", level=1)).to_have_text("Senior Django developer")

    # Near its closing date, the employer renews it for another period.
    Job.objects.filter(pk=job.pk).update(expires_at=timezone.now() + timedelta(days=2))
    page.reload()
    soon = timezone.localdate() + timedelta(days=2)
    row = job_row(page, "Senior Django developer")
    expect(row.get_by_role("cell", name=soon.strftime("%-d %b %Y"))).to_be_visible()
    row.get_by_role("link", name="Renew").click()
    expect(page.get_by_role("heading", name="Renew “Senior Django developer”?")).to_be_visible()
    shoot(page, "4-renew-asked")
    page.get_by_role("button", name="Renew the job").click()
    expect(message(page, "Renewed: the job stays up for another period.")).to_be_visible()
    later = timezone.localdate() + timedelta(days=settings.JOB_DEFAULT_LIFETIME_DAYS)
    row = job_row(page, "Senior Django developer")
    expect(row.get_by_role("cell", name=later.strftime("%-d %b %Y"))).to_be_visible()
    shoot(page, "4-renewed")

    row.get_by_role("button", name="Duplicate").click()
    expect(message(page, "A copy was saved as a draft.")).to_be_visible()
    copy = job_row(page, "Senior Django developer (copy)")
    expect(copy.get_by_text("Draft", exact=True)).to_be_visible()
    copy.get_by_role("link", name="Delete").click()
    page.get_by_role("button", name="Delete the draft").click()
    expect(message(page, "The draft was deleted.")).to_be_visible()
    expect(job_row(page, "Senior Django developer (copy)")).to_have_count(0)
    job_row(page, "Senior Django developer").get_by_role("button", name="Duplicate").click()
    job_row(page, "Senior Django developer (copy)").get_by_role("button", name="Submit").click()
    expect(message(page, "still has the title of a copy")).to_be_visible()
    job_row(page, "Senior Django developer (copy)").get_by_role("link", name="Edit").click()
    page.get_by_label("Title").fill("Staff Django developer")
    page.get_by_role("button", name="Submit for review").click()
    expect(message(page, "“Staff Django developer” was sent for review.")).to_be_visible()
    expect(job_row(page, "Staff Django developer").get_by_text("Pending review")).to_be_visible()
    shoot(page, "5-copy-submitted")

    job_row(page, "Senior Django developer").get_by_role("link", name="Close (filled)").click()
    page.get_by_role("button", name="Close the job").click()
    expect(message(page, "Closed: the job has left the board.")).to_be_visible()
    expect(job_row(page, "Senior Django developer").get_by_text("Closed (filled)")).to_be_visible()
    shoot(page, "6-closed")
    stranger = visitor(page.viewport_name)
    stranger.goto("/jobs/?q=senior+django")
    expect(stranger.get_by_role("heading", name=re.compile("0 jobs"))).to_be_visible()


def test_employer_invites_a_colleague_who_accepts(page, shoot, sign_in, visitor, member):
    employer, company = member
    colleague = SeekerFactory(username="grace", email="grace@example.com")
    sign_in(page, employer)

    page.goto(f"/jobs/dashboard/companies/{company.slug}/")
    page.get_by_label("Email address of the person to invite").fill(employer.email)
    page.get_by_role("button", name="Invite").click()
    expect(message(page, f"{employer.email} is already a member of Blue Owl.")).to_be_visible()
    page.get_by_label("Email address of the person to invite").fill("Grace@Example.com")
    page.get_by_role("button", name="Invite").click()
    expect(message(page, "Invitation sent to Grace@Example.com.")).to_be_visible()
    shoot(page, "1-invited")
    (email,) = mail.outbox
    assert email.to == ["grace@example.com"]
    link = re.search(r"^(http\S+/jobs/invitations/\S+/)$", email.body, re.M).group(1)

    invited = visitor(page.viewport_name)
    sign_in(invited, colleague)
    invited.goto(link)
    expect(invited.get_by_role("heading", name="Join Blue Owl")).to_be_visible()
    shoot(invited, "2-invitation")
    invited.get_by_role("button", name="Accept the invitation").click()
    expect(message(invited, "You now manage Blue Owl's jobs.")).to_be_visible()
    expect(invited.get_by_role("heading", level=1)).to_have_text("Blue Owl")
    expect(invited.get_by_role("link", name="Employer dashboard")).to_be_visible()
    shoot(invited, "3-accepted")
    assert company.members.filter(pk=colleague.pk).exists()

    page.reload()
    expect(page.get_by_text("grace (grace@example.com)")).to_be_visible()
    invited.goto(link)
    expect(invited.get_by_text("This invitation has already been used.")).to_be_visible()


def test_employer_chooses_a_daily_digest_of_new_applications(page, shoot, sign_in, member):
    employer, company = member
    sign_in(page, employer)
    page.goto(f"/jobs/dashboard/companies/{company.slug}/")
    expect(page.get_by_label("An e-mail for each application")).to_be_checked()
    page.get_by_label("One daily digest").check()
    page.get_by_role("button", name="Save my choice").click()
    expect(message(page, "New applications: one daily digest.")).to_be_visible()
    expect(page.get_by_label("One daily digest")).to_be_checked()
    shoot(page, "1-daily-digest")
    membership = CompanyMembership.objects.get(user=employer)
    assert membership.application_emails == CompanyMembership.ApplicationEmails.DAILY


def test_employer_creates_an_api_token_uses_it_replaces_it_and_revokes_it(
    page, shoot, sign_in, visitor, member
):
    employer, company = member
    job = PublishedJobFactory(company=company, title="Platform engineer")
    sign_in(page, employer)

    page.goto(f"/jobs/dashboard/companies/{company.slug}/")
    page.get_by_role("button", name="Create an API token").click()
    expect(page.get_by_role("heading", name="Your new API token")).to_be_visible()
    key = page.locator("code.api-token").inner_text()
    assert ApiToken.objects.get(user=employer).digest == ApiToken.digest_of(key)
    shoot(page, "1-token-created")
    page.get_by_role("link", name="Back to your dashboard").click()
    expect(page.get_by_text(f"Your token on file starts with {key[:8]}")).to_be_visible()

    api = visitor().request
    closed = api.post(f"/api/v1/jobs/{job.pk}/close/", headers={"Authorization": f"Token {key}"})
    assert closed.status == 200, closed.text()
    job.refresh_from_db()
    assert job.status == Job.Status.CLOSED

    page.get_by_role("button", name="Replace my API token").click()
    old_key, key = key, page.locator("code.api-token").inner_text()
    assert key != old_key
    assert api.get("/api/v1/skills/", headers={"Authorization": f"Token {old_key}"}).status == 401
    assert api.get("/api/v1/skills/", headers={"Authorization": f"Token {key}"}).status == 200
    page.get_by_role("link", name="Back to your dashboard").click()

    page.get_by_role("button", name="Revoke my API token").click()
    expect(message(page, "Your API token was revoked.")).to_be_visible()
    expect(page.get_by_role("button", name="Create an API token")).to_be_visible()
    expect(page.get_by_role("button", name="Revoke my API token")).to_have_count(0)
    shoot(page, "2-token-revoked")
    refused = api.get("/api/v1/skills/", headers={"Authorization": f"Token {key}"})
    assert refused.status == 401


def test_views_and_apply_clicks_reach_the_employers_dashboard(
    page, shoot, sign_in, visitor, member
):
    employer, company = member
    job = PublishedJobFactory(
        company=company, title="Site reliability engineer", apply_url="https://blueowl.example/sre"
    )
    # Headless Chromium names itself HeadlessChrome, which the counters skip as a robot.
    applicant = visitor(page.viewport_name, user_agent=PERSONS_BROWSER)
    applicant.route(
        "https://blueowl.example/**",
        lambda route: route.fulfill(body="<h1>Blue Owl careers</h1>", content_type="text/html"),
    )
    applicant.goto(job.get_absolute_url())
    applicant.get_by_role("link", name="Apply for this job").click()
    expect(applicant).to_have_url("https://blueowl.example/sre")
    counters.flush()  # what cron does every few minutes

    sign_in(page, employer)
    page.goto(f"/jobs/dashboard/companies/{company.slug}/")
    row = job_row(page, "Site reliability engineer")
    expect(row.get_by_role("cell")).to_have_text(
        ["Published", re.compile(r"\d"), "1", "1", "0", re.compile("Edit")]
    )
    shoot(page, "dashboard-counts")


def test_the_header_keeps_to_two_rows_and_every_jobs_actions_stay_in_reach(
    page, shoot, sign_in, member, visitor
):
    employer, company = member
    for n in range(3):
        PublishedJobFactory(
            company=company,
            title=f"Principal distributed systems engineer {n}",
            expires_at=timezone.now() + timedelta(days=2),
        )
    sign_in(page, employer)
    page.goto(f"/jobs/dashboard/companies/{company.slug}/")
    width = page.viewport_size["width"]
    header = page.locator(".site-header").bounding_box()
    assert header["height"] < 100  # two rows of links at most
    for name in ("Edit", "Close (filled)", "Renew", "Duplicate"):
        for box in (link.bounding_box() for link in page.get_by_role("link", name=name).all()):
            assert box["x"] >= 0 and box["x"] + box["width"] <= width, name
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shoot(page, "dashboard")

    seeker = visitor(page.viewport_name)
    applicant = SeekerFactory()
    sign_in(seeker, applicant)
    for job in Job.objects.all():
        job.applications.create(applicant=applicant)
    seeker.goto("/me/applications/")
    assert seeker.locator(".site-header").bounding_box()["height"] < 100
    for link in seeker.get_by_role("link", name=re.compile("^Withdraw")).all():
        box = link.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width
    assert seeker.evaluate("document.documentElement.scrollWidth") <= width
    shoot(seeker, "applications")


def test_employer_sees_views_at_once_and_reads_a_jobs_statistics(
    page, shoot, sign_in, visitor, member
):
    employer, company = member
    job = PublishedJobFactory(
        company=company,
        title="Data platform engineer",
        view_count=17,
        apply_click_count=3,
        published_at=timezone.now() - timedelta(days=12),
        expires_at=timezone.now() + timedelta(days=18),
    )
    today = timezone.localdate()
    for days_ago, views, clicks in [(1, 6, 1), (4, 3, 0), (9, 8, 2)]:
        JobDailyStats.objects.create(
            job=job, day=today - timedelta(days=days_ago), views=views, apply_clicks=clicks
        )
    reader = visitor(page.viewport_name, user_agent=PERSONS_BROWSER)
    reader.goto(job.get_absolute_url())
    counters.push()  # what the server's worker does within seconds; no flush has run

    sign_in(page, employer)
    page.goto(f"/jobs/dashboard/companies/{company.slug}/")
    row = job_row(page, "Data platform engineer")
    expect(row.get_by_role("cell")).to_have_text(
        ["Published", re.compile(r"\d"), "18", "3", "0", re.compile("Statistics")]
    )
    shoot(page, "1-dashboard-live")
    row.get_by_role("link", name="Statistics of Data platform engineer").click()
    expect(page.get_by_role("heading", name="Statistics: Data platform engineer")).to_be_visible()
    expect(page.get_by_text("Views a day")).to_be_visible()
    expect(page.get_by_role("heading", name="Day by day, since it was published")).to_be_visible()
    table = page.get_by_role("table", name=re.compile("figures by day"))
    expect(table.get_by_role("row").nth(1).get_by_role("cell")).to_have_text(["1", "0", "0"])
    expect(table.get_by_role("row").nth(2).get_by_role("cell")).to_have_text(["6", "1", "0"])
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    shoot(page, "2-statistics")
