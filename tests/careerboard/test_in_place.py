"""`{% in_place %}` writes a partial out where it stands, as `{% include %}` would render it."""

import pytest
from django.template import TemplateSyntaxError, engines

CARD = {
    "job": {"workplace": "remote", "seniority": "senior"},
    "places": "Berlin",
    "workplace_label": "Remote",
    "employment_type_label": "Full-time",
    "seniority_label": "Senior",
    "salary": "EUR 60,000–70,000 per year",
}


def render(source: str, context: dict) -> str:
    return engines["django"].from_string("{% load board %}" + source).render(context)


def test_in_place_shows_what_include_shows_and_its_names_end_with_it():
    included = render(
        '{% include "jobs/_job_facts.html" with card=card salary_class="pay" only %}',
        {"card": CARD},
    )
    in_place = render(
        '{% in_place "jobs/_job_facts.html" salary_class="pay" %}[{{ salary_class }}]',
        {"card": CARD},
    )
    assert in_place == included + "[]"
    assert '<p class="pay"><span class="visually-hidden">Salary: </span>EUR 60,000' in in_place
    assert '<span class="badge seniority-senior">Senior</span>' in in_place


@pytest.mark.parametrize(
    "tag", ["{% in_place %}", "{% in_place partial_name %}", '{% in_place "x.html" pay %}']
)
def test_in_place_wants_a_quoted_name_and_named_values(tag):
    with pytest.raises(TemplateSyntaxError):
        render(tag, {})
