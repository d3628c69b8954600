"""Our seed files quote their documents faithfully: every figure is in the document it cites.

The documents live outside the repository (settings.SEED_SOURCES_DIR); without them these tests
skip, saying why, unless settings.REQUIRE_SEED_SOURCES asks for them (as CI does).
"""

import tomllib
from decimal import Decimal

import pytest
from django.conf import settings

from careerboard.seeding import SEEDS_DIR

DOCUMENTS = settings.SEED_SOURCES_DIR


@pytest.fixture(autouse=True)
def source_documents():
    if any(DOCUMENTS.glob("*.txt")):
        return
    reason = f"the source documents are not at {DOCUMENTS} (set SEED_SOURCES_DIR)"
    if settings.REQUIRE_SEED_SOURCES:
        pytest.fail(f"REQUIRE_SEED_SOURCES is on but {reason}")
    pytest.skip(reason)


def seed(name):
    with (SEEDS_DIR / name).open("rb") as handle:
        return tomllib.load(handle)


def document(name):
    return (DOCUMENTS / name).read_text(errors="ignore")


def written_forms(field: str, number) -> list[str]:
    """How a document prints the number: 127,260 / 61.18 / 26% or 21 percent / 2030."""
    value = Decimal(str(number))
    if field.startswith("period_"):
        return [str(int(value))]
    if field == "growth_percent":
        return [f"{value.normalize():f}%", f"{value.normalize():f} percent"]
    if value == value.to_integral():
        return [f"{int(value):,}"]
    return [f"{value:,}"]


FIGURES = seed("figures.toml")
NUMBERS = [
    (entry["key"], entry["source"], field, entry[field])
    for table in ("salary", "outlook")
    for entry in FIGURES[table]
    for field in (
        "amount",
        "low",
        "high",
        "growth_percent",
        "openings",
        "period_start",
        "period_end",
    )
    if entry.get(field)
]


@pytest.mark.parametrize(
    ("key", "source", "field", "number"), NUMBERS, ids=[f"{k}-{f}" for k, _, f, _ in NUMBERS]
)
def test_every_figure_appears_in_the_document_it_cites(key, source, field, number):
    forms = written_forms(field, number)
    assert any(form in document(source) for form in forms), f"{key}: none of {forms} in {source}"


# What the board's editors say, where no document does: cited by name, shown as such.
EDITORIAL = {d["file_name"] for d in seed("sources.toml")["document"] if d.get("is_editorial")}


@pytest.mark.parametrize(
    "name", ["sources.toml", "skills.toml", "careers.toml", "resources.toml", "figures.toml"]
)
def test_every_entry_names_existing_source_documents(name):
    existing = {path.name for path in DOCUMENTS.glob("*.txt")} | EDITORIAL
    for table, entries in seed(name).items():
        for entry in entries:
            cited = entry.get("sources") or [entry.get("source")]
            assert cited and set(cited) <= existing, f"{name} [[{table}]] {entry['key']}: {cited}"


def test_all_five_documents_are_drawn_from():
    cited = {
        source
        for name in ("skills.toml", "careers.toml", "resources.toml", "figures.toml")
        for entries in seed(name).values()
        for entry in entries
        for source in entry.get("sources") or [entry["source"]]
    }
    assert cited - EDITORIAL == {path.name for path in DOCUMENTS.glob("*.txt")}


def test_each_document_is_described_by_the_title_it_gives_itself():
    for entry in seed("sources.toml")["document"]:
        if entry["file_name"] in EDITORIAL:
            continue
        title = entry["title"].split(" (")[0].split(" job description")[0]
        assert title.lower() in document(entry["file_name"]).lower(), entry["key"]
