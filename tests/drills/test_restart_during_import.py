"""Fault drill: the portal restarted while Locate2u imports a batch. The worker following the
import is SIGKILLed with its next poll waiting inside it (a delayed task, gone with the process); a
new worker starts, beat's follow sweep finds the batch gone quiet and the new worker polls it again:
progress resumes, the batch reaches Completed, and nothing is pushed twice.

Real parts: worker processes on the configured broker, the Locate2u sandbox served over HTTP by the
live server (importing slowly enough to be caught mid-import), the test database.
"""
import copy
from datetime import timedelta

import pytest
import requests

from deliveries.models import Batch, CarrierCall, Outbox
from deliveries.sandbox.locate2u.models import SandboxImport
from deliveries.services import batch_import
from deliveries.services.batches import batch_create, batch_submit
from dispatch_portal.celery import app as celery_app
from tests.drills.portal import Worker, wait_for
from tests.spec.examples import SPEC_COMPLETE_EXAMPLE

RATE = 0.3  # stops per second: the 3 stops take 2 s in the queue and 10 s to import


@pytest.fixture
def slow_sandbox(live_server, settings):
    url = f"{live_server.url}/sandbox/locate2u"
    settings.SANDBOX_LOCATE2U_IMPORT_RATE = RATE
    requests.post(f"{url}/_faults", data="", timeout=5).raise_for_status()
    requests.post(f"{url}/_import_rate", data=str(RATE), timeout=5).raise_for_status()
    yield url
    requests.post(f"{url}/_import_rate", data="", timeout=5)


@pytest.mark.django_db(transaction=True)
def test_an_import_followed_across_a_restart_resumes_and_completes_once(live_server, slow_sandbox, tmp_path,
                                                                        monkeypatch):
    celery_app.control.purge()
    batch = batch_create(payload=copy.deepcopy(SPEC_COMPLETE_EXAMPLE))
    polls = CarrierCall.objects.filter(url__endswith=f"/v1/Stops/import/{batch.batch_id}/status")

    before = Worker(live_server, "before-restart", tmp_path / "before.log")
    try:
        batch_submit(batch=batch)
        # Pushed, then looked at once (3 s later): importing, and the next look is a delayed task.
        caught = wait_for(lambda: Batch.objects.filter(pk=batch.pk, status=Batch.Status.IMPORTING,
                                                       last_polled_at__isnull=False).first(), 30,
                          "the first poll of the import")
    finally:
        before.kill()
    assert caught.progress < 100 and caught.import_status in ("Queued", "Importing")
    polls_before = polls.count()

    after = Worker(live_server, "after-restart", tmp_path / "after.log")
    try:
        # Beat's batches-follow-sweep, once the batch has been quiet for longer than a live chain allows.
        monkeypatch.setattr(batch_import, "STALE_AFTER", timedelta(0))
        assert batch_import.batches_follow_due() == [str(batch.batch_id)]
        done = wait_for(lambda: Batch.objects.filter(pk=batch.pk, status=Batch.Status.COMPLETED).first(), 40,
                        "the import to complete after the restart")
    finally:
        after.stop()

    assert polls.count() > polls_before  # polled again after the restart
    assert done.progress == 100 and done.success_count == 3 and done.last_polled_at > caught.last_polled_at
    assert SandboxImport.objects.count() == 1
    assert Outbox.objects.get(key=str(batch.batch_id)).attempts == 1  # pushed once
