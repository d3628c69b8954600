"""A batch of moderation decisions: each item decided alone, the refused ones said with why."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from jobs import services
from jobs.models import Company, CompanyEdit, Job
from tests.factories import (
    AdminFactory,
    CompanyFactory,
    PendingJobFactory,
    PublishedJobFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator():
    return AdminFactory(username="mod")


def test_a_batch_decides_every_item_it_can_and_says_why_it_refused_the_others(
    company, member, moderator, django_capture_on_commit_callbacks
):
    waiting = PendingJobFactory(company=company, title="Data engineer")
    already_live = PublishedJobFactory(company=company, title="Site reliability engineer")
    stale = PendingJobFactory(company=company, title="Front-end developer", revision=3)
    with django_capture_on_commit_callbacks(execute=True):
        decided = services.moderation_decide(
            decision="approve",
            by=moderator,
            jobs={waiting.pk: 1, already_live.pk: 1, stale.pk: 2},
        )
    assert decided.done == [waiting]
    assert sorted(decided.refused) == [
        "Front-end developer: " + refusal(stale, moderator),
        "Site reliability engineer: Only a job waiting for review can be approved.",
    ]
    waiting.refresh_from_db()
    stale.refresh_from_db()
    assert (waiting.status, stale.status) == (Job.Status.PUBLISHED, Job.Status.PENDING)
    assert len(mail.outbox) == 1


def refusal(job, moderator) -> str:
    """What approving `job` in a revision the moderator did not read says, asked directly."""
    with pytest.raises(ValidationError) as error:
        services.job_approve(job=job, by=moderator, revision=job.revision - 1)
    return " ".join(error.value.messages)


def test_a_new_company_is_approved_or_left_hidden_never_rejected(moderator):
    hidden = CompanyFactory(name="Quiet Ltd", approved_at=None)
    decided = services.moderation_decide(
        decision="reject", by=moderator, reason="Unknown", companies=[hidden.pk]
    )
    assert decided.done == []
    assert decided.refused == ["Quiet Ltd: a new company is not rejected; it stays hidden."]
    decided = services.moderation_decide(decision="approve", by=moderator, companies=[hidden.pk])
    assert decided.done == [hidden]
    assert Company.objects.get(pk=hidden.pk).approved_at is not None


def test_a_company_change_is_rejected_with_a_reason_and_the_approved_name_stays(
    company, member, moderator
):
    services.company_update(company=company, by=member, name="Renamed Inc")
    edit = CompanyEdit.objects.get(company=company)
    decided = services.moderation_decide(
        decision="reject", by=moderator, reason="Not your name", company_edits=[edit.pk]
    )
    assert len(decided.done) == 1 and decided.refused == []
    assert not CompanyEdit.objects.filter(company=company).exists()
    assert Company.objects.get(pk=company.pk).name == company.name


def test_an_unknown_decision_is_refused(moderator):
    with pytest.raises(ValidationError):
        services.moderation_decide(decision="publish", by=moderator, jobs={})


def test_a_refused_item_is_rolled_back_whole_and_the_next_one_still_decided(company):
    first, second = PendingJobFactory(company=company), PendingJobFactory(company=company)

    def decide(job):
        Job.objects.filter(pk=job.pk).update(title="Changed")
        if job == first:
            raise ValidationError("Not this one.")

    decided = services.decisions_apply(
        items=[first, second], decide=decide, name=lambda job: f"Job {job.pk}"
    )
    assert decided.done == [second]
    assert decided.refused == [f"Job {first.pk}: Not this one."]
    assert Job.objects.get(pk=first.pk).title == first.title
    assert Job.objects.get(pk=second.pk).title == "Changed"


def test_staff_publish_approves_a_waiting_job_and_puts_an_expired_one_back(company, moderator):
    waiting = PendingJobFactory(company=company)
    expired = PublishedJobFactory(company=company, status=Job.Status.EXPIRED)
    for job in (waiting, expired):
        services.job_publish(job=job, by=moderator, revision=job.revision)
        job.refresh_from_db()
        assert job.status == Job.Status.PUBLISHED
    assert waiting.approved_revision == waiting.revision
