"""Work out every skill's market figures for a large board's skill pages (Celery beat runs it)."""

from django.core.management.base import BaseCommand

from jobs.market import skill_markets_refresh


class Command(BaseCommand):
    help = (
        "Store each skill's advertised pay and the skills asked for with it, from one pass over "
        "the open jobs (a sample of them on a large board)."
    )

    def handle(self, *args, verbosity, **options):
        skills = skill_markets_refresh()
        if verbosity >= 1:
            self.stdout.write(self.style.SUCCESS(f"Market figures of {skills} skills."))
