"""The Locate2u sandbox's own behaviour, service by service, with the clock in the test's hands."""
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from deliveries.sandbox.faults import Faults
from deliveries.sandbox.locate2u import services
from deliveries.sandbox.locate2u.controls import faults_control_set, sandbox_faults
from deliveries.sandbox.locate2u.geocode import address_is_unfindable, coordinates_for
from deliveries.sandbox.locate2u.models import SandboxDelivery, SandboxEvent, SandboxImport, SandboxStop, SandboxWebhook
from deliveries.sandbox.locate2u.webhook_delivery import deliveries_send_due
from deliveries.spec import SpecValidationError
from tests.carriers.scripted_server import Answer, ScriptedServer
from tests.spec.examples import batch, big_batch

pytestmark = pytest.mark.django_db


@pytest.fixture
def t0():
    return timezone.now()


def accept(payload=None, *, rate=10.0, now=None, key=""):
    from deliveries.sandbox.locate2u.controls import import_rate_set

    import_rate_set(rate=rate)
    imported, _ = services.batch_delivery_accept(payload=payload or batch(), idempotency_key=key, now=now)
    return imported


def test_progress_is_queued_then_rate_stops_per_second_then_completed(t0):
    imp = accept(rate=10.0, now=t0)  # queued 0.1 s, then 10 stops/s

    states = []
    for after in (0.05, 0.25, 0.35, 10):
        imp = services.import_advance(batch=imp, now=t0 + timedelta(seconds=after))
        states.append((imp.status, imp.processed_count))

    assert states == [("Queued", 0), ("Importing", 1), ("Importing", 2), ("Completed", 3)]
    assert imp.started_at == t0 + timedelta(seconds=0.1)
    assert imp.completed_at == t0 + timedelta(seconds=0.4)  # when the last row was due, not when asked


def test_each_row_becomes_exactly_one_stop_however_often_the_import_is_advanced(t0):
    imp = accept(rate=10.0, now=t0)
    later = t0 + timedelta(seconds=5)

    services.import_advance(batch=imp, now=later)
    services.import_advance(batch=SandboxImport.objects.get(pk=imp.pk), now=later)
    stale = imp  # a second looker holding the import as it was before the first advanced it
    services.import_advance(batch=stale, now=later)

    assert SandboxStop.objects.count() == 3
    assert list(SandboxStop.objects.values_list("row_number", flat=True)) == [1, 2, 3]


def test_status_shows_successful_stops_only_once_finished(t0):
    imp = accept(rate=10.0, now=t0)

    running = services.import_status_for_batch(batch_id=str(imp.batch_id), now=t0 + timedelta(seconds=0.25))["data"]
    done = services.import_status_for_batch(batch_id=str(imp.batch_id), now=t0 + timedelta(seconds=1))["data"]

    assert running["successfulStops"] is None and running["progressPercentage"] == 33.33
    assert running["completedDate"] is None and running["startedDate"].endswith("Z")
    assert [s["sourceReference"] for s in done["successfulStops"]] == ["PICKUP-001", "DROPOFF-001", "DROPOFF-002"]


def test_a_big_batch_imports_at_the_configured_rate(t0):
    imp = accept(big_batch(2000), rate=1000.0, now=t0)

    half = services.import_advance(batch=imp, now=t0 + timedelta(seconds=1.001))  # queued for 1 ms
    assert (half.status, half.processed_count, SandboxStop.objects.count()) == ("Importing", 1000, 1000)

    whole = services.import_advance(batch=imp, now=t0 + timedelta(seconds=3))
    assert (whole.status, whole.success_count, SandboxStop.objects.count()) == ("Completed", 2001, 2001)


def test_the_caller_s_guid_key_becomes_the_batch_id():
    key = str(uuid.uuid4())

    assert str(accept(key=key).batch_id) == key
    assert str(accept(batch(batchSourceReference="OTHER"), key="not-a-guid").batch_id) != "not-a-guid"


def test_an_invalid_batch_stores_nothing():
    with pytest.raises(SpecValidationError) as refused:
        services.batch_delivery_accept(payload=batch(items=[]))

    assert refused.value.errors[0].field == "items"
    assert not SandboxImport.objects.exists()


@pytest.mark.parametrize("address", ["1 Nowhere Lane", "Flat 2, nowhere", "10 High St, London ZZ99 9ZZ", "zz999zz"])
def test_addresses_that_cannot_be_geocoded(address):
    assert address_is_unfindable(address)


def test_geocoding_is_deterministic_and_near_sydney():
    lat, lng = coordinates_for("50 Main Street, Parramatta NSW 2150")

    assert (lat, lng) == coordinates_for(" 50 main street, parramatta nsw 2150 ")
    assert -34.1 < lat < -33.6 and 150.9 < lng < 151.5
    assert not address_is_unfindable("50 Main Street, Parramatta NSW 2150")


def test_stops_live_through_created_pending_enroute_arrived_complete(t0, settings):
    settings.SANDBOX_LOCATE2U_STOP_STEP_SECONDS = 10
    stop, _ = services.stop_create(payload=batch()["dropoffs"][0], now=t0)

    seen = []
    for step in range(1, 7):
        services.stops_advance(now=t0 + timedelta(seconds=10 * step))
        stop.refresh_from_db()
        seen.append(stop.status)

    assert seen == ["Pending", "Enroute", "Arrived", "Complete", "Complete", "Complete"]


def test_a_stop_waits_a_whole_step_before_moving(t0, settings):
    settings.SANDBOX_LOCATE2U_STOP_STEP_SECONDS = 10
    services.stop_create(payload=batch()["dropoffs"][0], now=t0)

    assert services.stops_advance(now=t0 + timedelta(seconds=9)) == 0
    assert services.stops_advance(now=t0 + timedelta(seconds=10)) == 1


def test_events_are_kept_only_for_subscribers_and_each_has_its_own_id(t0, settings):
    settings.SANDBOX_LOCATE2U_STOP_STEP_SECONDS = 10
    services.stop_create(payload=batch()["dropoffs"][0], now=t0)
    services.stops_advance(now=t0 + timedelta(seconds=10))
    assert not SandboxEvent.objects.exists()  # nobody listens: nothing is owed

    services.webhook_subscribe(payload={"eventType": "stop.status-changed", "url": "http://127.0.0.1:9/x"})
    services.stops_advance(now=t0 + timedelta(seconds=20))
    services.stops_advance(now=t0 + timedelta(seconds=30))

    events = list(SandboxEvent.objects.all())
    assert [(e.body["oldStatus"], e.body["newStatus"]) for e in events] == [("Pending", "Enroute"), ("Enroute", "Arrived")]
    assert len({e.body["Id"] for e in events}) == 2 and all(str(e.id) == e.body["Id"] for e in events)


def test_a_failing_delivery_is_retried_with_back_off_then_given_up(t0, settings):
    settings.SANDBOX_LOCATE2U_STOP_STEP_SECONDS = 10
    with ScriptedServer() as subscriber:
        subscriber.queue("/hook", *[Answer(503)] * 10)
        services.webhook_subscribe(payload={"eventType": "stop.status-changed", "url": f"{subscriber.url}/hook"})
        services.stop_create(payload=batch()["dropoffs"][0], now=t0)
        services.stops_advance(now=t0 + timedelta(seconds=10))

        clock = t0 + timedelta(seconds=10)
        for _ in range(12):
            deliveries_send_due(now=clock)
            clock += timedelta(minutes=10)

    delivery = SandboxDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("failed", 5, 503)
    assert len(subscriber.calls("/hook")) == 5
    assert len({c.headers["webhook-id"] for c in subscriber.calls("/hook")}) == 1  # the same event each time


def test_a_deactivated_subscription_is_not_sent_what_it_was_owed(t0, settings):
    settings.SANDBOX_LOCATE2U_STOP_STEP_SECONDS = 10
    hook = services.webhook_subscribe(payload={"eventType": "stop.status-changed", "url": "http://127.0.0.1:9/x"})
    services.stop_create(payload=batch()["dropoffs"][0], now=t0)
    services.stops_advance(now=t0 + timedelta(seconds=10))
    SandboxWebhook.objects.filter(pk=hook.pk).update(is_active=False)

    services.sandbox_tick(now=t0 + timedelta(seconds=11))

    assert SandboxDelivery.objects.get().status == "failed"


@pytest.mark.parametrize(
    "payload, fields",
    [
        ({}, ["eventType", "url"]),
        ({"eventType": "stop.assigned", "url": "http://[::1"}, ["url"]),
        ({"eventType": "stop.assigned", "url": "https://x.test", "isActive": "yes"}, ["isActive"]),
        ([], [""]),
    ],
)
def test_a_bad_subscription_is_refused_field_by_field(payload, fields):
    with pytest.raises(SpecValidationError) as refused:
        services.webhook_subscribe(payload=payload)

    assert [e.field for e in refused.value.errors] == fields


def test_a_limited_fault_applies_to_that_many_requests_then_clears(settings):
    settings.SANDBOX_FAULTS_LOCATE2U = "latency_ms=0"
    faults_control_set(text="error_rate=1,error_status=500", count=2)

    seen = [sandbox_faults().error_status for _ in range(4)]

    assert seen == [500, 500, 503, 503]  # 503: the dataclass default once the configured faults apply again
    assert sandbox_faults() == Faults()


def test_unreadable_configured_faults_are_ignored_not_fatal(settings):
    settings.SANDBOX_FAULTS_LOCATE2U = "explode=1"

    assert sandbox_faults() == Faults()


def test_the_tick_task_has_the_name_beat_calls(settings):
    from deliveries.sandbox.locate2u.tasks import sandbox_tick

    assert sandbox_tick.name == settings.CELERY_BEAT_SCHEDULE["sandbox-locate2u-tick"]["task"]
    assert sandbox_tick.name == "deliveries.sandbox.locate2u.tasks.sandbox_tick"
