"""Exchange rates admins curate, by which salaries in every currency are compared in euros."""

from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.db.models import Q

from careerboard.caching import EXCHANGE_RATES_COPY, worker_copy
from careerboard.models.curated import Curated, CuratedQuerySet

# Salaries in any currency are compared in this one; a rate says how much of another buys one.
REFERENCE_CURRENCY = "EUR"


class ExchangeRateQuerySet(CuratedQuerySet):
    def current(self) -> dict[str, "ExchangeRate"]:
        """The rate each currency is converted at: its newest visible one (as the search rows'
        SQL function `jobs_salary_in_euros` chooses it). A worker keeps them while public data
        stays as it was (careerboard/caching.py)."""
        rates = self.visible().order_by("currency", "-as_of").distinct("currency")
        return worker_copy(EXCHANGE_RATES_COPY, lambda: {rate.currency: rate for rate in rates})


class ExchangeRate(Curated):
    """How many units of a currency one euro bought on a date, as a central bank published it.

    Search ranks and filters salaries in any currency by their value in euros at the newest
    visible rate of their currency; a change here re-converts the search rows of that currency
    (jobs migration 0012).
    """

    currency = models.CharField(max_length=3, help_text="ISO 4217 code, such as USD.")
    per_euro = models.DecimalField(
        "units per euro", max_digits=14, decimal_places=6, help_text="What one euro bought."
    )
    as_of = models.DateField("rate of", help_text="The day the rate was published for.")
    published_by = models.CharField(
        max_length=160, help_text="Who published the rate, as pages name it."
    )

    objects = ExchangeRateQuerySet.as_manager()

    class Meta:
        ordering = ["currency", "-as_of"]
        constraints = [
            models.UniqueConstraint(
                fields=["currency", "as_of"],
                name="exchangerate_one_a_day",
                violation_error_message="This currency already has a rate of that day.",
            ),
            models.CheckConstraint(
                name="exchangerate_positive",
                condition=Q(per_euro__gt=0),
                violation_error_message="A rate is more than zero.",
            ),
            models.CheckConstraint(
                name="exchangerate_currency_code",
                condition=Q(currency__regex=r"^[A-Z]{3}$") & ~Q(currency=REFERENCE_CURRENCY),
                violation_error_message="Give a three-letter code in capitals, other than EUR "
                "(salaries are compared in euros).",
            ),
        ]
        indexes = [models.Index(fields=["currency", "-as_of"], name="exchangerate_current")]

    def __str__(self):
        rate = f"{self.per_euro.normalize():f} {self.currency}"
        return f"1 {REFERENCE_CURRENCY} = {rate} ({self.as_of})"

    def in_euros(self, amount: int) -> int:
        """An amount of this currency in whole euros, rounded as PostgreSQL rounds numerics."""
        return int((Decimal(amount) / self.per_euro).quantize(Decimal(1), ROUND_HALF_UP))


def yearly_in_euros(
    amount: int | None, currency: str, rates: dict[str, ExchangeRate]
) -> int | None:
    """A yearly amount in euros at `rates` (ExchangeRate.objects.current()), or None when
    there is no amount or no rate for its currency."""
    if amount is None:
        return None
    if currency == REFERENCE_CURRENCY:
        return amount
    rate = rates.get(currency)
    return rate.in_euros(amount) if rate else None


def rates_note(rates: dict[str, ExchangeRate]) -> str:
    """Which rates and of which day: "the European Central Bank euro reference rates of
    28 February 2025" (each publication and day once)."""
    sets = sorted({(rate.published_by, rate.as_of) for rate in rates.values()}, key=str)
    return "; ".join(f"the {source} of {day:%-d %B %Y}" for source, day in sets)
