"""Full-text query building and typo correction for job search (PostgreSQL FTS and pg_trgm)."""

import re

from django.contrib.postgres.search import SearchQuery, SearchQueryField
from django.db.models import BooleanField, F, Func, Value
from django.db.models.functions import Cast
from django.db.models.sql import Query

from careerboard.caching import KNOWN_WORDS_COPY, QUERY_TEXT_COPY, worker_copy, worker_memo
from careerboard.db_routers import read_connection, read_rows

SEARCH_CONFIG = "english"
# A plain last word still being typed: letters and digits, not negated, not inside quotes.
TRAILING_WORD = re.compile(r"(?:^|\s)([^\W_]{2,})$")
WORD = re.compile(r"[^\W_][\w+#.-]*")
MAX_CORRECTED_WORDS = 6
SIMILARITY_THRESHOLD = 0.2
# Whole-word answers a worker keeps (is_known_word): a few hundred words make most searches.
KNOWN_WORDS_KEPT = 10_000
# Queries whose text a worker keeps (query_text): the same keywords come back with other
# filters, sorts and pages.
QUERY_TEXTS_KEPT = 10_000
# A hyphen inside a word ("server-side"): searched as the word's parts, however a job spells it.
INNER_HYPHEN = re.compile(r"(?<=[^\W_])-(?=[^\W_])")


class AllWords(Func):
    """The query with every phrase operator (`<->`, `<2>`) turned into "and".

    Search rows keep the description's words without positions (migration 0008), so a phrase
    could never match there; and an "and" is answered by the GIN index alone, with no recheck.
    """

    template = "regexp_replace((%(expressions)s)::text, '<[0-9-]+>', '&', 'g')::tsquery"
    output_field = SearchQueryField()


class Matches(Func):
    """`document @@ query`, as a condition that filter() and Count(filter=...) accept."""

    arg_joiner = " @@ "
    template = "(%(expressions)s)"
    output_field = BooleanField()


class MatchesOnRows(Func):
    """`document @@ query` as the function behind the operator, which no index answers: the
    words are then checked on each row that the other filters find (`JobFilterSet.on_rows`)
    rather than looked up. It reads the row's vector as it is, where `document || ''` would copy
    it first (0.3 against 1.4 us a row)."""

    function = "ts_match_vq"
    output_field = BooleanField()


def document_matches(query, *, on_rows=False) -> Func:
    if on_rows:
        return MatchesOnRows(F("document"), all_words(query))
    return Matches(F("document"), all_words(query))


def all_words(query) -> Cast:
    """AllWords(query) as a constant, read once per worker: PostgreSQL does not fold the
    functions that make it, and makes it again for each row it checks the query on (2 us a row,
    4 ms of a sample's 9 at 1,000,000 listings), and for each row it ranks."""
    return Cast(Value(query_text(query)), output_field=SearchQueryField())


# A lexeme in a tsquery's text ('develop', 'it''s'), with its marks (':*' for a prefix).
LEXEME = re.compile(r"'((?:[^']|'')*)'(:[*A-D]+)?")
# What may stand between the lexemes of a query that asks for all of them.
ALL_OF = re.compile(r"[\s&()]*")


def query_text(query) -> str:
    """The text of AllWords(query), as PostgreSQL reads it ("'senior' & 'develop'")."""
    if hasattr(query, "all_words_text"):
        return query.all_words_text
    return query_texts([query])[0]


def query_texts(queries: list) -> list[str]:
    """query_text() of each query; those this worker has not read yet, in one statement (a
    list of career roles has a search each). Each worker keeps the answers for its life (they
    depend on the text search configuration alone), up to QUERY_TEXTS_KEPT, and each query its
    own."""
    reading = read_connection()
    compiler = Query(None).get_compiler(connection=reading)
    answers = worker_memo(QUERY_TEXT_COPY, dict)
    keys, missing = [], {}
    for query in queries:
        sql, params = compiler.compile(AllWords(query).resolve_expression(compiler.query))
        key = (sql, *params)
        keys.append(key)
        if key not in answers:
            missing[key] = (sql, params)
    if missing:
        if len(answers) + len(missing) > QUERY_TEXTS_KEPT:
            answers.clear()
        columns = ", ".join(f"({sql})::text" for sql, _ in missing.values())
        with reading.cursor() as cursor:
            cursor.execute(
                f"SELECT {columns}", [param for _, params in missing.values() for param in params]
            )
            answers.update(zip(missing, cursor.fetchone(), strict=True))
    for query, key in zip(queries, keys, strict=True):
        query.all_words_text = answers[key]
    return [answers[key] for key in keys]


def required_words(query) -> list[str] | None:
    """The lexemes of a query that finds the rows having every one of them ("senior developer"),
    as PostgreSQL reads it; None when it asks for anything else (either word, not a word, a
    prefix) or for nothing (only words search ignores)."""
    text = query_text(query)
    words = []
    for match in LEXEME.finditer(text):
        if match.group(2):
            return None
        words.append(match.group(1).replace("''", "'"))
    return words if words and ALL_OF.fullmatch(LEXEME.sub("", text)) else None


def build_search_query(text: str, *, is_known=lambda word: False) -> SearchQuery | None:
    """Websearch syntax (quotes, OR, -not); the last word also matches as a prefix.

    Search matches a quoted phrase, or a hyphenated word, by all of its words (see AllWords).

    A last word that `is_known` (a whole word some job has, such as "developer", or a word too
    common to search for) is taken as typed in full: its prefix can match a large share of the
    board and cost more than the rest of the search, and "java" should not find "javascript".
    """
    text = INNER_HYPHEN.sub(" ", " ".join(text.split()))
    if not WORD.search(text):
        return None
    exact = SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)
    match = TRAILING_WORD.search(text) if text.count('"') % 2 == 0 else None
    if match is None or is_known(match.group(1).lower()):
        return exact
    prefix = SearchQuery(f"{match.group(1)}:*", search_type="raw", config=SEARCH_CONFIG)
    head = text[: match.start(1)].strip()
    either = re.match(r"^(.*)\s+or$", head, flags=re.IGNORECASE)
    if either and WORD.search(either.group(1)):
        partial = SearchQuery(either.group(1), search_type="websearch", config=SEARCH_CONFIG)
        return exact | partial | prefix
    if WORD.search(head) and head.lower() != "or":
        head_query = SearchQuery(head, search_type="websearch", config=SEARCH_CONFIG)
        return exact | (head_query & prefix)
    return exact | prefix


def is_known_word(word: str, *, sample_percent: float) -> bool:
    """Whether some job has this whole word, or it is a word search ignores ("an").

    Looked for in that share of the rows' pages first, then in the GIN index (jobs migration
    0010): a few milliseconds whether the word is common, rare or nowhere. Each worker keeps the
    answers while public data stays as it was (careerboard/caching.py), up to KNOWN_WORDS_KEPT.
    """
    answers = worker_copy(KNOWN_WORDS_COPY, dict)
    if word not in answers:
        if len(answers) >= KNOWN_WORDS_KEPT:
            answers.clear()
        answers[word] = _has_word(word, sample_percent)
    return answers[word]


def _has_word(word: str, sample_percent: float) -> bool:
    with read_connection().cursor() as cursor:
        cursor.execute(
            "SELECT jobs_has_word(%s::regconfig, %s, %s::real)",
            [SEARCH_CONFIG, word, sample_percent],
        )
        return cursor.fetchone()[0]


def suggest_correction(text: str) -> str | None:
    """The query with each unknown word replaced by the closest known skill or title word."""
    words = WORD.findall(text.lower())[:MAX_CORRECTED_WORDS]
    if not words:
        return None
    rows = read_rows(
        """
        SELECT w.word, best.term
        FROM unnest(%s::text[]) WITH ORDINALITY AS w(word, n)
        LEFT JOIN LATERAL (
            SELECT t.term FROM jobs_searchterm t
            WHERE t.term %% w.word
            ORDER BY t.term = w.word DESC, similarity(t.term, w.word) DESC,
                     t.frequency DESC, t.term
            LIMIT 1
        ) AS best ON true
        ORDER BY w.n
        """,
        [words],
        # Short words with swapped letters ("pyhton") share few trigrams; the default 0.3
        # threshold would miss them.
        settings={"pg_trgm.similarity_threshold": SIMILARITY_THRESHOLD},
    )
    corrected = [term or word for word, term in rows]
    if corrected == words:
        return None
    return " ".join(corrected)
