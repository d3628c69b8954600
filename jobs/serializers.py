"""JSON shapes of the public API (read) and of job submissions (write)."""

from datetime import date

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from careerboard.models import REFERENCE_CURRENCY, ExchangeRate, Period, Resource, Skill
from jobs.forms import MAX_DESCRIPTION_CHARS
from jobs.models import Company, Job, Location
from jobs.structured_data import absolute


class LocationSerializer(serializers.ModelSerializer):
    country = serializers.CharField(source="country.code")

    class Meta:
        model = Location
        fields = ["city", "region", "country"]


class CompanySerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Company
        fields = ["slug", "name", "website", "about", "size", "is_verified", "url"]

    def get_url(self, company) -> str:
        return absolute(company.get_absolute_url())


class CompanyBriefSerializer(CompanySerializer):
    class Meta(CompanySerializer.Meta):
        fields = ["slug", "name", "is_verified", "url"]


class JobSkillSerializer(serializers.Serializer):
    slug = serializers.CharField(source="skill.slug")
    name = serializers.CharField(source="skill.name")
    required = serializers.BooleanField(source="is_required")


class SalarySerializer(serializers.Serializer):
    min = serializers.IntegerField(source="salary_min", allow_null=True)
    max = serializers.IntegerField(source="salary_max", allow_null=True)
    currency = serializers.CharField(source="salary_currency")
    period = serializers.CharField(source="salary_period")
    yearly_min_eur = serializers.SerializerMethodField(
        help_text="The minimum a year in euros, as search compares salaries; null without a rate."
    )
    yearly_max_eur = serializers.SerializerMethodField(
        help_text="The maximum a year in euros, as search compares salaries; null without a rate."
    )
    rate_date = serializers.SerializerMethodField(
        help_text="The day of the exchange rate used; null for euros or without a rate."
    )

    def _rate(self, job) -> ExchangeRate | None:
        """The rate of the job's currency, read once per response (kept in the context)."""
        if job.salary_currency == REFERENCE_CURRENCY:
            return None
        if "exchange_rates" not in self.context:
            self.context["exchange_rates"] = ExchangeRate.objects.current()
        return self.context["exchange_rates"].get(job.salary_currency)

    def _in_euros(self, job, yearly: int | None) -> int | None:
        if yearly is None or job.salary_currency == REFERENCE_CURRENCY:
            return yearly
        rate = self._rate(job)
        return rate.in_euros(yearly) if rate else None

    def get_yearly_min_eur(self, job) -> int | None:
        return self._in_euros(job, job.salary_min_annual)

    def get_yearly_max_eur(self, job) -> int | None:
        return self._in_euros(job, job.salary_max_annual)

    def get_rate_date(self, job) -> date | None:
        rate = self._rate(job)
        return rate.as_of if rate else None


class JobSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    company = CompanyBriefSerializer()
    locations = LocationSerializer(many=True)
    skills = JobSkillSerializer(source="job_skills", many=True)
    salary = serializers.SerializerMethodField()
    description_html = serializers.CharField()

    class Meta:
        model = Job
        fields = [
            "id", "url", "title", "company", "description", "description_html", "locations",
            "workplace", "remote_anywhere", "applicant_countries", "employment_type",
            "seniority", "salary", "skills", "apply_url", "apply_email", "apply_on_site",
            "status", "published_at", "expires_at",
        ]  # fmt: skip

    def get_url(self, job) -> str:
        return absolute(job.get_absolute_url())

    @extend_schema_field(SalarySerializer(allow_null=True))
    def get_salary(self, job):
        return SalarySerializer(job, context=self.context).data if job.has_salary else None


class JobSummarySerializer(JobSerializer):
    """A job in a list: everything but the description (fetch the job for it)."""

    class Meta(JobSerializer.Meta):
        fields = [
            f for f in JobSerializer.Meta.fields if f not in ("description", "description_html")
        ]


class SkillSerializer(serializers.ModelSerializer):
    class Meta:
        model = Skill
        fields = ["slug", "name", "category", "description", "aliases"]


class ResourceSerializer(serializers.ModelSerializer):
    skills = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)

    class Meta:
        model = Resource
        fields = ["slug", "name", "kind", "url", "description", "is_featured", "skills"]


# Text with something in it besides whitespace (the schema's way of saying "not blank").
NOT_BLANK = r"\S"
SKILL_HELP = "Slugs of skills listed at /api/v1/skills/."


class JobWriteSerializer(serializers.Serializer):
    """A job submission. The web posting form's own validation runs on it, so the API and the
    form accept and refuse exactly the same postings. A PATCH sends only the fields it changes."""

    company = serializers.SlugField(required=False, help_text="Slug of your company (create).")
    title = serializers.RegexField(NOT_BLANK, max_length=150, min_length=1)
    description = serializers.RegexField(
        NOT_BLANK,
        min_length=1,
        max_length=MAX_DESCRIPTION_CHARS,
        help_text="Markdown.",
    )
    workplace = serializers.ChoiceField(choices=Job.Workplace.choices)
    locations = serializers.ListField(
        child=serializers.CharField(max_length=200),
        required=False,
        default=list,
        help_text='Places as "City, Country".',
    )
    remote_anywhere = serializers.BooleanField(required=False, default=False)
    applicant_countries = serializers.ListField(
        child=serializers.CharField(max_length=60), required=False, default=list
    )
    employment_type = serializers.ChoiceField(choices=Job.EmploymentType.choices)
    seniority = serializers.ChoiceField(choices=Job.Seniority.choices)
    salary_min = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    salary_max = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    salary_currency = serializers.RegexField(
        r"^[A-Za-z]{3}$",
        required=False,
        allow_blank=True,
        max_length=3,
        help_text="ISO 4217 code, e.g. USD or EUR.",
        error_messages={"invalid": "Use a three-letter currency code such as USD or EUR."},
    )
    salary_period = serializers.ChoiceField(
        choices=Period.choices, required=False, allow_blank=True
    )
    required_skills = serializers.ListField(
        child=serializers.SlugField(help_text=SKILL_HELP), min_length=1, help_text=SKILL_HELP
    )
    nice_skills = serializers.ListField(
        child=serializers.SlugField(help_text=SKILL_HELP),
        required=False,
        default=list,
        help_text=SKILL_HELP,
    )
    apply_url = serializers.URLField(required=False, allow_blank=True, max_length=500)
    apply_email = serializers.EmailField(required=False, allow_blank=True)
    apply_on_site = serializers.BooleanField(required=False, default=False)
    expires_on = serializers.DateField(required=False, allow_null=True)
    submit = serializers.BooleanField(
        required=False, default=True, help_text="Send to review (or publish, if verified)."
    )
