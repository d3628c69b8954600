"""Load the demo companies, jobs and accounts that `make run` shows."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from careerboard.models import User
from jobs.models import Company
from jobs.services import demo_load

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
            self.create_accounts()
            if dry_run:
                transaction.set_rollback(True)
        if verbosity >= 1:
            summary = ", ".join(f"{n} {what}" for what, n in sorted(counts.items()))
            self.stdout.write(self.style.SUCCESS(f"{'[dry run] ' if dry_run else ''}{summary}."))
            self.stdout.write(
                f"Demo accounts admin, employer and seeker; password “{DEMO_PASSWORD}”."
            )

    def create_accounts(self):
        accounts = {
            "admin": {"is_staff": True, "is_superuser": True},
            "employer": {"is_hiring": True},
            "seeker": {"is_seeking": True},
        }
        for username, flags in accounts.items():
            user, created = User.objects.get_or_create(
                username=username, defaults={"email": f"{username}@careerboard.example", **flags}
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
        first_company = Company.objects.order_by("pk").first()
        if first_company is not None:
            first_company.memberships.get_or_create(user=User.objects.get(username="employer"))
