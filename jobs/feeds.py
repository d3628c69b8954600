"""RSS and Atom feeds of the newest jobs, of any search (same FilterSet as the search page)."""

import re

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from jobs.filters import JobFilterSet
from jobs.models import Job

FEED_SIZE = 50
# Characters XML 1.0 cannot carry; a search or a title containing them must not break the feed.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(text: str) -> str:
    return NOT_XML.sub("", text)


class JobFeed(Feed):
    description = "The newest software jobs on CareerBoard."

    def get_object(self, request):
        filterset = JobFilterSet(request.GET or None, queryset=Job.objects.published())
        filterset.query_string = request.GET.urlencode()
        return filterset

    def title(self, filterset):
        query = xml_safe(filterset.cleaned_data().get("q") or "")
        return f"CareerBoard jobs: {query}" if query else "CareerBoard: newest jobs"

    def link(self, filterset):
        url = reverse("jobs:job_list")
        return f"{url}?{filterset.query_string}" if filterset.query_string else url

    def items(self, filterset):
        # Newest first whatever the page sorts by: a feed reader wants what is new.
        jobs = Job.objects.published().filter(*filterset.conditions().values())
        return (
            jobs.select_related("company")
            .prefetch_related("job_skills__skill")
            .order_by("-published_at", "-id")[:FEED_SIZE]
        )

    def item_title(self, job):
        return xml_safe(f"{job.title} at {job.company.name}")

    def item_description(self, job):
        return xml_safe(job.description_html)

    def item_pubdate(self, job):
        return job.published_at

    def item_updateddate(self, job):
        return job.updated_at

    def item_author_name(self, job):
        return xml_safe(job.company.name)

    def item_categories(self, job):
        return [xml_safe(js.skill.name) for js in job.job_skills.all()]

    def item_guid(self, job):
        return f"careerboard-job-{job.pk}"

    item_guid_is_permalink = False


class AtomJobFeed(JobFeed):
    feed_type = Atom1Feed
    subtitle = JobFeed.description
