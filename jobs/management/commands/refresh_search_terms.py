"""Rebuild the vocabulary behind "did you mean" suggestions (for cron, e.g. nightly)."""

from django.core.management.base import BaseCommand

from jobs.services import search_terms_rebuild


class Command(BaseCommand):
    help = "Rebuild the typo-suggestion vocabulary from skill names and published job titles."

    def handle(self, *args, verbosity, **options):
        total = search_terms_rebuild()
        if verbosity >= 1:
            self.stdout.write(self.style.SUCCESS(f"{total} search terms."))
