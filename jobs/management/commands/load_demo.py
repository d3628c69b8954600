"""Load the demo companies, jobs and accounts that `make run` shows."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from jobs.demo.loader import demo_accounts_create, demo_load

DEMO_FILE = settings.BASE_DIR / "fixtures" / "demo.toml"
DEMO_PASSWORD = "demo-password"


class Command(BaseCommand):
    help = (
        "Load fixtures/demo.toml (companies and jobs) and three demo accounts: admin, "
        f"employer and seeker, each with the password “{DEMO_PASSWORD}”. Run load_seeds first. "
        "Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--path", type=Path, default=DEMO_FILE)
        parser.add_argument("--dry-run", action="store_true", help="Report; write nothing.")

    def handle(self, *args, path, dry_run, verbosity, **options):
        with transaction.atomic():
            counts = demo_load(path=path)
            demo_accounts_create(password=DEMO_PASSWORD)
            if dry_run:
                transaction.set_rollback(True)
        if verbosity >= 1:
            summary = ", ".join(f"{n} {what}" for what, n in sorted(counts.items()))
            self.stdout.write(self.style.SUCCESS(f"{'[dry run] ' if dry_run else ''}{summary}."))
            self.stdout.write(
                f"Demo accounts admin, employer and seeker; password “{DEMO_PASSWORD}”."
            )
