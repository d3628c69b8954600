"""The job search FilterSet: one definition of search for pages, feeds and the API."""

from datetime import timedelta

import django_filters
from django import forms
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import SearchRank
from django.db.models import Count, F, Func, Q
from django.utils import timezone

from careerboard.models import Skill
from jobs.locations import location_condition
from jobs.models import Job, Location
from jobs.search import build_search_query

POSTED_WITHIN = [("1", "Last 24 hours"), ("7", "Last 7 days"), ("30", "Last 30 days")]
CURRENCIES = [
    ("USD", "US dollars"),
    ("EUR", "Euros"),
    ("GBP", "Pounds sterling"),
    ("CAD", "Canadian dollars"),
    ("AUD", "Australian dollars"),
    ("INR", "Indian rupees"),
    ("CHF", "Swiss francs"),
]


def _is_empty(value) -> bool:
    if value is None or isinstance(value, str):
        return not value
    return hasattr(value, "__len__") and len(value) == 0


class Sort:
    RELEVANCE = "relevance"
    NEWEST = "newest"
    SALARY = "salary"
    CHOICES = [(RELEVANCE, "Best match"), (NEWEST, "Newest"), (SALARY, "Highest salary")]


class JobFilterSet(django_filters.FilterSet):
    """Each filter is a condition (`condition_<name>`); the search is their conjunction.

    Facet counts reuse the same conditions, leaving out each facet's own one, so an option's count
    is what a person gets by ticking it.
    """

    FACETS = ("workplace", "employment_type", "seniority", "posted")

    q = django_filters.CharFilter(label="Keywords", max_length=200)
    location = django_filters.CharFilter(label="Location", max_length=120)
    workplace = django_filters.MultipleChoiceFilter(
        choices=Job.Workplace.choices, widget=forms.CheckboxSelectMultiple
    )
    employment_type = django_filters.MultipleChoiceFilter(
        label="Employment type",
        choices=Job.EmploymentType.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    seniority = django_filters.MultipleChoiceFilter(
        choices=Job.Seniority.choices, widget=forms.CheckboxSelectMultiple
    )
    salary_min = django_filters.NumberFilter(
        label="Minimum yearly salary", min_value=0, max_value=100_000_000, decimal_places=0
    )
    currency = django_filters.ChoiceFilter(choices=CURRENCIES, empty_label="Any currency")
    skill = django_filters.ModelMultipleChoiceFilter(
        label="Skills (all required)",
        queryset=Skill.objects.visible(),
        to_field_name="slug",
    )
    posted = django_filters.ChoiceFilter(
        label="Posted", choices=POSTED_WITHIN, empty_label="Any time", widget=forms.RadioSelect
    )
    company = django_filters.CharFilter(label="Company", max_length=140)
    sort = django_filters.ChoiceFilter(label="Sort by", choices=Sort.CHOICES, empty_label=None)

    class Meta:
        model = Job
        fields = []

    def __init__(self, *args, now=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.now = now or timezone.now()

    # Conditions, one per filter -------------------------------------------------------------

    def condition_q(self, value):
        query = build_search_query(value)
        return Q(search_vector=query) if query is not None else None

    def condition_location(self, value):
        places = Location.objects.filter(location_condition(value)).values("id")
        return Q(location_ids__overlap=ArraySubquery(places))

    def condition_workplace(self, value):
        return Q(workplace__in=value)

    def condition_employment_type(self, value):
        return Q(employment_type__in=value)

    def condition_seniority(self, value):
        return Q(seniority__in=value)

    def condition_salary_min(self, value):
        return Q(salary_max_annual__gte=int(value))

    def condition_currency(self, value):
        return Q(salary_currency=value)

    def condition_skill(self, value):
        return Q(skill_ids__contains=[skill.pk for skill in value])

    def condition_posted(self, value):
        return Q(published_at__gte=self.now - timedelta(days=int(value)))

    def cleaned_data(self) -> dict:
        """The values that passed validation; invalid ones are reported, not applied."""
        if not self.is_bound:
            return {}
        self.form.is_valid()
        return self.form.cleaned_data

    def condition_company(self, value):
        return Q(company__slug=value)

    def conditions(self) -> dict[str, Q]:
        data = self.cleaned_data()
        conditions = {}
        for name in self.filters:
            value = data.get(name)
            method = getattr(self, f"condition_{name}", None)
            if method is None or _is_empty(value):
                continue
            condition = method(value)
            if condition is not None:
                conditions[name] = condition
        return conditions

    # Results -----------------------------------------------------------------------------

    @property
    def search_query(self):
        return build_search_query(self.cleaned_data().get("q") or "")

    @property
    def sort_order(self) -> str:
        sort = self.cleaned_data().get("sort")
        if sort == Sort.RELEVANCE and self.search_query is None:
            return Sort.NEWEST
        return sort or (Sort.RELEVANCE if self.search_query is not None else Sort.NEWEST)

    def filter_queryset(self, queryset):
        queryset = queryset.filter(*self.conditions().values())
        return self.order(queryset)

    def order(self, queryset):
        order = self.sort_order
        if order == Sort.RELEVANCE:
            rank = SearchRank(F("search_vector"), self.search_query)
            return queryset.annotate(rank=rank).order_by("-rank", "-published_at", "-id")
        if order == Sort.SALARY:
            return queryset.order_by(
                F("salary_max_annual").desc(nulls_last=True), "-published_at", "-id"
            )
        return queryset.order_by("-published_at", "-id")

    # Facets ------------------------------------------------------------------------------

    def facet_choices(self, name):
        return list(self.filters[name].extra["choices"])

    def facet_counts(self, queryset) -> dict:
        """Total and per-option counts in one query: {"total": n, "workplace": {"remote": n}}."""
        conditions = self.conditions()
        base = queryset.filter(
            *[condition for name, condition in conditions.items() if name not in self.FACETS]
        )
        aggregates, keys = {}, {}

        def count_where(*qs):
            qs = [q for q in qs if q is not None]
            return Count("pk", filter=Q(*qs)) if qs else Count("pk")

        facet_conditions = {n: c for n, c in conditions.items() if n in self.FACETS}
        aggregates["total"] = count_where(*facet_conditions.values())
        for facet in self.FACETS:
            others = [c for n, c in facet_conditions.items() if n != facet]
            for i, (value, _label) in enumerate(self.facet_choices(facet)):
                alias = f"{facet}_{i}"
                keys[alias] = (facet, value)
                option = value if facet == "posted" else [value]
                condition = getattr(self, f"condition_{facet}")(option)
                aggregates[alias] = count_where(*others, condition)
        result = base.aggregate(**aggregates)
        counts = {"total": result["total"]} | {facet: {} for facet in self.FACETS}
        for alias, (facet, value) in keys.items():
            counts[facet][value] = result[alias]
        return counts

    def top_skills(self, queryset, limit=12) -> list[tuple[Skill, int]]:
        """The skills most asked for among the results, with how many results ask for each."""
        rows = list(
            queryset.filter(*self.conditions().values())
            .order_by()
            .annotate(skill_id=Func(F("skill_ids"), function="unnest"))
            .values("skill_id")
            .annotate(n=Count("*"))
            .order_by("-n", "skill_id")[:limit]
        )
        skills = Skill.objects.visible().in_bulk([row["skill_id"] for row in rows])
        return [(skills[row["skill_id"]], row["n"]) for row in rows if row["skill_id"] in skills]
