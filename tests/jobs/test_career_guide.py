"""What a role page tells a seeker beside pay (issue #13): what each outlook figure measures."""

import re
import tomllib

import pytest
from django.urls import reverse

from careerboard.seeding import SEEDS_DIR, seeds_load

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    seeds_load(directory=SEEDS_DIR)


def seed(name):
    with (SEEDS_DIR / name).open("rb") as handle:
        return tomllib.load(handle)


def page(client, slug) -> str:
    response = client.get(reverse("career_detail", args=[slug]))
    assert response.status_code == 200
    return response.content.decode()


def section(html: str, heading_id: str) -> str:
    start = html.index(f'id="{heading_id}"')
    return html[start : html.index("</section>", start)]


def test_each_outlook_figure_says_what_it_measures_and_they_are_not_one_trend(client, seeded):
    outlook = section(page(client, "backend-developer"), "outlook-title")
    assert "do not add up to one trend" in outlook
    for entry in seed("figures.toml")["outlook"]:
        assert entry["measures"], entry["key"]
        assert entry["measures"] in outlook, entry["key"]
    notes = re.findall(r"What it measures: ([^<]+)<", outlook)
    assert len(notes) == len(seed("figures.toml")["outlook"])
    assert any("job openings" in n and "2031" in n for n in notes)
    assert any("all software developers" in n and "2019" in n for n in notes)
    assert any("2020 to 2030" in n for n in notes)
