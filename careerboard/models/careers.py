"""Career roles: the steps between them, the skills they need, a learning order, facts and the
ways in."""

from urllib.parse import urlencode

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.urls import reverse

from careerboard.models.curated import Curated, Sector, Skill


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
