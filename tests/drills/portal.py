"""What the fault drills share: real Celery workers on the test database and the configured broker
(file system, or Redis in CI's second pass), the Locate2u sandbox of the live server, waits with
deadlines (never a bare sleep that a slow machine could outrun)."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.db import connection

from dispatch_portal.celery import app as celery_app
from tests.system.test_worker import database_url_of


def wait_for(condition, seconds: float, what: str, every: float = 0.2):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {seconds:g} s waiting for {what}")


def portal_env(live_server, **extra) -> dict:
    """The environment of a portal process of this test run: its database, the live server's sandboxes."""
    locate2u, lineten = f"{live_server.url}/sandbox/locate2u", f"{live_server.url}/sandbox/lineten"
    return os.environ | {
        "DATABASE_URL": database_url_of(connection.settings_dict),
        "PUBLIC_BASE_URL": live_server.url,
        "LOCATE2U_BASE_URL": locate2u, "LOCATE2U_TOKEN_URL": f"{locate2u}/connect/token",
        "LINETEN_BASE_URL": lineten, "LINETEN_TOKEN_URL": f"{lineten}/connect/token",
        **{name: str(value) for name, value in extra.items()},
    }


class Worker:
    """A Celery worker subprocess in its own process group (so SIGKILL takes all of it)."""

    def __init__(self, live_server, name: str, log_path: Path, **env):
        self.log_path = log_path
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "dispatch_portal", "worker", "--pool=solo", "--loglevel=INFO",
             "--without-gossip", "--without-mingle", "--without-heartbeat", f"--hostname={name}@%h"],
            cwd=settings.BASE_DIR, env=portal_env(live_server, **env), stdout=log_path.open("w"),
            stderr=subprocess.STDOUT, start_new_session=True,
        )

    def kill(self) -> None:
        """SIGKILL: no warm shutdown, no acknowledgements, nothing handed back to the broker."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-3000:]


def broker_messages(queue: str = "celery") -> int:
    """Messages waiting in the broker's queue (file-system broker and Redis alike)."""
    with celery_app.connection_for_read() as conn:
        # Declared as the worker declares it (a passive declare fails on Redis before the first message).
        return conn.default_channel.queue_declare(queue=queue, durable=True, auto_delete=False).message_count
