"""Sitemaps of everything public: open jobs, companies with open jobs, skills."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Exists, OuterRef

from careerboard.models import Skill
from jobs.models import Company, Job


class JobSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.8
    limit = 10_000

    def items(self):
        return Job.objects.published().only("pk", "slug", "updated_at").order_by("-id")

    def lastmod(self, job):
        return job.updated_at


class CompanySitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.5
    limit = 10_000

    def items(self):
        hiring = Job.objects.published().filter(company=OuterRef("pk"))
        return Company.objects.public().filter(Exists(hiring)).only("slug").order_by("id")


class SkillSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.6

    def items(self):
        return Skill.objects.visible().only("slug").order_by("id")


SITEMAPS = {"jobs": JobSitemap, "companies": CompanySitemap, "skills": SkillSitemap}
