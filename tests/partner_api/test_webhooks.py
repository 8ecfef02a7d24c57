"""Partner webhooks: subscriptions per customer over the API; deliveries of the customer's events
signed with the Standard Webhooks headers (checked with the `standardwebhooks` library), retried
with back-off, and a subscription that keeps failing switched off; every attempt visible to the
partner (GET /v1/Webhooks/{id}/deliveries) and to staff (admin)."""
import base64
from datetime import timedelta

import pytest
from django.utils import timezone
from standardwebhooks import Webhook

from deliveries import partner_tasks
from deliveries.api.models import IdempotencyRecord, WebhookDelivery, WebhookEvent, WebhookSubscription
from deliveries.models import Batch
from deliveries.sandbox.locate2u.shapes import EVENT_TYPES as SANDBOX_EVENT_TYPES
from deliveries.services import partner_webhooks
from deliveries.services.partner_webhooks import (
    DISABLE_AFTER,
    MAX_ATTEMPTS,
    partner_batch_status_emit,
    partner_deliveries_send_due,
    partner_delivery_send,
    partner_event_emit,
    partner_stop_event_emit,
)
from tests.carriers.scripted_server import Answer, ScriptedServer
from tests.spec.examples import batch

from .conftest import errors_of

pytestmark = pytest.mark.django_db

HOOK = {"eventType": "stop.status-changed", "url": "https://partner.example.com/hooks"}


@pytest.fixture
def server():
    with ScriptedServer() as server:
        yield server


@pytest.fixture
def subscribed(acme, server) -> dict:
    """ACME subscribed to stop.status-changed at the local server's /hooks."""
    return acme.post("/v1/Webhooks", dict(HOOK, url=f"{server.url}/hooks")).json()


def emit(api, event_type="stop.status-changed", **data):
    return partner_event_emit(customer=api.partner.customer, event_type=event_type,
                              data=data or {"stopId": 1, "oldStatus": "Pending", "newStatus": "Enroute"})


def delivery_of(event) -> WebhookDelivery:
    return WebhookDelivery.objects.get(event=event)


# --- subscriptions ---------------------------------------------------------------------------------
def test_event_types_are_the_sandboxes_plus_the_portals_batch_event(acme):
    body = acme.get("/v1/Webhooks/event-types").json()

    names = [entry["eventType"] for entry in body]
    assert set(SANDBOX_EVENT_TYPES) <= set(names) and "batch.status-changed" in names
    assert all(set(entry) == {"eventType", "description"} and entry["description"] for entry in body)


def test_subscribe_answers_the_subscription_with_its_secret_once(acme):
    response = acme.post("/v1/Webhooks", HOOK)

    assert response.status_code == 200
    created = response.json()
    assert {k: created[k] for k in ("eventType", "url", "isActive")} == dict(HOOK, isActive=True)
    assert isinstance(created["id"], int) and created["secret"].startswith("whsec_")
    assert len(base64.b64decode(created["secret"].removeprefix("whsec_"))) >= 24
    shown = acme.get(f"/v1/Webhooks/{created['id']}").json()
    assert "secret" not in shown and shown == {k: v for k, v in created.items() if k != "secret"}
    assert [w["id"] for w in acme.get("/v1/Webhooks").json()] == [created["id"]]
    assert "secret" not in acme.get("/v1/Webhooks").json()[0]


def test_put_replaces_the_subscription_and_delete_removes_it(acme):
    hook_id = acme.post("/v1/Webhooks", HOOK).json()["id"]

    updated = acme.put(f"/v1/Webhooks/{hook_id}", {"eventType": "stop.assigned", "url": "https://p.example/a",
                                                   "isActive": False})
    assert updated.status_code == 200
    assert {k: updated.json()[k] for k in ("id", "eventType", "url", "isActive")} == {
        "id": hook_id, "eventType": "stop.assigned", "url": "https://p.example/a", "isActive": False}

    refused = acme.put(f"/v1/Webhooks/{hook_id}", {"eventType": "nope", "url": "x"})
    assert refused.status_code == 400 and set(errors_of(refused)) == {"eventType", "url"}

    deleted = acme.delete(f"/v1/Webhooks/{hook_id}")
    assert deleted.status_code == 204 and not deleted.content
    assert acme.get(f"/v1/Webhooks/{hook_id}").status_code == 404


# --- deliveries -------------------------------------------------------------------------------------
def test_a_delivery_is_signed_with_standard_webhooks_headers_the_library_verifies(acme, server, subscribed):
    event = emit(acme)

    delivery = partner_delivery_send(delivery_id=delivery_of(event).pk)

    assert delivery.status == WebhookDelivery.Status.DELIVERED and delivery.last_status_code == 200
    [seen] = server.calls("/hooks")
    assert seen.method == "POST" and seen.headers["Content-Type"] == "application/json"
    body = Webhook(subscribed["secret"]).verify(seen.body, seen.headers)
    assert seen.headers["webhook-id"] == body["Id"] == str(event.id)
    assert body == {"Id": str(event.id), "eventType": "stop.status-changed", "stopId": 1, "oldStatus": "Pending",
                    "newStatus": "Enroute"}


def test_a_wrong_secret_does_not_verify(acme, server, subscribed):
    from standardwebhooks.webhooks import WebhookVerificationError

    partner_delivery_send(delivery_id=delivery_of(emit(acme)).pk)
    [seen] = server.calls("/hooks")

    with pytest.raises(WebhookVerificationError):
        Webhook("whsec_" + base64.b64encode(b"x" * 32).decode()).verify(seen.body, seen.headers)


def test_events_go_only_to_active_subscriptions_of_that_customer_and_type(acme, globex, server, subscribed):
    globex.post("/v1/Webhooks", dict(HOOK, url=f"{server.url}/globex"))
    acme.post("/v1/Webhooks", dict(HOOK, eventType="stop.assigned", url=f"{server.url}/assigned"))
    acme.post("/v1/Webhooks", dict(HOOK, url=f"{server.url}/off", isActive=False))

    event = emit(acme)

    assert [d.subscription_id for d in event.deliveries.all()] == [subscribed["id"]]


def test_nobody_subscribed_keeps_nothing(acme):
    assert emit(acme, "trip.created") is None
    assert not WebhookEvent.objects.exists()


def test_sending_starts_after_commit(acme, subscribed, django_capture_on_commit_callbacks, monkeypatch):
    sent = []
    monkeypatch.setattr(partner_tasks.partner_webhook_deliver, "delay", sent.append)

    with django_capture_on_commit_callbacks(execute=True):
        event = emit(acme)

    assert sent == [delivery_of(event).pk]


def test_a_failed_delivery_is_retried_with_growing_waits_then_given_up(acme, server, subscribed):
    server.queue("/hooks", *[Answer(500)] * MAX_ATTEMPTS)
    delivery = delivery_of(emit(acme))
    now = timezone.now()
    waits = []
    for _ in range(MAX_ATTEMPTS):
        delivery = partner_delivery_send(delivery_id=delivery.pk, now=now)
        assert delivery is not None
        waits.append((delivery.next_attempt_at - now).total_seconds())
        assert partner_delivery_send(delivery_id=delivery.pk, now=now) is None  # not due yet
        now = delivery.next_attempt_at

    assert delivery.status == WebhookDelivery.Status.FAILED and delivery.attempts == MAX_ATTEMPTS
    assert waits[:-1] == sorted(waits[:-1]) and waits[0] >= 30 and waits[1] >= 2 * waits[0]
    assert len(server.calls("/hooks")) == MAX_ATTEMPTS
    [shown] = acme.get(f"/v1/Webhooks/{subscribed['id']}/deliveries").json()
    assert shown["status"] == "failed" and shown["attempts"] == MAX_ATTEMPTS and shown["lastStatusCode"] == 500
    assert [a["statusCode"] for a in shown["attemptLog"]] == [500] * MAX_ATTEMPTS
    assert [a["attempt"] for a in shown["attemptLog"]] == list(range(1, MAX_ATTEMPTS + 1))


def test_a_retry_that_succeeds_delivers_and_clears_the_failure_count(acme, server, subscribed):
    server.queue("/hooks", Answer(503), Answer(204))
    delivery = delivery_of(emit(acme))

    first = partner_delivery_send(delivery_id=delivery.pk)
    assert first.status == "pending" and WebhookSubscription.objects.get().consecutive_failures == 1
    partner_deliveries_send_due(now=first.next_attempt_at)

    delivery.refresh_from_db()
    assert delivery.status == "delivered" and delivery.attempts == 2 and delivery.last_status_code == 204
    assert WebhookSubscription.objects.get().consecutive_failures == 0
    shown = acme.get(f"/v1/Webhooks/{subscribed['id']}/deliveries").json()[0]
    assert [a["statusCode"] for a in shown["attemptLog"]] == [503, 204] and shown["deliveredDate"]


@pytest.mark.parametrize("answer, words", [(Answer(302, headers={"Location": "https://elsewhere"}), "answered 302"),
                                           (Answer(200, delay=1.5), "Timeout")])
def test_redirects_and_timeouts_are_failures(acme, server, subscribed, monkeypatch, answer, words):
    monkeypatch.setattr(partner_webhooks, "TIMEOUT", (0.5, 0.5))
    server.queue("/hooks", answer)

    delivery = partner_delivery_send(delivery_id=delivery_of(emit(acme)).pk)

    assert delivery.status == "pending" and words in delivery.last_error


def test_an_unreachable_receiver_is_a_failure_without_status_code(acme):
    hook = acme.post("/v1/Webhooks", dict(HOOK, url="http://127.0.0.1:9/hooks")).json()

    delivery = partner_delivery_send(delivery_id=delivery_of(emit(acme)).pk)

    assert delivery.status == "pending" and delivery.last_status_code is None and delivery.last_error
    log = acme.get(f"/v1/Webhooks/{hook['id']}/deliveries").json()[0]["attemptLog"]
    assert log[0]["statusCode"] is None and log[0]["error"]


def test_a_private_address_is_refused_in_production(acme, server, subscribed, settings):
    settings.PARTNER_WEBHOOKS_ALLOW_PRIVATE_URLS = False

    delivery = partner_delivery_send(delivery_id=delivery_of(emit(acme)).pk)

    assert delivery.status == "pending" and "private address" in delivery.last_error
    assert not server.calls("/hooks")


def test_a_subscription_failing_again_and_again_is_switched_off(acme, server, subscribed):
    server.queue("/hooks", *[Answer(500)] * DISABLE_AFTER)
    for _ in range(DISABLE_AFTER // 2):
        delivery_of(emit(acme))
    now = timezone.now()
    for _ in range(2):  # two attempts of each delivery: DISABLE_AFTER failures in a row
        partner_deliveries_send_due(now=now)
        now += timedelta(hours=1)
    leftover = emit(acme) if WebhookSubscription.objects.get().is_active else None

    shown = acme.get(f"/v1/Webhooks/{subscribed['id']}").json()
    assert shown["isActive"] is False and "failed deliveries in a row" in shown["disabledReason"]
    assert shown["consecutiveFailures"] == DISABLE_AFTER and leftover is None
    assert not WebhookDelivery.objects.filter(status="pending").exists()
    assert emit(acme) is None  # switched off: nothing more is owed

    again = acme.put(f"/v1/Webhooks/{subscribed['id']}", dict(HOOK, url=f"{server.url}/hooks", isActive=True)).json()
    assert again["isActive"] is True and again["consecutiveFailures"] == 0 and again["disabledReason"] is None
    assert partner_delivery_send(delivery_id=delivery_of(emit(acme)).pk).status == "delivered"


def test_a_delivery_pending_when_its_subscription_was_switched_off_is_not_sent(acme, server, subscribed):
    delivery = delivery_of(emit(acme))
    acme.put(f"/v1/Webhooks/{subscribed['id']}", dict(HOOK, url=f"{server.url}/hooks", isActive=False))

    assert partner_delivery_send(delivery_id=delivery.pk).status == "failed"
    assert not server.calls("/hooks")


# --- what the rest of the portal emits ---------------------------------------------------------------
@pytest.fixture
def acme_batch(acme) -> Batch:
    return Batch.objects.get(batch_id=acme.post("/v1/Logistics/batch-delivery", batch()).json()["data"]["batchId"])


def test_a_relayed_locate2u_stop_event_carries_the_portals_ids(acme, server, subscribed, acme_batch):
    stop = acme_batch.stops.get(stop_source_reference="DROPOFF-001")
    carrier = {"Id": "l2u-evt-1", "eventType": "stop.status-changed", "stopId": 777, "stopRef": "LSB00000777",
               "batchId": "not-ours", "oldStatus": "Pending", "newStatus": "Enroute",
               "assignedTo": {"name": "Sandy Driver", "id": "d-1"}, "actionDate": "2024-01-15T11:00:00Z"}

    event = partner_stop_event_emit(stop=stop, event_type="stop.status-changed", carrier_body=carrier,
                                    event_id="l2u-evt-1")
    again = partner_stop_event_emit(stop=stop, event_type="stop.status-changed", carrier_body=carrier,
                                    event_id="l2u-evt-1")

    assert again is None and WebhookEvent.objects.count() == 1
    body = event.body
    assert body["Id"] == str(event.id) and body["stopId"] == stop.pk and body["batchId"] == str(acme_batch.batch_id)
    assert body["stopSourceReference"] == "DROPOFF-001" and body["assignedTo"]["name"] == "Sandy Driver"
    assert (body["oldStatus"], body["newStatus"], body["actionDate"]) == ("Pending", "Enroute", "2024-01-15T11:00:00Z")
    assert acme.get(f"/v1/Stops/{body['stopId']}").status_code == 200


def test_a_batch_status_change_is_an_event_in_the_specs_status_names(acme, server, acme_batch):
    acme.post("/v1/Webhooks", dict(HOOK, eventType="batch.status-changed", url=f"{server.url}/hooks"))
    Batch.objects.filter(pk=acme_batch.pk).update(status=Batch.Status.COMPLETED, processed_count=3,
                                                  success_count=3, progress=100)
    acme_batch.refresh_from_db()

    event = partner_batch_status_emit(batch=acme_batch, old_status=Batch.Status.IMPORTING)

    assert {k: event.body[k] for k in ("eventType", "batchId", "batchSourceReference", "oldStatus", "newStatus")} == {
        "eventType": "batch.status-changed", "batchId": str(acme_batch.batch_id),
        "batchSourceReference": "BATCH-2024-001", "oldStatus": "Importing", "newStatus": "Completed"}
    assert partner_batch_status_emit(batch=acme_batch, old_status=Batch.Status.COMPLETED) is None  # no change


def test_the_batch_event_follows_locate2us_own_queued_then_importing(acme, server, acme_batch):
    from deliveries.services.partner_webhooks import batch_status_name

    acme.post("/v1/Webhooks", dict(HOOK, eventType="batch.status-changed", url=f"{server.url}/hooks"))
    Batch.objects.filter(pk=acme_batch.pk).update(status=Batch.Status.IMPORTING, import_status="Queued")
    acme_batch.refresh_from_db()
    assert partner_batch_status_emit(batch=acme_batch, old_status=Batch.Status.QUEUED) is None  # Queued still
    before = batch_status_name(acme_batch)
    Batch.objects.filter(pk=acme_batch.pk).update(import_status="Importing", processed_count=1)
    acme_batch.refresh_from_db()

    event = partner_batch_status_emit(batch=acme_batch, old_status=before)

    assert (event.body["oldStatus"], event.body["newStatus"], event.body["processedCount"]) == ("Queued", "Importing", 1)


def test_a_staff_batch_emits_nothing(db):
    from deliveries.services.batches import batch_create

    staff = batch_create(payload=batch())

    assert partner_batch_status_emit(batch=staff, old_status=Batch.Status.DRAFT) is None
    assert partner_stop_event_emit(stop=staff.stops.first(), event_type="stop.assigned") is None


# --- sweep, housekeeping, staff --------------------------------------------------------------------
def test_the_sweep_reoffers_due_deliveries_and_forgets_old_keys(acme, subscribed, monkeypatch):
    offered = []
    monkeypatch.setattr(partner_tasks.partner_webhook_deliver, "delay", offered.append)
    due = delivery_of(emit(acme))
    later = delivery_of(emit(acme))
    WebhookDelivery.objects.filter(pk=later.pk).update(next_attempt_at=timezone.now() + timedelta(minutes=5))
    acme.post("/v1/Webhooks", HOOK, headers={"Idempotency-Key": "old"})
    IdempotencyRecord.objects.update(created_at=timezone.now() - timedelta(days=2))

    partner_tasks.partner_webhooks_sweep()

    assert offered == [due.pk]
    assert not IdempotencyRecord.objects.exists()


def test_staff_see_deliveries_with_their_attempts_in_the_admin(admin_client, acme, server, subscribed):
    server.queue("/hooks", Answer(502))
    delivery = partner_delivery_send(delivery_id=delivery_of(emit(acme)).pk)

    listing = admin_client.get("/admin/partner_api/webhookdelivery/")
    detail = admin_client.get(f"/admin/partner_api/webhookdelivery/{delivery.pk}/change/")
    subscriptions = admin_client.get("/admin/partner_api/webhooksubscription/")

    assert listing.status_code == detail.status_code == subscriptions.status_code == 200
    assert "answered 502" in listing.content.decode() and "502" in detail.content.decode()
    assert subscribed["secret"] not in subscriptions.content.decode() + detail.content.decode()
