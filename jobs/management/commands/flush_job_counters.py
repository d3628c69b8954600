"""Write the job view and apply-click counts gathered in Redis to the database (cron: */5)."""

from django.core.management.base import BaseCommand

from jobs import counters


class Command(BaseCommand):
    help = "Move job view and apply-click counts from Redis into the jobs table."

    def handle(self, *args, verbosity, **options):
        touched = counters.flush()
        if verbosity >= 1:
            summary = ", ".join(f"{counter}: {n} jobs" for counter, n in touched.items())
            self.stdout.write(self.style.SUCCESS(f"Flushed counters ({summary})."))
