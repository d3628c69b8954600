"""Create deterministic synthetic job listings for benchmarks (COPY; a million in minutes)."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from jobs.demo.generator import generate_jobs
from jobs.market import skill_markets_refresh


class Command(BaseCommand):
    help = (
        "Create --count published jobs (with companies, skills and places) from --seed. The same "
        "count and seed give the same listings; dates are relative to now. Needs the seeded "
        "skills (load_seeds). Running it again adds more jobs."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--dry-run", action="store_true", help="Say what would be created.")

    def handle(self, *args, count, seed, dry_run, verbosity, **options):
        if count < 1:
            raise CommandError("--count must be at least 1.")
        if dry_run:
            self.stdout.write(f"Would create {count:,} published jobs from seed {seed}.")
            return
        start = time.perf_counter()

        def progress(done, total):
            if verbosity >= 1:
                rate = done / (time.perf_counter() - start)
                self.stdout.write(f"  {done:>10,} / {total:,} jobs  ({rate:,.0f} jobs/s)")

        try:
            created = generate_jobs(count=count, seed=seed, now=timezone.now(), progress=progress)
        except ValueError as error:
            raise CommandError(str(error)) from error
        # A board this size shows the stored figures on its skill pages: store them now.
        skill_markets_refresh()
        if verbosity >= 1:
            seconds = time.perf_counter() - start
            self.stdout.write(self.style.SUCCESS(f"Created {created:,} jobs in {seconds:.1f} s."))
