"""Review cannot be bypassed, decisions hold only for the revision read, and all are on record."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from careerboard.services import api_token_create
from jobs import services
from jobs.models import Application, Job, JobEdit, ModerationEvent
from profiles.models import JobAlert, SavedJob
from profiles.services import application_transition
from tests.factories import (
    AdminFactory,
    JobFactory,
    PendingJobFactory,
    PublishedJobFactory,
    SeekerFactory,
)
from tests.forms import FormFields

pytestmark = pytest.mark.django_db

PHISHING = "Send your bank login to claim the signing bonus"


@pytest.fixture
def moderator():
    return AdminFactory(username="mod")


def posting(python, **overrides):
    data = {
        "title": "Python back-end developer",
        "description": "Build APIs.",
        "workplace": "onsite",
        "employment_type": "full_time",
        "seniority": "mid",
        "apply_url": "https://acme.example/jobs/1",
        "places": "Berlin, Germany",
        "required_skills": [str(python.pk)],
        "action": "save",
    }
    data.update(overrides)
    return data


def live_job(company, python, **fields):
    """A job as a moderator approved it, with the content `posting(python)` gives."""
    return PublishedJobFactory(
        company=company,
        title="Python back-end developer",
        description="Build APIs.",
        apply_url="https://acme.example/jobs/1",
        places=["Berlin, Germany"],
        skills=[python],
        **fields,
    )


def decide(client, decision, *, jobs=(), edits=(), reason="", revisions=None):
    """Post the review queue's form, with the revisions it showed unless told otherwise."""
    data = {"decision": decision, "reason": reason}
    data["job"] = [job.pk for job in jobs]
    data["edit"] = [edit.pk for edit in edits]
    for item, name in [*((job, "job") for job in jobs), *((edit, "edit") for edit in edits)]:
        seen = item.revision if revisions is None else revisions[item.pk]
        data[f"{name}-revision-{item.pk}"] = seen
    return client.post(reverse("jobs:moderation_decide"), data, follow=True)


def client_for(user) -> Client:
    """A second browser, e.g. the employer's while the moderator's page is open."""
    client = Client()
    client.force_login(user)
    return client


def page_text(response) -> str:
    return response.content.decode()


# Every way to the public ---------------------------------------------------------------------

TRANSITIONS = [(start, end) for start, ends in Job.TRANSITIONS.items() for end in ends]


@pytest.mark.parametrize(("start", "end"), TRANSITIONS, ids=lambda s: s)
def test_unverified_company_reaches_the_public_only_in_an_approved_revision(start, end):
    job = PublishedJobFactory(status=start, revision=2, approved_revision=1)
    if end == Job.Status.PUBLISHED:
        with pytest.raises(ValidationError, match="must be reviewed"):
            services.job_transition(job=job, to=end)
    else:
        services.job_transition(job=job, to=end)
    job.refresh_from_db()
    assert job not in Job.objects.published()
    assert job.status == (start if end == Job.Status.PUBLISHED else end)


@pytest.mark.parametrize(("start", "end"), TRANSITIONS, ids=lambda s: s)
@pytest.mark.parametrize("why", ["approved revision", "verified company"])
def test_a_job_needing_no_review_takes_every_legal_transition(start, end, why):
    if why == "approved revision":
        job = PublishedJobFactory(status=start, revision=3, approved_revision=3)
    else:
        job = PublishedJobFactory(
            status=start, revision=3, approved_revision=None, company__is_verified=True
        )
    services.job_transition(job=job, to=end)
    job.refresh_from_db()
    assert job.status == end
    assert (job in Job.objects.published()) == (end == Job.Status.PUBLISHED)


def test_expired_job_edited_to_phishing_and_renewed_goes_to_review_not_to_seekers(
    client, company, member, python, django_capture_on_commit_callbacks
):
    """The scam of issue #12: near closing date, wait for expiry, edit, renew."""
    now = timezone.now()
    job = live_job(
        company, python, published_at=now - timedelta(days=2), expires_at=now - timedelta(hours=1)
    )
    seeker = SeekerFactory()
    JobAlert.objects.create(user=seeker, query="")
    call_command("expire_jobs", verbosity=0)
    client.force_login(member)
    edit_page = page_text(client.get(reverse("jobs:job_edit", args=[job.pk])))
    assert "reviewed before this job goes public again" in edit_page
    client.post(reverse("jobs:job_edit", args=[job.pk]), posting(python, title=PHISHING))
    response = client.post(reverse("jobs:job_action", args=[job.pk, "renew"]), follow=True)

    job.refresh_from_db()
    assert job.title == PHISHING
    assert job.status == Job.Status.PENDING
    assert "was sent for review" in page_text(response)
    assert job not in Job.objects.published()
    client.logout()
    assert PHISHING not in page_text(client.get(reverse("jobs:job_list")))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_job_alerts", verbosity=0)
    assert not any(PHISHING in message.body for message in mail.outbox)
    rows = job.moderation_events.order_by("id").values_list(
        "actor__username", "from_status", "to_status", "revision"
    )
    assert list(rows) == [
        (None, "published", "expired", 1),
        (member.username, "expired", "expired", 2),
        (member.username, "expired", "pending", 2),
    ]


def test_renewal_decided_on_a_version_loaded_before_an_edit_still_goes_to_review(
    client, company, member, python
):
    job = live_job(company, python, status=Job.Status.EXPIRED)
    loaded_before_the_edit = Job.objects.select_related("company").get(pk=job.pk)
    client.force_login(member)
    client.post(reverse("jobs:job_edit", args=[job.pk]), posting(python, title=PHISHING))
    services.job_renew(job=loaded_before_the_edit, by=member)
    job.refresh_from_db()
    assert (job.title, job.status) == (PHISHING, Job.Status.PENDING)


@pytest.mark.parametrize("status", [Job.Status.EXPIRED, Job.Status.CLOSED])
def test_the_closed_job_page_never_shows_a_title_changed_since_approval(
    client, company, member, python, status
):
    job = live_job(company, python, status=status)
    url = job.get_absolute_url()
    assert "“Python back-end developer”" in page_text(client.get(url))
    client_for(member).post(
        reverse("jobs:job_edit", args=[job.pk]), posting(python, title=PHISHING)
    )
    response = client.get(url)
    assert response.status_code == 410
    assert PHISHING not in page_text(response)
    assert "A job at" in page_text(response)


def test_a_seeker_who_saved_a_job_never_sees_its_title_changed_since_approval(
    client, company, member, python
):
    job = live_job(company, python, status=Job.Status.EXPIRED)
    seeker = SeekerFactory()
    SavedJob.objects.create(user=seeker, job=job)
    client_for(member).post(
        reverse("jobs:job_edit", args=[job.pk]), posting(python, title=PHISHING)
    )
    client.force_login(seeker)
    saved = page_text(client.get(reverse("profiles:saved")))
    assert PHISHING not in saved
    assert "A job at Acme" in saved


def test_applicants_never_see_or_get_mailed_a_title_changed_since_approval(
    client, company, member, python, django_capture_on_commit_callbacks
):
    job = live_job(company, python, status=Job.Status.EXPIRED)
    seeker = SeekerFactory()
    application = Application.objects.create(job=job, applicant=seeker)
    client_for(member).post(
        reverse("jobs:job_edit", args=[job.pk]), posting(python, title=PHISHING)
    )
    application = Application.objects.get(pk=application.pk)
    with django_capture_on_commit_callbacks(execute=True):
        application_transition(
            application=application, to=Application.Status.INTERVIEWING, by=member
        )
    (message,) = mail.outbox
    assert PHISHING not in message.subject + message.body
    assert message.subject == "Your application at Acme: interviewing"
    client.force_login(seeker)
    page = page_text(client.get(reverse("profiles:applications")))
    assert PHISHING not in page
    assert 'A job <span class="badge">Expired on ' in page


def test_expired_job_renewed_unchanged_is_published_again_at_once(client, company, member, python):
    job = live_job(company, python, status=Job.Status.EXPIRED)
    client.force_login(member)
    client.post(reverse("jobs:job_edit", args=[job.pk]), posting(python))  # nothing changed
    client.post(reverse("jobs:job_action", args=[job.pk, "renew"]))
    job.refresh_from_db()
    assert job.revision == 1
    assert job in Job.objects.published()


def test_verified_company_renews_an_edited_expired_job_straight_onto_the_board(
    client, company, member, python
):
    company.is_verified = True
    company.save()
    job = live_job(company, python, status=Job.Status.EXPIRED)
    client.force_login(member)
    client.post(reverse("jobs:job_edit", args=[job.pk]), posting(python, title="Senior Python"))
    client.post(reverse("jobs:job_action", args=[job.pk, "renew"]))
    job.refresh_from_db()
    assert job.title == "Senior Python"
    assert job in Job.objects.published()


def test_closed_job_edited_and_reopened_goes_to_review(client, company, member, python):
    job = live_job(company, python, status=Job.Status.CLOSED)
    client.force_login(member)
    client.post(reverse("jobs:job_edit", args=[job.pk]), posting(python, title=PHISHING))
    job.refresh_from_db()
    services.job_transition(job=job, to=Job.Status.DRAFT, by=member)
    services.job_submit(job=job, by=member)
    assert job.status == Job.Status.PENDING
    assert job not in Job.objects.published()


def test_rejected_job_edited_and_resubmitted_goes_to_review(client, company, member, python):
    job = JobFactory(company=company, status=Job.Status.REJECTED, approved_revision=None)
    client.force_login(member)
    client.post(reverse("jobs:job_edit", args=[job.pk]), posting(python, action="submit"))
    job.refresh_from_db()
    assert job.status == Job.Status.PENDING


def test_a_duplicate_of_an_approved_job_is_reviewed_as_new(client, company, member, python):
    job = live_job(company, python)
    client.force_login(member)
    client.post(reverse("jobs:job_action", args=[job.pk, "duplicate"]))
    copy = Job.objects.get(title__endswith="(copy)")
    Job.objects.filter(pk=copy.pk).update(title="A role of its own")
    client.post(reverse("jobs:job_action", args=[copy.pk, "submit"]))
    copy.refresh_from_db()
    assert copy.status == Job.Status.PENDING


def test_api_edit_of_an_expired_job_is_reviewed_before_renewal(company, member, python):
    job = live_job(company, python, status=Job.Status.EXPIRED)
    api = APIClient()
    _token, key = api_token_create(user=member)
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = api.patch(
        reverse("api:job_detail", args=[job.pk]),
        {
            "title": PHISHING,
            "description": "Build APIs.",
            "workplace": "onsite",
            "employment_type": "full_time",
            "seniority": "mid",
            "apply_url": "https://acme.example/jobs/1",
            "locations": ["Berlin, Germany"],
            "required_skills": ["python"],
        },
        format="json",
    )
    assert response.status_code == 200
    services.job_renew(job=Job.objects.get(pk=job.pk), by=member)
    job.refresh_from_db()
    assert (job.title, job.status) == (PHISHING, Job.Status.PENDING)


def test_admin_publish_action_refuses_an_expired_job_changed_since_approval(client, moderator):
    job = PublishedJobFactory(status=Job.Status.EXPIRED, revision=2, approved_revision=1)
    client.force_login(moderator)
    response = client.post(
        reverse("admin:jobs_job_changelist"),
        {"action": "publish", "_selected_action": [job.pk], f"seen-revision-{job.pk}": 2},
        follow=True,
    )
    assert "must be reviewed before it is published" in page_text(response)
    job.refresh_from_db()
    assert job.status == Job.Status.EXPIRED


def test_editing_a_pending_job_makes_a_new_revision_on_record(client, company, member, python):
    job = PendingJobFactory(company=company)
    client.force_login(member)
    client.post(reverse("jobs:job_edit", args=[job.pk]), posting(python, title="Changed"))
    client.post(reverse("jobs:job_edit", args=[job.pk]), posting(python, title="Changed"))
    job.refresh_from_db()
    assert (job.status, job.revision) == (Job.Status.PENDING, 2)
    event = job.moderation_events.get()
    assert (event.actor, event.revision, event.to_status) == (member, 2, "pending")


# Decisions name the revision read --------------------------------------------------------


def test_approval_of_a_revision_the_employer_changed_meanwhile_is_refused(
    client, company, member, moderator, python
):
    job = PendingJobFactory(company=company)
    client.force_login(moderator)
    queue = page_text(client.get(reverse("jobs:moderation_queue")))
    assert f'name="job-revision-{job.pk}" value="1"' in queue

    employer = client_for(member)
    employer.post(reverse("jobs:job_edit", args=[job.pk]), posting(python, title=PHISHING))

    response = decide(client, "approve", jobs=[job], revisions={job.pk: 1})
    assert "This job changed since you opened it; review the new version" in page_text(response)
    job.refresh_from_db()
    assert job.status == Job.Status.PENDING
    assert job in client.get(reverse("jobs:moderation_queue")).context["pending"]

    decide(client, "approve", jobs=[job], revisions={job.pk: 2})
    job.refresh_from_db()
    assert job in Job.objects.published()
    assert job.approved_revision == 2


def test_rejection_of_a_stale_revision_is_refused(client, company, moderator):
    job = PendingJobFactory(company=company, revision=3)
    client.force_login(moderator)
    response = decide(client, "reject", jobs=[job], reason="Vague.", revisions={job.pk: 2})
    assert "changed since you opened it" in page_text(response)
    job.refresh_from_db()
    assert job.status == Job.Status.PENDING


def test_a_decision_naming_no_revision_is_refused(client, moderator):
    job = PendingJobFactory()
    client.force_login(moderator)
    response = client.post(
        reverse("jobs:moderation_decide"), {"job": [job.pk], "decision": "approve"}, follow=True
    )
    assert "changed since you opened it" in page_text(response)
    assert not Job.objects.published().exists()


def test_a_resubmitted_edit_is_a_new_revision_and_the_old_one_cannot_be_approved(
    client, company, member, moderator, python
):
    job = live_job(company, python)
    employer = client_for(member)
    employer.post(reverse("jobs:job_edit", args=[job.pk]), posting(python, title="Python lead"))
    edit = JobEdit.objects.get(job=job)
    assert edit.revision == 1
    client.force_login(moderator)
    queue = page_text(client.get(reverse("jobs:moderation_queue")))
    assert f'name="edit-revision-{edit.pk}" value="1"' in queue

    employer.post(reverse("jobs:job_edit", args=[job.pk]), posting(python, title=PHISHING))
    edit.refresh_from_db()
    assert edit.revision == 2

    response = decide(client, "approve", edits=[edit], revisions={edit.pk: 1})
    assert "This edit changed since you opened it" in page_text(response)
    job.refresh_from_db()
    assert job.title == "Python back-end developer"
    assert JobEdit.objects.filter(pk=edit.pk).exists()

    decide(client, "reject", edits=[edit], reason="Phishing.", revisions={edit.pk: 2})
    job.refresh_from_db()
    assert job.title == "Python back-end developer"
    assert job in Job.objects.published()
    assert not JobEdit.objects.exists()


def test_approved_edit_becomes_the_approved_revision(client, company, member, moderator, python):
    job = live_job(company, python)
    client_for(member).post(
        reverse("jobs:job_edit", args=[job.pk]), posting(python, title="Python lead")
    )
    client.force_login(moderator)
    decide(client, "approve", edits=[JobEdit.objects.get()])
    job.refresh_from_db()
    assert (job.title, job.revision, job.approved_revision) == ("Python lead", 2, 2)


def test_admin_bulk_actions_decide_only_the_revision_the_list_showed(
    client, company, member, moderator, python
):
    job = PendingJobFactory(company=company)
    client.force_login(moderator)
    changelist = page_text(client.get(reverse("admin:jobs_job_changelist")))
    assert f'name="seen-revision-{job.pk}" value="1"' in changelist
    client_for(member).post(reverse("jobs:job_edit", args=[job.pk]), posting(python))
    url = reverse("admin:jobs_job_changelist")
    for action in ("publish", "reject"):
        data = {"action": action, "_selected_action": [job.pk], f"seen-revision-{job.pk}": 1}
        response = client.post(url, {**data, "reason": "No."}, follow=True)
        assert "changed since you opened it" in page_text(response)
    job.refresh_from_db()
    assert job.status == Job.Status.PENDING
    client.post(url, {"action": "publish", "_selected_action": [job.pk]}, follow=True)
    job.refresh_from_db()
    assert job.status == Job.Status.PENDING
    reject_page = client.post(
        url, {"action": "reject", "_selected_action": [job.pk], f"seen-revision-{job.pk}": 2}
    )
    assert f'name="seen-revision-{job.pk}" value="2"' in page_text(reject_page)


# Decisions on record -------------------------------------------------------------------------


def test_every_step_of_a_job_is_on_record_with_who_when_and_revision(
    client, company, member, moderator, python
):
    employer = client_for(member)
    employer.post(reverse("jobs:job_create", args=[company.slug]), posting(python, action="submit"))
    job = Job.objects.get()
    client.force_login(moderator)
    decide(client, "reject", jobs=[job], reason="Say where the office is.")
    employer.post(reverse("jobs:job_edit", args=[job.pk]), posting(python, action="submit"))
    job.refresh_from_db()
    decide(client, "approve", jobs=[job])
    job.refresh_from_db()
    services.job_close(job=job, by=member)

    rows = list(
        job.moderation_events.order_by("id").values_list(
            "actor__username", "from_status", "to_status", "revision", "reason"
        )
    )
    assert rows == [
        (member.username, "", "draft", 1, ""),
        (member.username, "draft", "pending", 1, ""),
        ("mod", "pending", "rejected", 1, "Say where the office is."),
        (member.username, "rejected", "draft", 1, ""),
        (member.username, "draft", "pending", 1, ""),
        ("mod", "pending", "published", 1, ""),
        (member.username, "published", "closed", 1, ""),
    ]
    assert all(event.company == company for event in job.moderation_events.all())


def test_expiry_is_on_record_as_the_system(company):
    job = PublishedJobFactory(company=company, expires_at=timezone.now() - timedelta(minutes=1))
    call_command("expire_jobs", verbosity=0)
    event = job.moderation_events.get()
    assert (event.actor, event.from_status, event.to_status) == (None, "published", "expired")
    assert event.actor_display == "system"


def test_edit_decisions_are_on_record(client, company, member, moderator, python):
    job = live_job(company, python)
    employer = client_for(member)
    employer.post(reverse("jobs:job_edit", args=[job.pk]), posting(python, title="Lead"))
    client.force_login(moderator)
    decide(client, "reject", edits=[JobEdit.objects.get()], reason="Too vague.")
    employer.post(reverse("jobs:job_edit", args=[job.pk]), posting(python, title="Lead"))
    employer.post(reverse("jobs:job_edit", args=[job.pk]), posting(python, title="Tech lead"))
    decide(client, "approve", edits=[JobEdit.objects.get()])
    rows = list(
        ModerationEvent.objects.filter(target="edit")
        .order_by("id")
        .values_list("actor__username", "from_status", "to_status", "revision", "reason")
    )
    assert rows == [
        (member.username, "", "pending", 1, ""),
        ("mod", "pending", "rejected", 1, "Too vague."),
        (member.username, "", "pending", 1, ""),
        (member.username, "pending", "pending", 2, ""),
        ("mod", "pending", "approved", 2, ""),
    ]


def test_verifying_a_company_in_the_admin_is_on_record(client, company, moderator):
    client.force_login(moderator)
    response = client.post(
        reverse("admin:jobs_company_changelist"),
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": str(company.pk),
            "form-0-is_verified": "on",
            "_save": "Save",
        },
    )
    assert response.status_code == 302
    company.refresh_from_db()
    assert company.is_verified
    event = company.moderation_events.get()
    assert (event.target, event.actor, event.from_status, event.to_status) == (
        "company",
        moderator,
        "unverified",
        "verified",
    )
    company_page = page_text(client.get(reverse("admin:jobs_company_change", args=[company.pk])))
    assert "unverified" in company_page


def test_staff_see_the_history_in_the_admin_and_beside_each_queued_item(
    client, company, member, moderator, python
):
    employer = client_for(member)
    employer.post(reverse("jobs:job_create", args=[company.slug]), posting(python, action="submit"))
    job = Job.objects.get()
    client.force_login(moderator)
    queue = page_text(client.get(reverse("jobs:moderation_queue")))
    assert f"{member.username}: job draft → pending (revision 1)" in queue
    decide(client, "approve", jobs=[job])
    change_page = page_text(client.get(reverse("admin:jobs_job_change", args=[job.pk])))
    assert "history (who changed what, and when)" in change_page.lower()
    assert "published" in change_page and "mod" in change_page
    events_page = client.get(reverse("admin:jobs_moderationevent_changelist"))
    assert events_page.status_code == 200
    assert len(events_page.context["cl"].result_list) == 3


def test_a_staff_edit_keeps_an_approved_job_approved_and_an_unreviewed_one_unreviewed(moderator):
    approved = PublishedJobFactory(status=Job.Status.EXPIRED)
    unreviewed = PublishedJobFactory(status=Job.Status.EXPIRED, revision=2, approved_revision=1)
    for job in (approved, unreviewed):
        services.job_record_staff_edit(job=job, by=moderator)
        job.refresh_from_db()
    assert (approved.revision, approved.approved_revision) == (2, 2)
    assert (unreviewed.revision, unreviewed.approved_revision) == (3, 1)


def test_review_queue_query_count_is_fixed(
    client, company, moderator, django_assert_max_num_queries
):
    for _ in range(10):
        job = PendingJobFactory(company=company)
        services.moderation_event_create(
            target="job", job=job, by=moderator, from_status="draft", to_status="pending"
        )
    client.force_login(moderator)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("jobs:moderation_queue"))
    assert "draft → pending" in page_text(response)


def test_a_staff_edit_in_the_admin_is_a_new_revision_that_stales_open_decisions(
    client, company, moderator
):
    job = PendingJobFactory(company=company, title="Python developer")
    client.force_login(moderator)
    url = reverse("admin:jobs_job_change", args=[job.pk])
    fields = FormFields()
    fields.feed(page_text(client.get(url)))
    data = {**fields.data, "title": ["Senior Python developer"], "_save": ["Save"]}
    data.pop("csrfmiddlewaretoken", None)
    response = client.post(url, data)
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.title, job.revision) == ("Senior Python developer", 2)
    event = job.moderation_events.get()
    assert (event.actor, event.revision, event.reason) == (moderator, 2, "Changed in the admin.")
    response = decide(client, "approve", jobs=[job], revisions={job.pk: 1})
    assert "This job changed since you opened it" in page_text(response)
    job.refresh_from_db()
    assert job.status == Job.Status.PENDING
