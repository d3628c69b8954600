"""Employers: companies, posting, editing, closing; moderation and expiry; who may do what."""

from datetime import timedelta

import pytest
import redis
from django.core import mail
from django.core.management import call_command
from django.db import OperationalError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jobs import counters
from jobs.models import CompanyMembership, Job, JobEdit, JobReport
from tests.factories import (
    AdminFactory,
    CompanyFactory,
    EmployerFactory,
    JobFactory,
    PendingJobFactory,
    PublishedJobFactory,
    SeekerFactory,
)

pytestmark = pytest.mark.django_db
BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"


def posting(python, **overrides):
    data = {
        "title": "Python back-end developer",
        "description": "## About\n\nBuild **APIs**.",
        "workplace": "hybrid",
        "employment_type": "full_time",
        "seniority": "mid",
        "salary_min": "50000",
        "salary_max": "70000",
        "salary_currency": "eur",
        "salary_period": "year",
        "apply_url": "https://acme.example/jobs/1",
        "places": "Berlin, Germany",
        "required_skills": [str(python.pk)],
        "action": "submit",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def seen_revisions(jobs):
    """What the review queue posts beside each ticked job: the revision it showed."""
    return {f"job-revision-{job.pk}": job.revision for job in jobs}


# Permission matrix -------------------------------------------------------------------------


def employer_urls(company, job):
    return [
        ("get", reverse("jobs:company_dashboard", args=[company.slug])),
        ("get", reverse("jobs:company_edit", args=[company.slug])),
        ("get", reverse("jobs:job_create", args=[company.slug])),
        ("get", reverse("jobs:job_edit", args=[job.pk])),
        ("post", reverse("jobs:job_action", args=[job.pk, "renew"])),
        ("post", reverse("jobs:job_action", args=[job.pk, "close"])),
        ("post", reverse("jobs:job_action", args=[job.pk, "duplicate"])),
        ("post", reverse("jobs:company_invite", args=[company.slug])),
    ]


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("anonymous", False),
        ("seeker", False),
        ("member", True),
        ("other_company_member", False),
        ("admin", False),
    ],
)
def test_only_members_reach_their_company_pages(client, company, member, who, allowed):
    job = PublishedJobFactory(company=company)
    users = {
        "seeker": SeekerFactory,
        "member": lambda: member,
        "admin": AdminFactory,
    }
    if who == "other_company_member":
        other = EmployerFactory()
        CompanyMembership.objects.create(company=CompanyFactory(), user=other)
        client.force_login(other)
    elif who != "anonymous":
        client.force_login(users[who]())
    for method, url in employer_urls(company, job):
        response = getattr(client, method)(url)
        if who == "anonymous":
            assert response.status_code == 302 and "/accounts/login/" in response.url, url
        elif allowed:
            assert response.status_code in (200, 302), url
        else:
            assert response.status_code == 404, url
    job.refresh_from_db()
    assert (job.status == Job.Status.CLOSED) == allowed


@pytest.mark.parametrize(
    ("who", "status"), [("anonymous", 302), ("seeker", 302), ("member", 302), ("admin", 200)]
)
def test_only_staff_see_the_review_queue_decide_and_read_the_history(
    client, company, member, who, status
):
    job = PendingJobFactory(company=company)
    if who == "seeker":
        client.force_login(SeekerFactory())
    elif who == "member":
        client.force_login(member)
    elif who == "admin":
        client.force_login(AdminFactory())
    assert client.get(reverse("jobs:moderation_queue")).status_code == status
    history = client.get(reverse("admin:jobs_moderationevent_changelist"))
    assert history.status_code == status
    decision = {"job": [job.pk], "decision": "approve", **seen_revisions([job])}
    assert client.post(reverse("jobs:moderation_decide"), decision).status_code == 302
    job.refresh_from_db()
    assert (job.status == Job.Status.PUBLISHED) == (who == "admin")


def test_a_state_change_is_never_made_by_get(client, company, member):
    job = PublishedJobFactory(company=company)
    client.force_login(member)
    response = client.get(reverse("jobs:job_action", args=[job.pk, "close"]))
    assert response.status_code == 200  # the page that asks to confirm
    for action in ("submit", "duplicate"):
        assert client.get(reverse("jobs:job_action", args=[job.pk, action])).status_code == 405
    job.refresh_from_db()
    assert job.status == Job.Status.PUBLISHED
    assert Job.objects.count() == 1


# Posting ------------------------------------------------------------------------------------


def test_company_creation_makes_the_creator_a_member(client):
    user = SeekerFactory()
    client.force_login(user)
    response = client.post(
        reverse("jobs:company_create"), {"name": "Blue Owl", "website": "https://owl.example"}
    )
    assert response.status_code == 302
    assert user.companies.get().name == "Blue Owl"
    user.refresh_from_db()
    assert user.is_hiring


def test_unverified_company_posting_goes_to_review(client, company, member, python):
    client.force_login(member)
    response = client.post(reverse("jobs:job_create", args=[company.slug]), posting(python))
    assert response.status_code == 302
    job = Job.objects.get()
    assert job.status == Job.Status.PENDING
    assert job.salary_currency == "EUR"
    assert job.created_by == member
    assert job not in Job.objects.published()
    assert [str(location) for location in job.locations.all()] == ["Berlin, Germany"]


def test_verified_company_posting_publishes_at_once(client, company, member, python):
    company.is_verified = True
    company.save()
    client.force_login(member)
    client.post(reverse("jobs:job_create", args=[company.slug]), posting(python))
    assert Job.objects.published().get().title == "Python back-end developer"


def test_a_draft_is_kept_for_later(client, company, member, python):
    client.force_login(member)
    client.post(reverse("jobs:job_create", args=[company.slug]), posting(python, action="draft"))
    assert Job.objects.get().status == Job.Status.DRAFT


def test_preview_renders_the_markdown_and_saves_nothing(client, company, member, python):
    client.force_login(member)
    response = client.post(
        reverse("jobs:job_create", args=[company.slug]), posting(python, action="preview")
    )
    assert response.status_code == 200
    assert "<strong>APIs</strong>" in response.content.decode()
    assert not Job.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"salary_min": "90000"}, "salary_max", "below the minimum"),
        ({"salary_min": "-1"}, "salary_min", "greater than or equal to 0"),
        ({"apply_url": ""}, "apply_url", "where people can apply"),
        ({"apply_url": "javascript:alert(1)"}, "apply_url", "valid URL"),
        ({"workplace": "remote", "places": ""}, "applicant_countries_text", "where applicants"),
        ({"places": ""}, "places", "need one"),
        ({"places": "Gotham"}, "places", "could not read"),
        (
            {"applicant_countries_text": "Mordor", "workplace": "remote"},
            "applicant_countries_text",
            "not countries",
        ),
        ({"expires_on": "2999-01-01"}, "expires_on", "at most 90 days"),
        ({"expires_on": "2000-01-01"}, "expires_on", "in the future"),
        ({"expires_on": "soon"}, "expires_on", "valid date"),
        ({"required_skills": []}, "required_skills", "at least one skill"),
        ({"required_skills": ["999999"]}, "required_skills", "do not know the skill"),
        ({"title": "x" * 500}, "title", "at most 150"),
        ({"salary_currency": "€€€"}, "salary_currency", "three-letter"),
        ({"workplace": "moon"}, "workplace", "valid choice"),
    ],
)
def test_posting_validation_explains_each_mistake(
    client, company, member, python, overrides, field, message
):
    client.force_login(member)
    response = client.post(
        reverse("jobs:job_create", args=[company.slug]), posting(python, **overrides)
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert message in " ".join(errors.get(field, [])), errors
    assert not Job.objects.exists()


def test_remote_job_open_to_listed_countries(client, company, member, python):
    client.force_login(member)
    client.post(
        reverse("jobs:job_create", args=[company.slug]),
        posting(python, workplace="remote", places="", applicant_countries_text="Germany, FR"),
    )
    job = Job.objects.get()
    assert job.applicant_countries == ["DE", "FR"]
    assert not job.remote_anywhere


def test_honeypot_filled_in_saves_nothing(client, company, member, python):
    client.force_login(member)
    response = client.post(
        reverse("jobs:job_create", args=[company.slug]),
        posting(python, website="http://spam.example"),
    )
    assert "looks automated" in response.content.decode()
    assert not Job.objects.exists()


def test_daily_submission_limit_is_enforced(client, company, member, python, settings):
    settings.JOB_SUBMISSIONS_PER_DAY = 2
    client.force_login(member)
    url = reverse("jobs:job_create", args=[company.slug])
    for _ in range(2):
        assert client.post(url, posting(python)).status_code == 302
    response = client.post(url, posting(python))
    assert response.status_code == 200
    assert "the most we allow" in response.content.decode()
    assert Job.objects.count() == 2


# Editing ------------------------------------------------------------------------------------


def test_substantive_edit_of_a_live_job_waits_for_review_while_it_stays_up(
    client, company, member, python, django_capture_on_commit_callbacks
):
    job = PublishedJobFactory(company=company, title="Original title", places=["Berlin, DE"])
    client.force_login(member)
    response = client.post(
        reverse("jobs:job_edit", args=[job.pk]), posting(python, title="Better title")
    )
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.title == "Original title"
    assert job in Job.objects.published()
    edit = JobEdit.objects.get(job=job)
    assert edit.changes["fields"]["title"] == "Better title"

    admin = AdminFactory()
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("jobs:moderation_decide"),
            {"edit": [edit.pk], f"edit-revision-{edit.pk}": 1, "decision": "approve"},
        )
    job.refresh_from_db()
    assert job.title == "Better title"
    assert not JobEdit.objects.exists()
    assert mail.outbox[-1].to == ["boss@acme.example"]


def test_new_closing_date_on_a_live_job_applies_at_once(client, company, member, python):
    job = PublishedJobFactory(company=company, title="Python back-end developer")
    client.force_login(member)
    current = posting(
        python,
        salary_min=None,
        salary_max=None,
        salary_currency="",
        salary_period="",
        places="Berlin, Germany",
    )
    new_date = (timezone.localdate() + timedelta(days=60)).isoformat()
    client.post(reverse("jobs:job_edit", args=[job.pk]), {**current, "expires_on": new_date})
    job.refresh_from_db()
    assert job.expires_at.date().isoformat() == new_date


def test_close_renew_duplicate_and_delete(client, company, member):
    live = PublishedJobFactory(company=company, expires_at=timezone.now() + timedelta(days=2))
    draft = JobFactory(company=company)
    client.force_login(member)
    client.post(reverse("jobs:job_action", args=[live.pk, "renew"]))
    live.refresh_from_db()
    assert live.expires_at > timezone.now() + timedelta(days=29)
    client.post(reverse("jobs:job_action", args=[live.pk, "duplicate"]))
    copy = Job.objects.get(title__endswith="(copy)")
    assert copy.status == Job.Status.DRAFT
    client.post(reverse("jobs:job_action", args=[live.pk, "close"]))
    live.refresh_from_db()
    assert live.status == Job.Status.CLOSED
    assert live not in Job.objects.published()
    client.post(reverse("jobs:job_action", args=[draft.pk, "delete"]))
    assert not Job.objects.filter(pk=draft.pk).exists()


def test_close_renew_and_delete_ask_first_on_a_page_that_works_without_javascript(
    client, company, member
):
    live = PublishedJobFactory(
        company=company, title="Data engineer", expires_at=timezone.now() + timedelta(days=3)
    )
    draft = JobFactory(company=company, title="Draft role")
    client.force_login(member)
    dashboard = reverse("jobs:company_dashboard", args=[company.slug])
    page = client.get(dashboard).content.decode()
    for action, job in (("close", live), ("renew", live), ("delete", draft)):
        url = reverse("jobs:job_action", args=[job.pk, action])
        assert f'href="{url}"' in page
        response = client.get(url)
        assert response.status_code == 200
        text = response.content.decode()
        assert f"“{job.title}”?" in text
        assert f'href="{dashboard}">Cancel' in text
    renewal = client.get(reverse("jobs:job_action", args=[live.pk, "renew"])).content.decode()
    until = timezone.localdate() + timedelta(days=30)
    assert f"renewed, it stays up until {until.day} {until:%B %Y}" in renewal
    closing = client.get(reverse("jobs:job_action", args=[live.pk, "close"])).content.decode()
    assert "takes no more applications" in closing
    # Asking changed nothing.
    live.refresh_from_db()
    assert live.status == Job.Status.PUBLISHED
    assert live.expires_at < timezone.now() + timedelta(days=4)
    assert Job.objects.filter(pk=draft.pk).exists()


def test_renew_is_offered_only_in_a_jobs_last_days_and_explains_itself_if_asked_early(
    client, company, member
):
    early = PublishedJobFactory(company=company, title="Early role")
    client.force_login(member)
    dashboard = client.get(reverse("jobs:company_dashboard", args=[company.slug]))
    renew_url = reverse("jobs:job_action", args=[early.pk, "renew"])
    assert renew_url not in dashboard.content.decode()
    closes = timezone.localtime(early.expires_at)
    for method in (client.get, client.post):
        response = method(renew_url, follow=True)
        assert response.status_code == 200
        text = response.content.decode()
        assert f"“Early role” stays up until {closes.day} {closes:%B %Y}" in text
        assert "You can renew it in its last 7 days" in text
    early.refresh_from_db()
    assert early.expires_at == closes


def test_asking_to_close_a_draft_or_delete_a_live_job_explains_why_not(client, company, member):
    live = PublishedJobFactory(company=company)
    draft = JobFactory(company=company)
    client.force_login(member)
    response = client.get(reverse("jobs:job_action", args=[draft.pk, "close"]), follow=True)
    assert "Only a published job can be closed" in response.content.decode()
    response = client.get(reverse("jobs:job_action", args=[live.pk, "delete"]), follow=True)
    assert "Only drafts can be deleted" in response.content.decode()


def test_a_copy_is_sent_to_review_only_once_it_has_a_title_of_its_own(client, company, member):
    live = PublishedJobFactory(company=company, title="Platform engineer")
    client.force_login(member)
    client.post(reverse("jobs:job_action", args=[live.pk, "duplicate"]))
    copy = Job.objects.get(title="Platform engineer (copy)")

    response = client.post(reverse("jobs:job_action", args=[copy.pk, "submit"]), follow=True)
    assert "still has the title of a copy" in response.content.decode()
    copy.refresh_from_db()
    assert copy.status == Job.Status.DRAFT

    copy.title = "Senior platform engineer"
    copy.save()
    client.post(reverse("jobs:job_action", args=[copy.pk, "submit"]))
    copy.refresh_from_db()
    assert copy.status == Job.Status.PENDING


def test_a_copy_submitted_from_its_form_with_the_copy_title_is_refused_on_the_title(
    client, company, member, python
):
    live = PublishedJobFactory(company=company, title="Platform engineer")
    client.force_login(member)
    client.post(reverse("jobs:job_action", args=[live.pk, "duplicate"]))
    copy = Job.objects.get(title="Platform engineer (copy)")
    data = posting(python, title="Platform engineer (copy)", action="submit")
    response = client.post(reverse("jobs:job_edit", args=[copy.pk]), data)
    assert response.status_code == 200
    assert response.context["form"].errors["title"] == [
        "“Platform engineer (copy)” still has the title of a copy: give it the role's own "
        "title first."
    ]
    copy.refresh_from_db()
    assert copy.status == Job.Status.DRAFT
    # A new posting typed with the suffix is refused the same way; as a draft it may wait.
    create = reverse("jobs:job_create", args=[company.slug])
    response = client.post(create, posting(python, title="Support lead (copy)"))
    assert "still has the title of a copy" in response.content.decode()
    assert not Job.objects.filter(title="Support lead (copy)").exists()
    client.post(create, posting(python, title="Support lead (copy)", action="draft"))
    assert Job.objects.get(title="Support lead (copy)").status == Job.Status.DRAFT


def test_an_illegal_action_is_refused_with_a_message(client, company, member):
    live = PublishedJobFactory(company=company)
    client.force_login(member)
    response = client.post(reverse("jobs:job_action", args=[live.pk, "delete"]), follow=True)
    assert "Only drafts can be deleted" in response.content.decode()
    assert Job.objects.filter(pk=live.pk).exists()
    response = client.post(reverse("jobs:job_action", args=[live.pk, "explode"]))
    assert response.status_code == 404


def test_dashboard_query_count_is_fixed(client, company, member, django_assert_max_num_queries):
    for _ in range(30):
        PublishedJobFactory(company=company)
    client.force_login(member)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("jobs:company_dashboard", args=[company.slug]))
    assert len(response.context["jobs"]) == 30


def test_dashboard_filters_by_status_and_title(client, company, member):
    PublishedJobFactory(company=company, title="Live Python role")
    JobFactory(company=company, title="Draft Go role")
    client.force_login(member)
    url = reverse("jobs:company_dashboard", args=[company.slug])
    assert [j.title for j in client.get(url, {"status": "draft"}).context["jobs"]] == [
        "Draft Go role"
    ]
    assert [j.title for j in client.get(url, {"q": "python"}).context["jobs"]] == [
        "Live Python role"
    ]
    assert client.get(url, {"status": "bogus"}).status_code == 200


# Moderation ---------------------------------------------------------------------------------


def test_bulk_approval_publishes_and_emails_each_employer(
    client, company, member, django_capture_on_commit_callbacks
):
    jobs = [PendingJobFactory(company=company) for _ in range(2)]
    client.force_login(AdminFactory())
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("jobs:moderation_decide"),
            {"job": [j.pk for j in jobs], "decision": "approve", **seen_revisions(jobs)},
        )
    assert Job.objects.published().count() == 2
    assert len(mail.outbox) == 2
    assert "is live" in mail.outbox[0].subject


def test_rejection_needs_a_reason_which_the_employer_receives(
    client, company, member, django_capture_on_commit_callbacks
):
    job = PendingJobFactory(company=company)
    client.force_login(AdminFactory())
    response = client.post(
        reverse("jobs:moderation_decide"),
        {"job": [job.pk], "decision": "reject", **seen_revisions([job])},
        follow=True,
    )
    assert "Say why" in response.content.decode()
    job.refresh_from_db()
    assert job.status == Job.Status.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("jobs:moderation_decide"),
            {
                "job": [job.pk],
                "decision": "reject",
                "reason": "Salary is missing.",
                **seen_revisions([job]),
            },
        )
    job.refresh_from_db()
    assert job.status == Job.Status.REJECTED
    assert "Salary is missing." in mail.outbox[-1].body


def test_queue_lists_oldest_first(client, company):
    now = timezone.now()
    newer = PendingJobFactory(company=company, submitted_at=now)
    older = PendingJobFactory(company=company, submitted_at=now - timedelta(days=2))
    client.force_login(AdminFactory())
    response = client.get(reverse("jobs:moderation_queue"))
    assert list(response.context["pending"]) == [older, newer]


def test_anyone_can_report_a_listing_and_garbage_is_refused(client):
    job = PublishedJobFactory()
    url = reverse("jobs:job_report", args=[job.pk])
    response = client.post(url, {"reason": "fraud", "details": "Asks for a fee."})
    assert response.status_code == 302
    assert JobReport.objects.get().reason == "fraud"
    assert client.post(url, {"reason": "whatever"}).status_code == 400
    assert JobReport.objects.count() == 1


# Expiry and counters ------------------------------------------------------------------------


def test_expire_jobs_expires_past_jobs_and_warns_once(
    company, member, django_capture_on_commit_callbacks
):
    now = timezone.now()
    past = PublishedJobFactory(
        company=company, published_at=now - timedelta(days=40), expires_at=now - timedelta(hours=1)
    )
    soon = PublishedJobFactory(
        company=company, published_at=now - timedelta(days=28), expires_at=now + timedelta(days=2)
    )
    with django_capture_on_commit_callbacks(execute=True):
        call_command("expire_jobs", verbosity=0)
        call_command("expire_jobs", verbosity=0)
    past.refresh_from_db()
    soon.refresh_from_db()
    assert past.status == Job.Status.EXPIRED
    assert soon.status == Job.Status.PUBLISHED
    assert [m.subject for m in mail.outbox] == [
        f"“{soon.title}” closes on {soon.expires_at:%-d %B}"
    ]


def test_views_and_apply_clicks_are_counted_in_batches(client, settings):
    settings.COUNTERS_KEY_PREFIX = f"test:{timezone.now().timestamp()}"
    job = PublishedJobFactory(apply_url="https://acme.example/apply")
    for address in ("192.0.2.1", "192.0.2.2"):
        client.get(job.get_absolute_url(), HTTP_USER_AGENT=BROWSER, REMOTE_ADDR=address)
    response = client.get(reverse("jobs:job_apply", args=[job.pk]), HTTP_USER_AGENT=BROWSER)
    assert response.status_code == 302 and response.url == "https://acme.example/apply"
    job.refresh_from_db()
    assert job.view_count == 0
    counters.flush()
    job.refresh_from_db()
    assert (job.view_count, job.apply_click_count) == (2, 1)
    counters.flush()
    job.refresh_from_db()
    assert job.view_count == 2


# Invitations --------------------------------------------------------------------------------


def test_invited_colleague_joins_the_company(
    client, company, member, django_capture_on_commit_callbacks
):
    CompanyMembership.objects.filter(user=member).update(role=CompanyMembership.Role.OWNER)
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("jobs:company_invite", args=[company.slug]), {"email": "new@x.example"})
    assert mail.outbox[-1].to == ["new@x.example"]
    token = company.invitations.get().token
    colleague = SeekerFactory(email="new@x.example")
    client.force_login(colleague)
    client.post(reverse("jobs:invitation_accept", args=[token]))
    assert company.members.filter(pk=colleague.pk).exists()
    response = client.post(reverse("jobs:invitation_accept", args=[token]), follow=True)
    assert "already been used" in response.content.decode()


def test_a_posting_cut_off_by_a_lost_database_is_not_half_saved(
    company, member, python, monkeypatch
):
    def lost_connection(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("jobs.services.posting.job_set_skills", lost_connection)
    client = Client(raise_request_exception=False)
    client.force_login(member)
    response = client.post(reverse("jobs:job_create", args=[company.slug]), posting(python))
    assert response.status_code == 503
    assert not Job.objects.exists()


def test_counting_while_redis_is_down_loses_the_counts_but_never_the_page(
    client, settings, monkeypatch
):
    settings.COUNTERS_KEY_PREFIX = f"test:{timezone.now().timestamp()}"
    job = PublishedJobFactory()
    down = redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2)
    monkeypatch.setattr(counters, "_client", lambda: down)
    monkeypatch.setattr(counters, "PUSH_SECONDS", 0)
    assert client.get(job.get_absolute_url(), HTTP_USER_AGENT=BROWSER).status_code == 200
    monkeypatch.undo()
    counters.flush()
    job.refresh_from_db()
    assert job.view_count == 0
