"""The skill most jobs tests start from (the company and its member are tests/conftest.py's), and
exchange rates for the salary tests."""

from datetime import date
from decimal import Decimal

import pytest

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
