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


SEED_FILES = [
    "sources.toml",
    "skills.toml",
    "careers.toml",
    "role_skills.toml",
    "facts.toml",
    "resources.toml",
    "figures.toml",
]


@pytest.mark.parametrize("name", SEED_FILES)
def test_every_entry_names_existing_source_documents(name):
    existing = {path.name for path in DOCUMENTS.glob("*.txt")} | EDITORIAL
    for table, entries in seed(name).items():
        for entry in entries:
            cited = entry.get("sources") or [entry.get("source")]
            assert cited and set(cited) <= existing, f"{name} [[{table}]] {entry['key']}: {cited}"


def test_all_five_documents_are_drawn_from():
    cited = {
        source
        for name in SEED_FILES[1:]
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


# Per document, the facts of facts.toml drawn from it, each with words of the document that bear
# it out. Every seeded fact appears here under each document it cites, and nowhere else.
FACTS_BY_DOCUMENT = {
    "000_5278b64e82402938.txt": {
        "hearing-about-openings": [
            "career fairs",
            "career services office",
            "networking events",
            "Web sites of companies",
            "internships",
        ],
        "several-languages": ["several coding languages", "versatility"],
    },
    "001_fc46c0f516167f63.txt": {
        "hardware-engineers": ["hardware engineers", "performance requirements"],
        "demand-drivers": ["digitizing", "cloud computing", "IoT"],
        "pay-factors": ["experience, location", "specific programming languages"],
        "remote-and-cost-of-living": ["remote work", "work-life balance", "jobs worldwide"],
        "networking": ["online communities and conferences"],
        "several-languages": ["new programming languages"],
    },
    "002_435ffa9e84e46b74.txt": {
        "cross-browser-testing": ["different browsers and devices", "fixing bugs"],
        "colleagues": ["principal architects", "website testers", "train junior"],
        "remote-and-cost-of-living": ["California", "remote work", "Tulsa"],
        "hearing-about-openings": ["job alerts", "inTulsa Talent Network"],
        "several-languages": ["more than one programming language"],
        "certifications": ["ongoing certifications"],
    },
    "003_773501319588b200.txt": {
        "colleagues": ["designers", "product or project managers"],
        "pay-factors": ["location and years of experience"],
        "networking": ["Slack channels", "conferences", "hack-a-thons", "meetups"],
        "application-materials": ["resume", "LinkedIn profile", "portfolio"],
        "interview-practice": ["Practice Interviewing"],
        "technical-tests": [
            "take-home tests",
            "whiteboard tests",
            "algorithmic tests",
            "pair programming tests",
        ],
    },
    "004_84103e9150fdfe29.txt": {
        "colleagues": ["UX designers", "Database Administrators"],
        "demand-drivers": ["mobile devices", "e-commerce", "cloud computing", "blockchain"],
        "pay-factors": ["experience, location, and the company"],
    },
}
FACTS = {entry["key"]: entry for entry in seed("facts.toml")["fact"]}
DRAWN = [
    (name, key, words) for name, facts in FACTS_BY_DOCUMENT.items() for key, words in facts.items()
]


@pytest.mark.parametrize(("name", "key", "words"), DRAWN, ids=[f"{n[:3]}-{k}" for n, k, _ in DRAWN])
def test_each_document_contributes_the_facts_found_in_it(name, key, words):
    assert key in FACTS, f"{key} is not seeded"
    assert name in FACTS[key]["sources"], f"{key} does not cite {name}"
    text = " ".join(document(name).split()).lower()
    missing = [word for word in words if word.lower() not in text]
    assert missing == [], f"{name} does not say {missing}"


def test_every_seeded_fact_is_accounted_for_under_each_document_it_cites():
    listed = {(name, key) for name, key, _ in DRAWN}
    cited = {(name, key) for key, fact in FACTS.items() for name in fact["sources"]}
    assert cited == listed
    assert set(FACTS_BY_DOCUMENT) == {path.name for path in DOCUMENTS.glob("*.txt")}
