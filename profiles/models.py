"""Seeker profiles (skills with levels, preferences, resume), saved jobs and job alerts."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.http import QueryDict
from django.utils.functional import cached_property

from careerboard.models import Skill
from jobs.filters import JobFilterSet
from jobs.models import Job, private_storage


class Profile(models.Model):
    class Visibility(models.TextChoices):
        PRIVATE = "private", "Private: only me"
        EMPLOYERS = "employers", "Visible to employers I apply to and on the board"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    headline = models.CharField(max_length=160, blank=True)
    location = models.CharField(max_length=120, blank=True)
    years_experience = models.PositiveSmallIntegerField(
        "years of experience", null=True, blank=True
    )
    desired_roles = models.CharField(max_length=200, blank=True)
    workplaces = ArrayField(
        models.CharField(max_length=10, choices=Job.Workplace.choices), default=list, blank=True
    )
    employment_types = ArrayField(
        models.CharField(max_length=12, choices=Job.EmploymentType.choices),
        default=list,
        blank=True,
    )
    min_salary = models.PositiveIntegerField("minimum yearly salary", null=True, blank=True)
    github_url = models.URLField("GitHub", blank=True)
    portfolio_url = models.URLField("portfolio", blank=True)
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    resume = models.FileField(storage=private_storage, upload_to="resumes/profiles/", blank=True)
    resume_content_type = models.CharField(max_length=100, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Profile of {self.user}"

    @property
    def is_visible_to_employers(self) -> bool:
        """Whether employers the person applies to may see the profile (headline, skills, fit)."""
        return self.visibility == self.Visibility.EMPLOYERS

    def skill_levels(self) -> dict[int, int]:
        """{skill id: level}; no query when the skills were prefetched."""
        return {entry.skill_id: entry.level for entry in self.skills.all()}


class ProfileSkill(models.Model):
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="skills")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="+")
    level = models.PositiveSmallIntegerField(
        choices=[
            (1, "1 – beginner"),
            (2, "2 – learning"),
            (3, "3 – working"),
            (4, "4 – strong"),
            (5, "5 – expert"),
        ]
    )
    years = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-level", "skill__name"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "skill"], name="profileskill_unique"),
            models.CheckConstraint(
                name="profileskill_level_1_to_5", condition=Q(level__gte=1, level__lte=5)
            ),
            models.CheckConstraint(name="profileskill_years_sane", condition=Q(years__lte=60)),
        ]

    def __str__(self):
        return f"{self.skill} ({self.level}/5)"


class SavedJob(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_jobs"
    )
    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "job"], name="savedjob_unique"),
        ]

    def __str__(self):
        return f"{self.job} saved by {self.user}"


class JobAlert(models.Model):
    class Frequency(models.TextChoices):
        DAILY = "daily", "Daily"
        WEEKLY = "weekly", "Weekly"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="job_alerts"
    )
    query = models.CharField(
        max_length=1000, blank=True, help_text="The search's query string, as on /jobs/."
    )
    name = models.CharField(
        max_length=300, blank=True, help_text='The search in words ("Python, remote"), as saved.'
    )
    frequency = models.CharField(max_length=6, choices=Frequency.choices, default=Frequency.DAILY)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["is_active", "last_sent_at"], name="jobalert_due")]

    def __str__(self):
        return f"{self.get_frequency_display()} alert for {self.user}: {self.query or 'all jobs'}"

    @cached_property
    def filterset(self) -> JobFilterSet:
        """The saved search: its filters, without the page and order it was saved from."""
        params = QueryDict(self.query, mutable=True)
        for key in ("page", "sort"):
            params.pop(key, None)
        return JobFilterSet(params)

    @property
    def label(self) -> str:
        """The name the alerts page and emails show; alerts saved before names were kept are
        described afresh."""
        return self.name or self.filterset.describe() or "All jobs"


class AlertDelivery(models.Model):
    """A job an alert has emailed: never the same job twice."""

    alert = models.ForeignKey(JobAlert, on_delete=models.CASCADE, related_name="deliveries")
    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "alert deliveries"
        constraints = [
            models.UniqueConstraint(fields=["alert", "job"], name="alertdelivery_once"),
        ]

    def __str__(self):
        return f"{self.job} sent to {self.alert}"
