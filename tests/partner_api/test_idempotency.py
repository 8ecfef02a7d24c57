"""Idempotency-Key on every POST, and the batch reference as the batch's name (CONTRACT §4):
a repeat answers as the first time and creates nothing; a different request under the same
key is a 422, under the same batch reference a 400 on batchSourceReference."""
import json

import pytest

from deliveries.api.models import IdempotencyRecord, WebhookSubscription
from deliveries.models import Batch, Item, Outbox, Stop
from tests.spec.examples import batch, stop

from .conftest import errors_of

pytestmark = pytest.mark.django_db

BATCH = "/v1/Logistics/batch-delivery"
HOOK = {"eventType": "stop.status-changed", "url": "https://partner.example.com/hooks"}


def counts() -> tuple:
    return (Batch.objects.count(), Item.objects.count(), Stop.objects.count(), Outbox.objects.count(),
            WebhookSubscription.objects.count())


@pytest.mark.parametrize("path, body", [
    (BATCH, batch()), ("/v1/Stops", stop()), ("/v1/Stops/import", {"stops": [stop()]}), ("/v1/Webhooks", HOOK),
])
def test_the_same_key_and_body_answer_the_stored_response_and_create_nothing(acme, path, body):
    key = {"Idempotency-Key": "order-42"}
    first = acme.post(path, body, headers=key)
    before = counts()

    again = acme.post(path, body, headers=key)

    assert first.status_code == again.status_code == 200
    assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"
    assert counts() == before


@pytest.mark.parametrize("path, body, other", [
    (BATCH, batch(), batch(batchSourceReference="BATCH-OTHER")),
    ("/v1/Stops", stop(), stop(stopSourceReference="STOP-OTHER")),
    ("/v1/Stops/import", {"stops": [stop()]}, {"stops": [stop(name="Other")]}),
    ("/v1/Webhooks", HOOK, dict(HOOK, url="https://partner.example.com/other")),
])
def test_the_same_key_with_another_body_is_422(acme, path, body, other):
    key = {"Idempotency-Key": "order-42"}
    acme.post(path, body, headers=key)
    before = counts()

    response = acme.post(path, other, headers=key)

    assert response.status_code == 422 and list(errors_of(response)) == ["Idempotency-Key"]
    assert counts() == before


def test_the_same_key_on_another_endpoint_is_422(acme):
    acme.post("/v1/Stops", stop(), headers={"Idempotency-Key": "k"})

    assert acme.post("/v1/Stops/import", {"stops": [stop()]}, headers={"Idempotency-Key": "k"}).status_code == 422


def test_the_key_compares_the_json_not_its_formatting(acme):
    body = stop()
    acme.post("/v1/Stops", body, headers={"Idempotency-Key": "k"})
    reordered = json.dumps(dict(reversed(list(body.items()))), indent=2)

    response = acme.post("/v1/Stops", raw=reordered, headers={"Idempotency-Key": "k"})

    assert response.status_code == 200 and response.headers.get("Idempotent-Replayed") == "true"


def test_a_refused_request_keeps_no_key_so_the_corrected_one_may_use_it(acme):
    bad = stop()
    del bad["address"]
    assert acme.post("/v1/Stops", bad, headers={"Idempotency-Key": "k"}).status_code == 400

    assert acme.post("/v1/Stops", stop(), headers={"Idempotency-Key": "k"}).status_code == 200


@pytest.mark.parametrize("key", ["", "   ", "x" * 256])
def test_an_empty_or_overlong_key_is_400(acme, key):
    response = acme.post("/v1/Stops", stop(), headers={"Idempotency-Key": key})

    assert response.status_code == 400 and list(errors_of(response)) == ["Idempotency-Key"]


def test_a_key_is_forgotten_after_a_day(acme):
    from datetime import timedelta

    from django.utils import timezone

    acme.post("/v1/Stops", stop(), headers={"Idempotency-Key": "k"})
    IdempotencyRecord.objects.update(created_at=timezone.now() - timedelta(hours=25))

    response = acme.post("/v1/Stops", stop(stopSourceReference="STOP-NEW"), headers={"Idempotency-Key": "k"})

    assert response.status_code == 200 and "Idempotent-Replayed" not in response.headers


def test_the_webhook_secret_is_replayed_to_the_same_request_only(acme):
    first = acme.post("/v1/Webhooks", HOOK, headers={"Idempotency-Key": "k"}).json()
    again = acme.post("/v1/Webhooks", HOOK, headers={"Idempotency-Key": "k"}).json()

    assert again["secret"] == first["secret"] and "secret" not in acme.get(f"/v1/Webhooks/{first['id']}").json()


# --- the batch reference ---------------------------------------------------------------------------
def test_reposting_a_batch_with_the_same_reference_and_body_is_the_same_batch(acme):
    first = acme.post(BATCH, batch())
    before = counts()

    again = acme.post(BATCH, batch())

    assert again.status_code == 200 and again.json() == first.json()
    assert counts() == before


def test_the_same_batch_written_differently_is_still_the_same_batch(acme):
    first = acme.post(BATCH, batch()).json()
    payload = batch(batchDescription="Morning deliveries - North Region")
    payload["items"][0]["quantity"] = 1.0  # 1 and 1.0 are one number
    payload["dropoffs"][1]["requireProofOfDelivery"] = True  # the default, said aloud
    payload["pickups"][0]["notes"] = None  # null is absent
    payload["pickups"][0]["itemSourceReferences"] = ["ITEM-001", "ITEM-002", "ITEM-001"]

    again = acme.post(BATCH, raw=json.dumps(dict(reversed(list(payload.items())))))

    assert again.status_code == 200 and again.json() == first
    assert Batch.objects.count() == 1


@pytest.mark.parametrize("change", [
    lambda p: p.update(batchDescription="Afternoon"),
    lambda p: p["items"][1].update(quantity=3),
    lambda p: p["dropoffs"][0].update(address="51 Main Street, Parramatta NSW 2150"),
    lambda p: p["dropoffs"].pop(),
])
def test_the_same_reference_with_another_body_is_a_400_on_the_reference(acme, change):
    acme.post(BATCH, batch())
    payload = batch()
    change(payload)
    if len(payload["dropoffs"]) == 1:  # keep the rest valid: ITEM-002 goes to the remaining drop-off
        payload["dropoffs"][0]["itemSourceReferences"] = ["ITEM-001", "ITEM-002"]
    before = counts()

    response = acme.post(BATCH, payload)

    assert response.status_code == 400, response.content
    found = errors_of(response)
    assert list(found) == ["batchSourceReference"] and "already used" in found["batchSourceReference"][0]
    assert counts() == before


def test_a_reposted_batch_answers_the_counts_of_the_batch(acme):
    acme.post(BATCH, batch())

    data = acme.post(BATCH, batch()).json()["data"]

    assert (data["stopsCreated"], data["itemsProcessed"]) == (3, 2)
