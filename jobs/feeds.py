"""RSS and Atom feeds of the newest jobs, of any search (same FilterSet as the search page)."""

import re
from datetime import UTC
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpResponseBadRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from jobs.filters import JobFilterSet

FEED_SIZE = 50
# Characters XML 1.0 cannot carry; a search or a title containing them must not break the feed.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(text: str) -> str:
    return NOT_XML.sub("", text)


class InvalidFilters(Exception):
    """A feed URL whose filters do not validate (a skill renamed away, a workplace misspelt)."""


class JobFeed(Feed):
    description = "The newest software jobs on CareerBoard."

    def __call__(self, request, *args, **kwargs):
        # A feed is subscribed to once and read for months: one whose filter no longer means
        # anything must say so, not quietly widen to every job.
        try:
            return super().__call__(request, *args, **kwargs)
        except InvalidFilters as error:
            return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")

    def get_object(self, request):
        filterset = JobFilterSet(request.GET or None)
        if filterset.is_bound and not filterset.form.is_valid():
            problems = "\n".join(
                f"{name}: {' '.join(messages)}" for name, messages in filterset.form.errors.items()
            )
            raise InvalidFilters(f"This feed's filters are not valid.\n{problems}\n")
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
        return (
            filterset.matching_jobs()
            .select_related("company")
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

    def item_guid(self, job):
        """An Atom id must be an IRI (RFC 4287 4.2.6): a tag URI (RFC 4151) made of what never
        changes about a job, its id and the day it was created."""
        host = urlsplit(settings.SITE_URL).hostname
        created = job.created_at.astimezone(UTC).date().isoformat()
        return f"tag:{host},{created}:job/{job.pk}"
