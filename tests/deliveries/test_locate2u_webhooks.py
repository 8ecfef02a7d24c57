"""Locate2u webhooks in (CONTRACT §5): a wrong secret is a 404; each event is stored once by its
Id and applied once, forward only; signatures are checked once a subscription secret is known;
`manage.py locate2u_subscribe` subscribes idempotently; end to end with the sandbox."""
import copy
import io
import json
import time
import uuid
from datetime import timedelta

import pytest
import requests
from django.core.management import CommandError, call_command
from django.utils import timezone

from deliveries.models import Batch, CarrierEvent, Outbox, Stop
from deliveries.sandbox.locate2u.models import SandboxDelivery, SandboxWebhook
from deliveries.sandbox.locate2u.webhook_delivery import signature
from deliveries.services import carrier_events
from deliveries.services.batch_import import import_follow
from deliveries.services.batches import batch_create, batch_submit
from deliveries.services.carrier_events import (
    locate2u_event_apply,
    locate2u_events_apply,
    locate2u_events_offer_due,
    moves_forward,
    subscriptions_load,
    subscriptions_save,
)
from deliveries.services.outbox import outbox_run
from tests.spec.examples import SPEC_COMPLETE_EXAMPLE

SECRET = "dev-callback-secret"
WHSEC = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


@pytest.fixture(autouse=True)
def webhook_store(settings, tmp_path):
    settings.CALLBACK_SECRET = SECRET
    settings.LOCATE2U_WEBHOOK_STORE = str(tmp_path / "locate2u-webhooks.json")
    settings.LOCATE2U_WEBHOOK_SECRETS = ""
    return tmp_path / "locate2u-webhooks.json"


@pytest.fixture
def offered(monkeypatch):
    """The ids handed to the apply task (instead of a broker)."""
    sent: list[list[int]] = []
    monkeypatch.setattr(carrier_events, "_offer", lambda ids: sent.append(list(ids)))
    return sent


@pytest.fixture
def stops(db):
    batch = batch_create(payload=copy.deepcopy(SPEC_COMPLETE_EXAMPLE))
    found = {}
    for number, stop in enumerate(batch.stops.order_by("pk"), start=501):
        Stop.objects.filter(pk=stop.pk).update(locate2u_stop_id=number)
        found[stop.stop_source_reference] = Stop.objects.get(pk=stop.pk)
    return found


def event(stop: Stop | None, new: str, old: str = "", *, event_id: str | None = None, **extra) -> dict:
    body = {"Id": event_id or str(uuid.uuid4()), "eventType": "stop.status-changed",
            "stopId": stop.locate2u_stop_id if stop else 999999, "stopRef": "LSB00000001",
            "oldStatus": old, "newStatus": new, "actionDate": timezone.now().isoformat().replace("+00:00", "Z"),
            "stopSourceReference": stop.stop_source_reference if stop else "NOPE",
            "batchId": str(stop.batch.batch_id) if stop else None}
    body.update(extra)
    return body


def post(client, body, *, secret=SECRET, raw: bytes | None = None, headers: dict | None = None):
    data = raw if raw is not None else json.dumps(body).encode()
    return client.post(f"/webhooks/locate2u/{secret}/", data=data, content_type="application/json",
                       headers=headers or {})


def signed(body: bytes, secret: str = WHSEC, *, at: int | None = None, message_id: str = "msg_1") -> dict:
    timestamp = at or int(time.time())
    return {"webhook-id": message_id, "webhook-timestamp": str(timestamp),
            "webhook-signature": signature(secret, message_id, timestamp, body.decode())}


def apply_all():
    locate2u_events_apply(event_pks=list(CarrierEvent.objects.values_list("pk", flat=True)))


# --- the endpoint -----------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_a_wrong_secret_is_a_404_and_stores_nothing(client, stops, offered):
    response = post(client, event(stops["DROPOFF-001"], "Pending"), secret="guess")

    assert response.status_code == 404
    assert not CarrierEvent.objects.exists() and not offered
    assert client.get(f"/webhooks/locate2u/{SECRET}/").status_code == 405


@pytest.mark.django_db
def test_an_event_is_stored_then_applied_by_a_task_after_commit(client, stops, django_capture_on_commit_callbacks):
    stop = stops["DROPOFF-001"]
    body = event(stop, "Pending", "Created")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = post(client, body)

    assert response.status_code == 200 and response.json() == {"received": 1, "new": 1}
    stored = CarrierEvent.objects.get()
    assert (stored.source, stored.event_id, stored.event_type, stored.body) == (
        "locate2u", body["Id"], "stop.status-changed", body)
    assert stored.applied_at is None and len(callbacks) == 1  # the task goes out once the row is committed

    apply_all()

    stop.refresh_from_db()
    stored.refresh_from_db()
    assert stop.carrier_status == "Pending" and stop.carrier_status_at is not None
    assert stored.applied_at is not None and stored.outcome.startswith("applied")


@pytest.mark.django_db
def test_a_repeated_event_is_stored_once_and_applied_once(client, stops, offered, django_capture_on_commit_callbacks):
    stop = stops["DROPOFF-001"]
    body = event(stop, "Enroute", "Pending")

    with django_capture_on_commit_callbacks(execute=True):
        first = post(client, body)
        again = post(client, [body, body])  # repeated, and twice in one array

    assert first.status_code == again.status_code == 200
    assert again.json() == {"received": 2, "new": 0}
    assert CarrierEvent.objects.count() == 1 and len(offered) == 1
    pk = CarrierEvent.objects.get().pk
    assert locate2u_event_apply(event_pk=pk) is not None
    applied_at = CarrierEvent.objects.get().applied_at
    assert locate2u_event_apply(event_pk=pk) is None  # the second offer finds it applied
    assert CarrierEvent.objects.get().applied_at == applied_at


@pytest.mark.django_db
def test_an_event_that_would_move_a_stop_backwards_is_kept_and_changes_nothing(client, stops, offered):
    stop = stops["DROPOFF-002"]
    arrived, enroute = event(stop, "Arrived", "Enroute"), event(stop, "Enroute", "Pending")

    post(client, [arrived, enroute])  # Locate2u sent them in order; they arrive out of it
    locate2u_events_apply(event_pks=[CarrierEvent.objects.get(event_id=arrived["Id"]).pk])
    locate2u_events_apply(event_pks=[CarrierEvent.objects.get(event_id=enroute["Id"]).pk])

    stop.refresh_from_db()
    assert stop.carrier_status == "Arrived"
    late = CarrierEvent.objects.get(event_id=enroute["Id"])
    assert late.applied_at is not None
    assert late.outcome == "ignored: would move backwards (Arrived → Enroute)"


@pytest.mark.django_db
def test_final_statuses_end_the_lifecycle(client, stops, offered):
    stop = stops["DROPOFF-001"]
    post(client, [event(stop, "Arrived"), event(stop, "failed"), event(stop, "Complete"), event(stop, "Arrived")])

    apply_all()

    stop.refresh_from_db()
    assert stop.carrier_status == "Failed"
    outcomes = list(CarrierEvent.objects.order_by("pk").values_list("outcome", flat=True))
    assert outcomes[0].startswith("applied") and outcomes[1] == "applied (Arrived → Failed)"
    assert outcomes[2:] == ["ignored: would move backwards (Failed → Complete)",
                            "ignored: would move backwards (Failed → Arrived)"]
    assert moves_forward("", "Created") and moves_forward("Pending", "Cancelled")
    assert not moves_forward("Complete", "Failed") and not moves_forward("Arrived", "Arrived")


@pytest.mark.django_db
def test_an_event_for_a_stop_we_do_not_know_is_kept_for_inspection(client, stops, offered):
    post(client, event(None, "Pending"))

    apply_all()

    kept = CarrierEvent.objects.get()
    assert kept.applied_at is not None and kept.outcome.startswith("unknown stop")
    assert not Stop.objects.exclude(carrier_status="").exists()


@pytest.mark.django_db
def test_a_stop_is_found_by_batch_and_reference_before_its_locate2u_id_is_known(client, stops, offered):
    stop = stops["PICKUP-001"]
    Stop.objects.filter(pk=stop.pk).update(locate2u_stop_id=None)

    post(client, event(stop, "Pending", stopId=777))
    apply_all()

    stop.refresh_from_db()
    assert stop.carrier_status == "Pending" and stop.locate2u_stop_id == 777


@pytest.mark.django_db
@pytest.mark.parametrize("raw, words", [
    (b"{not json", "not JSON"),
    (b"\xff\xfe", "not JSON"),
    (b'"a string"', "not an object"),
    (b'[{"Id": "e-1", "newStatus": "Pending"}, {"newStatus": "Enroute"}]', "Event 1 has no Id"),
    (b'{"Id": "", "newStatus": "Pending"}', "has no Id"),
    (b'{"Id": true}', "has no Id"),
    (json.dumps({"Id": "x" * 101}).encode(), "longer than 100"),
])
def test_a_body_that_is_not_events_is_a_400_and_stores_nothing(client, offered, raw, words):
    response = post(client, None, raw=raw)

    assert response.status_code == 400 and words in response.json()["error"]
    assert not CarrierEvent.objects.exists() and not offered


@pytest.mark.django_db
def test_events_stored_but_not_applied_for_30_seconds_are_offered_again(client, stops, offered):
    post(client, [event(stops["DROPOFF-001"], "Pending"), event(stops["DROPOFF-002"], "Pending")])
    old, _ = CarrierEvent.objects.order_by("pk")
    CarrierEvent.objects.filter(pk=old.pk).update(received_at=timezone.now() - timedelta(seconds=31))
    offered.clear()

    assert locate2u_events_offer_due() == [old.pk] and offered == [[old.pk]]
    locate2u_events_apply(event_pks=[old.pk])
    assert locate2u_events_offer_due() == []


# --- signatures ---------------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_once_a_secret_is_known_events_must_be_signed_with_it(client, stops, offered):
    subscriptions_save({"7": {"eventType": "stop.status-changed", "url": "http://x", "secret": WHSEC}})
    body = json.dumps(event(stops["DROPOFF-001"], "Pending")).encode()

    assert post(client, None, raw=body).status_code == 401  # unsigned
    assert post(client, None, raw=body, headers=signed(body, "whsec_" + "A" * 32)).status_code == 401  # not ours
    tampered = body.replace(b"Pending", b"Complete")
    assert post(client, None, raw=tampered, headers=signed(body)).status_code == 401
    stale = post(client, None, raw=body, headers=signed(body, at=int(time.time()) - 3600))
    assert stale.status_code == 401 and "too old" in stale.json()["error"]
    broken = {**signed(body), "webhook-signature": "garbage"}
    assert post(client, None, raw=body, headers=broken).status_code == 401
    assert not CarrierEvent.objects.exists()

    good = post(client, None, raw=body, headers=signed(body))
    assert good.status_code == 200 and CarrierEvent.objects.count() == 1


@pytest.mark.django_db
def test_a_secret_from_the_settings_is_used_too(client, settings, stops, offered):
    settings.LOCATE2U_WEBHOOK_SECRETS = f"whsec_other, {WHSEC}"
    body = json.dumps(event(stops["DROPOFF-001"], "Pending")).encode()

    assert post(client, None, raw=body).status_code == 401
    assert post(client, None, raw=body, headers=signed(body)).status_code == 200


# --- subscribing, and end to end with the sandbox ----------------------------------------------------------
@pytest.fixture
def sandbox(live_server, settings):
    url = f"{live_server.url}/sandbox/locate2u"
    settings.LOCATE2U_BASE_URL, settings.LOCATE2U_TOKEN_URL = url, f"{url}/connect/token"
    settings.PUBLIC_BASE_URL = live_server.url
    settings.SANDBOX_LOCATE2U_IMPORT_RATE = 1000
    settings.SANDBOX_LOCATE2U_STOP_STEP_SECONDS = 0  # every tick moves every stop one step
    requests.post(f"{url}/_faults", data="", timeout=5)  # whatever an earlier test left in force
    requests.post(f"{url}/_import_rate", data="1000", timeout=5)
    yield url
    requests.post(f"{url}/_import_rate", data="", timeout=5)


def subscribe(*args) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("locate2u_subscribe", *args, stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


@pytest.mark.django_db(transaction=True)
def test_subscribing_is_idempotent_and_keeps_the_secrets(sandbox, live_server):
    first = subscribe()
    second = subscribe()

    url = f"{live_server.url}/webhooks/locate2u/{SECRET}/"
    [subscription] = SandboxWebhook.objects.all()
    assert (subscription.event_type, subscription.url, subscription.is_active) == ("stop.status-changed", url, True)
    assert subscriptions_load() == {str(subscription.pk): {"eventType": "stop.status-changed", "url": url,
                                                           "secret": subscription.secret}}
    assert "subscribed (subscription" in first and "already subscribed" in second
    assert SECRET not in first + second  # the callback secret is not printed

    # One whose secret we never learnt is replaced; a deactivated one is activated again.
    subscriptions_save({})
    third = subscribe()
    [replacement] = SandboxWebhook.objects.all()
    assert replacement.pk != subscription.pk and "deleted subscription" in third
    SandboxWebhook.objects.update(is_active=False)
    assert "activated again" in subscribe()
    assert SandboxWebhook.objects.get().is_active


@pytest.mark.django_db
def test_subscribing_when_locate2u_cannot_be_reached(settings):
    settings.LOCATE2U_BASE_URL = "http://127.0.0.1:9/sandbox/locate2u"
    settings.LOCATE2U_TOKEN_URL = "http://127.0.0.1:9/sandbox/locate2u/connect/token"

    assert "warning: Locate2u cannot be reached" in subscribe("--if-reachable")  # exit 0
    with pytest.raises(CommandError, match="cannot be reached"):
        subscribe()


@pytest.fixture
def eager_tasks():
    from dispatch_portal.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


def push_and_follow(batch: Batch) -> Batch:
    batch_submit(batch=batch)
    outbox_run(outbox_id=Outbox.objects.get(key=str(batch.batch_id)).pk)
    for _ in range(40):
        if not import_follow(batch_id=str(batch.batch_id)):
            break
        time.sleep(0.1)
    batch.refresh_from_db()
    return batch


@pytest.mark.django_db(transaction=True)
def test_end_to_end_the_sandbox_moves_our_stops_forward_through_signed_webhooks(sandbox, eager_tasks):
    subscribe()
    batch = push_and_follow(batch_create(payload=copy.deepcopy(SPEC_COMPLETE_EXAMPLE)))
    assert batch.status == Batch.Status.COMPLETED
    assert not batch.stops.filter(locate2u_stop_id__isnull=True).exists()

    seen = []
    for _ in range(5):  # Created → Pending → Enroute → Arrived → Complete: one step per tick
        assert requests.post(f"{sandbox}/_tick", timeout=30).status_code == 200
        seen.append(sorted(set(batch.stops.values_list("carrier_status", flat=True))))

    assert seen[:4] == [["Pending"], ["Enroute"], ["Arrived"], ["Complete"]]
    assert set(SandboxDelivery.objects.values_list("status", flat=True)) == {"delivered"}  # signed, so accepted
    events = CarrierEvent.objects.filter(source="locate2u")
    assert events.count() == 4 * 3 and not events.filter(applied_at__isnull=True).exists()
    assert all(outcome.startswith("applied") for outcome in events.values_list("outcome", flat=True))
    assert not batch.stops.filter(carrier_status_at__isnull=True).exists()
