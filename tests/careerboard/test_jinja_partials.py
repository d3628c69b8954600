"""`{% jinja %}` writes out a partial of templates/jinja2 where it stands, escaped as Django
would escape it, with the request's CSRF token for its forms."""

import pytest
from django.template import TemplateDoesNotExist, engines
from django.test import RequestFactory

CARD = {
    "job": {"workplace": "remote", "seniority": "senior"},
    "places": "Berlin & <Brandenburg>",
    "workplace_label": "Remote",
    "employment_type_label": "Full-time",
    "seniority_label": "Senior",
    "salary": "EUR 60,000–70,000 per year",
}


def render(source: str, context: dict, request=None) -> str:
    template = engines["django"].from_string("{% load board %}" + source)
    return template.render(context, request)


def test_the_partial_gets_the_values_named_and_escapes_them_as_django_does():
    html = render('{% jinja "jobs/_job_facts.html" card=card salary_class="pay" %}', {"card": CARD})
    django = engines["django"].from_string("{{ card.places }}").render({"card": CARD})

    assert '<p class="pay"><span class="visually-hidden">Salary: </span>EUR 60,000' in html
    assert '<span class="badge seniority-senior">Senior</span>' in html
    assert f'<li class="job-card-place">{django}</li>' in html
    assert "Berlin &amp; &lt;Brandenburg&gt;" in html


def test_a_seekers_card_carries_the_requests_csrf_token_and_a_missing_partial_is_an_error():
    request = RequestFactory().get("/")
    card = {
        **CARD,
        "url": "/jobs/1/x/",
        "job": {**CARD["job"], "title": "Engineer", "is_public": True, "company": {}},
        "logo": {"initials": "AC", "colour": "mark-1"},
        "visitor": {"seeker": True, "has_profile": True, "score": None, "save_url": "/save/1/"},
    }
    html = render('{% jinja "jobs/_job_cards.html" cards=cards %}', {"cards": [card]}, request)

    assert '<form method="post" action="/save/1/" class="save-form">' in html
    assert 'name="csrfmiddlewaretoken" value="' in html
    with pytest.raises(TemplateDoesNotExist):
        render('{% jinja "jobs/no_such_partial.html" %}', {})
