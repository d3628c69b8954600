"""factory_boy factories: one per record, and one job factory per status."""

from datetime import timedelta

import factory
from django.utils import timezone
from django.utils.text import slugify

from careerboard.models import Skill, User
from jobs import services
from jobs.models import Company, Job


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    email_verified_at = factory.LazyFunction(timezone.now)
    password = factory.PostGenerationMethodCall("set_password", "a-good-password")

    class Params:
        # UserFactory(unverified=True): an account that has not confirmed its address yet.
        unverified = factory.Trait(email_verified_at=None)

    @factory.post_generation
    def _save_password(self, create, extracted, **kwargs):
        if create:
            self.save()


class SeekerFactory(UserFactory):
    is_seeking = True


class EmployerFactory(UserFactory):
    is_hiring = True


class AdminFactory(UserFactory):
    is_staff = True
    is_superuser = True


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Skill
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Skill {n}")
    slug = factory.LazyAttribute(lambda skill: slugify(skill.name))
    category = Skill.Category.LANGUAGE


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"Company {n}")
    slug = factory.LazyAttribute(lambda company: slugify(company.name))
    website = "https://company.example"
    approved_at = factory.LazyFunction(timezone.now)

    class Params:
        # CompanyFactory(unapproved=True): new, seen by its members and staff only.
        unapproved = factory.Trait(approved_at=None)


class JobFactory(factory.django.DjangoModelFactory):
    """A draft job; pass `skills=[...]`, `nice_skills=[...]`, `places=[...]` to attach rows."""

    class Meta:
        model = Job
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Back-end developer {n}")
    company = factory.SubFactory(CompanyFactory)
    description = "Build and run the services behind our product."
    workplace = Job.Workplace.ONSITE
    employment_type = Job.EmploymentType.FULL_TIME
    seniority = Job.Seniority.MID
    apply_url = "https://company.example/apply"
    status = Job.Status.DRAFT

    @factory.post_generation
    def places(self, create, extracted, **kwargs):
        if create and extracted:
            services.job_set_locations(job=self, places=extracted)

    @factory.post_generation
    def skills(self, create, extracted, **kwargs):
        if create and (extracted or kwargs):
            services.job_set_skills(
                job=self, required=extracted or [], nice_to_have=kwargs.get("nice", [])
            )

    @factory.post_generation
    def _reindex(self, create, extracted, **kwargs):
        if create:
            services.job_reindex(job_ids=[self.pk])
            self.refresh_from_db()


class PendingJobFactory(JobFactory):
    status = Job.Status.PENDING


class PublishedJobFactory(JobFactory):
    """Published as a moderator approved it (its first revision)."""

    status = Job.Status.PUBLISHED
    approved_revision = 1
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))
    expires_at = factory.LazyAttribute(lambda job: job.published_at + timedelta(days=30))


class ExpiredJobFactory(PublishedJobFactory):
    """Published but past its expiry date: cleanup has not run yet."""

    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=40))


class ClosedJobFactory(PublishedJobFactory):
    status = Job.Status.CLOSED


class RejectedJobFactory(JobFactory):
    status = Job.Status.REJECTED
