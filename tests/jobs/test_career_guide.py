"""What a role page tells a seeker beside pay (issue #13, items 8-10): core and optional skills,
a learning order, the documents' facts on work, demand, remote work and getting hired, and what
each outlook figure measures; skill pages link the roles that need them."""

import re
import tomllib

import pytest
from django.urls import reverse

from careerboard.models import CareerFact, RoleSkill
from careerboard.seeding import SEEDS_DIR, seeds_load

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    seeds_load(directory=SEEDS_DIR)


def seed(name):
    with (SEEDS_DIR / name).open("rb") as handle:
        return tomllib.load(handle)


TITLES = {d["file_name"]: d["title"] for d in seed("sources.toml")["document"]}


def page(client, slug) -> str:
    response = client.get(reverse("career_detail", args=[slug]))
    assert response.status_code == 200
    return response.content.decode()


def section(html: str, heading_id: str) -> str:
    start = html.index(f'id="{heading_id}"')
    return html[start : html.index("</section>", start)]


def test_back_end_page_lists_core_and_optional_skills_with_their_sources(client, seeded):
    skills = section(page(client, "backend-developer"), "skills-title")
    core, optional = skills.split('id="skills-optional"')
    assert ">Python</a>" in core and ">SQL</a>" in core and ">Git</a>" in core
    assert ">Amazon Web Services</a>" in optional and ">Django</a>" in optional
    assert ">Amazon Web Services</a>" not in core
    # Each group cites the documents behind its links, by title.
    assert f"<cite>{TITLES['001_fc46c0f516167f63.txt']}</cite>" in core
    assert f"<cite>{TITLES['001_fc46c0f516167f63.txt']}</cite>" in optional


def test_a_need_no_document_states_is_shown_as_our_editors_view(client, seeded):
    skills = section(page(client, "database-administrator"), "skills-title")
    assert "CareerBoard's own editorial view" in skills


def test_every_seeded_link_of_a_role_to_a_skill_says_core_or_optional_and_cites(seeded):
    needs = RoleSkill.objects.all()
    assert needs.count() == len(seed("role_skills.toml")["role_skill"])
    assert all(need.sources and need.importance in {"core", "optional"} for need in needs)


def test_the_learning_order_is_shown_in_order_with_skills_and_sources(client, seeded):
    html = section(page(client, "backend-developer"), "learning-title")
    names = [step["name"] for step in seed("role_skills.toml")["learning_step"]]
    positions = [html.index(name) for name in names]
    assert positions == sorted(positions)
    first = html[: html.index(names[1])]
    assert ">Python</a>" in first and f"<cite>{TITLES['002_435ffa9e84e46b74.txt']}</cite>" in first


def roles_line(html: str) -> str:
    start = html.index('id="roles-title"')
    return html[start : html.index("</p>", start)]


def test_skill_page_links_the_roles_that_need_it_and_how(client, seeded):
    html = client.get(reverse("skill_detail", args=["sql"])).content.decode()
    roles = roles_line(html)
    assert 'href="/careers/backend-developer/"' in roles
    assert "Back-end Developer</a> (core skill)" in roles
    mysql = client.get(reverse("skill_detail", args=["mysql"])).content.decode()
    assert "Back-end Developer</a> (optional skill)" in roles_line(mysql)


def test_a_hidden_link_leaves_the_skill_page(client, seeded):
    RoleSkill.objects.filter(role__slug="backend-developer").update(is_hidden=True)
    html = client.get(reverse("skill_detail", args=["sql"])).content.decode()
    roles = roles_line(html)
    assert "Back-end Developer" not in roles and "Database Administrator" in roles


def test_every_seeded_fact_is_on_its_role_page_with_its_sources(client, seeded):
    html = page(client, "backend-developer")
    for fact in seed("facts.toml")["fact"]:
        assert fact["name"] in html, fact["key"]
        for item in fact["items"]:
            assert item.replace("'", "&#x27;") in html, (fact["key"], item)
        block = html[html.index(fact["name"]) :]
        block = block[: block.index('class="source"') + 2000].split("</p>", 2)
        cited = "</p>".join(block)
        for source in fact["sources"]:
            assert f"<cite>{TITLES[source]}</cite>" in cited, (fact["key"], source)


def test_facts_sit_in_the_sections_a_seeker_reads(client, seeded):
    html = page(client, "backend-developer")
    assert "Career fairs" in section(html, "facts-hiring-title")
    assert "Whiteboard tests" in section(html, "facts-hiring-title")
    assert "The shift to cloud computing" in section(html, "facts-market-title")
    assert "Working with hardware engineers" in section(html, "facts-work-title")


def test_resources_page_tells_where_openings_are_heard_of_and_how_people_get_hired(client, seeded):
    html = client.get(reverse("resource_list")).content.decode()
    hiring = section(html, "facts-hiring-title")
    assert "Career fairs" in hiring and "Hackathons" in hiring and "Take-home tests" in hiring
    assert f"<cite>{TITLES['000_5278b64e82402938.txt']}</cite>" in hiring
    assert 'id="sources-title"' in html
    CareerFact.objects.update(is_hidden=True)
    assert "Career fairs" not in client.get(reverse("resource_list")).content.decode()


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
