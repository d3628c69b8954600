"""Expire published jobs past their date and warn employers ahead (cron: hourly)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from jobs.services import jobs_expire


class Command(BaseCommand):
    help = (
        "Mark published jobs past their closing date as expired, and email the employer of each "
        "job that closes within --warn-days, once, offering renewal. Safe to run often."
    )

    def add_arguments(self, parser):
        parser.add_argument("--warn-days", type=int, default=3)
        parser.add_argument("--dry-run", action="store_true", help="Report; change nothing.")

    def handle(self, *args, warn_days, dry_run, verbosity, **options):
        if dry_run:
            with transaction.atomic():
                expired, warned = jobs_expire(warn_days=warn_days)
                transaction.set_rollback(True)
        else:
            expired, warned = jobs_expire(warn_days=warn_days)
        if verbosity >= 1:
            prefix = "[dry run] " if dry_run else ""
            self.stdout.write(
                self.style.SUCCESS(f"{prefix}{expired} jobs expired, {warned} employers warned.")
            )
