"""What search reads: one narrow row per published job, and the words typo suggestions know."""

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F
from django.utils import timezone

from jobs.models.companies import Company
from jobs.models.postings import Job


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
    the rare ones, and where a remote job's applicants may live ("applicant:DE",
    "applicant:anywhere"); the three facets are plain columns too, for counting and for the common
    options, which are cheaper to check row by row than to look up. `document` holds the title
    (weight A), company, skills and their aliases (B) and places (D) with positions, and the
    description's words without positions (ranked as D). `salary_min_eur` and `salary_max_eur`
    are the yearly salary in euros at the newest rate of its currency (careerboard.ExchangeRate),
    by which salaries in any currency are ranked and filtered; a change of a rate re-converts them
    (migration 0012).
    """

    TAG_PREFIXES = {
        "workplace": "workplace",
        "employment_type": "type",
        "seniority": "seniority",
        "currency": "currency",
        "applicant": "applicant",
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
    salary_min_eur = models.BigIntegerField(null=True)
    salary_max_eur = models.BigIntegerField(null=True)
    tags = ArrayField(models.TextField(), default=list)
    skill_ids = ArrayField(models.BigIntegerField(), default=list)
    location_ids = ArrayField(models.BigIntegerField(), default=list)
    document = SearchVectorField()

    objects = SearchRowQuerySet.as_manager()

    class Meta:
        indexes = [
            # Keywords, choices, skills and places in one GIN index: a search for several reads
            # the rarest one's ids and skips through the others' to them, instead of ANDing a
            # bitmap of each ("agile" and remote: 10 ms against 100 ms at 1,000,000 listings,
            # for 250,000 remote ids). It is as large as one index for each, and as fast alone.
            GinIndex(
                fields=["document", "tags", "skill_ids", "location_ids"], name="searchrow_lookups"
            ),
            models.Index(F("published_at").desc(), F("job").desc(), name="searchrow_newest"),
            # Best paid first in any currency: by the salary in euros.
            models.Index(
                F("salary_max_eur").desc(nulls_last=True),
                F("published_at").desc(),
                F("job").desc(),
                name="searchrow_salary_eur",
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
            # Best paid first at one seniority: pay rises with seniority, so a walk of the whole
            # salary order passes over the better paid levels before it meets a junior's pay.
            models.Index(
                "seniority",
                F("salary_max_eur").desc(nulls_last=True),
                F("published_at").desc(),
                F("job").desc(),
                name="searchrow_seniority_salary",
            ),
        ]

    def __str__(self):
        return f"Search row of job {self.job_id}"

    @classmethod
    def tag(cls, facet: str, value: str) -> str:
        return f"{cls.TAG_PREFIXES[facet]}:{value}"
