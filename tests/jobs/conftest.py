"""The company, member and skill most jobs tests start from."""

import pytest

from jobs.models import CompanyMembership
from tests.factories import CompanyFactory, EmployerFactory, SkillFactory


@pytest.fixture
def company():
    return CompanyFactory(name="Acme")


@pytest.fixture
def member(company):
    """A member of Acme who is not its owner."""
    user = EmployerFactory(email="boss@acme.example")
    CompanyMembership.objects.create(company=company, user=user)
    return user


@pytest.fixture
def python():
    return SkillFactory(name="Python")
