"""Email every due job alert its new jobs (cron: hourly; each alert waits for its period)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from profiles.services import alerts_send


class Command(BaseCommand):
    help = (
        "Send each due alert the jobs published since its last email that match its search: "
        "never a job twice, nothing when nothing is new. Safe to run twice or after a crash."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count; send nothing.")

    def handle(self, *args, dry_run, verbosity, **options):
        if dry_run:
            with transaction.atomic():
                counts = alerts_send()
                transaction.set_rollback(True)
        else:
            counts = alerts_send()
        if verbosity >= 1:
            summary = ", ".join(f"{n} {what}" for what, n in counts.items())
            self.stdout.write(self.style.SUCCESS(f"{'[dry run] ' if dry_run else ''}{summary}."))
