"""Curated records an admin edits and the seed loader fills: skills, sectors, resources and the
source documents everything cites."""

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.urls import reverse

from careerboard.caching import SKILLS_COPY, worker_copy


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


def skills_by_id() -> dict[int, Skill]:
    """Every skill, hidden ones too, by id; a worker keeps them while public data stays as it
    was (careerboard/caching.py), so cards and counts name skills without a query."""
    return worker_copy(SKILLS_COPY, Skill.objects.in_bulk)


def visible_skills_by_id() -> dict[int, Skill]:
    """The skills pages may show (as `Skill.objects.visible()`), from the worker's copy."""
    return {pk: skill for pk, skill in skills_by_id().items() if not skill.is_hidden}
