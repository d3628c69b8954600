"""Create the PostgreSQL database named in DATABASE_URL when it does not exist yet."""

import psycopg
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from psycopg import sql


class Command(BaseCommand):
    help = "Create the configured database if it is missing (connects to the 'postgres' database)."

    def handle(self, *args, verbosity, **options):
        db = settings.DATABASES["default"]
        params = {
            "host": db.get("HOST") or None,
            "port": db.get("PORT") or None,
            "user": db.get("USER") or None,
            "password": db.get("PASSWORD") or None,
            "connect_timeout": 5,
        }
        try:
            with psycopg.connect(dbname="postgres", autocommit=True, **params) as connection:
                exists = connection.execute(
                    "SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]]
                ).fetchone()
                if exists:
                    if verbosity >= 2:
                        self.stdout.write(f"Database {db['NAME']} exists.")
                    return
                connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"])))
        except psycopg.OperationalError as error:
            raise CommandError(f"Cannot reach PostgreSQL: {error}") from error
        if verbosity >= 1:
            self.stdout.write(self.style.SUCCESS(f"Created database {db['NAME']}."))
