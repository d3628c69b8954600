"""Real Celery workers and beat in subprocesses, on the real Redis broker and this test run's
database, and an SMTP sink (aiosmtpd) in the test process that can refuse or hold a message."""

import asyncio
import email
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from email.message import Message
from pathlib import Path

from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def wait_for(condition, *, timeout: float = 20.0, every: float = 0.05, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(every)
    raise AssertionError(f"Timed out after {timeout}s waiting for {what}")


class SmtpSink:
    """An SMTP server that accepts every message, after refusing the first `refusals` with a
    temporary error (451), and that can hold the conversation of one recipient."""

    def __init__(self):
        self.refusals = 0
        self.data_attempts = 0
        self.delivered: list[Message] = []
        self.hold_for: str | None = None
        self.holding = threading.Event()
        self.release = threading.Event()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == self.hold_for:
            self.holding.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.data_attempts += 1
        if self.refusals:
            self.refusals -= 1
            return "451 4.3.0 Mailbox busy, try again later"
        self.delivered.append(email.message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"

    def message_ids(self) -> list[str]:
        return [message["Message-ID"] for message in self.delivered]


def broker_url() -> str:
    return os.environ.get("CELERY_BROKER_URL") or settings.CELERY_BROKER_URL


def process_env(sink: SmtpSink, **extra) -> dict[str, str]:
    """What a worker or beat needs to see this test's database, broker and SMTP sink."""
    db = connection.settings_dict
    user = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return {
        **os.environ,
        "DATABASE_URL": f"postgres://{user}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}",
        "CELERY_BROKER_URL": broker_url(),
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(sink.port),
        "EMAIL_TIMEOUT": "10",
        "OUTBOX_RETRY_SECONDS": "0.2",
        "PAGE_CACHE_SECONDS": "0",
        "COUNTERS_KEY_PREFIX": "test-counters:celery-processes",
        **extra,
    }


class CeleryProcess:
    """`celery -A careerboard <args>`, started in its own process group; `ready` is set once
    its log says it is consuming (a worker) or starting (beat)."""

    def __init__(self, args: list[str], env: dict[str, str], ready_line: str):
        self.log: list[str] = []
        self.ready = threading.Event()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "careerboard", *args],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        threading.Thread(target=self._read, args=(ready_line,), daemon=True).start()
        if not self.ready.wait(30):
            self.stop()
            raise AssertionError("Celery did not start:\n" + "".join(self.log[-40:]))

    def _read(self, ready_line: str):
        for line in self.process.stdout:
            self.log.append(line)
            if ready_line in line:
                self.ready.set()

    def kill(self):
        """Die at once, as a machine losing power would: no clean-up, no goodbye."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()


def start_worker(env: dict[str, str], name: str) -> CeleryProcess:
    return CeleryProcess(
        [
            "worker",
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=INFO",
            f"--hostname={name}@%h",
        ],
        env,
        ready_line="ready.",
    )


def start_beat(env: dict[str, str], schedule_file: Path) -> CeleryProcess:
    return CeleryProcess(
        ["beat", "--loglevel=INFO", f"--schedule={schedule_file}"],
        {**env, "DJANGO_SETTINGS_MODULE": "tests.careerboard.worker_settings"},
        ready_line="beat: Starting",
    )
