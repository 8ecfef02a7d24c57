"""The outbox: one row per owed call, claimed with a lease, retried, never run twice at once."""
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from deliveries.carriers.errors import CarrierUnavailable, CarrierValidationError
from deliveries.models import Outbox
from deliveries.services import outbox as outbox_service
from deliveries.services.outbox import outbox_claim, outbox_enqueue, outbox_handler, outbox_run, outbox_sweep

pytestmark = pytest.mark.django_db


@pytest.fixture
def handler():
    """A test handler whose behaviour each test sets; calls are counted."""
    calls = []
    behaviour = {"do": lambda row: {"done": row.key}}

    @outbox_handler("test.call")
    def run(row):
        calls.append(row.key)
        return behaviour["do"](row)

    yield calls, behaviour
    outbox_service.HANDLERS.pop("test.call")


def test_enqueue_twice_with_one_key_owes_one_call(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        with transaction.atomic():
            outbox_enqueue(kind="test.call", key="batch-1")
            outbox_enqueue(kind="test.call", key="batch-1")

    assert Outbox.objects.count() == 1
    assert len(callbacks) == 1  # one task, sent after commit


def test_enqueue_rolled_back_with_its_transaction_owes_nothing():
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox_enqueue(kind="test.call", key="batch-1")
        raise RuntimeError("the change failed")

    assert not Outbox.objects.exists()


def test_run_records_the_result(handler):
    calls, _ = handler
    row = outbox_enqueue(kind="test.call", key="b1")

    outbox_run(outbox_id=row.pk)

    row.refresh_from_db()
    assert row.status == Outbox.Status.DONE and row.result == {"done": "b1"} and row.attempts == 1
    assert calls == ["b1"]


def test_a_done_row_is_not_run_again(handler):
    calls, _ = handler
    row = outbox_enqueue(kind="test.call", key="b1")
    outbox_run(outbox_id=row.pk)

    assert outbox_run(outbox_id=row.pk) is None
    assert calls == ["b1"]


def test_a_leased_row_cannot_be_claimed_by_another_worker():
    row = outbox_enqueue(kind="test.call", key="b1")

    assert outbox_claim(outbox_id=row.pk) is not None
    assert outbox_claim(outbox_id=row.pk) is None


def test_an_expired_lease_is_claimed_again_and_the_stale_worker_cannot_overwrite(handler):
    row = outbox_enqueue(kind="test.call", key="b1")
    stale = outbox_claim(outbox_id=row.pk)
    Outbox.objects.filter(pk=row.pk).update(lease_until=timezone.now() - timedelta(seconds=1))

    fresh = outbox_claim(outbox_id=row.pk)

    assert fresh is not None and fresh.attempts == 2
    assert not outbox_service._finish(stale, status=Outbox.Status.FAILED)  # the lost lease writes nothing


def test_carrier_unavailable_is_retried_later(handler):
    _, behaviour = handler
    behaviour["do"] = lambda row: (_ for _ in ()).throw(CarrierUnavailable("down"))
    row = outbox_enqueue(kind="test.call", key="b1")

    outbox_run(outbox_id=row.pk)

    row.refresh_from_db()
    assert row.status == Outbox.Status.PENDING and row.last_error == "down" and row.lease_until is None


def test_retry_after_from_the_carrier_sets_the_next_try():
    row = outbox_enqueue(kind="test.call", key="b1")
    error = CarrierUnavailable("slow down")
    error.retry_after = 90

    @outbox_handler("test.call")
    def run(row):
        raise error

    try:
        outbox_run(outbox_id=row.pk)
    finally:
        outbox_service.HANDLERS.pop("test.call")
    row.refresh_from_db()
    assert timedelta(seconds=85) < row.available_at - timezone.now() <= timedelta(seconds=90)


def test_a_refusal_by_the_carrier_fails_the_row(handler):
    _, behaviour = handler
    behaviour["do"] = lambda row: (_ for _ in ()).throw(CarrierValidationError("bad stop"))
    row = outbox_enqueue(kind="test.call", key="b1")

    outbox_run(outbox_id=row.pk)

    row.refresh_from_db()
    assert row.status == Outbox.Status.FAILED and "bad stop" in row.last_error


def test_a_row_without_handler_fails_visibly():
    row = outbox_enqueue(kind="nobody.handles", key="b1")

    outbox_run(outbox_id=row.pk)

    row.refresh_from_db()
    assert row.status == Outbox.Status.FAILED and "no handler" in row.last_error


def test_sweep_offers_due_and_abandoned_rows_only(django_capture_on_commit_callbacks):
    now = timezone.now()
    due = outbox_enqueue(kind="test.call", key="due")
    later = outbox_enqueue(kind="test.call", key="later")
    abandoned = outbox_enqueue(kind="test.call", key="abandoned")
    leased = outbox_enqueue(kind="test.call", key="leased")
    done = outbox_enqueue(kind="test.call", key="done")
    Outbox.objects.filter(pk=later.pk).update(available_at=now + timedelta(minutes=5))
    Outbox.objects.filter(pk=abandoned.pk).update(status="in_progress", lease_until=now - timedelta(seconds=1))
    Outbox.objects.filter(pk=leased.pk).update(status="in_progress", lease_until=now + timedelta(minutes=1))
    Outbox.objects.filter(pk=done.pk).update(status="done")

    assert sorted(outbox_sweep()) == sorted([due.pk, abandoned.pk])
