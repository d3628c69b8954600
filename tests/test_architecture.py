"""The directions the README's "Architecture" section promises, read from the code itself.

Imports point profiles -> jobs -> careerboard; templates point the same way; no template tag
module can reach the database. Each rule's reader is tried on a small broken example first, so a
reader that sees nothing cannot pass for a rule that holds.
"""

import ast
from pathlib import Path

from django.template import engines
from django.template.base import Lexer, TokenType

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
# The root URLconf wires every app's views to a path, as INSTALLED_APPS names every app: it is
# the one careerboard module that must know the apps above it.
WIRING = {ROOT / "careerboard" / "urls.py"}


def modules_of(package: str):
    return sorted(path for path in (ROOT / package).rglob("*.py") if path not in WIRING)


def imported_modules(source: str) -> set[str]:
    """Every module this source imports, at the top or inside a function, by statement or by
    importlib.import_module("literal")."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", None)) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            found.add(node.args[0].value)
    return found


def is_within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def imports_of_package_from(package: str, forbidden: tuple[str, ...]) -> list[str]:
    return [
        f"{path.relative_to(ROOT)} imports {module}"
        for path in modules_of(package)
        for module in sorted(imported_modules(path.read_text()))
        if any(is_within(module, other) for other in forbidden)
    ]


def test_the_import_reader_sees_imports_at_the_top_in_functions_and_by_name():
    source = (
        "from jobs.models import Job\n"
        "import profiles.matching\n"
        "def later():\n"
        "    from profiles import services\n"
        "    return importlib.import_module('jobs.search')\n"
    )
    assert imported_modules(source) >= {
        "jobs.models",
        "profiles.matching",
        "profiles.services",
        "jobs.search",
    }
    assert imports_of_package_from("jobs", ("careerboard",)), "jobs does import careerboard"


def test_careerboard_imports_neither_jobs_nor_profiles():
    assert imports_of_package_from("careerboard", ("jobs", "profiles")) == []


def test_jobs_never_imports_profiles():
    assert imports_of_package_from("jobs", ("profiles",)) == []


def module_path(module: str) -> Path | None:
    base = ROOT.joinpath(*module.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


def reaches_the_orm(module: str) -> bool:
    return is_within(module, "django.db") or module.split(".")[-1] == "models"


def orm_imports_reached_from(path: Path) -> list[str]:
    """The ORM modules this file imports, itself or through the project modules it imports."""
    seen, found, waiting = set(), [], [path]
    while waiting:
        current = waiting.pop()
        if current in seen:
            continue
        seen.add(current)
        for module in sorted(imported_modules(current.read_text())):
            if reaches_the_orm(module):
                found.append(f"{current.relative_to(ROOT)} imports {module}")
            elif (inner := module_path(module)) is not None:
                waiting.append(inner)
    return found


def template_tag_modules():
    return sorted(ROOT.glob("*/templatetags/*.py"))


def test_the_orm_reader_sees_django_db_and_models_modules():
    assert all(
        reaches_the_orm(module)
        for module in ("django.db", "django.db.models", "jobs.models", "profiles.models")
    )
    assert not reaches_the_orm("django.utils.timezone")
    assert orm_imports_reached_from(ROOT / "jobs" / "counters.py"), "counters.py writes to jobs"


def test_no_template_tag_module_reaches_the_orm():
    assert template_tag_modules(), "the project has template tags"
    for path in template_tag_modules():
        assert orm_imports_reached_from(path) == [], "a template tag could query the database"


def template_references(text: str) -> list[tuple[str, str]]:
    """(include, extends or load, what it names) for every such tag in a template."""
    references = []
    for token in Lexer(text).tokenize():
        if token.token_type != TokenType.BLOCK:
            continue
        tag, *arguments = token.split_contents()
        if tag in ("include", "extends") and arguments:
            references.append((tag, arguments[0].strip("\"'")))
        elif tag == "load":
            libraries = (
                arguments[arguments.index("from") + 1 :] if "from" in arguments else arguments
            )
            references.extend(("load", library) for library in libraries)
    return references


def profiles_tag_libraries() -> set[str]:
    libraries = engines["django"].engine.libraries
    return {name for name, library in libraries.items() if is_within(library, "profiles")}


def points_at_profiles(tag: str, name: str, profiles_libraries: set[str]) -> bool:
    if tag == "load":
        return name in profiles_libraries
    return name.startswith("profiles/")


def test_the_template_reader_sees_includes_extends_and_loads():
    text = (
        '{% extends "profiles/base.html" %}{% load humanize fit %}{% load match from scores %}'
        '{% include "profiles/_fit.html" with job=job only %}{{ "{% include x %}" }}'
    )
    assert template_references(text) == [
        ("extends", "profiles/base.html"),
        ("load", "humanize"),
        ("load", "fit"),
        ("load", "scores"),
        ("include", "profiles/_fit.html"),
    ]
    assert points_at_profiles("load", "fit", {"fit"})
    assert not points_at_profiles("include", "jobs/_job_cards.html", {"fit"})


def test_no_template_outside_profiles_includes_extends_or_loads_anything_of_profiles():
    """jobs and careerboard templates (the folders jobs/, careerboard/, registration/, admin/ and
    the pages at the top) never use a profiles template or tag library; profiles may use theirs."""
    libraries = profiles_tag_libraries()
    outside = [
        path
        for path in sorted(TEMPLATES.rglob("*"))
        if path.is_file() and path.relative_to(TEMPLATES).parts[0] != "profiles"
    ]
    assert any(path.relative_to(TEMPLATES).parts[0] == "jobs" for path in outside)
    wrong_way = [
        f"{path.relative_to(ROOT)}: {{% {tag} {name} %}}"
        for path in outside
        for tag, name in template_references(path.read_text())
        if points_at_profiles(tag, name, libraries)
    ]
    assert wrong_way == []
