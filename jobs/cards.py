"""Job cards prepared in bulk by the view, so that the card template only shows values.

What a card shows about the visitor (match score, missing skills, saved state) comes from the
app that knows the visitor: it registers a function with `register_visitor_data`, which this
module calls once per page for all its jobs. Jobs never import the apps above it.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache, partial
from typing import Any

from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.safestring import mark_safe
from django.utils.text import Truncator, capfirst

from careerboard.caching import PLACE_NAMES_COPY, worker_copy
from careerboard.models import REFERENCE_CURRENCY, ExchangeRate, rates_note, yearly_in_euros
from careerboard.templatetags.board import ago, country_names, possessive, salary_range
from jobs.logos import Logo, company_logo
from jobs.models import Job

# (request, jobs, detailed) -> {job id: what the card shows of this visitor for that job}
VisitorData = Callable[[Any, list[Job], bool], dict[int, dict]]
_visitor_data: list[VisitorData] = []
# Digits pass every path converter (int, slug, str) and appear in no real URL of the site.
PLACEHOLDER = 918273645546372800


def reverse_each(name: str, arguments: int) -> Callable[..., str]:
    """`reverse(name, args=values)` for the values of many objects, at the cost of one reverse.

    Reversing is a third of a card's cost; the URL is reversed once with placeholders, then each
    call fills them in. Only for ids and slugs, which reversing leaves as they are.
    """
    placeholders = [str(PLACEHOLDER + n) for n in range(arguments)]
    pattern = reverse(name, args=placeholders)

    def fill(*values) -> str:
        url = pattern
        for placeholder, value in zip(placeholders, values, strict=True):
            url = url.replace(placeholder, str(value))
        return url

    return fill


def register_visitor_data(function: VisitorData) -> None:
    if function not in _visitor_data:
        _visitor_data.append(function)


@dataclass(frozen=True)
class Card:
    job: Job
    url: str
    company_url: str
    logo: Logo
    places: str
    # The display names of the job's choices, read once here rather than by the template.
    workplace_label: str
    employment_type_label: str
    seniority_label: str
    salary: str
    # "about EUR 28,000 a year" for pay in another currency, and the rate it was converted at.
    salary_in_euros: str
    salary_rate: str
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


def exchange_rates(jobs: Iterable[Job], *, wanted: bool = False) -> dict[str, ExchangeRate]:
    """The rates salaries are converted at, read only when a job is paid in a currency other
    than the euro or the page `wanted` them anyway."""
    foreign = any(job.has_salary and job.salary_currency != REFERENCE_CURRENCY for job in jobs)
    return ExchangeRate.objects.current() if wanted or foreign else {}


def salary_in_euros(job: Job, rates: dict[str, ExchangeRate]) -> tuple[str, str]:
    """("about EUR 28,000 a year", the rate and its source) for pay in another currency with a
    rate; empty strings otherwise. Rounded to the thousand: it is a hint, not an offer."""
    rate = rates.get(job.salary_currency)
    if rate is None or not job.has_salary:
        return "", ""
    low, high = (
        yearly_in_euros(amount, job.salary_currency, rates)
        for amount in (job.salary_min_annual, job.salary_max_annual)
    )
    low, high = (round(value, -3) if value else value for value in (low, high))
    if low is not None and high is not None and low != high:
        figure = f"{low:,}–{high:,}"
    else:
        figure = f"{low if low is not None else high:,}"
    converted = f"about {REFERENCE_CURRENCY} {figure} a year"
    at = f"1 {REFERENCE_CURRENCY} = {rate.per_euro.normalize():f} {rate.currency}"
    return converted, f"Converted at {at}, {rates_note({rate.currency: rate})}"


def job_cards(
    request,
    jobs: Iterable[Job],
    *,
    visitor: dict[int, dict] | None = None,
    rates: dict[str, ExchangeRate] | None = None,
) -> list[Card]:
    """Cards for jobs fetched `with_card_data()`: every value the card shows, worked out once.

    `visitor` is what `visitor_data` gave for these jobs, when the view already asked for it;
    `rates` the exchange rates, when the view already read them (see exchange_rates).
    """
    jobs = list(jobs)
    personal = visitor_data(request, jobs) if visitor is None else visitor
    rates = exchange_rates(jobs) if rates is None else rates
    job_url = reverse_each("jobs:job_detail", 2)
    company_url = reverse_each("jobs:company_detail", 1)
    # A page's jobs share places and companies: each is named and drawn once (a place's name
    # once per worker while public data stays as it was).
    places: dict[int, str] = worker_copy(PLACE_NAMES_COPY, dict)
    logos: dict[int, Logo] = {}
    # ... and often a posting day, written out once.
    days: dict[date, str] = {}
    cards = []
    for job in jobs:
        names = []
        for location in job.locations.all():
            if location.pk not in places:
                places[location.pk] = str(location)
            names.append(places[location.pk])
        if job.company_id not in logos:
            logos[job.company_id] = company_logo(job.company)
        urls = (job_url(job.pk, job.slug), company_url(job.company.slug))
        cards.append(
            _card(
                job,
                urls,
                logos[job.company_id],
                "; ".join(names),
                personal.get(job.pk),
                rates,
                days,
            )
        )
    return cards


@cache
def choice_labels() -> dict[str, dict[str, str]]:
    """What get_FOO_display() gives for each of a job's choices a card shows, read once per
    worker rather than looked up for each card (the board is in English only)."""
    return {
        name: {value: str(label) for value, label in Job._meta.get_field(name).choices}
        for name in ("workplace", "employment_type", "seniority")
    }


def choice_label(job: Job, name: str) -> str:
    """`job.get_<name>_display()`, from choice_labels()."""
    value = getattr(job, name)
    return choice_labels()[name].get(value, value)


def _card(
    job: Job,
    urls: tuple[str, str],
    logo: Logo,
    places: str,
    visitor: dict | None,
    rates: dict,
    days: dict[date, str],
) -> Card:
    published = timezone.localtime(job.published_at) if job.published_at else None
    if published is not None and published.date() not in days:
        days[published.date()] = dateformat.format(published, "j F Y")
    in_euros, rate = salary_in_euros(job, rates)
    return Card(
        job=job,
        url=urls[0],
        company_url=urls[1],
        logo=logo,
        places=places,
        workplace_label=choice_label(job, "workplace"),
        employment_type_label=choice_label(job, "employment_type"),
        seniority_label=choice_label(job, "seniority"),
        salary=salary_range(job),
        salary_in_euros=in_euros,
        salary_rate=rate,
        required_skills=[skill.name for skill, required in job.card_skill_list if required],
        posted_iso=published.isoformat() if published else "",
        posted_date=days[published.date()] if published else "",
        posted_ago=ago(job.published_at),
        visitor=visitor,
    )


def job_article(
    job: Job,
    *,
    facts: Card | dict,
    required: list,
    optional: list,
    locations: list,
    fit: dict | None = None,
    fit_html: str = "",
    preview: bool = False,
) -> dict:
    """What jinja2/jobs/_job_article.html shows of a job: on its page, its card's `facts` and
    the visitor's `fit` (rendered as `fit_html` for a seeker); in the posting form's preview,
    `facts` as the form could read them, for a job not saved yet."""
    company = job.company
    closes = timezone.localtime(job.expires_at) if job.expires_at else None
    read = facts.get if isinstance(facts, dict) else partial(getattr, facts)
    in_euros = read("salary_in_euros", "")
    website = company.website.replace("https://", "").replace("http://", "")
    return {
        "job": job,
        "facts": facts,
        "logo": read("logo", None) or company_logo(company),
        "company_url": company.get_absolute_url(),
        "company_possessive": possessive(company.name),
        "description_html": mark_safe(job.description_html),
        "required": required,
        "optional": optional,
        "locations": locations,
        "fit": fit,
        "fit_html": mark_safe(fit_html),
        "preview": preview,
        "apply_link": (
            reverse("jobs:job_apply", args=[job.pk]) if job.pk and job.is_public else job.apply_url
        ),
        "profile_apply_url": reverse("profiles:apply", args=[job.pk]) if job.pk else "",
        "report_url": reverse("jobs:job_report", args=[job.pk]) if job.pk else "",
        "closes_iso": dateformat.format(closes, "c") if closes else "",
        "closes_long": dateformat.format(closes, "j F Y") if closes else "",
        "closes_short": dateformat.format(closes, "j M Y") if closes else "",
        "countries": country_names(job.applicant_countries),
        "salary_in_euros": capfirst(in_euros),
        "salary_rate": read("salary_rate", ""),
        "website_shown": Truncator(website).chars(40),
    }
