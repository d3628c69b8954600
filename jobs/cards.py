"""Job cards prepared in bulk by the view, so that the card template only shows values.

What a card shows about the visitor (match score, missing skills, saved state) comes from the
app that knows the visitor: it registers a function with `register_visitor_data`, which this
module calls once per page for all its jobs. Jobs never import the apps above it.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils import dateformat, timezone

from careerboard.templatetags.board import ago, salary_range
from jobs.models import Job

# (request, jobs, detailed) -> {job id: what the card shows of this visitor for that job}
VisitorData = Callable[[Any, list[Job], bool], dict[int, dict]]
_visitor_data: list[VisitorData] = []
PLACEHOLDER_ID = 918273645546372819
PLACEHOLDER_SLUG = "placeholder-slug-918273645"


def register_visitor_data(function: VisitorData) -> None:
    if function not in _visitor_data:
        _visitor_data.append(function)


@dataclass(frozen=True)
class Card:
    job: Job
    url: str
    company_url: str
    places: str
    salary: str
    required_skills: list[str]
    posted_iso: str
    posted_date: str
    posted_ago: str
    visitor: dict | None


def visitor_data(request, jobs: list[Job], *, detailed: bool = False) -> dict[int, dict]:
    """What the registered apps show this visitor about each job, in a few queries for all."""
    data: dict[int, dict] = {}
    if request is None or not request.user.is_authenticated or not jobs:
        return data
    for function in _visitor_data:
        for pk, values in function(request, jobs, detailed).items():
            data.setdefault(pk, {}).update(values)
    return data


def job_cards(
    request, jobs: Iterable[Job], *, visitor: dict[int, dict] | None = None
) -> list[Card]:
    """Cards for jobs fetched `with_card_data()`: every value the card shows, worked out once.

    `visitor` is what `visitor_data` gave for these jobs, when the view already asked for it.
    """
    jobs = list(jobs)
    personal = visitor_data(request, jobs) if visitor is None else visitor
    # Reversing two URLs per card was a third of the cards' cost: each is reversed once per page
    # with placeholders, then filled in with each job's id and slugs (which reverse leaves as
    # they are). A page's jobs share places too: each is named once.
    job_url = reverse("jobs:job_detail", args=[PLACEHOLDER_ID, PLACEHOLDER_SLUG])
    company_url = reverse("jobs:company_detail", args=[PLACEHOLDER_SLUG])
    places: dict[int, str] = {}
    cards = []
    for job in jobs:
        names = []
        for location in job.locations.all():
            if location.pk not in places:
                places[location.pk] = str(location)
            names.append(places[location.pk])
        urls = (
            job_url.replace(str(PLACEHOLDER_ID), str(job.pk)).replace(PLACEHOLDER_SLUG, job.slug),
            company_url.replace(PLACEHOLDER_SLUG, job.company.slug),
        )
        cards.append(_card(job, urls, "; ".join(names), personal.get(job.pk)))
    return cards


def _card(job: Job, urls: tuple[str, str], places: str, visitor: dict | None) -> Card:
    published = timezone.localtime(job.published_at) if job.published_at else None
    return Card(
        job=job,
        url=urls[0],
        company_url=urls[1],
        places=places,
        salary=salary_range(job),
        required_skills=[js.skill.name for js in job.job_skills.all() if js.is_required],
        posted_iso=published.isoformat() if published else "",
        posted_date=dateformat.format(published, "j F Y") if published else "",
        posted_ago=ago(job.published_at),
        visitor=visitor,
    )
