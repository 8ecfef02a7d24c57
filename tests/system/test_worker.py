"""A task enqueued by a request runs in a real Celery worker process (not eager mode).

The worker uses whatever broker the settings name: the file-system broker by default, Redis
when CELERY_BROKER_URL says so (CI's second pass).
"""
import os
import signal
import subprocess
import sys
import time
import uuid

import pytest
from django.conf import settings
from django.db import connection

from dispatch_portal.celery import app as celery_app
from dispatch_portal.system.models import WorkerPing


def database_url_of(db: dict) -> str:
    """The URL of the database this test run uses (the test database, not the configured one)."""
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker(transactional_db, tmp_path):
    celery_app.control.purge()  # messages other tests left behind are not this test's business
    name = f"test-{uuid.uuid4().hex[:8]}"
    log = (tmp_path / "worker.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "dispatch_portal", "worker", "--pool=solo", "--loglevel=INFO",
         "--without-gossip", "--without-mingle", "--without-heartbeat", f"--hostname={name}@%h"],
        cwd=settings.BASE_DIR,
        env=os.environ | {"DATABASE_URL": database_url_of(connection.settings_dict)},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    yield name
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()
    print((tmp_path / "worker.log").read_text()[-3000:])


def test_request_enqueues_a_task_that_a_real_worker_runs(admin_client, worker):
    assert not celery_app.conf.task_always_eager

    response = admin_client.post("/system/ping/")

    assert response.status_code == 302
    ping = WorkerPing.objects.get()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ping.refresh_from_db()
        if ping.answered_at:
            break
        time.sleep(0.25)
    assert ping.answered_at is not None, "no worker answered within 60 s"
    assert ping.answered_by.startswith(f"{worker}@")  # our worker process, not this one
    assert ping.round_trip_seconds >= 0
