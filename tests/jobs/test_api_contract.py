"""Schemathesis runs the read API against its OpenAPI schema: no 5xx, responses as documented."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import negative_data_rejection

from careerboard.wsgi import application
from tests.factories import PublishedJobFactory, SkillFactory

schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)


@pytest.fixture
def data(db):
    python = SkillFactory(name="Python")
    PublishedJobFactory(title="Python developer", skills=[python], places=["Oslo, Norway"])


@pytest.mark.django_db(transaction=True)
@schema.include(method="GET").parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_read_api_honours_its_schema(case, data):
    # Lenient parsing of an empty optional parameter (?page=) is fine; every other check runs.
    case.call_and_validate(excluded_checks=[negative_data_rejection])
