"""Fault drills: Locate2u misbehaving while the portal pushes a batch — faults cost time, never data.

- a 500, then a timeout (the request reached Locate2u, the answer never came back), then success:
  one import, and the portal follows it to Completed;
- a 429 with Retry-After: the next try waits at least that long; a Retry-After beyond the client's
  patience goes back to the outbox, which offers the row again only when it is due;
- the access token expiring at Locate2u mid-run: one fresh token, one retry, nothing lost.

Real parts: the portal's carrier client and outbox in this process, the Locate2u sandbox served
over HTTP by the live server (its faults scripted per request), the test database.
"""
import copy
import threading
from datetime import timedelta

import pytest
import requests
from django.utils import timezone

from deliveries.carriers.http import TOKENS
from deliveries.carriers.locate2u import client as locate2u_module
from deliveries.models import Batch, CarrierCall, Outbox
from deliveries.sandbox import faults as faults_module
from deliveries.sandbox.locate2u import services as sandbox_services
from deliveries.sandbox.locate2u import views as sandbox_views
from deliveries.sandbox.locate2u.models import SandboxImport, SandboxToken
from deliveries.services.batch_import import import_follow
from deliveries.services.batches import batch_create, batch_submit
from deliveries.services.outbox import outbox_run, outbox_sweep
from tests.drills.portal import wait_for
from tests.spec.examples import SPEC_COMPLETE_EXAMPLE

BATCH_POST = "/v1/Logistics/batch-delivery"
READ_TIMEOUT = 2.0  # the client's patience in these drills (20 s in production)


@pytest.fixture
def sandbox(live_server, settings, monkeypatch):
    """The Locate2u sandbox of the live server, importing fast, with a client that has no token yet
    and gives up on an answer after READ_TIMEOUT."""
    url = f"{live_server.url}/sandbox/locate2u"
    settings.LOCATE2U_BASE_URL, settings.LOCATE2U_TOKEN_URL = url, f"{url}/connect/token"
    settings.SANDBOX_LOCATE2U_IMPORT_RATE = 1000
    requests.post(f"{url}/_faults", data="", timeout=5).raise_for_status()
    requests.post(f"{url}/_import_rate", data="1000", timeout=5).raise_for_status()
    config = locate2u_module.locate2u_config
    monkeypatch.setattr(locate2u_module, "locate2u_config", lambda **kw: config(**{"read_timeout": READ_TIMEOUT, **kw}))
    TOKENS.forget(locate2u_module.locate2u_client()._token_key)  # a token of an earlier test's sandbox is void
    yield url
    requests.post(f"{url}/_faults", data="", timeout=5)


class Script:
    """The sandbox's faults for its next requests, in order (then none), whatever the endpoint."""

    def __init__(self, *steps: str):
        self.steps = [faults_module.Faults.parse(step) for step in steps]
        self.lock = threading.Lock()

    def __call__(self):
        with self.lock:
            return self.steps.pop(0) if self.steps else faults_module.Faults()


def submitted(reference: str = "BATCH-2024-001") -> tuple[Batch, Outbox]:
    batch = batch_create(payload=dict(copy.deepcopy(SPEC_COMPLETE_EXAMPLE), batchSourceReference=reference))
    batch = batch_submit(batch=batch)
    return batch, Outbox.objects.get(key=str(batch.batch_id))


def followed(batch: Batch) -> Batch:
    wait_for(lambda: not import_follow(batch_id=str(batch.batch_id)), 20, "the import to finish", every=0.1)
    batch.refresh_from_db()
    return batch


def outcomes(url_end: str) -> list[str]:
    return list(CarrierCall.objects.filter(url__endswith=url_end).order_by("id").values_list("outcome", flat=True))


@pytest.mark.django_db(transaction=True)
def test_a_500_then_a_timeout_then_success_is_one_import(sandbox, monkeypatch):
    locate2u_module.locate2u_client().token()  # the faults below are for the batch POST
    monkeypatch.setattr(sandbox_views, "sandbox_faults",
                        Script("error_rate=1,error_status=500", f"timeout_rate=1,timeout_seconds={READ_TIMEOUT * 3}"))
    accepted, accept = [], sandbox_services.batch_delivery_accept

    def counted(**kwargs):
        result = accept(**kwargs)
        accepted.append(result[1])  # created?
        return result

    monkeypatch.setattr(sandbox_services, "batch_delivery_accept", counted)
    batch, row = submitted()

    row = outbox_run(outbox_id=row.pk)
    # The timed-out request was still being served; it ends as a repeat of the one that got through.
    wait_for(lambda: len(accepted) == 2, 20, "the timed-out request to finish at the sandbox")

    assert row.status == Outbox.Status.DONE and row.attempts == 1
    assert outcomes(BATCH_POST) == ["http_500", "timeout", "ok"]
    assert sorted(accepted) == [False, True]  # one created, one answered as the same batch
    assert SandboxImport.objects.count() == 1
    assert followed(batch).status == Batch.Status.COMPLETED and batch.success_count == 3


@pytest.mark.django_db(transaction=True)
def test_a_429_waits_as_long_as_retry_after_says(sandbox, monkeypatch):
    locate2u_module.locate2u_client().token()
    monkeypatch.setattr(sandbox_views, "sandbox_faults", Script("error_rate=1,error_status=429,retry_after=2"))
    _, row = submitted()

    row = outbox_run(outbox_id=row.pk)

    assert row.status == Outbox.Status.DONE
    calls = list(CarrierCall.objects.filter(url__endswith=BATCH_POST).order_by("id"))
    assert [c.outcome for c in calls] == ["http_429", "ok"]
    # Logged as each answer came: the second call started at least 2 s after the first answer.
    assert calls[1].created_at - calls[0].created_at >= timedelta(seconds=2)
    assert SandboxImport.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_retry_after_beyond_the_clients_patience_goes_back_to_the_outbox_until_due(sandbox, monkeypatch):
    locate2u_module.locate2u_client().token()
    monkeypatch.setattr(sandbox_views, "sandbox_faults", Script("error_rate=1,error_status=429,retry_after=300"))
    batch, row = submitted()
    before = timezone.now()

    row = outbox_run(outbox_id=row.pk)

    assert row.status == Outbox.Status.PENDING and "wait 300 s" in row.last_error
    assert row.available_at >= before + timedelta(seconds=299)
    assert row.pk not in outbox_sweep()  # not offered again before Locate2u said
    assert not SandboxImport.objects.exists()

    Outbox.objects.filter(pk=row.pk).update(available_at=timezone.now())  # five minutes later
    assert row.pk in outbox_sweep()
    row = outbox_run(outbox_id=row.pk)
    assert row.status == Outbox.Status.DONE and row.attempts == 2
    assert SandboxImport.objects.count() == 1
    assert followed(batch).status == Batch.Status.COMPLETED


@pytest.mark.django_db(transaction=True)
def test_a_token_expiring_mid_run_is_refreshed_once(sandbox):
    first, first_row = submitted("BATCH-A")
    assert outbox_run(outbox_id=first_row.pk).status == Outbox.Status.DONE

    # Locate2u ends our token early (expiry, revocation); our client still thinks it valid.
    SandboxToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    second, second_row = submitted("BATCH-B")
    assert outbox_run(outbox_id=second_row.pk).status == Outbox.Status.DONE
    for batch in (first, second):
        assert followed(batch).status == Batch.Status.COMPLETED

    assert outcomes("/connect/token") == ["ok", "ok"]  # the first token, and one refresh
    assert outcomes(BATCH_POST) == ["ok", "http_401", "ok"]
    assert SandboxImport.objects.count() == 2
