"""Moderators see what a change alters before they decide: an edit of a live job, or a job
changed since its approval, field by field; a first submission in full."""

import re
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse

from jobs import services
from jobs.models import ApprovedPosting, Job, JobEdit
from jobs.review import text_diff, word_diff
from tests.factories import AdminFactory, PendingJobFactory, PublishedJobFactory, SkillFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator():
    return AdminFactory(username="mod")


@pytest.fixture
def django_skill():
    return SkillFactory(name="Django")


@pytest.fixture
def postgres():
    return SkillFactory(name="PostgreSQL")


def form(skills, **overrides):
    """The posting form as the employer sends it, by default saying what `live_job` holds."""
    data = {
        "title": "Python back-end developer",
        "description": "Build APIs.\nRun them in production.",
        "workplace": "onsite",
        "employment_type": "full_time",
        "seniority": "mid",
        "salary_min": "115000",
        "salary_max": "130000",
        "salary_currency": "USD",
        "salary_period": "year",
        "apply_url": "https://acme.example/jobs/1",
        "places": "Berlin, Germany",
        "required_skills": [str(skill.pk) for skill in skills],
        "action": "save",
    }
    data.update(overrides)
    return data


def live_job(company, skills, **fields):
    """A live job of an unverified company, as a moderator approved it."""
    return PublishedJobFactory(
        company=company,
        title="Python back-end developer",
        description="Build APIs.\nRun them in production.",
        salary_min=115000,
        salary_max=130000,
        salary_currency="USD",
        salary_period="year",
        apply_url="https://acme.example/jobs/1",
        places=["Berlin, Germany"],
        skills=skills,
        **fields,
    )


def employer_saves(member, job, data):
    employer = Client()
    employer.force_login(member)
    response = employer.post(reverse("jobs:job_edit", args=[job.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]


def queue(client, moderator) -> str:
    client.force_login(moderator)
    response = client.get(reverse("jobs:moderation_queue"))
    assert response.status_code == 200
    return response.content.decode()


def rows(page: str) -> dict[str, str]:
    """The diff tables' rows as plain text, by field label."""
    found = {}
    for label, cells in re.findall(
        r'<tr>\s*<th scope="row">([^<]+)</th>(.*?)</tr>', page, flags=re.DOTALL
    ):
        text = re.sub(r'<span class="visually-hidden">[^<]*</span>', "", cells)
        text = re.sub(r"</?(ins|del)>", "", text)
        found[unescape(label)] = " ".join(unescape(re.sub(r"<[^>]+>", " ", text)).split())
    return found


def test_an_edit_of_a_live_job_shows_salary_skills_and_location_changes(
    client, company, member, moderator, python, django_skill, postgres
):
    job = live_job(company, [python, django_skill])
    employer_saves(
        member,
        job,
        form([python, postgres], salary_min="120000", places="Munich, Germany"),
    )
    assert JobEdit.objects.filter(job=job).exists()
    page = queue(client, moderator)
    assert "What the edit changes on the live job" in page
    changed = rows(page)
    assert changed["Lowest salary"] == "USD 115,000 per year USD 120,000 per year"
    assert changed["Required skills"] == (
        "Django, Python PostgreSQL, Python Added: PostgreSQL. Removed: Django."
    )
    assert changed["Locations"] == "Berlin, Germany Munich, Germany Added: Munich, Germany. " + (
        "Removed: Berlin, Germany."
    )
    assert "Title" not in changed and "Highest salary" not in changed
    assert "Unchanged: Title, Description, Employment type, Seniority, Workplace" in page


def test_every_field_of_a_posting_form_shows_in_the_diff_when_it_changes(
    client, company, member, moderator, python, django_skill
):
    job = live_job(company, [python])
    employer_saves(
        member,
        job,
        form(
            [python],
            title="Python lead",
            description="Build APIs.\nRun them well.",
            employment_type="contract",
            seniority="senior",
            workplace="remote",
            places="",
            applicant_countries_text="Germany, France",
            nice_skills=[str(django_skill.pk)],
            salary_max="140000",
            salary_currency="EUR",
            salary_period="month",
            apply_url="",
            apply_email="jobs@acme.example",
            apply_on_site="on",
        ),
    )
    changed = rows(queue(client, moderator))
    assert changed["Title"] == "Python back-end developer Python lead"
    assert changed["Employment type"] == "Full-time Contract"
    assert changed["Seniority"] == "Mid-level Senior"
    assert changed["Workplace"] == "On-site Remote"
    assert changed["Locations"].startswith("Berlin, Germany —")
    assert changed["Countries applicants may live in"] == (
        "— Germany, France Added: Germany, France."
    )
    assert changed["Nice-to-have skills"] == "— Django Added: Django."
    assert changed["Highest salary"] == "USD 130,000 per year EUR 140,000 per month"
    assert changed["Salary currency"] == "USD EUR"
    assert changed["Salary period"] == "per year per month"
    assert changed["Apply at (URL)"] == "https://acme.example/jobs/1 —"
    assert changed["Apply by email"] == "— jobs@acme.example"
    assert changed["Applications on CareerBoard"] == "No Yes"
    assert changed["Description"] == "Build APIs. Run them in production.well."


def test_a_description_diff_marks_the_words_changed_and_escapes_markup(
    client, company, member, moderator, python
):
    job = live_job(company, [python])
    script = '<script>alert("x")</script> <img src=x onerror=alert(1)>'
    employer_saves(
        member,
        job,
        form([python], description=f"Build APIs.\nRun them in {script} production."),
    )
    page = queue(client, moderator)
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert '<span class="visually-hidden">[added: </span>' in page


def test_a_job_changed_since_its_approval_shows_what_changed_since_the_approved_revision(
    client, company, member, moderator, python
):
    job = live_job(company, [python], status=Job.Status.EXPIRED)
    employer_saves(member, job, form([python], salary_min="120000", title="Python lead"))
    employer_saves(member, job, form([python], salary_min="125000", title="Python lead"))
    approved = ApprovedPosting.objects.get(job=job)
    assert approved.revision == 1 and approved.content["fields"]["salary_min"] == 115000
    services.job_renew(job=job, by=member)
    job.refresh_from_db()
    assert (job.status, job.revision, job.approved_revision) == (Job.Status.PENDING, 3, 1)
    page = queue(client, moderator)
    assert "What changed since revision 1, which a moderator approved" in page
    changed = rows(page)
    assert changed["Lowest salary"] == "USD 115,000 per year USD 125,000 per year"
    assert changed["Title"] == "Python back-end developer Python lead"
    client.post(
        reverse("jobs:moderation_decide"),
        {"decision": "approve", "job": [job.pk], f"job-revision-{job.pk}": 3},
    )
    job.refresh_from_db()
    assert job.status == Job.Status.PUBLISHED
    assert not ApprovedPosting.objects.filter(job=job).exists()


def test_a_first_submission_shows_every_field(client, company, moderator, python):
    PendingJobFactory(
        company=company,
        title="Data engineer",
        salary_min=90000,
        salary_currency="GBP",
        salary_period="year",
        places=["Leeds, United Kingdom"],
        skills=[python],
    )
    page = queue(client, moderator)
    assert "Every field (first submission)" in page
    shown = rows(page)
    assert shown["Title"] == "Data engineer"
    assert shown["Lowest salary"] == "GBP 90,000 per year"
    assert shown["Highest salary"] == "—"
    assert shown["Locations"] == "Leeds, United Kingdom"
    assert shown["Required skills"] == "Python"
    assert shown["Applications on CareerBoard"] == "No"
    assert len(shown) == 17


def test_a_change_whose_approved_version_is_not_on_record_shows_every_field_and_says_so(
    client, company, moderator
):
    PendingJobFactory(company=company, revision=2, approved_revision=1)
    page = queue(client, moderator)
    assert "Every field: changed since revision 1 was approved, a version not on record" in page


def test_the_queue_keeps_its_query_count_with_many_edits_and_changed_jobs(
    client, company, member, moderator, python, django_skill, django_assert_max_num_queries
):
    for n in range(6):
        job = live_job(company, [python])
        employer_saves(member, job, form([python, django_skill], salary_min=str(116000 + n)))
        PendingJobFactory(company=company, skills=[python], skills__nice=[django_skill])
    client.force_login(moderator)
    with django_assert_max_num_queries(13):
        page = client.get(reverse("jobs:moderation_queue")).content.decode()
    assert page.count("What the edit changes on the live job") == 6


def test_a_text_diff_folds_long_runs_of_unchanged_lines():
    before = "\n".join(f"line {n}" for n in range(10))
    after = before.replace("line 5", "line five")
    lines = text_diff(before, after)
    assert [line.kind for line in lines] == ["folded", "same", "changed", "same", "folded"]
    assert lines[0].parts == [("", "… 4 unchanged lines")]
    assert lines[2].parts == [("", "line "), ("del", "5"), ("ins", "five")]


def test_a_word_diff_keeps_the_spaces_of_the_line():
    assert word_diff("Build  fast APIs", "Build  reliable APIs") == [
        ("", "Build  "),
        ("del", "fast"),
        ("ins", "reliable"),
        ("", " APIs"),
    ]


def test_an_edit_stored_without_some_parts_shows_them_unchanged(
    client, company, member, moderator, python
):
    job = live_job(company, [python])
    JobEdit.objects.create(
        job=job, changes={"fields": {"title": "Support engineer"}}, submitted_by=member
    )
    changed = rows(queue(client, moderator))
    assert list(changed) == ["Title"]


def test_a_description_differing_only_in_line_breaks_and_line_ends_is_unchanged(
    client, company, member, moderator, python
):
    job = live_job(company, [python])
    JobEdit.objects.create(
        job=job,
        changes={
            "fields": {
                "title": "Support engineer",
                "description": "Build APIs.  \r\nRun them in production.\r\n",
            }
        },
        submitted_by=member,
    )
    page = queue(client, moderator)
    assert list(rows(page)) == ["Title"]
    assert "Unchanged: Description," in page


def test_an_approved_revision_waiting_again_shows_that_nothing_changed(client, company, moderator):
    PendingJobFactory(company=company, revision=2, approved_revision=2)
    page = queue(client, moderator)
    assert "Nothing a posting says has changed." in page
    assert "not on record" not in page
