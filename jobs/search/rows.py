"""Keeping what search reads in step: the jobs' search rows, and the vocabulary of typo
suggestions."""

from collections.abc import Iterable

from django.db import connection, transaction

from jobs.models import (
    SearchTerm,
)

ADD_TERMS_SQL = """
INSERT INTO jobs_searchterm (term, frequency)
SELECT lexeme, 1 FROM unnest(to_tsvector('simple', %s))
WHERE length(lexeme) BETWEEN 2 AND 80 AND lexeme ~ '^[[:alpha:]][[:alnum:]+#.-]*$'
ON CONFLICT (term) DO UPDATE SET frequency = jobs_searchterm.frequency + 1
"""


def job_reindex(*, job_ids: Iterable[int]) -> None:
    """Recompute the derived search columns of these jobs after their own skills or places change.

    A rename is not this function's business: the SQL triggers of migration 0003 are the one
    path that re-indexes the jobs of a renamed skill, place or company (or a detached place),
    whoever renames it, so no admin, service or seed loader re-indexes after a rename. What no
    trigger watches is a job gaining skills or places: the posting services, the demo loader and
    the job admin call this then. The SQL function itself is migration 0008's, which also
    rewrites the search rows.
    """
    ids = list(job_ids)
    if ids:
        with connection.cursor() as cursor:
            cursor.execute("SELECT jobs_reindex(%s::bigint[])", [ids])


def search_terms_rebuild() -> int:
    """Rebuild the vocabulary that typo suggestions draw on, from skills and published titles."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE jobs_searchterm")
        cursor.execute(
            """
            INSERT INTO jobs_searchterm (term, frequency)
            SELECT word, ndoc FROM ts_stat(
                'SELECT to_tsvector(''simple'', title) FROM jobs_job WHERE status = ''published''')
            WHERE length(word) BETWEEN 2 AND 80 AND word ~ '^[[:alpha:]][[:alnum:]+#.-]*$'
            ON CONFLICT (term) DO NOTHING
            """
        )
        cursor.execute(
            """
            INSERT INTO jobs_searchterm (term, frequency)
            SELECT lower(name), 1000000 FROM careerboard_skill WHERE NOT is_hidden
            UNION
            SELECT lower(alias), 1000000 FROM careerboard_skill, unnest(aliases) AS alias
            WHERE NOT is_hidden
            ON CONFLICT (term) DO UPDATE SET frequency = EXCLUDED.frequency
            """
        )
    return SearchTerm.objects.count()


def search_terms_add_title(*, title: str) -> None:
    """Learn the words of a newly published title, so that a typo of them finds it."""
    with connection.cursor() as cursor:
        cursor.execute(ADD_TERMS_SQL, [title])
