"""What must always hold for jobs, enforced by the database and explained by clean()."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_countries import countries

from careerboard.markdown import render_markdown
from jobs import services
from jobs.locations import country_code, parse_place
from jobs.models import Job, Location, SearchTerm
from tests.factories import ExpiredJobFactory, JobFactory, PublishedJobFactory, SkillFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "fields",
    [
        {"salary_min": 100, "salary_max": 50, "salary_currency": "USD", "salary_period": "year"},
        {"salary_min": 100},
        {"apply_url": "", "apply_email": ""},
        {"status": "published"},
        {"workplace": "onsite", "remote_anywhere": True},
        {"workplace": "hybrid", "applicant_countries": ["DE"]},
        {"status": "archived"},
        {"workplace": "moon"},
    ],
)
def test_database_refuses_an_inconsistent_job(fields):
    job = JobFactory()
    for name, value in fields.items():
        setattr(job, name, value)
    with pytest.raises(IntegrityError), transaction.atomic():
        job.save()


def test_expiry_must_follow_publication():
    now = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        PublishedJobFactory(published_at=now, expires_at=now - timedelta(days=1))


def test_clean_explains_each_problem_in_words():
    job = Job(
        title="Role",
        description="x",
        workplace="onsite",
        remote_anywhere=True,
        employment_type="full_time",
        seniority="mid",
        salary_min=10,
        salary_max=5,
        company=JobFactory().company,
    )
    with pytest.raises(ValidationError) as error:
        job.full_clean()
    messages = error.value.message_dict
    assert "below the minimum" in messages["salary_max"][0]
    assert "currency" in messages["salary_currency"][0]
    assert "apply" in messages["apply_url"][0]
    assert "remote jobs only" in messages["remote_anywhere"][0]


@pytest.mark.parametrize(
    "anywhere, countries, problem",
    [(False, [], "Say where"), (True, ["DE"], "not both"), (True, [], None), (False, ["DE"], None)],
)
def test_a_remote_job_says_where_applicants_may_live_in_one_way(anywhere, countries, problem):
    job = JobFactory.build(
        company=JobFactory().company,
        workplace="remote",
        remote_anywhere=anywhere,
        applicant_countries=countries,
    )
    if problem is None:
        job.clean()
        return
    with pytest.raises(ValidationError) as error:
        job.clean()
    assert problem in error.value.message_dict["remote_anywhere"][0]


def test_yearly_salary_equivalent_is_computed_by_the_database():
    job = PublishedJobFactory(
        salary_min=50, salary_max=60, salary_currency="EUR", salary_period="hour"
    )
    job.refresh_from_db()
    assert (job.salary_min_annual, job.salary_max_annual) == (104000, 124800)


def test_published_queryset_hides_expired_jobs_before_any_cleanup():
    live = PublishedJobFactory()
    ExpiredJobFactory()
    assert list(Job.objects.published()) == [live]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("UK", "GB"),
        ("United Kingdom", "GB"),
        ("gb", "GB"),
        ("GBR", "GB"),
        ("usa", "US"),
        ("United States", "US"),
        ("Deutschland", "DE"),
        ("germany", "DE"),
        ("Narnia", None),
        ("", None),
    ],
)
def test_country_names_aliases_and_codes_normalise_to_iso(text, code):
    assert country_code(text) == code


def test_every_country_is_found_by_its_name_in_any_case():
    for code, name in countries:
        assert country_code(name) == code, name
        assert country_code(f"  {name.upper()} ") == code, name


def test_uk_and_united_kingdom_are_one_location():
    a, b = JobFactory(places=["London, UK"]), JobFactory(places=["london, United Kingdom"])
    assert a.locations.get() == b.locations.get()
    assert Location.objects.count() == 1
    assert str(a.locations.get()) == "London, United Kingdom"


def test_place_parsing_handles_regions_and_refuses_unknown_countries():
    assert parse_place("Austin, Texas, USA").region == "Texas"
    assert parse_place("Springfield, Nowhere") is None
    with pytest.raises(ValidationError):
        services.job_set_locations(job=JobFactory(), places=["Springfield, Nowhere"])


def test_reindex_keeps_skill_and_location_arrays_in_step_with_rows():
    python, sql = SkillFactory(name="Python"), SkillFactory(name="SQL")
    job = JobFactory(skills=[python], skills__nice=[sql], places=["Paris, France"])
    assert sorted(job.skill_ids) == sorted([python.pk, sql.pk])
    assert job.location_ids == [job.locations.get().pk]
    services.job_set_skills(job=job, required=[sql])
    services.job_reindex(job_ids=[job.pk])
    job.refresh_from_db()
    assert job.skill_ids == [sql.pk]


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[click](javascript:alert(1))",
        '<a href="javascript:alert(1)">x</a>',
        '<p style="position:fixed">x</p>',
        '<iframe src="https://evil.example"></iframe>',
        "<svg onload=alert(1)>",
    ],
)
def test_markdown_rendering_strips_scripts_handlers_and_js_urls(payload):
    html = render_markdown(payload).lower()
    assert "<script" not in html
    assert "onerror" not in html and "onload" not in html
    assert "javascript:" not in html
    assert "style=" not in html
    assert "<iframe" not in html


def test_markdown_keeps_ordinary_formatting():
    html = render_markdown("## Team\n\n* **Python**\n* [site](https://a.example)")
    assert "<h2>Team</h2>" in html
    assert "<strong>Python</strong>" in html
    assert 'href="https://a.example"' in html


def test_one_text_never_lends_its_link_definitions_to_the_next():
    """Texts share a converter: a link defined in one employer's description must not resolve
    in another's."""
    defined = render_markdown("[apply][here]\n\n[here]: https://one.example/apply")
    assert 'href="https://one.example/apply"' in defined
    assert "one.example" not in render_markdown("[apply][here]")
    assert render_markdown("") == ""


class TestTransitions:
    @pytest.mark.parametrize(
        ("start", "end"),
        [(start, end) for start, ends in Job.TRANSITIONS.items() for end in ends],
    )
    def test_every_legal_transition_is_applied(self, start, end):
        job = PublishedJobFactory(status=start)
        services.job_transition(job=job, to=end)
        job.refresh_from_db()
        assert job.status == end

    @pytest.mark.parametrize(
        ("start", "end"),
        [
            (start, end)
            for start in Job.Status
            for end in Job.Status
            if end not in Job.TRANSITIONS[start]
        ],
    )
    def test_every_illegal_transition_is_refused_and_nothing_changes(self, start, end):
        job = PublishedJobFactory(status=start)
        before = Job.objects.filter(pk=job.pk).values().get()
        with pytest.raises(ValidationError, match="cannot become"):
            services.job_transition(job=job, to=end)
        assert Job.objects.filter(pk=job.pk).values().get() == before

    def test_publishing_sets_dates_and_teaches_typo_vocabulary(self):
        job = JobFactory(title="Quarkus engineer", status=Job.Status.PENDING, approved_revision=1)
        services.job_transition(job=job, to=Job.Status.PUBLISHED)
        job.refresh_from_db()
        assert job.published_at is not None and job.expires_at > job.published_at
        assert job in Job.objects.published()
        assert SearchTerm.objects.filter(term="quarkus").exists()
