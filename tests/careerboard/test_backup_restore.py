"""`make backup` and `make restore` round-trip a real database."""

import os
import subprocess
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

ROOT = settings.BASE_DIR


def server_url() -> str:
    db = settings.DATABASES["default"]
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"


@pytest.fixture
def scratch_databases():
    names = [f"careerboard_backup_{kind}_{uuid.uuid4().hex[:8]}" for kind in ("src", "dst")]
    with psycopg.connect(f"{server_url()}/postgres", autocommit=True) as connection:
        for name in names:
            connection.execute(f'CREATE DATABASE "{name}"')
    yield [f"{server_url()}/{name}" for name in names]
    with psycopg.connect(f"{server_url()}/postgres", autocommit=True) as connection:
        for name in names:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(*command, database_url, **env):
    environment = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment.update(DATABASE_URL=database_url, **env)
    return subprocess.run(
        command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=300
    )


def test_a_backup_restores_into_an_empty_database(scratch_databases, tmp_path):
    source, target = scratch_databases
    python = str(Path(os.sys.executable))
    for step in (["migrate", "-v0"], ["load_seeds", "-v0"], ["load_demo", "-v0"]):
        result = run(python, "manage.py", *step, database_url=source)
        assert result.returncode == 0, result.stderr
    backup = run("make", "-s", "backup", f"BACKUP_DIR={tmp_path}", database_url=source)
    assert backup.returncode == 0, backup.stderr
    dump = backup.stdout.strip().splitlines()[-1]
    assert Path(dump).stat().st_size > 10_000
    restore = run("make", "-s", "restore", f"BACKUP={dump}", database_url=target)
    assert restore.returncode == 0, restore.stderr
    counts = []
    for url in (source, target):
        with psycopg.connect(url) as connection:
            counts.append(
                connection.execute(
                    "SELECT (SELECT count(*) FROM jobs_job),"
                    " (SELECT count(*) FROM careerboard_skill),"
                    " (SELECT count(*) FROM jobs_searchrow WHERE document @@ 'python'::tsquery)"
                ).fetchone()
            )
    assert counts[0] == counts[1]
    assert counts[1][0] == 80
