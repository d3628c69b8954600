"""Work out every skill's market figures for a large board's skill pages (Celery beat runs it)."""

from django.core.management.base import BaseCommand

from jobs.market import skill_markets_refresh


class Command(BaseCommand):
    help = (
        "Store each skill's advertised pay and the skills asked for with it, from one pass over "
        "the open jobs (a sample of them on a large board)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Say how many, store nothing.")

    def handle(self, *args, dry_run, verbosity, **options):
        skills = skill_markets_refresh(dry_run=dry_run)
        if verbosity >= 1:
            if dry_run:
                self.stdout.write(f"Would store the market figures of {skills} skills.")
            else:
                self.stdout.write(self.style.SUCCESS(f"Market figures of {skills} skills."))
