"""Applications move only forward: the hiring company decides, the applicant may withdraw."""

import itertools

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError
from django.urls import reverse

from jobs.models import Application, CompanyMembership
from profiles.services import application_transition
from tests.factories import CompanyFactory, EmployerFactory, PublishedJobFactory, SeekerFactory

pytestmark = pytest.mark.django_db
STATUSES = ["submitted", "viewed", "interviewing", "offered", "rejected", "withdrawn"]
# Worked out by hand: what a hiring company may do next, and when the applicant may withdraw.
EMPLOYER_MOVES = {
    "submitted": {"viewed", "interviewing", "offered", "rejected"},
    "viewed": {"interviewing", "offered", "rejected"},
    "interviewing": {"offered", "rejected"},
    "offered": {"rejected"},
    "rejected": set(),
    "withdrawn": set(),
}
WITHDRAWABLE = {"submitted", "viewed", "interviewing", "offered"}


@pytest.fixture
def member():
    user = EmployerFactory()
    CompanyMembership.objects.create(company=CompanyFactory(), user=user)
    return user


@pytest.fixture
def application(member):
    job = PublishedJobFactory(company=member.companies.get(), apply_on_site=True)
    return Application.objects.create(job=job, applicant=SeekerFactory(email="ada@example.com"))


def at(application, status):
    Application.objects.filter(pk=application.pk).update(status=status)
    application.refresh_from_db()
    return application


@pytest.mark.parametrize(("start", "to"), list(itertools.permutations(STATUSES, 2)))
def test_every_move_follows_the_table(
    application, member, start, to, django_capture_on_commit_callbacks
):
    at(application, start)
    if to == "withdrawn":
        by, legal = application.applicant, start in WITHDRAWABLE
    else:
        by, legal = member, to in EMPLOYER_MOVES[start]
    with django_capture_on_commit_callbacks(execute=True):
        if legal:
            application_transition(application=application, to=to, by=by)
        else:
            with pytest.raises(ValidationError, match="cannot become"):
                application_transition(application=application, to=to, by=by)
    application.refresh_from_db()
    assert application.status == (to if legal else start)
    emailed = legal and to != "withdrawn"
    assert [m.to for m in mail.outbox] == ([["ada@example.com"]] if emailed else [])


def test_an_offered_application_cannot_go_back_to_submitted_from_the_applicants_page(
    client, application, member
):
    at(application, "offered")
    client.force_login(member)
    response = client.post(
        reverse("profiles:application_status", args=[application.pk]),
        {"status": "submitted"},
        follow=True,
    )
    assert "it cannot become “Submitted”" in response.content.decode()
    application.refresh_from_db()
    assert application.status == "offered"


def test_the_applicants_page_offers_only_the_moves_allowed(client, application, member):
    at(application, "interviewing")
    client.force_login(member)
    page = client.get(reverse("profiles:job_applicants", args=[application.job_id])).content
    options = page.decode().split('<select name="status"')[1].split("</select>")[0]
    assert 'value="offered"' in options and 'value="rejected"' in options
    assert 'value="submitted"' not in options and 'value="viewed"' not in options


@pytest.mark.parametrize(("status", "offered"), [("offered", True), ("rejected", False)])
def test_the_applicant_may_withdraw_until_refused(client, application, status, offered):
    at(application, status)
    client.force_login(application.applicant)
    url = reverse("profiles:withdraw", args=[application.pk])
    page = client.get(reverse("profiles:applications")).content.decode()
    assert (f'href="{url}">Withdraw' in page) is offered
    asked = client.get(url, follow=True).content.decode()
    if offered:
        assert "Withdraw your application?" in asked
        assert "You cannot apply to it again." in asked
    else:
        assert "it can no longer be withdrawn" in asked
    application.refresh_from_db()
    assert application.status == status  # asking changed nothing
    response = client.post(url, follow=True)
    application.refresh_from_db()
    assert application.status == ("withdrawn" if offered else status)
    if not offered:
        assert "it cannot become “Withdrawn”" in response.content.decode()


def test_the_resume_sent_shows_with_the_date_and_withdraw_stands_alone_as_the_action(
    client, application
):
    application.resume.save("cv.pdf", ContentFile(b"%PDF-1.4 test"))
    client.force_login(application.applicant)
    page = client.get(reverse("profiles:applications")).content.decode()
    sent = page.split('<td data-label="Sent">')[1].split("</td>")[0]
    actions = page.split('<td data-label="Actions">')[1].split("</td>")[0]
    assert ">Resume sent</a>" in sent
    assert "Resume sent" not in actions
    assert '<a class="button small" href="' in actions and ">Withdraw<" in actions
    at(application, "rejected")
    actions = client.get(reverse("profiles:applications")).content.decode()
    assert '<td data-label="Actions"><span class="help">None</span></td>' in actions


def test_only_the_applicant_withdraws_and_only_the_company_decides(application, member):
    with pytest.raises(ValidationError, match="Only the applicant"):
        application_transition(application=application, to="withdrawn", by=member)
    with pytest.raises(ValidationError, match="Only the hiring company"):
        application_transition(application=application, to="offered", by=application.applicant)
    application.refresh_from_db()
    assert application.status == "submitted"


def test_the_database_refuses_an_unknown_status(application):
    with pytest.raises(IntegrityError):
        at(application, "hired")
