"""Templates only show: no template tag module reaches the database (views prepare the data)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TAG_MODULES = sorted(ROOT.glob("*/templatetags/*.py"))
# What a module needs to query: the ORM, models, or services and matchers that query for it.
QUERYING_PACKAGES = ("django.db",)
QUERYING_MODULES = ("models", "services", "matching")


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_the_template_tag_modules_are_found():
    assert {path.parent.parent.name for path in TAG_MODULES} >= {"careerboard"}


@pytest.mark.parametrize("path", TAG_MODULES, ids=lambda path: str(path.relative_to(ROOT)))
def test_no_template_tag_module_imports_the_orm_or_a_querying_module(path):
    querying = {
        name
        for name in imported_modules(path)
        if name.startswith(QUERYING_PACKAGES)
        or any(part in QUERYING_MODULES for part in name.split("."))
    }
    assert not querying, f"{path.name} imports {sorted(querying)}; prepare the data in the view"
