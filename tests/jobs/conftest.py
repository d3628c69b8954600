"""The skill most jobs tests start from (the company and its member are tests/conftest.py's)."""

import pytest

from tests.factories import SkillFactory


@pytest.fixture
def python():
    return SkillFactory(name="Python")
