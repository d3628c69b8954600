"""Seekers: profiles, resumes, saved jobs, applications and alerts; who may see what."""

import io
import zipfile

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from jobs.models import Application, CompanyMembership
from profiles.models import AlertDelivery, JobAlert, Profile, SavedJob
from profiles.services import alert_token
from tests.factories import (
    AdminFactory,
    CompanyFactory,
    EmployerFactory,
    ExpiredJobFactory,
    PublishedJobFactory,
    SeekerFactory,
    SkillFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


def docx_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.fixture
def job(company):
    return PublishedJobFactory(company=company, title="Python developer", apply_on_site=True)


@pytest.fixture
def seeker():
    user = SeekerFactory(email="ada@example.com")
    Profile.objects.create(user=user)
    return user


def upload(name, content):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def save_profile(client, **extra):
    python = SkillFactory(name="Python")
    data = {
        "headline": "Back-end developer",
        "visibility": "private",
        "skills": [str(python.pk)],
        f"skills-{python.pk}-level": "4",
        f"skills-{python.pk}-years": "3",
        **extra,
    }
    return client.post(reverse("profiles:profile"), data)


def test_a_profile_with_skills_and_a_resume_is_saved(client, seeker):
    client.force_login(seeker)
    response = save_profile(client, resume_upload=upload("cv.pdf", PDF))
    assert response.status_code == 302
    profile = Profile.objects.get(user=seeker)
    assert profile.skill_levels() and profile.resume.name.endswith(".pdf")
    download = client.get(reverse("profiles:profile_resume"))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("cv.pdf", b"MZ\x90\x00 this is an executable", "none of them"),
        ("cv.pdf", b"", "empty"),
        ("cv.pdf", b"%PDF-" + b"x" * (5 * 1024 * 1024 + 1), "at most 5 MB"),
        ("cv.docx", b"PK\x03\x04not really a zip", "none of them"),
    ],
)
def test_bad_resume_files_are_refused_with_a_reason(client, seeker, name, content, message):
    client.force_login(seeker)
    response = save_profile(client, resume_upload=upload(name, content))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Profile.objects.get(user=seeker).resume


def test_a_real_docx_is_accepted_whatever_its_name(client, seeker):
    client.force_login(seeker)
    save_profile(client, resume_upload=upload("resume.pdf", docx_bytes()))
    assert Profile.objects.get(user=seeker).resume.name.endswith(".docx")


def test_apply_once_with_the_profile_resume_and_the_employer_sees_it(
    client, seeker, job, member, django_capture_on_commit_callbacks
):
    client.force_login(seeker)
    save_profile(client, resume_upload=upload("cv.pdf", PDF))
    response = client.post(reverse("profiles:apply", args=[job.pk]), {"note": "Hello"})
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.note == "Hello" and application.resume.name.endswith(".pdf")
    again = client.post(reverse("profiles:apply", args=[job.pk]), {"note": "Twice"})
    assert "You applied on" in again.content.decode()
    assert Application.objects.count() == 1

    client.force_login(member)
    page = client.get(reverse("profiles:job_applicants", args=[job.pk]))
    assert "Hello" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("profiles:application_status", args=[application.pk]),
            {"status": "interviewing"},
        )
    application.refresh_from_db()
    assert application.status == "interviewing"
    assert mail.outbox[-1].to == ["ada@example.com"]
    assert "interviewing" in mail.outbox[-1].subject.lower()


def test_applying_without_any_resume_is_explained(client, seeker, job):
    client.force_login(seeker)
    response = client.post(reverse("profiles:apply", args=[job.pk]), {"note": "Hi"})
    assert response.status_code == 400
    assert "Add a resume" in response.content.decode()
    assert not Application.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 302),
        ("applicant", 200),
        ("other_seeker", 404),
        ("member", 200),
        ("other_company_member", 404),
        ("admin", 200),
    ],
)
def test_application_resume_permission_matrix(client, seeker, job, member, who, status):
    application = Application.objects.create(job=job, applicant=seeker)
    application.resume.save("cv.pdf", upload("cv.pdf", PDF))
    users = {
        "applicant": lambda: seeker,
        "other_seeker": SeekerFactory,
        "member": lambda: member,
        "other_company_member": lambda: (
            CompanyMembership.objects.create(company=CompanyFactory(), user=EmployerFactory()).user
        ),
        "admin": AdminFactory,
    }
    if who != "anonymous":
        client.force_login(users[who]())
    response = client.get(reverse("profiles:application_resume", args=[application.pk]))
    assert response.status_code == status


@pytest.mark.parametrize(
    ("who", "status"), [("anonymous", 302), ("seeker", 404), ("other_company_member", 404)]
)
def test_only_the_hiring_company_sees_and_moves_applicants(client, seeker, job, who, status):
    application = Application.objects.create(job=job, applicant=seeker)
    if who == "seeker":
        client.force_login(seeker)
    elif who == "other_company_member":
        other = EmployerFactory()
        CompanyMembership.objects.create(company=CompanyFactory(), user=other)
        client.force_login(other)
    assert client.get(reverse("profiles:job_applicants", args=[job.pk])).status_code == status
    client.post(
        reverse("profiles:application_status", args=[application.pk]), {"status": "offered"}
    )
    application.refresh_from_db()
    assert application.status == "submitted"


def test_the_seeker_withdraws_and_nobody_else_can(client, seeker, job):
    application = Application.objects.create(job=job, applicant=seeker)
    client.force_login(SeekerFactory())
    assert client.post(reverse("profiles:withdraw", args=[application.pk])).status_code == 404
    client.force_login(seeker)
    client.post(reverse("profiles:withdraw", args=[application.pk]))
    application.refresh_from_db()
    assert application.status == "withdrawn"


def test_save_and_unsave_a_job(client, seeker, job):
    client.force_login(seeker)
    client.post(reverse("profiles:saved_toggle", args=[job.pk]))
    assert SavedJob.objects.filter(user=seeker, job=job).exists()
    assert job.title in client.get(reverse("profiles:saved")).content.decode()
    client.post(reverse("profiles:saved_toggle", args=[job.pk]))
    assert not SavedJob.objects.exists()


def test_search_and_job_pages_show_the_match_for_a_seeker(client, seeker):
    python = SkillFactory(name="Python")
    job = PublishedJobFactory(title="Python developer", seniority="mid", skills=[python])
    client.force_login(seeker)
    save_profile(client)
    assert "Match 100%" in client.get(reverse("jobs:job_list"), {"q": "python"}).content.decode()
    assert "Match 100%" in client.get(job.get_absolute_url()).content.decode()


def test_list_pages_with_match_scores_keep_a_fixed_query_count(
    client, seeker, django_assert_max_num_queries
):
    client.force_login(seeker)
    save_profile(client)
    python = SkillFactory(name="Python")
    for n in range(25):
        PublishedJobFactory(title=f"Python dev {n}", skills=[python])
    # The public page's eight, then the user, the applications, the profile and its skills, the
    # scores, the missing skills' names and the saved jobs: all worked out for the page at once.
    with django_assert_max_num_queries(14):
        response = client.get(reverse("jobs:job_list"), {"q": "python"})
    assert len(response.context["jobs"]) == 20


def test_alerts_send_new_jobs_once_and_nothing_when_nothing_is_new(
    client, seeker, django_capture_on_commit_callbacks
):
    client.force_login(seeker)
    client.post(reverse("profiles:alerts"), {"query": "q=python", "frequency": "daily"})
    alert = JobAlert.objects.get()
    PublishedJobFactory(title="Python developer", published_at=timezone.now())
    PublishedJobFactory(title="Java developer", published_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_job_alerts", verbosity=0)
        call_command("send_job_alerts", verbosity=0)
    assert len(mail.outbox) == 1
    assert "Python developer" in mail.outbox[0].body and "Java" not in mail.outbox[0].body
    assert mail.outbox[0].extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert AlertDelivery.objects.filter(alert=alert).count() == 1
    alert.refresh_from_db()
    alert.last_sent_at = alert.last_sent_at.replace(year=2000)
    alert.save()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_job_alerts", verbosity=0)
    assert len(mail.outbox) == 1  # due again, but nothing new: no email


def test_unsubscribe_works_logged_out_with_a_signed_token(client, seeker):
    alert = JobAlert.objects.create(user=seeker, query="q=go")
    url = reverse("profiles:alert_unsubscribe", args=[alert_token(alert)])
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 200
    alert.refresh_from_db()
    assert not alert.is_active
    forged = reverse("profiles:alert_unsubscribe", args=[f"{alert.pk}:forged"])
    assert client.post(forged).status_code == 400


def test_an_alert_for_an_invalid_search_is_refused(client, seeker):
    client.force_login(seeker)
    response = client.post(
        reverse("profiles:alerts"), {"query": "workplace=moon", "frequency": "daily"}, follow=True
    )
    assert "invalid filters" in response.content.decode()
    assert not JobAlert.objects.exists()


@pytest.mark.parametrize(
    "query, name",
    [
        ("q=python&workplace=remote", "Python, remote"),
        (
            "q=API&skill=python&skill=django&workplace=remote&workplace=hybrid"
            "&employment_type=full_time&seniority=lead&location=de&salary_min=80000"
            "&currency=EUR&posted=7&sort=newest&page=3",
            "API, Django, Python, hybrid, remote, full-time, lead / principal, in Germany, "
            "minimum yearly salary 80,000 EUR, posted in the last 7 days",
        ),
        ("location=Berlin&currency=GBP&company=acme", "In Berlin, paid in GBP, at Acme"),
        ("sort=salary", "All jobs"),
        ("", "All jobs"),
    ],
)
def test_alerts_are_named_in_words_where_seekers_see_them(client, seeker, company, query, name):
    SkillFactory(name="Python"), SkillFactory(name="Django")
    client.force_login(seeker)
    client.post(reverse("profiles:alerts"), {"query": query, "frequency": "weekly"})
    alert = JobAlert.objects.get()
    assert "page=" not in alert.query and "sort=" not in alert.query
    alerts_page = client.get(reverse("profiles:alerts")).content.decode()
    assert f">{escape(name)}</a>" in alerts_page
    assert "page=" not in alerts_page
    unsubscribe = client.get(reverse("profiles:alert_unsubscribe", args=[alert_token(alert)]))
    assert f"weekly emails for “{escape(name)}”" in unsubscribe.content.decode()


@pytest.mark.parametrize("count", [1, 6])
def test_alerts_page_lists_any_number_of_named_alerts_in_fixed_queries(
    client, seeker, company, count, django_assert_max_num_queries
):
    SkillFactory(name="Python")
    client.force_login(seeker)
    for n in range(count):
        query = f"q=api{n}&skill=python&company={company.slug}&location=Berlin"
        client.post(reverse("profiles:alerts"), {"query": query, "frequency": "daily"})
    assert JobAlert.objects.filter(user=seeker).count() == count
    with django_assert_max_num_queries(6):
        page = client.get(reverse("profiles:alerts")).content.decode()
    assert page.count(f"Python, in Berlin, at {company.name}") == count


@pytest.mark.parametrize("count", [1, 6])
def test_applicants_page_scores_every_applicant_in_fixed_queries(
    client, member, company, count, django_assert_max_num_queries
):
    python, sql = SkillFactory(name="Python"), SkillFactory(name="SQL")
    job = PublishedJobFactory(company=company, seniority="mid", skills=[python, sql])
    for n in range(count):
        seeker = SeekerFactory()
        profile = Profile.objects.create(user=seeker, visibility="employers")
        profile.skills.create(skill=python, level=3)
        if n == 0:
            profile.skills.create(skill=sql, level=3)
        Application.objects.create(job=job, applicant=seeker)
    Profile.objects.create(user=SeekerFactory(), visibility="employers").user.applications.create(
        job=job
    )
    Application.objects.create(job=job, applicant=SeekerFactory())  # no profile yet
    client.force_login(member)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("profiles:job_applicants", args=[job.pk])).content.decode()
    matches = page.count("Match 100%"), page.count("Match 50%"), page.count("Match 0%")
    assert matches == (1, count - 1, 1)


# Profile visibility --------------------------------------------------------------------------


@pytest.mark.parametrize("visibility", ["private", "employers"])
@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 302),
        ("applicant", 404),
        ("other_seeker", 404),
        ("member", 200),
        ("other_company_member", 404),
        ("admin", 404),
    ],
)
def test_employers_see_a_profile_only_when_its_owner_shows_it(
    client, seeker, job, member, who, status, visibility
):
    python = SkillFactory(name="Python")
    job.job_skills.create(skill=python)
    profile = seeker.profile
    profile.headline, profile.visibility = "Secret headline", visibility
    profile.save()
    profile.skills.create(skill=python, level=5)
    Application.objects.create(job=job, applicant=seeker, note="Hello from Ada")
    users = {
        "applicant": lambda: seeker,
        "other_seeker": SeekerFactory,
        "member": lambda: member,
        "other_company_member": lambda: (
            CompanyMembership.objects.create(company=CompanyFactory(), user=EmployerFactory()).user
        ),
        "admin": AdminFactory,
    }
    if who != "anonymous":
        client.force_login(users[who]())
    response = client.get(reverse("profiles:job_applicants", args=[job.pk]))
    assert response.status_code == status
    page = response.content.decode()
    shown = status == 200 and visibility == "employers"
    assert ("Secret headline" in page) is shown
    assert ("Match 100%" in page) is shown
    if status == 200:
        assert "Hello from Ada" in page and "ada@example.com" in page


@pytest.mark.parametrize("visibility", ["private", "employers"])
def test_the_apply_page_says_what_the_employer_will_see(client, seeker, job, visibility):
    Profile.objects.filter(user=seeker).update(visibility=visibility)
    client.force_login(seeker)
    page = client.get(reverse("profiles:apply", args=[job.pk])).content.decode()
    assert ("your profile is private" in page) is (visibility == "private")
    assert ("also sees your profile's headline" in page) is (visibility == "employers")


def test_a_saved_and_applied_to_job_that_closed_is_listed_without_a_dead_link_and_can_be_unsaved(
    client, seeker, job, member
):
    client.force_login(seeker)
    client.post(reverse("profiles:saved_toggle", args=[job.pk]))
    client.post(reverse("profiles:apply", args=[job.pk]), {"resume": upload("cv.pdf", PDF)})
    client.force_login(member)
    client.post(reverse("jobs:job_action", args=[job.pk, "close"]))
    client.force_login(seeker)
    assert client.get(job.get_absolute_url()).status_code == 410

    today = timezone.localdate()
    for page, says in (
        ("profiles:saved", "No longer open"),
        ("profiles:applications", f"Closed on {today.day} {today:%b %Y}"),
    ):
        html = client.get(reverse(page)).content.decode()
        assert "Python developer" in html and says in html
        assert f'href="{job.get_absolute_url()}"' not in html
    response = client.post(reverse("profiles:saved_toggle", args=[job.pk]))

    assert response.status_code == 302
    assert not SavedJob.objects.filter(user=seeker, job=job).exists()
    assert Application.objects.filter(applicant=seeker, job=job).exists()


def test_a_job_page_and_its_card_say_when_the_seeker_applied(client, seeker, job):
    client.force_login(seeker)
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Apply with your CareerBoard profile" in page and "You applied on" not in page
    client.post(reverse("profiles:apply", args=[job.pk]), {"resume": upload("cv.pdf", PDF)})
    today = timezone.localdate()
    page = client.get(job.get_absolute_url()).content.decode()
    assert f">{today.day} {today:%B %Y}</time> with your CareerBoard profile" in page
    assert "You applied on" in page
    assert "Apply with your CareerBoard profile" not in page
    assert f'href="{reverse("profiles:applications")}">See its status' in page
    results = client.get(reverse("jobs:job_list"), {"q": "python"}).content.decode()
    assert f">{today.day} {today:%B %Y}</time></span>" in results
    assert "Applied on" in results
    # Someone else who did not apply is still offered the button.
    client.force_login(SeekerFactory())
    page = client.get(job.get_absolute_url()).content.decode()
    assert "You applied on" not in page and "Apply with your CareerBoard profile" in page


@pytest.mark.parametrize(
    ("flags", "offered"),
    [
        ({"is_seeking": True}, True),
        ({"is_seeking": True, "is_hiring": True}, True),
        ({}, True),
        ({"is_hiring": True}, False),
        ({"is_staff": True}, False),
    ],
)
def test_seeker_tools_are_offered_only_to_accounts_that_may_look_for_work(
    client, job, flags, offered
):
    client.force_login(UserFactory(**flags))
    for url in (job.get_absolute_url(), reverse("jobs:job_list")):
        page = client.get(url).content.decode()
        assert ("Add your skills" in page) is offered, url
        assert ("Save job" in page) is offered, url
        assert (f'href="{reverse("profiles:recommended")}"' in page) is offered, url
        assert (f'href="{reverse("profiles:profile")}"' in page) is offered, url


def test_an_account_that_only_hires_still_sees_that_it_applied(client, job):
    hirer = EmployerFactory()
    Application.objects.create(job=job, applicant=hirer)
    client.force_login(hirer)
    page = client.get(job.get_absolute_url()).content.decode()
    assert "You applied on" in page and "Save job" not in page


def test_your_applications_say_when_a_job_expired_or_was_closed(client, seeker, company):
    expired = ExpiredJobFactory(company=company, title="Expired role")
    closed = PublishedJobFactory(company=company, title="Closed role")
    for job in (expired, closed):
        Application.objects.create(job=job, applicant=seeker)
    member = EmployerFactory()
    CompanyMembership.objects.create(company=company, user=member)
    client.force_login(member)
    client.post(reverse("jobs:job_action", args=[closed.pk, "close"]))
    call_command("expire_jobs", verbosity=0)
    client.force_login(seeker)
    page = client.get(reverse("profiles:applications")).content.decode()
    gone = timezone.localtime(expired.expires_at)
    today = timezone.localdate()
    assert f'Expired role <span class="badge">Expired on {gone.day} {gone:%b %Y}</span>' in page
    assert f'Closed role <span class="badge">Closed on {today.day} {today:%b %Y}</span>' in page


def test_withdrawing_someone_elses_application_or_a_missing_one_is_not_found(client, seeker, job):
    other = Application.objects.create(job=job, applicant=SeekerFactory())
    client.force_login(seeker)
    for method in (client.get, client.post):
        assert method(reverse("profiles:withdraw", args=[other.pk])).status_code == 404
        assert method(reverse("profiles:withdraw", args=[999999])).status_code == 404
    other.refresh_from_db()
    assert other.status == Application.Status.SUBMITTED
