"""Pay and outlook figures the documents give, and how pay per period becomes pay per year."""

from django.db import models
from django.db.models import Q

from careerboard.models.careers import CareerRole
from careerboard.models.curated import Curated


class Period(models.TextChoices):
    HOUR = "hour", "per hour"
    DAY = "day", "per day"
    WEEK = "week", "per week"
    MONTH = "month", "per month"
    YEAR = "year", "per year"


# How many of each period a year holds: the one rule by which a salary becomes yearly.
HOURS_PER_YEAR = 2080
ANNUAL_FACTORS = {
    Period.HOUR: HOURS_PER_YEAR,
    Period.DAY: 260,
    Period.WEEK: 52,
    Period.MONTH: 12,
    Period.YEAR: 1,
}


class SalaryFigure(Curated):
    class Level(models.TextChoices):
        """The seniority a document says a figure is for, in the steps of a job's seniority."""

        JUNIOR = "junior", "Intern / junior"
        MID = "mid", "Mid-level"
        SENIOR = "senior", "Senior"
        LEAD = "lead", "Lead / principal"

    class Statistic(models.TextChoices):
        MEDIAN = "median", "Median"
        AVERAGE = "average", "Average"
        LOW = "low", "Low end"
        HIGH = "high", "High end"
        RANGE = "range", "Range"
        PERCENTILE_10 = "percentile_10", "10th percentile"
        PERCENTILE_25 = "percentile_25", "25th percentile"
        PERCENTILE_75 = "percentile_75", "75th percentile"
        PERCENTILE_90 = "percentile_90", "90th percentile"

    role = models.ForeignKey(CareerRole, on_delete=models.CASCADE, related_name="salary_figures")
    label = models.CharField(max_length=160)
    statistic = models.CharField(max_length=20, choices=Statistic.choices)
    amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    low = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    high = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    qualifier = models.CharField(
        max_length=40, blank=True, help_text='What the document says beside the amount: "or more".'
    )
    currency = models.CharField(max_length=3, default="USD")
    period = models.CharField(max_length=10, choices=Period.choices, default=Period.YEAR)
    region = models.CharField(max_length=120, blank=True)
    as_of = models.CharField("year or period", max_length=60, blank=True)
    publisher = models.CharField(max_length=160, blank=True)
    level = models.CharField(
        max_length=10,
        choices=Level.choices,
        blank=True,
        help_text="The seniority the document gives the figure for. Blank: every level.",
    )

    class Meta:
        ordering = ["sort_order", "period", "statistic"]
        constraints = [
            models.CheckConstraint(
                name="salaryfigure_amount_or_range",
                condition=(
                    Q(amount__isnull=False, low__isnull=True, high__isnull=True)
                    | Q(amount__isnull=True, low__isnull=False, high__isnull=False)
                ),
            ),
            models.CheckConstraint(
                name="salaryfigure_low_le_high",
                condition=Q(low__isnull=True) | Q(low__lte=models.F("high")),
            ),
        ]

    def __str__(self):
        return f"{self.label} ({self.region})"

    def stated_range(self) -> tuple[float, float]:
        """The amount as stated, as (low, high): equal for a single figure."""
        if self.amount is not None:
            return float(self.amount), float(self.amount)
        return float(self.low), float(self.high)

    def yearly_range(self) -> tuple[float, float]:
        """The stated amount as yearly pay (ANNUAL_FACTORS), as (low, high)."""
        factor = ANNUAL_FACTORS[self.period]
        low, high = self.stated_range()
        return low * factor, high * factor


class OutlookFigure(Curated):
    role = models.ForeignKey(CareerRole, on_delete=models.CASCADE, related_name="outlook_figures")
    label = models.CharField(max_length=160)
    growth_percent = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    period_start = models.PositiveSmallIntegerField(null=True, blank=True)
    period_end = models.PositiveSmallIntegerField(null=True, blank=True)
    openings = models.PositiveIntegerField(default=0)
    openings_label = models.CharField(max_length=160, blank=True)
    region = models.CharField(max_length=120, blank=True)
    publisher = models.CharField(max_length=160, blank=True)
    measures = models.CharField(
        max_length=240,
        blank=True,
        help_text="What the figure counts and over which years, so that figures from different "
        "sources are not read as one trend.",
    )

    class Meta:
        ordering = ["sort_order", "period_start"]
        constraints = [
            models.CheckConstraint(
                name="outlookfigure_period_order",
                condition=(
                    Q(period_start__isnull=True)
                    | Q(period_end__isnull=True)
                    | Q(period_start__lte=models.F("period_end"))
                ),
            ),
        ]

    def __str__(self):
        return self.label
