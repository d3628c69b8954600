"""The posting form: skills chosen with the skill picker, its errors summarised at the top with
links to their fields, and a preview that shows the whole job as seekers will see it."""

import re

import pytest
from django.urls import reverse

from careerboard.models import Skill
from jobs.models import CompanyMembership, Job, JobEdit
from tests.factories import (
    AdminFactory,
    CompanyFactory,
    EmployerFactory,
    JobFactory,
    PublishedJobFactory,
    SeekerFactory,
    SkillFactory,
)
from tests.forms import FormFields
from tests.jobs.test_employers import posting

pytestmark = pytest.mark.django_db


@pytest.fixture
def postgres():
    return SkillFactory(name="PostgreSQL", category=Skill.Category.DATABASE)


@pytest.fixture
def draft(company, python, postgres):
    """Acme's draft, requiring Python, PostgreSQL nice to have."""
    return JobFactory(
        company=company, title="Data engineer", skills=[python], skills__nice=[postgres]
    )


def skills_of(job) -> set[tuple[str, bool]]:
    return {(row.skill.name, row.is_required) for row in job.job_skills.select_related("skill")}


def new_job_url(company):
    return reverse("jobs:job_create", args=[company.slug])


def test_required_and_nice_to_have_skills_are_saved_as_chosen(
    client, company, member, python, postgres
):
    client.force_login(member)
    data = posting(python, nice_skills=[str(postgres.pk)], action="draft")
    assert client.post(new_job_url(company), data).status_code == 302
    assert skills_of(Job.objects.get()) == {("Python", True), ("PostgreSQL", False)}


def test_a_skill_both_required_and_nice_to_have_is_required(client, company, member, python):
    client.force_login(member)
    data = posting(python, nice_skills=[str(python.pk)], action="draft")
    client.post(new_job_url(company), data)
    assert skills_of(Job.objects.get()) == {("Python", True)}


def test_a_skill_chosen_but_not_added_is_saved(client, company, member, python, postgres):
    client.force_login(member)
    data = posting(python, action="draft", **{"nice_skills-add": str(postgres.pk)})
    client.post(new_job_url(company), data)
    assert skills_of(Job.objects.get()) == {("Python", True), ("PostgreSQL", False)}


@pytest.mark.parametrize(
    "values",
    [["abc"], ["-1"], ["0"], ["1" * 25], ["١٢٣٤٥٦٧٨٩"], ["HIDDEN"]],
)
@pytest.mark.parametrize("field", ["required_skills", "nice_skills"])
def test_garbage_skills_are_refused_with_a_clear_message(
    client, company, member, python, field, values
):
    hidden = SkillFactory(name="Retired", is_hidden=True)
    values = [str(hidden.pk) if value == "HIDDEN" else value for value in values]
    data = posting(python, **{field: values})
    client.force_login(member)
    response = client.post(new_job_url(company), data)
    assert response.status_code == 200
    errors = response.context["form"].errors[field]
    assert errors[0].startswith("We do not know the skill")
    assert not Job.objects.exists()


def test_blank_required_skills_ask_for_one(client, company, member, python):
    client.force_login(member)
    response = client.post(new_job_url(company), posting(python, required_skills=["", "  "]))
    assert "Choose at least one skill the role requires." in response.content.decode()
    assert not Job.objects.exists()


def test_a_bad_edit_keeps_the_saved_skills(client, member, draft, python):
    client.force_login(member)
    data = posting(python, required_skills=["999999"], action="draft")
    response = client.post(reverse("jobs:job_edit", args=[draft.pk]), data)
    assert "We do not know the skill “999999”" in response.content.decode()
    assert skills_of(draft) == {("Python", True), ("PostgreSQL", False)}


def test_the_edit_form_posted_back_as_rendered_keeps_every_skill(client, member, draft):
    client.force_login(member)
    url = reverse("jobs:job_edit", args=[draft.pk])
    fields = FormFields()
    fields.feed(client.get(url).content.decode())
    fields.data["action"] = ["draft"]
    fields.data["apply_url"] = ["https://acme.example/apply"]
    fields.data["places"] = ["Oslo, Norway"]
    assert client.post(url, fields.data).status_code == 302
    assert skills_of(draft) == {("Python", True), ("PostgreSQL", False)}


def test_without_javascript_add_and_remove_come_back_changed_and_save_nothing(
    client, company, member, python, postgres
):
    client.force_login(member)
    url = new_job_url(company)
    added = client.post(
        url,
        posting(
            python,
            title="",
            action=None,
            **{"nice_skills-add": str(postgres.pk), "picker-add": "nice_skills"},
        ),
    )
    page = added.content.decode()
    assert "PostgreSQL added." in page
    assert f'<input type="hidden" name="nice_skills" value="{postgres.pk}">' in page
    # Nothing is judged on the way: the empty title is for later.
    assert 'id="error-summary"' not in page and "This field is required" not in page

    removed = client.post(
        url,
        posting(
            python,
            nice_skills=[str(postgres.pk)],
            action=None,
            **{"picker-remove": f"required_skills:{python.pk}"},
        ),
    )
    page = removed.content.decode()
    assert "Python removed." in page
    assert f'name="required_skills" value="{python.pk}"' not in page
    assert f'name="nice_skills" value="{postgres.pk}"' in page
    assert not Job.objects.exists()


def test_errors_are_summarised_in_page_order_with_links_to_their_fields(
    client, company, member, python
):
    client.force_login(member)
    data = posting(python, title="", workplace="", required_skills=[], salary_currency="€€€")
    page = client.post(new_job_url(company), data).content.decode()
    assert re.search(r'<div class="error-summary" id="error-summary"[^>]*autofocus>', page)
    summary = page[
        page.index('id="error-summary"') : page.index("</div>", page.index("error-summary"))
    ]
    found = re.findall(r"<a href=\"#([^\"]+)\">([^:]+):", summary)
    assert list(dict.fromkeys(found)) == [
        ("id_title", "Title"),
        ("id_workplace_0", "Workplace"),
        ("id_required_skills", "Required skills"),
        ("id_salary_currency", "Salary currency"),
    ]
    for anchor in ["id_title", "id_workplace_0", "id_required_skills", "id_salary_currency"]:
        assert f'id="{anchor}"' in page


def test_an_error_of_the_whole_form_is_in_the_summary_without_a_link(
    client, company, member, python
):
    client.force_login(member)
    data = posting(python, website="http://spam.example")
    page = client.post(new_job_url(company), data).content.decode()
    assert re.search(r"<li>Your submission looks automated; it was not saved.</li>", page)


def test_the_preview_shows_the_whole_job_with_how_to_apply_and_saves_nothing(
    client, company, member, python, postgres
):
    client.force_login(member)
    data = posting(
        python,
        nice_skills=[str(postgres.pk)],
        apply_email="jobs@acme.example",
        apply_on_site="on",
        action="preview",
    )
    response = client.post(new_job_url(company), data)
    assert response.status_code == 200
    page = response.content.decode()
    preview = page[page.index('class="preview"') : page.index('<div class="narrow">')]
    assert '<h1 id="job-title">Python back-end developer</h1>' in preview
    assert "<strong>APIs</strong>" in preview
    assert "Berlin, Germany" in preview
    assert "EUR 50,000–70,000" in preview
    assert ">Python</a>" in preview and ">PostgreSQL</a>" in preview
    assert "How to apply" in preview
    assert 'href="https://acme.example/jobs/1"' in preview
    assert "mailto:jobs@acme.example" in preview
    assert "Apply with your CareerBoard profile" in preview
    assert not Job.objects.exists()


def test_a_preview_with_mistakes_shows_what_it_could_read_and_the_summary(
    client, company, member, python
):
    client.force_login(member)
    data = posting(python, salary_min="lots", action="preview")
    page = client.post(new_job_url(company), data).content.decode()
    assert 'id="error-summary"' in page
    assert '<h1 id="job-title">Python back-end developer</h1>' in page


def other_company_member():
    user = EmployerFactory()
    CompanyMembership.objects.create(company=CompanyFactory(), user=user)
    return user


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 302), ("seeker", 404), ("other_company_member", 404), ("admin", 404)],
)
def test_only_members_may_press_the_picker_buttons(client, company, python, who, status):
    users = {
        "seeker": SeekerFactory,
        "admin": AdminFactory,
        "other_company_member": other_company_member,
    }
    if who in users:
        client.force_login(users[who]())
    response = client.post(
        new_job_url(company), posting(python, **{"picker-add": "required_skills"})
    )
    assert response.status_code == status


@pytest.mark.parametrize("verified", [False, True])
def test_a_live_job_saved_unchanged_with_browser_line_breaks_stays_as_it_was(
    client, company, member, python, verified
):
    """Browsers send a text area's line breaks as "\\r\\n"; saving the form untouched changes
    nothing: the job stays up, no edit waits for review, and the stored text keeps "\\n"."""
    company.is_verified = verified
    company.save()
    description = "We build APIs.\n\n- Python\n- PostgreSQL"
    job = PublishedJobFactory(
        company=company,
        description=description,
        apply_url="https://acme.example/jobs/1",
        places=["Berlin, Germany"],
        skills=[python],
    )
    client.force_login(member)
    url = reverse("jobs:job_edit", args=[job.pk])
    fields = FormFields()
    fields.feed(client.get(url).content.decode())
    fields.data["description"] = [fields.data["description"][0].replace("\n", "\r\n")]
    fields.data["action"] = ["submit"]
    assert client.post(url, fields.data).status_code == 302
    job.refresh_from_db()
    assert job.status == Job.Status.PUBLISHED
    assert job.description == description
    assert job.revision == job.approved_revision == 1
    assert not JobEdit.objects.exists()


def test_the_form_names_its_blank_choices_and_salary_fields_and_explains_the_closing_date(
    client, company, member
):
    client.force_login(member)
    page = client.get(new_job_url(company)).content.decode()
    assert "---------" not in page
    for name in ("employment_type", "seniority"):
        select = re.search(rf'<select name="{name}".*?</select>', page, re.S)[0]
        assert '<option value="" selected>Choose…</option>' in select
    select = re.search(r'<select name="salary_period".*?</select>', page, re.S)[0]
    assert '<option value="" selected>Not given</option>' in select
    assert "Lowest salary" in page and "Highest salary" in page
    assert "The last day people can apply" in page
