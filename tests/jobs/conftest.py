"""The skill most jobs tests start from (the company and its member are tests/conftest.py's),
exchange rates for the salary tests, and counters of a test's own."""

from datetime import date
from decimal import Decimal

import pytest
import redis
from django.utils import timezone

from careerboard.models import ExchangeRate
from tests.factories import SkillFactory


@pytest.fixture
def python():
    return SkillFactory(name="Python")


@pytest.fixture
def exchange_rates():
    """Round rates made up for tests, so sums can be worked by hand: 1 EUR = 1.25 USD = 100 INR
    = 0.8 GBP."""
    return {
        currency: ExchangeRate.objects.create(
            currency=currency,
            per_euro=Decimal(per_euro),
            as_of=date(2026, 1, 2),
            published_by="Test central bank reference rates",
        )
        for currency, per_euro in (("USD", "1.25"), ("INR", "100"), ("GBP", "0.8"))
    }


@pytest.fixture
def counter_keys(settings):
    """View and apply-click counters of this test only, under a prefix removed afterwards."""
    settings.COUNTERS_KEY_PREFIX = f"test-counters:{timezone.now().timestamp()}"
    yield
    client = redis.Redis.from_url(settings.REDIS_URL)
    for key in client.scan_iter(f"{settings.COUNTERS_KEY_PREFIX}*"):
        client.delete(key)
