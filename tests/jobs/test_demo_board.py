"""The demo board `make run` loads reads like a real one: titled job addresses, names said the way
people say them, and jobs that take applications on the board."""

import html
import re
import tomllib

import pytest
from django.core.management import call_command
from django.utils.text import slugify

from careerboard.templatetags.board import possessive
from jobs.management.commands.load_demo import DEMO_FILE
from jobs.models import Company, Job

pytestmark = pytest.mark.django_db
# "Systems's", "Analytics's": a possessive s after a final s.
S_APOSTROPHE_S = re.compile(r"\w+s['’]s\b", re.I)


@pytest.fixture
def demo():
    call_command("load_seeds", verbosity=0)
    call_command("load_demo", verbosity=0)


def test_the_demo_board_reads_like_a_real_one(demo, client):
    jobs = Job.objects.published()
    assert jobs.count() > 50
    # Job addresses carry their titles; the bare id leads there.
    for job in jobs:
        assert job.get_absolute_url() == f"/jobs/{job.pk}/{slugify(job.title)}/"
    job = jobs.first()
    moved = client.get(f"/jobs/{job.pk}/")
    assert moved.status_code == 301 and moved["Location"] == job.get_absolute_url()

    # Several jobs take applications on the board, the demo employer's company among them (so
    # its dashboard shows applicants too).
    on_site = jobs.filter(apply_on_site=True)
    assert on_site.count() >= 5
    first = Company.objects.exclude(slug__startswith="gen-").order_by("pk").first()
    assert on_site.filter(company=first).exists()

    # No "Systems's": not in the data, nor where a page makes a possessive of a name.
    texts = [
        *Company.objects.values_list("name", "about"),
        *Job.objects.values_list("title", "description"),
    ]
    assert [match for row in texts for text in row for match in S_APOSTROPHE_S.findall(text)] == []
    job = jobs.filter(company__name="DefenseWorks Systems", apply_url__gt="")[0]
    page = html.unescape(client.get(job.get_absolute_url()).content.decode())
    assert "You continue on DefenseWorks Systems' own site." in page
    assert not S_APOSTROPHE_S.search(page)


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("Acme", "Acme's"),
        ("DefenseWorks Systems", "DefenseWorks Systems'"),
        ("Bluefin Analytics", "Bluefin Analytics'"),
    ],
)
def test_a_possessive_is_made_the_way_people_write_it(name, said):
    assert possessive(name) == said


def test_loading_again_adds_nothing_and_brings_a_board_of_key_slugs_up_to_date(demo):
    """Boards loaded when a demo job's slug was its fixture key get titled addresses and the
    jobs that take applications here; nothing else changes."""
    with DEMO_FILE.open("rb") as handle:
        entry = next(e for e in tomllib.load(handle)["job"] if e.get("apply_on_site"))
    job = Job.objects.get(description=entry["description"].strip())
    before = dict(Job.objects.values_list("pk", "slug"))
    Job.objects.filter(pk=job.pk).update(slug=entry["key"], apply_on_site=False)

    call_command("load_demo", verbosity=0)

    assert dict(Job.objects.values_list("pk", "slug")) == before
    job.refresh_from_db()
    assert job.slug == slugify(job.title) and job.apply_on_site
