"""Core records: users and their API tokens, the skill taxonomy and the curated career resources."""

import hashlib
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from django.urls import reverse


class User(AbstractUser):
    email = models.EmailField("email address", unique=True)
    is_hiring = models.BooleanField(
        "hires people", default=False, help_text="Posts roles for a company."
    )
    is_seeking = models.BooleanField(
        "seeks work", default=False, help_text="Looks for a role on the board."
    )
    email_verified_at = models.DateTimeField(
        "email confirmed",
        null=True,
        blank=True,
        editable=False,
        help_text="When the owner of the address followed our confirmation link; "
        "cleared when the address changes.",
    )

    REQUIRED_FIELDS = ["email"]

    @property
    def has_verified_email(self) -> bool:
        return self.email_verified_at is not None

    @property
    def looks_for_work(self) -> bool:
        """Whether the board offers this person its seeker tools (fit, saving, recommendations):
        those who seek work, and anyone who has not said they only hire or moderate."""
        return self.is_seeking or not (self.is_hiring or self.is_staff)


class ApiToken(models.Model):
    """A user's key to the API. Only a digest of the key is kept: the key is shown once, when made.

    The key is random (256 bits), so a plain SHA-256 digest cannot be reversed or guessed and
    needs neither salt nor slow hashing; lookups by digest stay one index probe.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_token"
    )
    digest = models.CharField(max_length=64, unique=True, editable=False)
    # The key's first characters, so that its owner can tell which key is on file.
    prefix = models.CharField(max_length=8, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(digest__regex=r"^[0-9a-f]{64}$"), name="apitoken_digest_is_sha256"
            )
        ]

    def __str__(self):
        return f"{self.prefix}… for {self.user}"

    @staticmethod
    def digest_of(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()


class CuratedQuerySet(models.QuerySet):
    def visible(self):
        return self.filter(is_hidden=False)


class Curated(models.Model):
    """A record an admin curates, possibly loaded from our seed files.

    `seed_checksum` is the fingerprint of the values the seed loader last wrote; when the
    record's values no longer match it, an admin has edited the record and reloading the seeds
    leaves it alone.
    """

    seed_key = models.SlugField(max_length=120, unique=True, null=True, blank=True, editable=False)
    seed_checksum = models.CharField(max_length=64, blank=True, editable=False)
    sources = ArrayField(
        models.CharField(max_length=120),
        default=list,
        blank=True,
        help_text="Source documents the facts come from.",
    )
    is_hidden = models.BooleanField(default=False, help_text="Hidden records appear on no page.")
    sort_order = models.PositiveIntegerField(default=0)

    objects = CuratedQuerySet.as_manager()

    class Meta:
        abstract = True


class Skill(Curated):
    class Category(models.TextChoices):
        LANGUAGE = "language", "Languages"
        FRAMEWORK = "framework", "Frameworks"
        DATABASE = "database", "Databases"
        API = "api", "APIs"
        VERSION_CONTROL = "version_control", "Version control"
        TESTING = "testing", "Testing and debugging"
        SECURITY = "security", "Security"
        CLOUD = "cloud", "Cloud and serverless"
        DEVOPS = "devops", "DevOps and operations"
        ARCHITECTURE = "architecture", "Architecture"
        PRACTICE = "practice", "Engineering practice"
        SOFT_SKILL = "soft_skill", "People skills"
        TOOL = "tool", "Tools"

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    category = models.CharField(max_length=20, choices=Category.choices)
    description = models.TextField(blank=True)
    aliases = ArrayField(
        models.CharField(max_length=80),
        default=list,
        blank=True,
        help_text="Other names people search for, comma separated.",
    )

    class Meta:
        ordering = ["sort_order", "name"]
        indexes = [GinIndex(fields=["aliases"], name="skill_aliases_gin")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("skill_detail", args=[self.slug])


class Sector(Curated):
    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


class Resource(Curated):
    class Kind(models.TextChoices):
        JOB_BOARD = "job_board", "Job boards"
        COMMUNITY = "community", "Communities"
        LEARNING = "learning", "Learning"
        BLOG_NEWS = "blog_news", "Blogs and news"
        TOOL = "tool", "Tools"
        CERTIFICATION = "certification", "Certifications"

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    url = models.URLField(max_length=300)
    description = models.TextField(blank=True)
    skills = models.ManyToManyField(Skill, blank=True, related_name="resources")
    is_featured = models.BooleanField(default=False)

    class Meta:
        ordering = ["-is_featured", "sort_order", "name"]

    def __str__(self):
        return self.name


class SourceDocumentQuerySet(CuratedQuerySet):
    def attach_citations(self, records) -> list["SourceDocument"]:
        """Give each curated record `citations`, its source documents, in one query; returns
        the documents cited, in order, for the page's list of sources. A name with no document
        (the loader refuses those, an admin may type one) is shown as it is written."""
        names = {name for record in records for name in record.sources}
        documents = {d.file_name: d for d in self.visible().filter(file_name__in=names)}
        for record in records:
            record.citations = [
                documents.get(name) or SourceDocument(title=name, file_name=name)
                for name in record.sources
            ]
        return sorted(documents.values(), key=lambda d: (d.is_editorial, d.file_name))


class SourceDocument(Curated):
    """One of the documents our career data is drawn from, as a reader would cite it."""

    file_name = models.CharField(max_length=120, unique=True, help_text="As named in `sources`.")
    title = models.CharField(max_length=200)
    publisher = models.CharField(max_length=160, blank=True, help_text="Blank: not named.")
    published = models.CharField(
        max_length=60, blank=True, help_text="Year or date the document gives. Blank: not stated."
    )
    quotes = ArrayField(
        models.CharField(max_length=160),
        default=list,
        blank=True,
        help_text="Primary sources the document quotes (BLS, O*NET, CompTIA...).",
    )
    is_editorial = models.BooleanField(
        default=False, help_text="The board's own view, which no source document states."
    )

    objects = SourceDocumentQuerySet.as_manager()

    class Meta:
        ordering = ["file_name"]

    def __str__(self):
        return self.title

    def credit(self) -> str:
        """Publisher and date, or what the document does not say."""
        if self.is_editorial:
            return "CareerBoard's own editorial view, not a source document's"
        return ", ".join(
            [self.publisher or "publisher not named", self.published or "date not stated"]
        )


class CareerRole(Curated):
    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    other_names = ArrayField(models.CharField(max_length=120), default=list, blank=True)
    summary = models.TextField(blank=True)
    responsibilities = ArrayField(models.TextField(), default=list, blank=True)
    typical_tasks = ArrayField(models.TextField(), default=list, blank=True)
    skills = models.ManyToManyField(
        Skill, through="RoleSkill", blank=True, related_name="career_roles"
    )
    next_roles = models.ManyToManyField(
        "self",
        through="CareerStep",
        through_fields=("from_role", "to_role"),
        symmetrical=False,
        blank=True,
        related_name="previous_roles",
    )
    sectors = models.ManyToManyField(
        Sector,
        blank=True,
        related_name="roles",
        help_text="Who hires for this role, where a source document says so.",
    )
    job_search = models.JSONField(
        default=dict,
        blank=True,
        help_text="The search that lists this role's jobs, as search-form fields, such as "
        '{"q": "DBA or database", "seniority": ["senior"]}. Empty: jobs whose text names the '
        "role or one of its other names.",
    )

    class Meta:
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("career_detail", args=[self.slug])

    def job_search_fields(self) -> dict[str, str | list[str]]:
        """The search-form fields of this role's jobs: the one definition its count, listing,
        button, feed and market figures share."""
        if self.job_search:
            return dict(self.job_search)
        # Search splits "Back-end" into its parts, which "Backend" does not contain: both.
        names = [
            variant
            for name in [self.name, *self.other_names]
            for variant in dict.fromkeys([name.strip(), name.strip().replace("-", "")])
            if variant
        ]
        unique = dict.fromkeys(names, None)
        return {"q": " or ".join(f'"{name}"' for name in unique)}

    def job_search_query(self) -> str:
        """The query string of this role's job search (`/jobs/?...`, `/feeds/jobs.rss?...`)."""
        return urlencode(self.job_search_fields(), doseq=True)


class CareerStep(Curated):
    """A move from one role to another, with the documents that describe it (or our editors')."""

    from_role = models.ForeignKey(CareerRole, on_delete=models.CASCADE, related_name="steps_out")
    to_role = models.ForeignKey(CareerRole, on_delete=models.CASCADE, related_name="steps_in")

    class Meta:
        ordering = ["sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["from_role", "to_role"], name="one_step_per_pair"),
            models.CheckConstraint(
                condition=~Q(from_role=models.F("to_role")), name="step_leads_elsewhere"
            ),
        ]

    def __str__(self):
        return f"{self.from_role} → {self.to_role}"


class Importance(models.TextChoices):
    CORE = "core", "Core"
    OPTIONAL = "optional", "Optional"


class RoleSkill(Curated):
    """A skill a role needs, core or optional as seeds/role_skills.toml defines them, citing the
    documents that say so (or careerboard-editorial, our editors' view)."""

    role = models.ForeignKey(CareerRole, on_delete=models.CASCADE, related_name="skill_needs")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="role_needs")
    importance = models.CharField(max_length=10, choices=Importance.choices)

    class Meta:
        ordering = ["sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["role", "skill"], name="one_need_per_role_and_skill"),
            models.CheckConstraint(
                condition=Q(importance__in=Importance.values), name="roleskill_importance_known"
            ),
        ]

    def __str__(self):
        return f"{self.role}: {self.skill} ({self.get_importance_display().lower()})"


class LearningStep(Curated):
    """One step of a suggested order in which to learn a role's skills, drawn from the documents."""

    role = models.ForeignKey(CareerRole, on_delete=models.CASCADE, related_name="learning_steps")
    name = models.CharField(max_length=160)
    description = models.TextField(blank=True)
    skills = models.ManyToManyField(Skill, blank=True, related_name="learning_steps")

    class Meta:
        ordering = ["sort_order", "id"]

    def __str__(self):
        return self.name


class FactTopic(models.TextChoices):
    WORK = "work", "On the job"
    DEMAND = "demand", "Why demand grows"
    PAY = "pay", "What pay depends on"
    REMOTE = "remote", "Remote work and where you live"
    OPENINGS = "openings", "Hearing about openings"
    NETWORKING = "networking", "Networking"
    HIRING = "hiring", "Getting hired"
    LEARNING = "learning", "Keeping up"
    CERTIFICATIONS = "certifications", "Certifications"


class CareerFact(Curated):
    """Something the documents tell a seeker about a role beyond pay and outlook: where openings
    are heard of, what pay depends on, how people get hired. Our wording, with its sources."""

    role = models.ForeignKey(CareerRole, on_delete=models.CASCADE, related_name="facts")
    topic = models.CharField(max_length=20, choices=FactTopic.choices)
    name = models.CharField(max_length=160)
    detail = models.TextField(blank=True)
    items = ArrayField(models.CharField(max_length=160), default=list, blank=True)

    class Meta:
        ordering = ["sort_order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(topic__in=FactTopic.values),
                name="careerfact_topic_known",
            ),
        ]

    def __str__(self):
        return self.name


class EducationPath(Curated):
    role = models.ForeignKey(CareerRole, on_delete=models.CASCADE, related_name="education")
    name = models.CharField(max_length=160)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


class Period(models.TextChoices):
    HOUR = "hour", "per hour"
    DAY = "day", "per day"
    WEEK = "week", "per week"
    MONTH = "month", "per month"
    YEAR = "year", "per year"


# How many of each period a year holds: the one rule by which a salary becomes yearly.
HOURS_PER_YEAR = 2080
ANNUAL_FACTORS = {
    Period.HOUR: HOURS_PER_YEAR,
    Period.DAY: 260,
    Period.WEEK: 52,
    Period.MONTH: 12,
    Period.YEAR: 1,
}


class SalaryFigure(Curated):
    class Level(models.TextChoices):
        """The seniority a document says a figure is for, in the steps of a job's seniority."""

        JUNIOR = "junior", "Intern / junior"
        MID = "mid", "Mid-level"
        SENIOR = "senior", "Senior"
        LEAD = "lead", "Lead / principal"

    class Statistic(models.TextChoices):
        MEDIAN = "median", "Median"
        AVERAGE = "average", "Average"
        LOW = "low", "Low end"
        HIGH = "high", "High end"
        RANGE = "range", "Range"
        PERCENTILE_10 = "percentile_10", "10th percentile"
        PERCENTILE_25 = "percentile_25", "25th percentile"
        PERCENTILE_75 = "percentile_75", "75th percentile"
        PERCENTILE_90 = "percentile_90", "90th percentile"

    role = models.ForeignKey(CareerRole, on_delete=models.CASCADE, related_name="salary_figures")
    label = models.CharField(max_length=160)
    statistic = models.CharField(max_length=20, choices=Statistic.choices)
    amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    low = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    high = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    qualifier = models.CharField(
        max_length=40, blank=True, help_text='What the document says beside the amount: "or more".'
    )
    currency = models.CharField(max_length=3, default="USD")
    period = models.CharField(max_length=10, choices=Period.choices, default=Period.YEAR)
    region = models.CharField(max_length=120, blank=True)
    as_of = models.CharField("year or period", max_length=60, blank=True)
    publisher = models.CharField(max_length=160, blank=True)
    level = models.CharField(
        max_length=10,
        choices=Level.choices,
        blank=True,
        help_text="The seniority the document gives the figure for. Blank: every level.",
    )

    class Meta:
        ordering = ["sort_order", "period", "statistic"]
        constraints = [
            models.CheckConstraint(
                name="salaryfigure_amount_or_range",
                condition=(
                    Q(amount__isnull=False, low__isnull=True, high__isnull=True)
                    | Q(amount__isnull=True, low__isnull=False, high__isnull=False)
                ),
            ),
            models.CheckConstraint(
                name="salaryfigure_low_le_high",
                condition=Q(low__isnull=True) | Q(low__lte=models.F("high")),
            ),
        ]

    def __str__(self):
        return f"{self.label} ({self.region})"


class OutlookFigure(Curated):
    role = models.ForeignKey(CareerRole, on_delete=models.CASCADE, related_name="outlook_figures")
    label = models.CharField(max_length=160)
    growth_percent = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    period_start = models.PositiveSmallIntegerField(null=True, blank=True)
    period_end = models.PositiveSmallIntegerField(null=True, blank=True)
    openings = models.PositiveIntegerField(default=0)
    openings_label = models.CharField(max_length=160, blank=True)
    region = models.CharField(max_length=120, blank=True)
    publisher = models.CharField(max_length=160, blank=True)
    measures = models.CharField(
        max_length=240,
        blank=True,
        help_text="What the figure counts and over which years, so that figures from different "
        "sources are not read as one trend.",
    )

    class Meta:
        ordering = ["sort_order", "period_start"]
        constraints = [
            models.CheckConstraint(
                name="outlookfigure_period_order",
                condition=(
                    Q(period_start__isnull=True)
                    | Q(period_end__isnull=True)
                    | Q(period_start__lte=models.F("period_end"))
                ),
            ),
        ]

    def __str__(self):
        return self.label
