"""Delete uploaded files that no row names any more (cron: daily)."""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.template.defaultfilters import pluralize

from careerboard.files import orphaned_files_delete


class Command(BaseCommand):
    help = (
        "Delete resumes and logos that no row refers to (left by deleted accounts, jobs or "
        "admin deletions) and that are older than the grace period. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--grace-hours",
            type=int,
            default=24,
            help="Spare files younger than this, whose upload may not have committed yet.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="List the files; delete nothing."
        )

    def handle(self, *args, grace_hours, dry_run, verbosity, **options):
        found = orphaned_files_delete(grace=timedelta(hours=grace_hours), dry_run=dry_run)
        prefix = "[dry run] " if dry_run else ""
        if verbosity >= 2:
            for name in found:
                self.stdout.write(f"{prefix}{name}")
        if verbosity >= 1:
            verb = "would be deleted" if dry_run else "deleted"
            files = f"{len(found)} unused file{pluralize(len(found))}"
            self.stdout.write(self.style.SUCCESS(f"{prefix}{files} {verb}."))
