"""Whether any job has a word, cheaply whether the word is common, rare or absent.

Asked before a search widens its last word to a prefix. Left to itself, the planner guesses an
unknown word in one row out of two hundred and scans the table until it meets one: for a word no
job has (a typo), that read all million rows. A bitmap scan of the GIN index is cheap for a rare
word but builds a bitmap of most of the board for a common one. So the function looks in a small
fixed sample of the rows first (a common word is met there at once), and only then in the GIN
index, with sequential and ordered index scans off so that nothing else can be chosen.
"""

from django.db import migrations

FUNCTION = """
CREATE FUNCTION jobs_has_word(config regconfig, word text, sample_percent real)
RETURNS boolean
LANGUAGE sql STABLE
SET enable_seqscan = off
SET enable_indexscan = off
AS $$
SELECT numnode(q) = 0
    OR EXISTS (SELECT 1 FROM jobs_searchrow TABLESAMPLE SYSTEM (sample_percent) REPEATABLE (0)
               WHERE document @@ q)
    OR EXISTS (SELECT 1 FROM jobs_searchrow WHERE document @@ q)
FROM plainto_tsquery(config, word) AS q
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("jobs", "0009_public_data_version_follows_jobs")]

    operations = [
        migrations.RunSQL(FUNCTION, "DROP FUNCTION jobs_has_word(regconfig, text, real);"),
    ]
