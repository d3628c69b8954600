"""Presentation filters for the board's pages: salaries, dates, countries and search controls, and
a tag that writes out a Jinja2 partial."""

from datetime import timedelta

from django import template
from django.template import engines
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.timesince import timesince
from django_countries import countries

from careerboard.markdown import markdown_text

register = template.Library()


def _amount(value: int) -> str:
    return f"{value:,}"


@register.filter
def salary_range(job) -> str:
    """The salary as people read it: "USD 120,000–150,000 per year"; empty when not given."""
    low, high = job.salary_min, job.salary_max
    if low is None and high is None:
        return ""
    currency = job.salary_currency
    period = job.get_salary_period_display()
    if low is not None and high is not None and low != high:
        figure = f"{currency} {_amount(low)}–{_amount(high)}"
    elif low is not None and high is not None:
        figure = f"{currency} {_amount(low)}"
    elif low is not None:
        figure = f"From {currency} {_amount(low)}"
    else:
        figure = f"Up to {currency} {_amount(high)}"
    return f"{figure} {period}".strip()


@register.filter
def possessive(name: str) -> str:
    """ "Acme's", but "DefenseWorks Systems'": a name ending in s takes the apostrophe alone."""
    name = str(name)
    return f"{name}'" if name.lower().endswith("s") else f"{name}'s"


@register.filter
def plain_text(markdown: str) -> str:
    """Markdown as one line of plain text (link previews show neither "###" nor tags)."""
    return markdown_text(markdown)


@register.filter
def ago(value) -> str:
    """How long ago, to the largest unit only: "3 days ago", "just now"."""
    if not value:
        return ""
    if timezone.now() - value < timedelta(minutes=1):
        return "just now"
    return f"{timesince(value, depth=1)} ago"


@register.filter
def country_names(codes) -> str:
    """ISO country codes as names in a sentence: "Germany, France and Spain"."""
    names = [countries.name(code) or code for code in codes or ()]
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


@register.simple_tag
def page_numbers(page):
    """The page numbers around the current one, with `…` standing for the gaps."""
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))


@register.simple_tag(takes_context=True)
def jinja(context, name: str, **values):
    """`{% jinja "jobs/_job_cards.html" cards=cards %}`: a partial of templates/jinja2, rendered by
    Jinja2 with these values (and, with the request, `csrf_input`), where it stands.

    For the partials a page repeats many times, the job cards above all: Jinja2 compiles a
    template to Python and writes twenty cards in about a quarter of the time the Django template
    language takes (benchmarks/README.md). Jinja2 escapes every value, as Django does.
    """
    partial = engines["jinja2"].get_template(name)
    return mark_safe(partial.render(values, getattr(context, "request", None)))
