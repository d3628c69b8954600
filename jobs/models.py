"""Companies, locations and jobs, with the QuerySets that decide what the public sees."""

from datetime import timedelta
from functools import cached_property

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django_countries.fields import CountryField

from careerboard.markdown import render_markdown
from careerboard.models import Period, Sector, Skill


class Location(models.Model):
    """A place, normalised so that "UK" and "United Kingdom" are one country."""

    city = models.CharField(max_length=100, blank=True)
    region = models.CharField(max_length=100, blank=True)
    country = CountryField()

    class Meta:
        ordering = ["country", "region", "city"]
        constraints = [
            models.UniqueConstraint(
                Lower("city"), Lower("region"), "country", name="location_unique_place"
            ),
        ]
        indexes = [models.Index(Lower("city"), name="location_city_lower")]

    def __str__(self):
        return ", ".join(part for part in (self.city, self.region, self.country.name) if part)


class CompanyQuerySet(models.QuerySet):
    def public(self):
        """What the public may see: companies a moderator approved (or approved a job of)."""
        return self.filter(approved_at__isnull=False)

    def visible_to(self, user):
        """Public companies, and the unapproved ones the user is a member of (all for staff)."""
        if user.is_authenticated and user.is_staff:
            return self.all()
        if user.is_authenticated:
            return self.filter(Q(approved_at__isnull=False) | Q(members=user)).distinct()
        return self.public()


class Company(models.Model):
    class Size(models.TextChoices):
        TINY = "1-10", "1-10 people"
        SMALL = "11-50", "11-50 people"
        MEDIUM = "51-200", "51-200 people"
        LARGE = "201-1000", "201-1,000 people"
        HUGE = "1000+", "More than 1,000 people"

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    website = models.URLField(max_length=300, blank=True)
    about = models.TextField(blank=True, help_text="Markdown.")
    logo = models.ImageField(upload_to="logos/", blank=True)
    size = models.CharField(max_length=10, choices=Size.choices, blank=True)
    sectors = models.ManyToManyField(Sector, blank=True, related_name="companies")
    is_verified = models.BooleanField(
        "verified", default=False, help_text="Postings of a verified company publish at once."
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="CompanyMembership", related_name="companies"
    )
    approved_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When a moderator approved the company or one of its jobs; "
        "until then only its members and staff see it.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CompanyQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "companies"
        constraints = [
            models.CheckConstraint(
                name="company_verified_is_approved",
                condition=Q(is_verified=False) | Q(approved_at__isnull=False),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("jobs:company_detail", args=[self.slug])

    @cached_property
    def about_html(self):
        return render_markdown(self.about)

    def clean(self):
        if self.is_verified and self.approved_at is None:
            raise ValidationError(
                {"is_verified": "Approve the company before giving it the verified badge."}
            )

    @property
    def is_public(self) -> bool:
        return self.approved_at is not None

    def is_owner(self, user) -> bool:
        return self.memberships.filter(user=user, role=CompanyMembership.Role.OWNER).exists()


class CompanyMembership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", "Owner"
        MEMBER = "member", "Member"

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(
        max_length=10,
        choices=Role.choices,
        default=Role.MEMBER,
        help_text="Owners also invite and remove people; members post and manage jobs.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["company", "user"], name="membership_unique"),
            models.CheckConstraint(
                name="membership_role_valid", condition=Q(role__in=["owner", "member"])
            ),
        ]

    def __str__(self):
        return f"{self.user} at {self.company}"


class PendingChange(models.Model):
    """A change waiting for a moderator: who sent it and when (oldest first in the queue)."""

    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
        ordering = ["submitted_at"]


class CompanyEdit(PendingChange):
    """A new name or website of an approved company, waiting for review; the public keeps
    seeing the approved ones meanwhile."""

    company = models.OneToOneField(Company, on_delete=models.CASCADE, related_name="pending_edit")
    name = models.CharField(max_length=120)
    website = models.URLField(max_length=300, blank=True)

    def __str__(self):
        return f"Change of {self.company}"


class JobQuerySet(models.QuerySet):
    def published(self):
        """What the public may see: published and not past its expiry, whatever cron did."""
        return self.filter(status=Job.Status.PUBLISHED, expires_at__gt=timezone.now())

    def for_company_member(self, user):
        return self.filter(company__members=user)

    def with_card_data(self):
        """What a job card shows, fetched in bulk: company, locations and skills.

        The description is left in the database: a card does not show it, and at scale it is
        kilobytes per row.
        """
        return self._with_related().defer("description")

    def with_page_data(self):
        """A job's own page: the card data and the description."""
        return self._with_related()

    def _with_related(self):
        return self.select_related("company").prefetch_related(
            "locations",
            models.Prefetch(
                "job_skills",
                queryset=JobSkill.objects.select_related("skill").order_by(
                    "-is_required", "skill__name"
                ),
            ),
        )


HOURS_PER_YEAR = 2080
ANNUAL_FACTORS = {
    Period.HOUR: HOURS_PER_YEAR,
    Period.DAY: 260,
    Period.WEEK: 52,
    Period.MONTH: 12,
    Period.YEAR: 1,
}


def annualised(field: str) -> Case:
    return Case(
        *[
            When(salary_period=period, then=F(field) * Value(factor))
            for period, factor in ANNUAL_FACTORS.items()
        ],
        default=None,
        output_field=models.BigIntegerField(),
    )


class JobStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PENDING = "pending", "Pending review"
    PUBLISHED = "published", "Published"
    REJECTED = "rejected", "Rejected"
    CLOSED = "closed", "Closed (filled)"
    EXPIRED = "expired", "Expired"


class Workplace(models.TextChoices):
    ONSITE = "onsite", "On-site"
    HYBRID = "hybrid", "Hybrid"
    REMOTE = "remote", "Remote"


class Job(models.Model):
    Status = JobStatus
    Workplace = Workplace

    class EmploymentType(models.TextChoices):
        FULL_TIME = "full_time", "Full-time"
        PART_TIME = "part_time", "Part-time"
        CONTRACT = "contract", "Contract"
        TEMPORARY = "temporary", "Temporary"
        INTERNSHIP = "internship", "Internship"

    class Seniority(models.TextChoices):
        INTERN = "intern", "Intern"
        JUNIOR = "junior", "Junior"
        MID = "mid", "Mid-level"
        SENIOR = "senior", "Senior"
        LEAD = "lead", "Lead / principal"

    # Which status may follow which: the one place this is decided.
    TRANSITIONS = {
        Status.DRAFT: {Status.PENDING, Status.PUBLISHED},
        Status.PENDING: {Status.PUBLISHED, Status.REJECTED, Status.DRAFT},
        Status.PUBLISHED: {Status.CLOSED, Status.EXPIRED, Status.PENDING},
        Status.REJECTED: {Status.DRAFT},
        Status.CLOSED: {Status.DRAFT},
        Status.EXPIRED: {Status.PUBLISHED, Status.PENDING, Status.DRAFT},
    }

    title = models.CharField(max_length=150)
    slug = models.SlugField(max_length=160)
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="jobs")
    description = models.TextField(help_text="Markdown.")
    locations = models.ManyToManyField(Location, blank=True, related_name="jobs")
    workplace = models.CharField(max_length=10, choices=Workplace.choices)
    remote_anywhere = models.BooleanField(
        "applicants may live anywhere", default=False, help_text="Remote jobs only."
    )
    applicant_countries = ArrayField(
        models.CharField(max_length=2),
        default=list,
        blank=True,
        help_text="Remote jobs: ISO codes of the countries applicants may live in.",
    )
    employment_type = models.CharField(max_length=12, choices=EmploymentType.choices)
    seniority = models.CharField(max_length=10, choices=Seniority.choices)
    salary_min = models.PositiveIntegerField(null=True, blank=True)
    salary_max = models.PositiveIntegerField(null=True, blank=True)
    salary_currency = models.CharField(max_length=3, blank=True)
    salary_period = models.CharField(max_length=10, choices=Period.choices, blank=True)
    salary_min_annual = models.GeneratedField(
        expression=annualised("salary_min"),
        output_field=models.BigIntegerField(null=True),
        db_persist=True,
    )
    salary_max_annual = models.GeneratedField(
        expression=annualised("salary_max"),
        output_field=models.BigIntegerField(null=True),
        db_persist=True,
    )
    skills = models.ManyToManyField(Skill, through="JobSkill", related_name="jobs")
    apply_url = models.URLField("apply at (URL)", max_length=500, blank=True)
    apply_email = models.EmailField("apply by email", blank=True)
    apply_on_site = models.BooleanField(
        "accept applications on CareerBoard",
        default=False,
        help_text="Seekers apply here with their profile and resume.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When it last went to review."
    )
    rejection_reason = models.TextField(blank=True)
    # A database default too: the benchmark generator writes rows with COPY.
    revision = models.PositiveIntegerField(
        default=1,
        db_default=1,
        editable=False,
        help_text="Goes up by one with every change of substance.",
    )
    approved_revision = models.PositiveIntegerField(
        null=True,
        blank=True,
        editable=False,
        help_text="The revision a moderator last approved.",
    )
    expiry_warned_at = models.DateTimeField(null=True, blank=True, editable=False)
    view_count = models.PositiveIntegerField(default=0, editable=False)
    apply_click_count = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Derived from the rows above by services.job_reindex(), for matching and similar jobs.
    skill_ids = ArrayField(models.BigIntegerField(), default=list, editable=False)
    location_ids = ArrayField(models.BigIntegerField(), default=list, editable=False)

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="job_salary_min_le_max",
                condition=Q(salary_min__isnull=True)
                | Q(salary_max__isnull=True)
                | Q(salary_min__lte=F("salary_max")),
            ),
            models.CheckConstraint(
                name="job_salary_has_currency_and_period",
                condition=(Q(salary_min__isnull=True) & Q(salary_max__isnull=True))
                | (~Q(salary_currency="") & ~Q(salary_period="")),
            ),
            models.CheckConstraint(
                name="job_has_way_to_apply",
                condition=~Q(apply_url="") | ~Q(apply_email="") | Q(apply_on_site=True),
            ),
            models.CheckConstraint(
                name="job_published_has_dates",
                condition=~Q(status="published")
                | Q(published_at__isnull=False, expires_at__isnull=False),
            ),
            models.CheckConstraint(
                name="job_expires_after_published",
                condition=Q(published_at__isnull=True)
                | Q(expires_at__isnull=True)
                | Q(expires_at__gt=F("published_at")),
            ),
            models.CheckConstraint(
                name="job_remote_scope_only_when_remote",
                condition=Q(workplace="remote")
                | (Q(remote_anywhere=False) & Q(applicant_countries=[])),
            ),
            models.CheckConstraint(
                name="job_status_valid",
                condition=Q(status__in=JobStatus.values),
            ),
            models.CheckConstraint(
                name="job_workplace_valid",
                condition=Q(workplace__in=Workplace.values),
            ),
            models.CheckConstraint(
                name="job_approved_revision_not_ahead",
                condition=Q(approved_revision__isnull=True)
                | Q(approved_revision__lte=F("revision")),
            ),
        ]
        indexes = [
            GinIndex(fields=["skill_ids"], name="job_skill_ids_gin"),
            GinIndex(fields=["location_ids"], name="job_location_ids_gin"),
            models.Index(
                F("published_at").desc(),
                "id",
                name="job_published_newest",
                condition=Q(status="published"),
            ),
            models.Index(
                F("salary_max_annual").desc(nulls_last=True),
                "id",
                name="job_published_salary",
                condition=Q(status="published"),
            ),
            models.Index(fields=["company", "status"], name="job_company_status"),
            models.Index(fields=["status", "expires_at"], name="job_status_expiry"),
            models.Index(
                fields=["submitted_at"], name="job_review_queue", condition=Q(status="pending")
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.title)[:160] or "job"
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("jobs:job_detail", args=[self.pk, self.slug])

    def clean(self):
        errors = {}
        if (
            self.salary_min is not None
            and self.salary_max is not None
            and self.salary_min > self.salary_max
        ):
            errors["salary_max"] = "The maximum salary must not be below the minimum."
        has_salary = self.salary_min is not None or self.salary_max is not None
        if has_salary and not self.salary_currency:
            errors["salary_currency"] = "Give the currency of the salary."
        if has_salary and not self.salary_period:
            errors["salary_period"] = "Say whether the salary is per hour, day, month or year."
        if not self.apply_url and not self.apply_email and not self.apply_on_site:
            errors["apply_url"] = (
                "Give a link or an email address where people can apply, "
                "or accept applications on CareerBoard."
            )
        if self.workplace != self.Workplace.REMOTE and (
            self.remote_anywhere or self.applicant_countries
        ):
            errors["remote_anywhere"] = "Where applicants may live applies to remote jobs only."
        if errors:
            raise ValidationError(errors)

    @property
    def is_public(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.expires_at is not None
            and self.expires_at > timezone.now()
        )

    @cached_property
    def description_html(self):
        return render_markdown(self.description)

    @property
    def has_salary(self) -> bool:
        return self.salary_min is not None or self.salary_max is not None

    def can_transition_to(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.status, set())


class JobSkill(models.Model):
    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="job_skills")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="job_skills")
    is_required = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job", "skill"], name="jobskill_unique"),
        ]
        indexes = [models.Index(fields=["skill", "job"], name="jobskill_skill_job")]

    def __str__(self):
        kind = "required" if self.is_required else "nice to have"
        return f"{self.skill} ({kind})"


class SearchTerm(models.Model):
    """A word people may mean when they mistype: skill names and words of job titles."""

    term = models.CharField(max_length=80, unique=True)
    frequency = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [GinIndex(OpClass("term", name="gin_trgm_ops"), name="searchterm_trgm")]

    def __str__(self):
        return self.term


class SearchRowQuerySet(models.QuerySet):
    def live(self):
        """Rows of jobs not yet past their expiry, whatever cron did (as Job's published())."""
        return self.filter(expires_at__gt=timezone.now())


class SearchRow(models.Model):
    """A published job as search reads it, and nothing more: filters, sort keys and words.

    Kept apart from the wide jobs table so that counting, sampling and picking candidates never
    read descriptions or out-of-line (TOAST) data. One row per published job, written only by SQL
    triggers in the transaction of the change (migration 0008): whatever path changes a job or
    what it is made of, the row follows. `tags` holds the choice filters ("workplace:remote",
    "type:contract", "seniority:senior", "currency:EUR") for one GIN index to answer any mix of
    the rare ones; the three facets are plain columns too, for counting and for the common
    options, which are cheaper to check row by row than to look up. `document` holds the title
    (weight A), company, skills and their aliases (B) and places (D) with positions, and the
    description's words without positions (ranked as D).
    """

    TAG_PREFIXES = {
        "workplace": "workplace",
        "employment_type": "type",
        "seniority": "seniority",
        "currency": "currency",
    }

    job = models.OneToOneField(
        Job, primary_key=True, on_delete=models.DO_NOTHING, related_name="search_row"
    )
    company = models.ForeignKey(Company, on_delete=models.DO_NOTHING, related_name="+")
    published_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    workplace = models.CharField(max_length=10)
    employment_type = models.CharField(max_length=12)
    seniority = models.CharField(max_length=10)
    salary_min_annual = models.BigIntegerField(null=True)
    salary_max_annual = models.BigIntegerField(null=True)
    salary_currency = models.CharField(max_length=3, blank=True)
    tags = ArrayField(models.TextField(), default=list)
    skill_ids = ArrayField(models.BigIntegerField(), default=list)
    location_ids = ArrayField(models.BigIntegerField(), default=list)
    document = SearchVectorField()

    objects = SearchRowQuerySet.as_manager()

    class Meta:
        indexes = [
            GinIndex(fields=["document"], name="searchrow_document"),
            GinIndex(fields=["tags"], name="searchrow_tags"),
            GinIndex(fields=["skill_ids"], name="searchrow_skills"),
            GinIndex(fields=["location_ids"], name="searchrow_places"),
            models.Index(F("published_at").desc(), F("job").desc(), name="searchrow_newest"),
            models.Index(
                F("salary_max_annual").desc(nulls_last=True),
                F("published_at").desc(),
                F("job").desc(),
                name="searchrow_salary",
            ),
            # Best paid first in one currency: pay in each currency lies at its own depth of
            # the salary order, so a walk of that one would pass over the others first.
            models.Index(
                "salary_currency",
                F("salary_max_annual").desc(nulls_last=True),
                F("published_at").desc(),
                F("job").desc(),
                name="searchrow_currency_salary",
            ),
        ]

    def __str__(self):
        return f"Search row of job {self.job_id}"

    @classmethod
    def tag(cls, facet: str, value: str) -> str:
        return f"{cls.TAG_PREFIXES[facet]}:{value}"


class JobEdit(PendingChange):
    """Changes to a published job's substance, waiting for review while the job stays up.

    Each resubmission is a new revision: a moderator's decision names the revision it read.
    """

    job = models.OneToOneField(Job, on_delete=models.CASCADE, related_name="pending_edit")
    changes = models.JSONField(help_text="The edited fields, as the employer submitted them.")
    revision = models.PositiveIntegerField(default=1, editable=False)

    def __str__(self):
        return f"Edit of {self.job}"


class ModerationTarget(models.TextChoices):
    JOB = "job", "Job"
    EDIT = "edit", "Edit of a live job"
    COMPANY = "company", "Company"


class ModerationEvent(models.Model):
    """One change of status or of substance of a job, a job edit or a company, on record.

    Written by the services in the transaction of the change; never edited afterwards.
    """

    Target = ModerationTarget

    class EditStatus(models.TextChoices):
        PENDING = "pending", "Waiting for review"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        WITHDRAWN = "withdrawn", "Withdrawn"

    target = models.CharField(max_length=10, choices=Target.choices)
    job = models.ForeignKey(
        Job, null=True, blank=True, on_delete=models.SET_NULL, related_name="moderation_events"
    )
    company = models.ForeignKey(
        Company,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="moderation_events",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Empty when the system made the change (e.g. expiry).",
    )
    created_at = models.DateTimeField(default=timezone.now)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    revision = models.PositiveIntegerField(
        null=True, blank=True, help_text="The revision of the job or edit the change concerns."
    )
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="moderationevent_target_valid", condition=Q(target__in=ModerationTarget.values)
            ),
        ]
        indexes = [
            models.Index(fields=["job", "-created_at"], name="moderationevent_job"),
            models.Index(fields=["company", "-created_at"], name="moderationevent_company"),
        ]

    def __str__(self):
        subject = self.job or self.company or "(deleted)"
        return f"{self.get_target_display()} {subject}: {self.change_display}"

    @property
    def actor_display(self) -> str:
        return str(self.actor) if self.actor_id else "system"

    @property
    def change_display(self) -> str:
        if not self.from_status:
            return "proposed" if self.target == self.Target.EDIT else f"created as {self.to_status}"
        if self.from_status == self.to_status:
            return f"changed while {self.to_status}"
        return f"{self.from_status} → {self.to_status}"


class JobReport(models.Model):
    class Reason(models.TextChoices):
        FRAUD = "fraud", "Fraud or scam"
        WRONG = "wrong", "Wrong or misleading information"
        FILLED = "filled", "Already filled or no longer open"
        OFFENSIVE = "offensive", "Offensive or discriminatory"
        OTHER = "other", "Something else"

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="reports")
    reason = models.CharField(max_length=12, choices=Reason.choices)
    details = models.TextField(blank=True, max_length=2000)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reporter_email = models.EmailField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    is_resolved = models.BooleanField(default=False)

    class Meta:
        ordering = ["is_resolved", "-created_at"]

    def __str__(self):
        return f"{self.get_reason_display()}: {self.job}"


INVITATION_LIFETIME = timedelta(days=14)


class CompanyInvitationQuerySet(models.QuerySet):
    def open(self):
        """Invitations that can still be accepted: not used, not revoked, not expired."""
        return self.filter(
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            created_at__gt=timezone.now() - INVITATION_LIFETIME,
        )


class CompanyInvitation(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    token = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = CompanyInvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                name="invitation_not_accepted_and_revoked",
                condition=Q(accepted_at__isnull=True) | Q(revoked_at__isnull=True),
            ),
        ]

    def __str__(self):
        return f"{self.email} to {self.company}"


def private_storage():
    """Where resumes live: outside the static and public media trees, served only by views."""
    return storages["private"]


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    VIEWED = "viewed", "Viewed"
    INTERVIEWING = "interviewing", "Interviewing"
    OFFERED = "offered", "Offered"
    REJECTED = "rejected", "Not selected"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Application(models.Model):
    Status = ApplicationStatus

    # Which status may follow which: the one place this is decided. The hiring company moves
    # an application forward (never back); the applicant may withdraw it until it is refused.
    TRANSITIONS = {
        Status.SUBMITTED: {
            Status.VIEWED,
            Status.INTERVIEWING,
            Status.OFFERED,
            Status.REJECTED,
            Status.WITHDRAWN,
        },
        Status.VIEWED: {Status.INTERVIEWING, Status.OFFERED, Status.REJECTED, Status.WITHDRAWN},
        Status.INTERVIEWING: {Status.OFFERED, Status.REJECTED, Status.WITHDRAWN},
        Status.OFFERED: {Status.REJECTED, Status.WITHDRAWN},
        Status.REJECTED: set(),
        Status.WITHDRAWN: set(),
    }

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="applications")
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="applications"
    )
    resume = models.FileField(storage=private_storage, upload_to="resumes/%Y/%m/", blank=True)
    note = models.TextField(blank=True, max_length=3000)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["job", "applicant"], name="application_once_per_job"),
            models.CheckConstraint(
                name="application_status_valid",
                condition=Q(status__in=ApplicationStatus.values),
            ),
        ]
        indexes = [models.Index(fields=["job", "status"], name="application_job_status")]

    def __str__(self):
        return f"{self.applicant} for {self.job}"

    def can_transition_to(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.status, set())

    @property
    def can_be_withdrawn(self) -> bool:
        return self.can_transition_to(self.Status.WITHDRAWN)

    def employer_moves(self) -> list[tuple[str, str]]:
        """(value, label) of the statuses the hiring company may move this application to."""
        return [
            (value, label)
            for value, label in self.Status.choices
            if value != self.Status.WITHDRAWN and self.can_transition_to(value)
        ]
