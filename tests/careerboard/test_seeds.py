"""Seed loading: idempotent, follows the files, never undoes an admin's edit."""

import io
import textwrap

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from careerboard import seeding
from careerboard.models import (
    CareerRole,
    CareerStep,
    ExchangeRate,
    Resource,
    RoleSkill,
    SalaryFigure,
    Skill,
)
from careerboard.seeding import SEEDS_DIR, SeedError, seeds_load

pytestmark = pytest.mark.django_db

SKILLS = """
[[skill]]
key = "python"
name = "Python"
category = "language"
description = "A general-purpose language."
aliases = ["py"]
sources = ["doc-a.txt"]

[[skill]]
key = "sql"
name = "SQL"
category = "database"
description = "The language of relational databases."
aliases = []
sources = ["doc-b.txt"]
"""

CAREERS = """
[[sector]]
key = "government"
name = "Government agencies"
description = "Public bodies."
sources = ["doc-a.txt"]

[[role]]
key = "backend-developer"
name = "Back-end Developer"
other_names = ["Back-end Engineer"]
summary = "Builds the server side."
responsibilities = ["Design APIs"]
typical_tasks = ["Review code"]
sources = ["doc-a.txt"]

[[role]]
key = "senior-backend-developer"
name = "Senior Back-end Developer"
summary = "Leads larger pieces of work."
sources = ["doc-a.txt"]

[[step]]
key = "backend-developer--senior-backend-developer"
from = "backend-developer"
to = "senior-backend-developer"
sources = ["doc-b.txt"]

[[education]]
key = "cs-degree"
role = "backend-developer"
name = "Computer science degree"
description = "Four years."
sources = ["doc-b.txt"]
"""

ROLE_SKILLS = """
[[role_skill]]
key = "backend-developer--python"
role = "backend-developer"
skill = "python"
importance = "core"
sources = ["doc-a.txt"]

[[role_skill]]
key = "backend-developer--sql"
role = "backend-developer"
skill = "sql"
importance = "optional"
sources = ["doc-b.txt"]

[[role_skill]]
key = "senior-backend-developer--python"
role = "senior-backend-developer"
skill = "python"
importance = "core"
sources = ["doc-a.txt"]

[[learning_step]]
key = "first-language"
role = "backend-developer"
name = "One language"
description = "Start with one."
skills = ["python"]
sources = ["doc-b.txt"]
"""

FACTS = """
[[fact]]
key = "career-fairs"
role = "backend-developer"
topic = "openings"
name = "Where openings are heard of"
items = ["Career fairs"]
sources = ["doc-c.txt"]
"""

RESOURCES = """
[[resource]]
key = "stack-overflow"
name = "Stack Overflow"
kind = "community"
url = "https://stackoverflow.com/"
description = "Questions and answers."
skills = ["python"]
featured = true
sources = ["doc-c.txt"]
"""

FIGURES = """
[[salary]]
key = "median-hourly"
role = "backend-developer"
label = "Median hourly wage"
statistic = "median"
amount = 61.18
currency = "USD"
period = "hour"
region = "United States"
as_of = "2023"
publisher = "BLS"
source = "doc-a.txt"

[[salary]]
key = "range-yearly"
role = "backend-developer"
label = "Typical range"
statistic = "range"
low = 72000
high = 146000
currency = "USD"
period = "year"
region = "United States"
as_of = ""
publisher = ""
source = "doc-b.txt"

[[outlook]]
key = "growth"
role = "backend-developer"
label = "Projected growth"
growth_percent = 22.0
period_start = 2020
period_end = 2030
openings = 0
openings_label = ""
region = "United States"
publisher = "BLS"
source = "doc-c.txt"
"""


SOURCES = """
[[document]]
key = "doc-a"
file_name = "doc-a.txt"
title = "Document A"
source = "doc-a.txt"

[[document]]
key = "doc-b"
file_name = "doc-b.txt"
title = "Document B"
publisher = "Publisher B"
published = "2024"
quotes = ["BLS"]
source = "doc-b.txt"

[[document]]
key = "doc-c"
file_name = "doc-c.txt"
title = "Document C"
source = "doc-c.txt"
"""

RATES = """
[[rate]]
key = "ecb-usd"
currency = "USD"
per_euro = 1.25
as_of = 2010-09-10
published_by = "European Central Bank euro reference rates"
source = "European Central Bank euro reference rates, 10 September 2010"
"""


@pytest.fixture
def seed_dir(tmp_path):
    files = {
        "sources.toml": SOURCES,
        "skills.toml": SKILLS,
        "careers.toml": CAREERS,
        "role_skills.toml": ROLE_SKILLS,
        "facts.toml": FACTS,
        "resources.toml": RESOURCES,
        "figures.toml": FIGURES,
        "rates.toml": RATES,
    }
    for name, text in files.items():
        (tmp_path / name).write_text(textwrap.dedent(text))
    return tmp_path


def test_first_load_creates_every_record_with_links_and_sources(seed_dir):
    report = seeds_load(directory=seed_dir)
    assert report["skills"]["created"] == 2
    role = CareerRole.objects.get(slug="backend-developer")
    assert {s.slug for s in role.skills.all()} == {"python", "sql"}
    assert {n.skill.slug: n.importance for n in role.skill_needs.all()} == {
        "python": "core",
        "sql": "optional",
    }
    assert [s.slug for s in role.learning_steps.get().skills.all()] == ["python"]
    assert role.facts.get().items == ["Career fairs"]
    assert [r.slug for r in role.next_roles.all()] == ["senior-backend-developer"]
    assert role.education.get().name == "Computer science degree"
    assert Resource.objects.get().skills.get().slug == "python"
    hourly = SalaryFigure.objects.get(seed_key="median-hourly")
    assert str(hourly.amount) == "61.18"
    assert hourly.sources == ["doc-a.txt"]


def test_second_load_changes_nothing(seed_dir):
    seeds_load(directory=seed_dir)
    before = list(Skill.objects.values())
    report = seeds_load(directory=seed_dir)
    assert all(set(counts) == {"unchanged"} for counts in report.values())
    assert list(Skill.objects.values()) == before


def test_admin_edit_survives_reseeding_while_unedited_records_follow_the_files(seed_dir):
    seeds_load(directory=seed_dir)
    python = Skill.objects.get(slug="python")
    python.description = "Our admin's better description."
    python.save()
    role = CareerRole.objects.get(slug="backend-developer")
    role.skill_needs.filter(skill__slug="sql").update(is_hidden=True)
    role.skill_needs.filter(skill__slug="python").update(importance="optional")
    (seed_dir / "skills.toml").write_text(
        textwrap.dedent(SKILLS)
        .replace("A general-purpose language.", "Changed upstream.")
        .replace("The language of relational databases.", "Updated in the file.")
    )
    report = seeds_load(directory=seed_dir)
    assert Skill.objects.get(slug="python").description == "Our admin's better description."
    assert Skill.objects.get(slug="sql").description == "Updated in the file."
    (python_need,) = role.skill_needs.visible()
    assert python_need.importance == "optional"
    assert report["skills"] == {"kept admin edit": 1, "updated": 1}
    assert report["skills roles need"] == {"kept admin edit": 1, "unchanged": 2}


def test_reseeding_adds_new_entries_and_keeps_hidden_records_hidden(seed_dir):
    seeds_load(directory=seed_dir)
    Resource.objects.update(is_hidden=True)
    with (seed_dir / "skills.toml").open("a") as handle:
        handle.write(
            '\n[[skill]]\nkey = "go"\nname = "Go"\ncategory = "language"\nsources = ["doc-a.txt"]\n'
        )
    report = seeds_load(directory=seed_dir)
    assert report["skills"]["created"] == 1
    assert Skill.objects.filter(slug="go").exists()
    assert Resource.objects.get().is_hidden


def test_dry_run_writes_nothing(seed_dir):
    report = seeds_load(directory=seed_dir, dry_run=True)
    assert report["skills"]["created"] == 2
    assert not Skill.objects.exists()


def test_a_broken_reference_is_reported_and_nothing_is_half_loaded(seed_dir):
    (seed_dir / "resources.toml").write_text(
        textwrap.dedent(RESOURCES).replace('skills = ["python"]', 'skills = ["cobol"]')
    )
    with pytest.raises(SeedError, match="cobol"):
        seeds_load(directory=seed_dir)
    assert not Skill.objects.exists()


def test_command_reports_counts_and_turns_errors_into_command_errors(seed_dir, tmp_path_factory):
    out = io.StringIO()
    call_command("load_seeds", path=seed_dir, stdout=out)
    assert "skills: 2 created" in out.getvalue()
    with pytest.raises(CommandError, match="Missing seed file"):
        call_command("load_seeds", path=tmp_path_factory.mktemp("empty"), stdout=out)


def test_the_project_seed_files_load_cleanly_twice():
    seeds_load(directory=SEEDS_DIR)
    report = seeds_load(directory=SEEDS_DIR)
    assert all(set(counts) <= {"unchanged"} for counts in report.values())
    assert Skill.objects.count() >= 30
    assert CareerRole.objects.filter(slug="backend-developer").exists()


@pytest.mark.parametrize("sources", ["sources = []", 'sources = [""]', ""])
def test_an_entry_without_a_source_is_refused_and_nothing_is_loaded(seed_dir, sources):
    text = textwrap.dedent(SKILLS)
    first_source = text.index("sources = ")
    end_of_line = text.index("\n", first_source)
    (seed_dir / "skills.toml").write_text(text[:first_source] + sources + text[end_of_line:])
    with pytest.raises(SeedError, match="no source document"):
        seeds_load(directory=seed_dir)
    assert not Skill.objects.exists()


def test_a_role_loaded_before_its_job_search_existed_still_follows_the_files(seed_dir):
    seeds_load(directory=seed_dir)
    role = CareerRole.objects.get(slug="backend-developer")
    # The fingerprint an earlier loader took, when roles had no job search (and no sectors).
    loader = seeding._Loader(seeding.read_seed_files(seed_dir))
    spec = next(spec for spec in seeding.SPECS if spec.model is CareerRole)
    earlier = loader.current_values(spec, role)
    del earlier["job_search"], earlier["sectors"]
    CareerRole.objects.filter(pk=role.pk).update(seed_checksum=seeding._fingerprint(earlier))
    (seed_dir / "careers.toml").write_text(
        textwrap.dedent(CAREERS).replace(
            'key = "backend-developer"', 'key = "backend-developer"\njob_search = { q = "backend" }'
        )
    )
    report = seeds_load(directory=seed_dir)
    assert report["career roles"]["updated"] == 1
    assert CareerRole.objects.get(pk=role.pk).job_search == {"q": "backend"}


@pytest.mark.parametrize("fields_then", [("qualifier", "level"), ("level",)])
def test_a_figure_loaded_by_any_earlier_loader_still_follows_the_files(seed_dir, fields_then):
    """Loaded before figures had a qualifier and a level, or before they had a level only."""
    seeds_load(directory=seed_dir)
    figure = SalaryFigure.objects.get(seed_key="median-hourly")
    loader = seeding._Loader(seeding.read_seed_files(seed_dir))
    spec = next(spec for spec in seeding.SPECS if spec.model is SalaryFigure)
    earlier = {k: v for k, v in loader.current_values(spec, figure).items() if k not in fields_then}
    SalaryFigure.objects.filter(pk=figure.pk).update(seed_checksum=seeding._fingerprint(earlier))
    (seed_dir / "figures.toml").write_text(
        textwrap.dedent(FIGURES).replace(
            'key = "median-hourly"', 'key = "median-hourly"\nlevel = "mid"'
        )
    )
    report = seeds_load(directory=seed_dir)
    assert report["salary figures"]["updated"] == 1
    assert SalaryFigure.objects.get(pk=figure.pk).level == "mid"


BEFORE_STEPS = ("careerboard", "0006_source_documents_and_figure_qualifiers")


@pytest.mark.django_db(transaction=True)
def test_links_made_before_steps_were_records_are_kept_and_then_get_their_sources(seed_dir):
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE_STEPS])
    try:
        Role = executor.loader.project_state([BEFORE_STEPS]).apps.get_model(
            "careerboard", "CareerRole"
        )
        developer, senior, own = (
            Role.objects.create(name=name, slug=slug, seed_key=key)
            for name, slug, key in [
                ("Back-end Developer", "backend-developer", "backend-developer"),
                (
                    "Senior Back-end Developer",
                    "senior-backend-developer",
                    "senior-backend-developer",
                ),
                ("A role an admin added", "admin-role", None),
            ]
        )
        developer.next_roles.add(senior, own)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    steps = {step.to_role.slug: step for step in CareerStep.objects.select_related("to_role")}
    assert set(steps) == {"senior-backend-developer", "admin-role"}
    assert steps["admin-role"].seed_key is None
    report = seeds_load(directory=seed_dir)
    assert report["career steps"] == {"updated": 1}
    assert CareerStep.objects.get(to_role__slug="senior-backend-developer").sources == ["doc-b.txt"]
    assert CareerStep.objects.filter(to_role__slug="admin-role").exists()


BEFORE_ROLE_SKILLS = ("careerboard", "0007_career_steps_with_sources")


@pytest.mark.django_db(transaction=True)
def test_skills_linked_before_role_skills_were_records_are_kept_and_then_get_their_sources(
    seed_dir,
):
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE_ROLE_SKILLS])
    try:
        old = executor.loader.project_state([BEFORE_ROLE_SKILLS]).apps
        Role, OldSkill = (
            old.get_model("careerboard", "CareerRole"),
            old.get_model("careerboard", "Skill"),
        )
        python, sql, cobol = (
            OldSkill.objects.create(name=name, slug=key, category="language", seed_key=seed_key)
            for name, key, seed_key in [
                ("Python", "python", "python"),
                ("SQL", "sql", "sql"),
                ("COBOL", "cobol", None),
            ]
        )
        # As the loader left them: the developer unedited, the senior role edited by an admin.
        values = {
            "name": "Back-end Developer",
            "other_names": ["Back-end Engineer"],
            "summary": "Builds the server side.",
            "responsibilities": ["Design APIs"],
            "typical_tasks": ["Review code"],
            "job_search": {},
            "slug": "backend-developer",
            "sources": ["doc-a.txt"],
            "sort_order": 0,
        }
        developer = Role.objects.create(
            **values,
            seed_key="backend-developer",
            seed_checksum=seeding._fingerprint({**values, "skills": [python.pk, sql.pk]}),
        )
        senior = Role.objects.create(
            name="Senior Back-end Developer",
            slug="senior-backend-developer",
            summary="Our admin's summary.",
            sources=["doc-a.txt"],
            sort_order=1,
            seed_key="senior-backend-developer",
            seed_checksum="0" * 64,
        )
        developer.skills.add(python, sql)
        senior.skills.add(python, cobol)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    senior = CareerRole.objects.get(slug="senior-backend-developer")
    assert {s.slug for s in senior.skills.all()} == {"python", "cobol"}
    assert senior.skill_needs.get(skill__slug="cobol").seed_key is None
    report = seeds_load(directory=seed_dir)
    assert report["career roles"] == {"unchanged": 1, "kept admin edit": 1}
    assert report["skills roles need"] == {"updated": 3}
    needs = {
        (n.role.slug, n.skill.slug): (n.importance, n.sources)
        for n in RoleSkill.objects.select_related("role", "skill")
    }
    assert needs == {
        ("backend-developer", "python"): ("core", ["doc-a.txt"]),
        ("backend-developer", "sql"): ("optional", ["doc-b.txt"]),
        ("senior-backend-developer", "python"): ("core", ["doc-a.txt"]),
        ("senior-backend-developer", "cobol"): ("core", []),
    }


def test_exchange_rates_load_naming_their_publication_and_keep_an_admins_rate(seed_dir):
    seeds_load(directory=seed_dir)
    rate = ExchangeRate.objects.get(seed_key="ecb-usd")
    assert (rate.currency, str(rate.per_euro), str(rate.as_of)) == ("USD", "1.250000", "2010-09-10")
    assert rate.sources == ["European Central Bank euro reference rates, 10 September 2010"]
    assert seeds_load(directory=seed_dir)["exchange rates"] == {"unchanged": 1}
    rate.per_euro = "1.10"
    rate.save()
    assert seeds_load(directory=seed_dir)["exchange rates"] == {"kept admin edit": 1}
    assert str(ExchangeRate.objects.get(seed_key="ecb-usd").per_euro) == "1.100000"
