"""The job search FilterSet: one definition of search for pages, feeds, alerts and the API.

Search reads the narrow search rows of published jobs (`SearchRow`, kept in step by SQL
triggers), never the wide jobs table; the jobs of a page are fetched by id once it is chosen.
Counts come from one pass over a sample of the rows on a large board, and that sample, not the
planner's guess, decides how the page is read: an ordered index walk when matches are common
enough to meet soon, the matches themselves sorted when they are few, nothing when there are
none.
"""

from datetime import timedelta

import django_filters
from django import forms
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.fields.array import ArrayContains
from django.db.models import Q
from django.db.models.lookups import Exact, GreaterThanOrEqual, In
from django.utils import timezone
from django.utils.functional import cached_property
from django_countries import countries
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from careerboard.models import REFERENCE_CURRENCY, ExchangeRate, Skill, visible_skills_by_id
from jobs.locations import country_code, location_condition, read_place_wish, searched_country
from jobs.models import Company, Job, Location, SearchRow
from jobs.search import sampling
from jobs.search.plans import PageReading, Sort, unindexed
from jobs.search.query import (
    build_search_query,
    document_matches,
    is_known_word,
    required_words,
)
from jobs.search.sampling import (
    KEYWORDS,
    MIN_SAMPLE_HITS,
    SampledCounts,
    currency_salary_share,
    is_empty,
    salary_share,
    skill_shares,
    tag_shares,
    word_shares,
)

# Whether a word is common is seen in a sample of about this many rows (jobs.search).
WORD_SAMPLE_ROWS = 1000
# Reading a row to check it costs about as much as this many row ids out of a GIN lookup
# (measured at 1,000,000 listings: 1.6 us against 0.15 us).
ROW_COST_IN_LOOKUPS = 10
# The lowest salary (in the currency chosen, or in euros), among the conditions weighed for
# checking on rows (on_rows).
SALARY_FLOOR = "salary_min"
# Choices in at most this share of jobs are looked up in the same GIN scan as keywords or a
# place, which skips through their lists: at 1,000,000 listings, the 500 newest remote jobs
# (25%) that say "agile" (31,000 jobs) took 77-82 ms under EXPLAIN ANALYZE so, against 170-200
# ms with remote checked on the keyword's rows. Broader ones ("onsite or remote", 65%) cost
# more to skip through than the rows they would be checked on when those are few (see
# choices_on_rows).
RIDING_CHOICES_SHARE = 0.3

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


class SkillSlugsField(forms.ModelMultipleChoiceField):
    """Skill slugs; an empty value (``?skill=``) means no skill filter, not a bad skill.

    Checked against the worker's copy of the skills (careerboard/caching.py), not a query: the
    search form gives the skills as a list, in the skills' own order.
    """

    def clean(self, value):
        slugs = [slug for slug in value or [] if slug]
        if not slugs and not self.required:
            # A list, as when skills are chosen: the field's own empty queryset would be
            # compiled into SQL each time a search asks whether a skill was chosen.
            return []
        return super().clean(slugs)

    def _check_values(self, value):
        visible = {skill.slug: skill for skill in visible_skills_by_id().values()}
        for slug in value:
            if slug not in visible:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": slug},
                )
        chosen = {visible[slug] for slug in value}
        return sorted(chosen, key=lambda skill: (skill.sort_order, skill.name))


@extend_schema_field(OpenApiTypes.STR)
class SkillSlugFilter(django_filters.ModelMultipleChoiceFilter):
    """Skills by slug, all required; repeat the parameter for several."""

    field_class = SkillSlugsField


class JobFilterSet(SampledCounts, PageReading, django_filters.FilterSet):
    """Each filter is a condition (`condition_<name>`); the search is their conjunction.

    Facet counts reuse the same conditions, leaving out each facet's own one, so an option's count
    is what a person gets by ticking it.
    """

    FACETS = ("workplace", "employment_type", "seniority", "posted")

    q = django_filters.CharFilter(label="Keywords", max_length=300)
    location = django_filters.CharFilter(
        label="Location",
        max_length=120,
        help_text="A city or a country (a country also finds remote jobs open to people there); "
        "“remote” for remote jobs.",
    )
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
        label="Minimum yearly salary",
        min_value=0,
        max_value=100_000_000,
        decimal_places=0,
        help_text="In the currency chosen; with any currency, in euros, every salary converted.",
    )
    currency = django_filters.ChoiceFilter(
        label="Currency", choices=CURRENCIES, empty_label="Any currency"
    )
    skill = SkillSlugFilter(
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
        model = SearchRow
        fields = []

    def __init__(self, data=None, queryset=None, *, now=None, **kwargs):
        super().__init__(data, queryset if queryset is not None else SearchRow.objects, **kwargs)
        self.now = now or timezone.now()
        # Set from stats() when known, so the ordering can choose its plan...
        self.expected_total: int | None = None
        # ... and whether that figure is a count (then 0 means there is nothing to read)...
        self.total_is_exact = False
        # ... and how many rows match the filters other than the choices...
        self.base_estimate: int | None = None
        # ... and other than the choices and the keywords, when a sample measured it, and of
        # those how many have the choices.
        self.keywordless_estimate: int | None = None
        self.keywordless_chosen_estimate: int | None = None
        # ... and the share of those posted within the window chosen, if one is.
        self.window_share = 1.0
        # Set by in_order() when the page is to be read by walking an ordered index, with the
        # rows a walk would read whether it is chosen or not.
        self.walks = False
        self.walk_rows: float | None = None
        # Set from stats() on a large board: the best pay of the sampled matches, and how many
        # matches each sampled one stands for.
        self.sampled_pay: list[int] | None = None
        self.sample_scale = 1
        # Set by first_ids() when counting read every match in the page's order.
        self.first_matches: list[int] | None = None

    # Conditions, one per filter -------------------------------------------------------------

    def condition_q(self, value):
        """The words looked up in the documents' GIN index or, when they are common and the
        other filters find few rows ("developer" in London), checked on those rows (on_rows)."""
        query = self.search_query
        if query is None:
            return None
        return Q(document_matches(query, on_rows=KEYWORDS in self.on_rows()))

    def condition_location(self, value):
        """Jobs in the place typed, and in a country also the remote jobs open to applicants
        living there or anywhere; "remote" (or "anywhere"...) typed asks for remote jobs."""
        wish = read_place_wish(value)
        condition = self._tags("workplace", [Job.Workplace.REMOTE]) if wish.remote else Q()
        if not wish.place:
            return condition or None
        places = Location.objects.filter(location_condition(wish.place)).values("id")
        here = Q(location_ids__overlap=ArraySubquery(places))
        if country := searched_country(wish.place):
            open_to = [SearchRow.tag("applicant", country), SearchRow.tag("applicant", "anywhere")]
            here |= Q(tags__overlap=open_to)
        return condition & here

    def _tags(self, facet, values):
        """A choice filter: looked up in the tags' GIN index, or checked on each row that the
        other filters leave, whichever reads less (see choices_on_rows). By salary in any
        currency, one seniority may be read from its part of the seniority and salary index
        (see _indexed_seniority_share)."""
        if facet == "seniority" and self._indexed_seniority_share() is not None:
            return Q(seniority__in=values)
        if self.choices_on_rows():
            return Q(In(unindexed(facet), list(values)))
        return Q(tags__overlap=[SearchRow.tag(facet, value) for value in values])

    def seniority_by_salary(self) -> bool:
        """Whether the page is best paid first in any currency, at chosen seniorities."""
        data = self.cleaned_data()
        return bool(data.get("seniority")) and (
            self.sort_order == Sort.SALARY and not data.get("currency")
        )

    def seniority_parts_read(self) -> bool:
        """Whether the best paid of each seniority chosen are read from its part of the
        seniority and salary index: always for several (one walk of the salary order would
        pass over the better paid levels first), and for one as _indexed_seniority_share
        says."""
        if not self.seniority_by_salary():
            return False
        return len(self.cleaned_data()["seniority"]) > 1 or (
            self._indexed_seniority_share() is not None
        )

    def _indexed_seniority_share(self) -> float | None:
        """The board's share at the one seniority chosen when it is read from its part of the
        seniority and salary index: best paid first in any currency, unless the matches are
        sorted however they are found (SORT_ALL_UP_TO) and the filters other than the choices
        leave so few rows that checking it on them reads less than that part (a city's senior
        jobs). It then narrows the rows the other choices are checked on, and is no choice
        looked up with them. Else None."""
        seniorities = self.cleaned_data().get("seniority") or []
        if len(seniorities) != 1 or not self.seniority_by_salary():
            return None
        share = self._facet_shares["seniority"]
        if self.base_estimate is not None and self.pay_sorted_anyway(self.expected_total):
            rows = self.base_estimate * self.window_share
            if rows * ROW_COST_IN_LOOKUPS <= self.board_rows * share:
                return None
        return share

    def _rows_choices_checked_on(self, rows: float) -> float:
        """Of `rows` rows that the filters other than the facets leave, how many the choices
        are checked on: those posted within the window chosen (a range of a date index), and
        at the seniority chosen when its index narrows them first."""
        share = self._indexed_seniority_share()
        return rows * self.window_share * (1.0 if share is None else share)

    def choices_on_rows(self) -> bool:
        """Whether checking the choices on the rows the other filters match costs less than
        looking them up.

        A lookup reads about board x (the rarest chosen facet's share) row ids, at a fraction
        of the cost of reading a row (ROW_COST_IN_LOOKUPS); a check reads each row the other
        filters match (the sample's estimate) and posted within the window chosen. "Full-time,
        mid or senior" is half the board, so for a rare keyword each match is checked;
        "hybrid, contract, lead" is a small share, so it is looked up.
        """
        if self.base_estimate is None:
            return False
        return self._choices_on_rows_besides(self.on_rows())

    def _choices_on_rows_besides(self, checked) -> bool:
        """Whether the choices are checked on rows when those `checked` are."""
        if self._scanned_besides(checked) and self._riding_choices():
            return False  # looked up in the keywords' or the place's scan
        return not self._choices_looked_up(self._rows_besides(checked))

    def _chosen_fraction(self, checked) -> float:
        """Of the rows the filters other than the choices leave, with these `checked` on rows,
        the share that has the choices and was posted within the window chosen (the sample's
        counts); 1 when that is not known yet. Fewer than MIN_SAMPLE_HITS sampled matches
        count as that many: "stack" for remote jobs asking for requirements analysis had none
        in the sample and 483 on the board."""
        if KEYWORDS in checked:
            rows, chosen = self.keywordless_estimate, self.keywordless_chosen_estimate
        else:
            rows, chosen = self.base_estimate, self.expected_total
        if not rows or chosen is None:
            return 1.0
        return min(1.0, max(chosen, MIN_SAMPLE_HITS * self.sample_scale) / rows)

    def _rows_besides(self, checked) -> float:
        """How many rows the filters other than the choices leave, with these `checked` on
        rows: without the keywords, when they are checked."""
        return self.keywordless_estimate if KEYWORDS in checked else self.base_estimate

    def _choices_looked_up(self, rows: float) -> bool:
        """Whether choices are chosen, and looking them up costs less than checking them on
        those of `rows` rows they would be checked on."""
        rows = self._rows_choices_checked_on(rows)
        return bool(self._choice_shares) and rows * ROW_COST_IN_LOOKUPS > self._looked_up_rows

    @cached_property
    def _facet_shares(self) -> dict[str, float]:
        """Each chosen facet's share of the board: the sum of its chosen options' shares."""
        data = self.cleaned_data()
        chosen = {
            facet: values
            for facet in ("workplace", "employment_type", "seniority")
            if not is_empty(values := data.get(facet))
        }
        shares = tag_shares() if chosen else {}
        return {
            facet: min(1.0, sum(shares.get(SearchRow.tag(facet, value), 0.0) for value in values))
            for facet, values in chosen.items()
        }

    @property
    def _choice_shares(self) -> dict[str, float]:
        """The chosen facets looked up or checked together, by their shares: all but a
        seniority read from its own index."""
        if self._indexed_seniority_share() is None:
            return self._facet_shares
        return {facet: share for facet, share in self._facet_shares.items() if facet != "seniority"}

    @property
    def _choice_ids_share(self) -> float:
        """The share of the board's row ids a lookup of the choices reads: about as many as the
        rarest facet's options have (one GIN index answers them all and skips through the
        others' lists)."""
        return min(self._choice_shares.values())

    @property
    def _looked_up_rows(self) -> float:
        """How many row ids a lookup of the chosen options reads (see choices_on_rows): as many
        as the rarest facet's options have, not as many as it finds. At 1,000,000 listings,
        onsite senior jobs (120,000) took 77 ms to look up, onsite ones alone (400,000) 65-71."""
        return self.board_rows * self._choice_ids_share

    @cached_property
    def board_rows(self) -> int:
        """How many search rows there are, asked once per search."""
        return sampling.search_rows()

    def condition_workplace(self, value):
        return self._tags("workplace", value)

    def condition_employment_type(self, value):
        return self._tags("employment_type", value)

    def condition_seniority(self, value):
        return self._tags("seniority", value)

    def condition_salary_min(self, value):
        # In the currency chosen, or in euros with every currency converted; looked up in the
        # currency and salary index or the euro salary index, or checked on rows (on_rows).
        pay = self.pay_column
        if SALARY_FLOOR in self.on_rows():
            return Q(GreaterThanOrEqual(unindexed(pay), int(value)))
        return Q(**{f"{pay}__gte": int(value)})

    def condition_currency(self, value):
        # Not a facet: it narrows the rows the choices are checked on. Looked up in the currency
        # and salary index (which also orders one currency's pay), with the salary floor in it,
        # or checked on rows with that floor: looked up alone, it would yield every row paid in
        # that currency.
        if SALARY_FLOOR in self.on_rows():
            return Q(Exact(unindexed("salary_currency"), value))
        return Q(salary_currency=value)

    def condition_skill(self, value):
        """Every skill chosen: a rare one looked up in the skills' GIN index, a common one
        (Python is in 40% of jobs) checked on the rows that the other filters find when that
        reads less (see on_rows)."""
        on_rows = self.on_rows()
        looked_up = [skill.pk for skill in value if skill.pk not in on_rows]
        checked = [skill.pk for skill in value if skill.pk in on_rows]
        condition = Q(skill_ids__contains=looked_up) if looked_up else Q()
        if checked:
            condition &= Q(ArrayContains(unindexed("skill_ids"), checked))
        return condition

    @cached_property
    def _weighed(self) -> dict:
        """The chosen skills and the lowest salary, by their shares of the board."""
        data = self.cleaned_data()
        weighed = {}
        if data.get("skill"):
            shares = skill_shares()
            weighed.update({skill.pk: shares.get(skill.pk, 0.0) for skill in data["skill"]})
        if self._salary_floor_share is not None:
            weighed[SALARY_FLOOR] = self._salary_floor_share
        return weighed

    def _walks_currency_pay(self) -> bool:
        """Whether the page may be read by walking one currency's part of the currency and
        salary index, best paid first: the salary floor is then looked up in that index with
        the currency. When the counts say the matches are few enough to be sorted however they
        are found (SORT_ALL_UP_TO), the floor is weighed like any other condition: "brightline"
        (2,600 jobs) paid at least 73,000 USD took 101 ms to AND with that index's 259,000 ids
        at 1,000,000 listings."""
        if not (self.cleaned_data().get("currency") and self.sort_order == Sort.SALARY):
            return False
        # Before the total is counted exactly, the rows the other filters leave bound it.
        matches = self.expected_total if self.expected_total is not None else self.base_estimate
        return not self.pay_sorted_anyway(matches)

    @cached_property
    def _salary_floor_share(self) -> float | None:
        """The share of the board paid at least the salary floor a year in the currency chosen,
        or in euros with every currency converted; None without a floor, or when the currency
        has no rate."""
        data = self.cleaned_data()
        minimum, currency = data.get("salary_min"), data.get("currency")
        if minimum is None:
            return None
        if not currency:
            return salary_share(int(minimum))
        per_euro = 1.0
        if currency != REFERENCE_CURRENCY:
            rate = ExchangeRate.objects.current().get(currency)
            if rate is None:
                return None
            per_euro = float(rate.per_euro)
        return currency_salary_share(currency, int(minimum) / per_euro)

    def _keywords_on_rows(self) -> bool:
        """Whether checking the keywords on the rows the other filters match (the sample
        counted them) reads less than looking up their words.

        Only for keywords that ask for every word: the index then reads about as many ids as
        the rarest word has (it skips through the others' lists to them), the board times that
        word's share from the planner's statistics; a word too rare for the statistics counts
        as none. Checked on rows, the keywords no longer narrow the search, so the other
        filters' lookups are counted against it too: with the words looked up, the planner can
        leave those to be checked on the few rows the words find (a skill in 5% of jobs and pay
        of at least 56,000 EUR, a third of them, with "api html")."""
        if self.keywordless_estimate is None or self.search_query is None:
            return False
        if not self._word_shares:  # not keywords that ask for every word
            return False
        others = sum(self._weighed.values())
        rows = self.keywordless_estimate
        if self._choices_looked_up(rows) and self.keywordless_chosen_estimate is not None:
            # The choices looked up as well ("python" for remote internships): the check reads
            # only the rows that have them, after their ids are looked up.
            rows = self.keywordless_chosen_estimate
            others += self._choice_ids_share
        checked = rows * ROW_COST_IN_LOOKUPS + self.board_rows * others
        return checked <= self.board_rows * min(self._word_shares)

    @cached_property
    def _word_shares(self) -> list[float]:
        """The share of the board that has each word of keywords asking for all of them; empty
        for any other query (either word, not a word, a prefix)."""
        shares = word_shares()
        return [shares.get(word, 0.0) for word in required_words(self.search_query) or []]

    def on_rows(self) -> set:
        """Which of the chosen skills (by id), and whether the lowest salary (SALARY_FLOOR) and
        the keywords (KEYWORDS), cost less to check on the rows the other filters match than
        to look up.

        The sample counted the rows that match every filter but the choices (base_estimate),
        which is what a lookup of every condition leaves, and those that match every filter but
        the choices and the keywords: "developer" (43% of jobs) in London is checked on
        London's jobs (_keywords_on_rows). Then, the salary floor first and the skills from the
        most common down (_weighing_order), a condition is checked on rows when the rows the
        lookups would then leave, read at ROW_COST_IN_LOOKUPS ids each, are fewer than the ids
        its own lookup yields (the board times its share, from the planner's statistics):
        Python (40% of jobs) with a keyword that finds 25,000 jobs is checked on them, two
        skills of 3% each are looked up. A skill too rare for the statistics is looked up. The
        salary floor, looked up in a B-tree whose ids are all read, is weighed on the rows that
        have the choices when those are looked up (the sample's share): pay of at least 60,000
        USD is checked on the 2,600 senior hybrid full-time jobs that say "analysis", not
        weighed against all 30,000 of that word's. Skills are not: looked up in the choices'
        GIN scan, they are skipped through (internships asking for APIs and Java took 27 ms
        so, 62 ms checked on the 9,100 internship rows of the week that ask for one). Best paid
        first in one currency, the floor is weighed only when the matches are sorted
        (_walks_currency_pay).
        """
        if self.base_estimate is None:
            return set()
        left, checked = float(self.base_estimate), []
        if self._keywords_on_rows():
            left, checked = float(self.keywordless_estimate), [KEYWORDS]
        # The choices looked up too, the floor is checked on the rows that have them.
        chosen = 1.0 if self._choices_on_rows_besides(checked) else self._chosen_fraction(checked)
        if left * chosen * ROW_COST_IN_LOOKUPS <= self.board_rows:
            # Else not even a condition every job meets would be worth checking.
            for condition, share in sorted(self._weighed.items(), key=self._weighing_order):
                rows = left
                if condition == SALARY_FLOOR:
                    if self._walks_currency_pay():
                        continue
                    rows *= chosen
                if share > 0.0 and rows / share * ROW_COST_IN_LOOKUPS <= self.board_rows * share:
                    checked.append(condition)
                    left /= share
        if checked and not self._looked_up_besides(checked):
            # Something must be looked up, or every row of the board is read: the rarest.
            checked.pop()
        return set(checked)

    @staticmethod
    def _weighing_order(item: tuple) -> tuple:
        """The salary floor first, then the skills from the most common down: a skill looked up
        rides in the GIN scan of the keywords or another skill, skipping through its list, while
        all of the floor's ids are read from its B-tree. Weighed after Java (23% of jobs),
        pay of at least 89,000 USD (18%) was looked up beside "typescript" and Spring: 256,000
        ids, 108 ms at 1,000,000 listings."""
        condition, share = item
        return (condition != SALARY_FLOOR, -share)

    def _riding_choices(self) -> bool:
        """Whether the choices are few enough to be looked up in another lookup's scan
        (RIDING_CHOICES_SHARE)."""
        return bool(self._choice_shares) and self._choice_ids_share <= RIDING_CHOICES_SHARE

    def _scanned_besides(self, checked) -> bool:
        """Whether a place or keywords are looked up in the search rows' GIN index
        (searchrow_lookups) when those `checked` are not, so that few choices can be looked up
        in the same scan."""
        return bool(
            self.cleaned_data().get("location")
            or (self.search_query is not None and KEYWORDS not in checked)
        )

    def looked_up_ids(self) -> float:
        """About how many row ids the lookups of this search yield, from the shares of what is
        looked up: keywords asking for every word (their rarest word), skills (the rarest),
        the choices and the salary floor. Places, companies and other keywords are not
        counted: the figure errs low."""
        on_rows = self.on_rows()
        shares = []
        if self.search_query is not None and KEYWORDS not in on_rows and self._word_shares:
            shares.append(min(self._word_shares))
        skills = [
            share
            for key, share in self._weighed.items()
            if key != SALARY_FLOOR and key not in on_rows
        ]
        if skills:  # one lookup for them all, skipping through to the rarest one's rows
            shares.append(min(skills))
        if SALARY_FLOOR in self._weighed and SALARY_FLOOR not in on_rows:
            shares.append(self._weighed[SALARY_FLOOR])
        if self.base_estimate is not None and not self.choices_on_rows() and self._choice_shares:
            shares.append(self._choice_ids_share)
        return self.board_rows * sum(shares)

    def sort_cost(self) -> float:
        """What finding the matches costs, in row ids out of a lookup: the ids its lookups
        yield, and the rows they leave, read one by one (ROW_COST_IN_LOOKUPS each)."""
        return self.looked_up_ids() + self._rows_sorted() * ROW_COST_IN_LOOKUPS

    def _rows_sorted(self) -> float:
        """About how many rows finding the matches reads: those the lookups leave, on which
        the other conditions are checked."""
        on_rows = self.on_rows()
        if self.choices_on_rows():
            return self._rows_besides(on_rows)
        if KEYWORDS in on_rows and self.keywordless_chosen_estimate is not None:
            return self.keywordless_chosen_estimate
        return self.expected_total or 0

    def _looked_up_besides(self, checked: list) -> bool:
        """Whether a condition is looked up when those `checked` are not: a place, a company,
        keywords, a skill, or pay (a currency or a floor) with the floor not checked."""
        data = self.cleaned_data()
        pay = data.get("currency") or data.get("salary_min") is not None
        return bool(
            data.get("location")
            or data.get("company")
            or (pay and SALARY_FLOOR not in checked)
            or (self.search_query is not None and KEYWORDS not in checked)
            or any(condition not in checked for condition in self._weighed)
            or self._choices_looked_up(self._rows_besides(checked))
        )

    def condition_posted(self, value):
        return Q(published_at__gte=self.now - timedelta(days=int(value)))

    def get_form_class(self):
        """The form, built once per class: django-filter builds a new form class for every
        search, and its filters here never change per request."""
        cls = type(self)
        if "_form_class" not in cls.__dict__:
            cls._form_class = super().get_form_class()
        return cls._form_class

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
            if method is None or is_empty(value):
                continue
            condition = method(value)
            if condition is not None:
                conditions[name] = condition
        return conditions

    def describe(self) -> str:
        """The search in words, as a person would name it: "Python, Django, remote, in Germany".

        Keywords first, then each filter in the labels the search form shows; filters that did
        not validate are left out, as they are from the search. Empty for "everything".
        """
        data = self.cleaned_data()
        fields = self.form.fields
        words = [data["q"]] if data.get("q") else []
        words += [skill.name for skill in data.get("skill") or []]
        for name in ("workplace", "employment_type", "seniority"):
            chosen = data.get(name) or []
            words += [
                str(label).lower() for value, label in fields[name].choices if value in chosen
            ]
        wish = read_place_wish(data.get("location") or "")
        if wish.remote and Job.Workplace.REMOTE not in (data.get("workplace") or []):
            words.append(str(Job.Workplace.REMOTE.label).lower())
        if wish.place:
            code = country_code(wish.place)
            words.append(f"in {countries.name(code) if code else wish.place}")
        currency = data.get("currency") or ""
        if data.get("salary_min") is not None:
            salary = f"{fields['salary_min'].label.lower()} {int(data['salary_min']):,}"
            converted = f"{REFERENCE_CURRENCY} (any currency, converted)"
            words.append(f"{salary} {currency or converted}")
        elif currency:
            words.append(f"paid in {currency}")
        if data.get("posted"):
            words.append(f"posted in the {dict(fields['posted'].choices)[data['posted']].lower()}")
        if data.get("company"):
            company = Company.objects.filter(slug=data["company"]).values_list("name", flat=True)
            words.append(f"at {company.first() or data['company']}")
        text = ", ".join(words)
        return text[:1].upper() + text[1:]

    # Results -----------------------------------------------------------------------------

    @cached_property
    def search_query(self):
        percent = min(100.0, 100.0 * WORD_SAMPLE_ROWS / max(self.board_rows, 1))
        return build_search_query(
            self.cleaned_data().get("q") or "",
            is_known=lambda word: is_known_word(word, sample_percent=percent),
        )

    @property
    def sort_order(self) -> str:
        sort = self.cleaned_data().get("sort")
        if sort == Sort.RELEVANCE and self.search_query is None:
            return Sort.NEWEST
        return sort or (Sort.RELEVANCE if self.search_query is not None else Sort.NEWEST)

    def matching_rows(self):
        """The search rows of open jobs that match every filter, in no order."""
        return SearchRow.objects.live().filter(*self.conditions().values())

    def matching_jobs(self):
        """The open jobs that match, as a Job QuerySet (feeds and alerts add their own order)."""
        return Job.objects.published().filter(pk__in=self.matching_rows().values("job_id"))

    # Facets ------------------------------------------------------------------------------

    def facet_choices(self, name):
        return list(self.filters[name].extra["choices"])
