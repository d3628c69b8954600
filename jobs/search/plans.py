"""How a search page is read: ordered index walk or sort, chosen from the sampled counts; the
jobs of the chosen rows are then fetched by id."""

from dataclasses import dataclass
from math import ceil, inf

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchRank
from django.db.models import (
    BigIntegerField,
    DateTimeField,
    F,
    Func,
    OrderBy,
)
from django.db.models.expressions import RawSQL

from careerboard.db_routers import read_connection, read_rows
from jobs.models import Job, SearchRow, jobs_for_cards
from jobs.search.query import all_words
from jobs.search.sampling import (
    EXACT_COUNT_CAP,
    SAMPLED_PAY_KEPT,
    first_in_order_sql,
    salary_share,
    tag_shares,
)

# Relevance ranks only the newest matches, so a broad query never ranks the whole board...
RANK_CANDIDATES = 500
# ... but when the counts say there are few matches, it ranks them all, which costs little (as
# many as are counted exactly, whose first page may come with the count: page_order()).
RANK_ALL_UP_TO = EXACT_COUNT_CAP
# Newest or best-paid first reads the date or salary index in order until it has the rows it
# needs, which is quick when matches are common: about needed * board / matches rows. Rows lie
# in date order, several to a page, while finding the matches through the filters' indexes
# reads a page for each match found there (often many more than match in the end). When a walk
# would pass over more rows than this, the matches are read that way and sorted instead...
WALK_BUDGET_ROWS = 100_000
# ... or more than this many times the rows a sort would read: a walk reads neighbouring rows,
# a sort reads each row it finds on a page of its own.
NEIGHBOURS_PER_SCATTERED_READ = 4
# ... and, by salary, always when there are at most this many: sorting them is cheap, while a
# walk can pass over most of the board when the matches sit at its far end (pay in rupees, say).
# Dates are not tied to what people search for that way.
SORT_ALL_UP_TO = 5000

# Best paid first is walked on the sample's guess that pay is unrelated to the filters, and
# often it is not (an intern's pay is low, a lead's high). A walk in euros therefore reads at
# most this many times the rows it was expected to read, and at least SALARY_WALK_MIN_ROWS;
# if the page is not full by then, the matches are found and sorted instead.
SALARY_WALK_OVERRUN = 2
SALARY_WALK_MIN_ROWS = 2_000
# The order of the euro salary index (searchrow_salary_eur), for the bounded walk's SQL.
SALARY_EUR_ORDER = '"salary_max_eur" DESC NULLS LAST, "published_at" DESC, "job_id" DESC'

# The newest matches (a page of them, or relevance's candidates), when in_order() chose to find
# and sort them because a walk of the date order would read more rows than there are matches,
# are still first looked for by a walk of at most this many times the rows it is expected to
# read, if the sort costs more than that walk: the walk stops at the rows it needs, while the
# sort's lookups read every id of every condition ("java", JavaScript and remote yield 675,000
# at 1,000,000 listings, for 8,400 matches). If the walk finds too few, the matches are found
# and sorted after all, in the same statement.
DATE_WALK_OVERRUN = 2
# A row met by a walk of the date order and checked costs about as much as this many row ids
# out of a lookup (at 1,000,000 listings, under EXPLAIN ANALYZE: 58,000 rows in 53 ms, and
# 675,000 ids in 125 ms).
WALKED_ROW_COST_IN_LOOKUPS = 5
# The order of the date index (searchrow_newest), for the bounded walk's SQL.
NEWEST_ORDER = '"published_at" DESC, "job_id" DESC'

# A first page of results, on the site (20) or in the API (50).
FIRST_PAGE_ROWS = 50


class Sort:
    RELEVANCE = "relevance"
    NEWEST = "newest"
    SALARY = "salary"
    CHOICES = [(RELEVANCE, "Best match"), (NEWEST, "Newest"), (SALARY, "Highest salary")]


class PageReading:
    """The results of a `JobFilterSet` in order, read the cheapest way its counts allow."""

    @property
    def qs(self) -> "Results":
        """The results in order, bound or not (an unbound search lists every open job)."""
        if self.is_surely_empty():
            return Results(lambda needed: SearchRow.objects.none())
        # ordered_rows() sets salary_walk for the page it is about to read.
        return Results(
            self.ordered_rows,
            walks=lambda: self.walks,
            salary_walk=lambda: self.salary_walk,
            first_matches=lambda: self.first_matches,
        )

    def ordered_rows(self, needed: int):
        """The matching rows in the page's order, read in the way that suits `needed` rows."""
        self.salary_walk = None
        rows = self.matching_rows()
        order = self.sort_order
        if order == Sort.RELEVANCE:
            rank = SearchRank(F("document"), all_words(self.search_query))
            by_rank = ("-rank", "-published_at", "-job_id")
            if self.expected_total is not None and self.expected_total <= RANK_ALL_UP_TO:
                return rows.annotate(rank=rank).order_by(*by_rank)
            newest = self.in_order(F("published_at"), RANK_CANDIDATES, DateTimeField)
            candidates = rows.order_by(*newest).values("job_id")[:RANK_CANDIDATES]
            bound = self.date_walk_bound()
            if bound is not None:
                candidates = walked_first(rows, candidates, bound, RANK_CANDIDATES)
            return (
                SearchRow.objects.filter(job_id__in=candidates)
                .annotate(rank=rank)
                .order_by(*by_rank)
            )
        if order == Sort.SALARY:
            pay = self.pay_column
            salary = self.in_order(
                F(pay), needed, BigIntegerField, nulls_last=True, few=SORT_ALL_UP_TO
            )
            ordering = (salary[0], "-published_at", "-job_id")
            sorted_by_pay = (
                sorted_not_walked(pay, nulls_last=True),
                "-published_at",
                "-job_id",
            )
            seniorities = self.cleaned_data().get("seniority") or []
            if self.walks and len(seniorities) > 1 and self.seniority_parts_read():
                # The best paid of each seniority from its part of the seniority and salary
                # index, then the best of those: one walk of the salary order would pass over
                # the better paid levels first.
                parts = [
                    rows.filter(seniority=seniority).order_by(*ordering).values("job_id")[:needed]
                    for seniority in seniorities
                ]
                best = parts[0].union(*parts[1:], all=True)
                # Each part's order matches its index, so the planner walks it unforced; forced,
                # it costs every other step as disabled and picks them blindly. The few rows
                # found are sorted, as an expression no index answers, so that the salary order
                # is not walked again to meet them.
                self.walks = False
                return SearchRow.objects.filter(job_id__in=best).order_by(*sorted_by_pay)
            if self.walks and pay == "salary_max_eur" and not self.seniority_parts_read():
                self.walks = False  # the bound takes the place of forcing the walk
                self.salary_walk = SalaryWalk(
                    bound=max(SALARY_WALK_MIN_ROWS, round(SALARY_WALK_OVERRUN * self.walk_rows)),
                    sorted_rows=rows.order_by(*sorted_by_pay),
                    expected=self.expected_total or 0,
                )
            return rows.order_by(*ordering)
        newest = rows.order_by(*self.in_order(F("published_at"), needed, DateTimeField))
        bound = self.date_walk_bound()
        if bound is None:
            return newest
        # The first `needed`, as relevance's candidates are found; then sorted, a few rows.
        first = walked_first(rows, newest.values("job_id")[:needed], bound, needed)
        return SearchRow.objects.filter(job_id__in=first).order_by(
            sorted_not_walked("published_at"), "-job_id"
        )

    @property
    def pay_column(self) -> str:
        """What salaries are sorted and filtered by: in the currency chosen (its part of the
        currency and salary index), or in euros with every currency converted (the euro salary
        index)."""
        return "salary_max_annual" if self.cleaned_data().get("currency") else "salary_max_eur"

    def page_order(self) -> tuple[dict, str]:
        """The page's order for reading the first matches out of the counted rows
        (SampledCounts.counted): the sort keys to annotate, and the SQL that orders by them as
        ordered_rows() orders every match when they are few."""
        if self.sort_order == Sort.RELEVANCE:
            rank = SearchRank(F("document"), all_words(self.search_query))
            return {"rank": rank}, "rank DESC, published_at DESC, job_id DESC"
        if self.sort_order == Sort.SALARY:
            pay = F(self.pay_column)
            return {"pay": pay}, "pay DESC NULLS LAST, published_at DESC, job_id DESC"
        return {}, "published_at DESC, job_id DESC"

    def in_order(self, key, needed: int, field, *, nulls_last=False, few=0) -> tuple:
        """`key` descending, walking its index when that reads less than finding the matches
        and sorting them (see WALK_BUDGET_ROWS; by date, also in the costs of
        date_walk_bound()) and there are more than `few`; else as an expression no index
        answers, so that the matches are found and sorted."""
        if self.expected_total is not None:
            board = max(self.board_rows, self.expected_total)  # the planner's figure may lag
            currency = self.cleaned_data().get("currency")
            if field is DateTimeField:
                # Newest first, "posted in the last day" walks that day's rows only.
                board = max(round(board * self.window_share), self.expected_total)
            elif currency and field is BigIntegerField:
                # Best paid first in one currency walks that currency's part of the index...
                share = tag_shares().get(SearchRow.tag("currency", currency), 1.0)
                board = max(round(board * share), self.expected_total)
            elif field is BigIntegerField and self.seniority_parts_read():
                # ... and at chosen seniorities, their parts.
                shares = tag_shares()
                share = sum(
                    shares.get(SearchRow.tag("seniority", seniority), 1.0)
                    for seniority in self.cleaned_data()["seniority"]
                )
                board = max(round(board * min(share, 1.0)), self.expected_total)
            walked = needed * board / max(self.expected_total, 1)
            if field is BigIntegerField and not currency and not self.seniority_parts_read():
                # Never shorter than that guess: a sampled match stands for hundreds.
                walked = max(walked, self.salary_walk_rows(needed, walked))
            # A sort reads the rows the indexes find: all matches, or those of the filters
            # other than the choices when the choices are checked on rows.
            found = self.expected_total
            if self.base_estimate is not None and self.choices_on_rows():
                found = self.base_estimate
            self.walk_rows = walked
            too_far = walked > min(WALK_BUDGET_ROWS, NEIGHBOURS_PER_SCATTERED_READ * found)
            if field is DateTimeField and not too_far:
                # Each row walked is checked against every condition, keywords too, at about
                # WALKED_ROW_COST_IN_LOOKUPS ids: no walk when the sort's lookups and the rows
                # they leave cost less (sort_cost()).
                too_far = walked * WALKED_ROW_COST_IN_LOOKUPS > self.sort_cost()
            if self.expected_total <= few or too_far:
                return (sorted_not_walked(key.name, nulls_last=nulls_last), F("job_id").desc())
            else:
                # The planner underrates how many rows a word matches and would rather build
                # bitmaps of them all; the sample says the walk is cheaper (see Results).
                self.walks = True
        return (OrderBy(key, descending=True, nulls_last=nulls_last or None), F("job_id").desc())

    @staticmethod
    def pay_sorted_anyway(matches: int | None) -> bool:
        """Whether best paid first finds and sorts this many matches however they are found,
        walking no salary index (SORT_ALL_UP_TO); False when their number is not known."""
        return matches is not None and matches <= SORT_ALL_UP_TO

    def date_walk_bound(self) -> int | None:
        """How many rows of the date order to walk for the newest matches before finding and
        sorting them (see DATE_WALK_OVERRUN); None when in_order() chose the walk outright, or
        the sort it would spare (its lookups, and the rows they leave, read one by one) costs
        less than walking that far."""
        if self.walks or self.walk_rows is None:
            return None
        bound = round(DATE_WALK_OVERRUN * self.walk_rows)
        if bound * WALKED_ROW_COST_IN_LOOKUPS > self.sort_cost():
            return None
        return bound

    def salary_walk_rows(self, needed: int, evenly: float) -> float:
        """How many rows of the euro salary order a walk reads to meet the `needed` best-paid
        matches: down to the pay of the sampled match that stands for the last of them, the
        board's share paid at least that much (an intern's pay is low, so the walk meets
        interns far down). `evenly`, the guess that pay is unrelated to the filters, when the
        sample kept too few; infinite when it saw fewer paid matches than that."""
        if self.sampled_pay is None:
            return evenly
        nth = ceil(needed / max(self.sample_scale, 1)) - 1
        if nth < len(self.sampled_pay):
            return self.board_rows * salary_share(self.sampled_pay[nth])
        return evenly if len(self.sampled_pay) >= SAMPLED_PAY_KEPT else inf

    def is_surely_empty(self) -> bool:
        """Whether the counts found nothing and counted it exactly: then no page is read."""
        return self.total_is_exact and self.expected_total == 0


def unindexed(column: str) -> Func:
    """A search row's `column` as an expression no index answers (`|| ''`, `|| '{}'`, `+ 0`,
    `+ interval '0'`), with the same values. Ordered by it, the matches are found and sorted
    rather than a B-tree walked for them; filtered by it, a condition is checked on the rows the
    other filters find rather than looked up (`JobFilterSet.on_rows`): left to itself, the
    planner ANDs the ids of every row with that value into its bitmap, 300,000-400,000 of them
    for "senior" or Python at 1,000,000 listings, when a keyword has already found a few
    thousand rows."""
    field = SearchRow._meta.get_field(column)
    if isinstance(field, ArrayField):
        template = "(%(expressions)s || '{}')"
    elif isinstance(field, DateTimeField):
        template = "(%(expressions)s + interval '0')"
    elif isinstance(field, BigIntegerField):
        template = "(%(expressions)s + 0)"
    else:
        template = "(%(expressions)s || '')"
    return Func(F(column), template=template, output_field=field)


def walked_first(rows, sorted_ids, bound: int, needed: int) -> RawSQL:
    """The ids of the first `needed` of `rows` in date order, as a subquery: from a walk of at
    most `bound` rows of the date order, or, when it finds fewer, from `sorted_ids` (the
    matches found and sorted), which is then read in the same statement and otherwise not at
    all."""
    walk = rows.order_by("-published_at", "-job_id").values("job_id")[:needed]
    walk_sql, walk_params = walk.query.sql_with_params()
    walk_sql = first_in_order_sql(walk_sql, NEWEST_ORDER, bound)
    sort_sql, sort_params = sorted_ids.query.sql_with_params()
    needed = int(needed)
    sql = f"""
        WITH walked AS MATERIALIZED ({walk_sql})
        SELECT job_id FROM walked WHERE (SELECT count(*) FROM walked) >= {needed}
        UNION ALL
        SELECT job_id FROM ({sort_sql}) AS sorted WHERE (SELECT count(*) FROM walked) < {needed}
    """
    return RawSQL(sql, (*walk_params, *sort_params))


def sorted_not_walked(column: str, *, nulls_last=False) -> OrderBy:
    """`column` descending as an expression no index answers: the matches are found and sorted,
    and no B-tree is walked for them."""
    return OrderBy(unindexed(column), descending=True, nulls_last=nulls_last or None)


# The planner settings that leave the ordered index as the only way to read a walk's rows.
WALK_ONLY = {"enable_bitmapscan": "off", "enable_seqscan": "off"}


class Results:
    """Jobs in the order of their search rows, read a page at a time: paginators and the API
    slice this.

    `ordered_rows(needed)` gives the rows in order, read in a way that suits fetching `needed` of
    them; the page's jobs and what a card shows are then fetched by id, in bulk. When counting
    the search already read every match in order (`first_matches()`, a list), the page is cut
    from them.
    """

    def __init__(
        self,
        ordered_rows,
        *,
        walks=lambda: False,
        salary_walk=lambda: None,
        first_matches=lambda: None,
    ):
        self.ordered_rows = ordered_rows
        self.walks = walks
        self.salary_walk = salary_walk
        self.first_matches = first_matches

    def __getitem__(self, item: slice) -> list[Job]:
        if not isinstance(item, slice):
            return self[item : item + 1][0]
        first = self.first_matches()
        ids = first[item] if first is not None else self._page_ids(item)
        jobs = jobs_for_cards(ids)
        return [jobs[pk] for pk in ids if pk in jobs]

    def _page_ids(self, item: slice) -> list[int]:
        rows = self.ordered_rows(needed=item.stop or FIRST_PAGE_ROWS)
        query = rows.values_list("job_id", flat=True)[item]
        walk = self.salary_walk()
        return self._ids(query) if walk is None else walk.ids(query, item)

    def __iter__(self):
        return iter(self[:])

    def _ids(self, query) -> list[int]:
        if not self.walks():
            return list(query)
        sql, params = query.query.sql_with_params()
        # The ordered index is then the only way left to read the rows.
        rows = read_rows(sql, params, settings=WALK_ONLY)
        return [row[0] for row in rows]


@dataclass
class SalaryWalk:
    """Best paid first in euros, walked for at most `bound` rows of the salary order, then, if
    the page is not full and more matches are expected, found and sorted (`sorted_rows`)."""

    bound: int
    sorted_rows: object
    expected: int

    def ids(self, query, item: slice) -> list[int]:
        sql, params = query.query.sql_with_params()
        # The salary order's first rows, in that order, as the table the page's query reads.
        sql = first_in_order_sql(sql, SALARY_EUR_ORDER, self.bound)
        with read_connection().cursor() as cursor:
            cursor.execute(sql, params)
            ids = [row[0] for row in cursor.fetchall()]
        start = item.start or 0
        wanted = None if item.stop is None else item.stop - start
        if wanted is not None and len(ids) < wanted and start + len(ids) < self.expected:
            ids = list(self.sorted_rows.values_list("job_id", flat=True)[item])
        return ids
