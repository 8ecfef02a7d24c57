"""Fault drill: the process that submits a batch dies between its commit and sending the task
message — the outbox row is saved, no worker was told. The sweep (beat, every 15 s) finds the row
and a real worker pushes it: Locate2u holds exactly one batch, the portal follows it.

Real parts: a process that really exits at commit (os._exit in the first on-commit hook, before
the outbox's own hook sends the message), a worker process on the configured broker, the Locate2u
sandbox served over HTTP by the live server, the test database.
"""
import copy
import subprocess
import sys
import textwrap

import pytest
from django.conf import settings

from deliveries.models import Batch, CarrierCall, Outbox
from deliveries.sandbox.locate2u.models import SandboxImport
from deliveries.services.batches import batch_create
from deliveries.services.outbox import outbox_sweep
from dispatch_portal.celery import app as celery_app
from tests.drills.portal import Worker, broker_messages, portal_env, wait_for
from tests.spec.examples import SPEC_COMPLETE_EXAMPLE

CRASH = 9
SUBMIT_AND_DIE = textwrap.dedent("""
    import os, sys
    import django
    django.setup()
    from django.db import transaction
    from deliveries.models import Batch
    from deliveries.services.batches import batch_submit

    with transaction.atomic():
        # Registered before batch_submit's own hook (the outbox's task message), so it runs first:
        # the data is committed, and the process is gone before anyone is told.
        transaction.on_commit(lambda: os._exit({crash}))
        batch_submit(batch=Batch.objects.get(pk=int(sys.argv[1])))
    sys.exit(0)
""")


@pytest.mark.django_db(transaction=True)
def test_a_crash_between_commit_and_enqueue_is_pushed_by_the_sweep(live_server, tmp_path):
    celery_app.control.purge()
    batch = batch_create(payload=copy.deepcopy(SPEC_COMPLETE_EXAMPLE))

    crashed = subprocess.run([sys.executable, "-c", SUBMIT_AND_DIE.format(crash=CRASH), str(batch.pk)],
                             check=False, cwd=settings.BASE_DIR, env=portal_env(live_server), capture_output=True, text=True,
                             timeout=60)
    assert crashed.returncode == CRASH, crashed.stderr[-2000:]

    batch.refresh_from_db()
    row = Outbox.objects.get(key=str(batch.batch_id))
    assert batch.status == Batch.Status.QUEUED  # the submit was committed …
    assert row.status == Outbox.Status.PENDING and row.attempts == 0
    assert broker_messages() == 0  # … and no worker was ever told

    worker = Worker(live_server, "sweeper", tmp_path / "worker.log")
    try:
        assert outbox_sweep() == [row.pk]  # what beat's outbox-sweep does every 15 s
        done = wait_for(lambda: Outbox.objects.filter(pk=row.pk, status=Outbox.Status.DONE).first(), 60,
                        "the worker to push the swept row")
    finally:
        worker.stop()

    assert done.attempts == 1 and done.result["batchId"] == str(batch.batch_id)
    assert SandboxImport.objects.count() == 1
    assert CarrierCall.objects.filter(url__endswith="/v1/Logistics/batch-delivery").count() == 1
    batch.refresh_from_db()
    assert batch.status in (Batch.Status.IMPORTING, Batch.Status.COMPLETED)  # Locate2u took it; followed now
