"""A batch from payload to Locate2u and back: saved whole or not at all, submitted once,
followed to its final status, failed stops explained and started again."""
import copy
from datetime import timedelta

import pytest
import requests
from django.db import transaction
from django.utils import timezone

from deliveries.models import Batch, Item, Outbox, Stop, StopItem
from deliveries.services.batch_import import batch_accepted, batch_follow_again, import_follow
from deliveries.services.batch_payload import batch_to_payload
from deliveries.services.batches import batch_create, batch_from_failed_stops, batch_submit
from deliveries.services.outbox import outbox_run
from deliveries.spec.errors import SpecValidationError
from tests.spec.examples import SPEC_COMPLETE_EXAMPLE


def example() -> dict:
    return copy.deepcopy(SPEC_COMPLETE_EXAMPLE)


@pytest.mark.django_db
def test_a_valid_payload_is_saved_whole_and_reads_back_the_same():
    batch = batch_create(payload=example())

    assert batch.status == Batch.Status.DRAFT and batch.total_count == 3
    expected = example()
    for pickup in expected["pickups"]:
        pickup.setdefault("requireAllItemsBeforeRelease", True)  # the spec's default, now said aloud
    for dropoff in expected["dropoffs"]:
        dropoff.setdefault("requireProofOfDelivery", True)
    assert batch_to_payload(batch) == expected


@pytest.mark.django_db
def test_an_invalid_payload_saves_nothing():
    payload = example()
    payload["dropoffs"][0]["timeWindowEnd"] = "2024-01-15T00:30:00"  # before its start

    with pytest.raises(SpecValidationError) as exc:
        batch_create(payload=payload)
    assert [e.field for e in exc.value.errors] == ["dropoffs[0].timeWindowEnd"]
    assert not (Batch.objects.exists() or Item.objects.exists() or Stop.objects.exists())


@pytest.mark.django_db
def test_submitting_twice_owes_one_push(django_capture_on_commit_callbacks):
    batch = batch_create(payload=example())

    with django_capture_on_commit_callbacks() as callbacks:
        batch_submit(batch=batch)
        batch_submit(batch=batch)

    assert Outbox.objects.filter(key=str(batch.batch_id)).count() == 1
    assert len(callbacks) == 1
    batch.refresh_from_db()
    assert batch.status == Batch.Status.QUEUED and batch.follow_until > batch.submitted_at


@pytest.mark.django_db
def test_an_import_past_its_follow_deadline_is_given_up_then_followed_again_once(django_capture_on_commit_callbacks):
    batch = batch_create(payload=example())
    with django_capture_on_commit_callbacks():
        batch_submit(batch=batch)
        batch_accepted(batch_id=str(batch.batch_id))
    Batch.objects.filter(pk=batch.pk).update(follow_until=timezone.now() - timedelta(seconds=1))  # time passed

    assert import_follow(batch_id=str(batch.batch_id)) is False  # gives up without asking Locate2u

    batch.refresh_from_db()
    assert batch.status == Batch.Status.IMPORTING and batch.follow_lapsed
    assert "had not finished importing when we stopped following" in batch.import_error
    assert list(Batch.objects.filter(Batch.FOLLOW_LAPSED)) == [batch]

    with django_capture_on_commit_callbacks() as callbacks:
        until = batch_follow_again(batch=batch)
        assert batch_follow_again(batch=batch) is None  # a double click

    assert len(callbacks) == 1
    batch.refresh_from_db()
    assert batch.follow_until == until > timezone.now() and batch.import_error == "" and not batch.follow_lapsed
    assert not Batch.objects.filter(Batch.FOLLOW_LAPSED).exists()


@pytest.mark.django_db
def test_saving_a_batch_uses_bulk_inserts_not_a_query_per_row(django_assert_max_num_queries):
    big = example()
    big["items"] = [dict(big["items"][0], itemSourceReference=f"I-{i}") for i in range(200)]
    big["pickups"] = [dict(big["pickups"][0], itemSourceReferences=[f"I-{i}" for i in range(200)])]
    big["dropoffs"] = [dict(big["dropoffs"][0], stopSourceReference=f"D-{i}", itemSourceReferences=[f"I-{i}"])
                       for i in range(200)]

    # 601 rows; SQLite's bulk inserts go in chunks of 999 parameters, PostgreSQL's in one.
    with django_assert_max_num_queries(25):
        batch_create(payload=big)
    assert StopItem.objects.count() == 400


@pytest.fixture
def sandbox(live_server, settings):
    url = f"{live_server.url}/sandbox/locate2u"
    settings.LOCATE2U_BASE_URL, settings.LOCATE2U_TOKEN_URL = url, f"{url}/connect/token"
    settings.SANDBOX_LOCATE2U_IMPORT_RATE = 1000
    requests.post(f"{url}/_import_rate", data="1000", timeout=5)
    return url


def push_and_follow(batch: Batch) -> Batch:
    batch_submit(batch=batch)
    outbox_run(outbox_id=Outbox.objects.get(key=str(batch.batch_id)).pk)
    for _ in range(40):
        if not import_follow(batch_id=str(batch.batch_id)):
            break
        import time

        time.sleep(0.1)
    batch.refresh_from_db()
    return batch


@pytest.mark.django_db(transaction=True)
def test_a_submitted_batch_is_imported_and_each_stop_gets_its_locate2u_id(sandbox):
    batch = push_and_follow(batch_create(payload=example()))

    assert batch.status == Batch.Status.COMPLETED and batch.progress == 100
    assert batch.success_count == 3 and batch.failed_count == 0
    assert not Stop.objects.filter(batch=batch, locate2u_stop_id__isnull=True).exists()


@pytest.mark.django_db(transaction=True)
def test_a_stop_locate2u_cannot_geocode_fails_with_its_reason_and_can_be_sent_again(sandbox):
    payload = example()
    payload["dropoffs"][1]["address"] = "1 Nowhere Lane, Atlantis"
    batch = push_and_follow(batch_create(payload=payload))

    assert batch.status == Batch.Status.PARTIALLY_COMPLETED
    failed = Stop.objects.get(batch=batch, import_result=Stop.ImportResult.FAILED)
    assert failed.stop_source_reference == payload["dropoffs"][1]["stopSourceReference"]
    assert failed.error_stage and failed.error_messages

    with transaction.atomic():
        retry = batch_from_failed_stops(batch=batch)
    retry_payload = batch_to_payload(retry)
    assert retry.status == Batch.Status.DRAFT
    assert [s["stopSourceReference"] for s in retry_payload["dropoffs"]] == [failed.stop_source_reference]
    assert retry_payload["pickups"]  # the items still have to be collected


@pytest.mark.django_db(transaction=True)
def test_a_batch_locate2u_refuses_is_rejected_with_its_messages(sandbox):
    batch = batch_create(payload=example())
    requests.post(f"{sandbox}/_faults?count=2", data="error_rate=1,error_status=400", timeout=5)

    batch = push_and_follow(batch)

    assert batch.status == Batch.Status.REJECTED and "Locate2u refused" in batch.import_error
    assert Outbox.objects.get(key=str(batch.batch_id)).status == Outbox.Status.FAILED


@pytest.mark.django_db(transaction=True)
def test_a_batch_locate2u_never_answers_ends_failed_with_the_reason_not_queued_for_ever(sandbox, monkeypatch):
    from deliveries.services import outbox as outbox_service

    monkeypatch.setattr(outbox_service, "MAX_ATTEMPTS", 1)
    batch = batch_create(payload=example())
    requests.post(f"{sandbox}/_faults", data="error_rate=1,error_status=503", timeout=5)
    try:
        batch_submit(batch=batch)
        row = Outbox.objects.get(key=str(batch.batch_id))
        outbox_run(outbox_id=row.pk)
    finally:
        requests.post(f"{sandbox}/_faults", data="", timeout=5)

    batch.refresh_from_db()
    row.refresh_from_db()
    assert row.status == Outbox.Status.FAILED and "gave up after 1 attempts" in row.last_error
    assert batch.status == Batch.Status.FAILED
    assert "could not be delivered to Locate2u" in batch.import_error
