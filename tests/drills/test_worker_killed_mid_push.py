"""Fault drill: a Celery worker SIGKILLed in the middle of a Locate2u push. The sweep hands the
row to another worker, which sends the same idempotency key: Locate2u holds exactly one batch.

Real parts: a worker process on the configured broker (file system, or Redis in CI's second
pass), the Locate2u sandbox served over HTTP by the live server, the test database.
"""
import json
import os
import signal
import subprocess
import sys
import time
import uuid

import pytest
import requests
from django.conf import settings
from django.db import connection, transaction

from dispatch_portal.celery import app as celery_app
from deliveries.models import CarrierCall, Outbox
from deliveries.sandbox.locate2u.models import SandboxImport
from deliveries.services.locate2u_push import BATCH_DELIVERY
from deliveries.services.outbox import outbox_enqueue, outbox_sweep
from tests.spec.examples import SPEC_COMPLETE_EXAMPLE
from tests.system.test_worker import database_url_of

LEASE_SECONDS = 3


def start_worker(live_server, name: str, log_path) -> subprocess.Popen:
    sandbox = f"{live_server.url}/sandbox/locate2u"
    env = os.environ | {
        "DATABASE_URL": database_url_of(connection.settings_dict),
        "LOCATE2U_BASE_URL": sandbox,
        "LOCATE2U_TOKEN_URL": f"{sandbox}/connect/token",
        "OUTBOX_LEASE_SECONDS": str(LEASE_SECONDS),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "dispatch_portal", "worker", "--pool=solo", "--loglevel=INFO",
         "--without-gossip", "--without-mingle", "--without-heartbeat", f"--hostname={name}@%h"],
        cwd=settings.BASE_DIR, env=env, stdout=log_path.open("w"), stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, so SIGKILL takes the whole worker
    )


def wait_for(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.django_db(transaction=True)
def test_worker_killed_mid_push_completes_exactly_once_after_the_sweep(live_server, tmp_path):
    sandbox = f"{live_server.url}/sandbox/locate2u"
    celery_app.control.purge()  # messages other tests left for rows of their own, long rolled back
    # The next two answers (token, then the batch) each take 4 s: time to kill the worker mid-call.
    requests.post(f"{sandbox}/_faults?count=2", data="latency_ms=4000", timeout=5).raise_for_status()
    batch_id = str(uuid.uuid4())
    payload = json.loads(json.dumps(SPEC_COMPLETE_EXAMPLE))
    with transaction.atomic():
        row = outbox_enqueue(kind=BATCH_DELIVERY, key=batch_id, payload=payload)

    first = start_worker(live_server, "doomed", tmp_path / "first.log")
    try:
        # The token call came back, so the worker is now waiting on the batch POST.
        wait_for(lambda: CarrierCall.objects.filter(url__endswith="/connect/token", status_code=200).exists(),
                 30, "the worker's token call")
        time.sleep(0.5)
    finally:
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
    row.refresh_from_db()
    assert row.status == Outbox.Status.IN_PROGRESS  # claimed, never finished

    # The sandbox finishes the request the dead worker sent: Locate2u has the batch, we do not know it.
    wait_for(lambda: SandboxImport.objects.exists(), 15, "the sandbox to accept the batch")

    second = start_worker(live_server, "rescuer", tmp_path / "second.log")
    try:
        time.sleep(LEASE_SECONDS + 0.5)  # the dead worker's lease runs out
        assert row.pk in outbox_sweep()
        done = wait_for(lambda: Outbox.objects.filter(pk=row.pk, status=Outbox.Status.DONE).first(), 60,
                        "the rescuing worker to finish the row")
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(timeout=20)

    assert done.attempts == 2
    assert done.result["batchId"] == batch_id
    assert SandboxImport.objects.count() == 1  # exactly one import at Locate2u
    posts = CarrierCall.objects.filter(url__endswith="/v1/Logistics/batch-delivery")
    assert set(posts.values_list("idempotency_key", flat=True)) == {batch_id}
