"""Load the career content from seeds/*.toml, keeping every admin edit."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from careerboard.seeding import SEEDS_DIR, SeedError, seeds_load


class Command(BaseCommand):
    help = (
        "Load skills, sectors, career roles, education paths, resources and salary/outlook "
        "figures from the seed files. Safe to run again: unchanged records stay as they are and "
        "records an admin edited are never overwritten."
    )

    def add_arguments(self, parser):
        parser.add_argument("--path", type=Path, default=SEEDS_DIR, help="Folder of seed files.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change; write nothing."
        )

    def handle(self, *args, path, dry_run, verbosity, **options):
        try:
            report = seeds_load(directory=path, dry_run=dry_run)
        except SeedError as error:
            raise CommandError(str(error)) from error
        if verbosity >= 1:
            prefix = "[dry run] " if dry_run else ""
            for label, counts in report.items():
                summary = ", ".join(f"{n} {what}" for what, n in sorted(counts.items())) or "none"
                self.stdout.write(f"{prefix}{label}: {summary}")
            self.stdout.write(self.style.SUCCESS(f"{prefix}Seeds loaded from {path}."))
