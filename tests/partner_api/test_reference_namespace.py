"""Two customers' references never collide at Locate2u: a partner's batch, item and stop references
go downstream in its customer's namespace (deliveries/services/locate2u_refs.py) and come back as the
partner gave them, in import statuses, stop results, webhooks and messages; staff batches go as
they are. End to end against the Locate2u sandbox over HTTP on the live server."""
import io
import json
import time
import uuid

import pytest
import requests
from django.core.management import call_command
from django.db import transaction

from deliveries.api.models import WebhookEvent
from deliveries.carriers.locate2u.schemas import ImportedStop, ImportState, ImportStatus
from deliveries.models import Batch, CarrierEvent, Outbox, Stop
from deliveries.sandbox.locate2u.models import SandboxImport, SandboxStop
from deliveries.services.batch_import import batch_rejected, import_follow, import_status_apply
from deliveries.services.batch_payload import batch_to_payload
from deliveries.services.batches import batch_create, batch_from_failed_stops, batch_submit
from deliveries.services.carrier_events import locate2u_events_apply
from deliveries.services.locate2u_refs import namespace, reference_limit, upstream_ref, upstream_text
from deliveries.services.outbox import outbox_run
from dispatch_portal.partners.models import Customer
from tests.carriers.scripted_server import ScriptedServer
from tests.spec.examples import batch, stop

from .conftest import errors_of

SECRET = "dev-callback-secret"
REFERENCES = ["DROPOFF-001", "DROPOFF-002", "PICKUP-001"]


@pytest.fixture
def sandbox(live_server, settings, tmp_path):
    url = f"{live_server.url}/sandbox/locate2u"
    settings.LOCATE2U_BASE_URL, settings.LOCATE2U_TOKEN_URL = url, f"{url}/connect/token"
    settings.PUBLIC_BASE_URL, settings.CALLBACK_SECRET = live_server.url, SECRET
    settings.LOCATE2U_WEBHOOK_STORE = str(tmp_path / "locate2u-webhooks.json")
    settings.SANDBOX_LOCATE2U_STOP_STEP_SECONDS = 0  # every tick moves every stop one step
    requests.post(f"{url}/_faults", data="", timeout=5)
    requests.post(f"{url}/_import_rate", data="1000", timeout=5)
    yield url
    requests.post(f"{url}/_import_rate", data="", timeout=5)


@pytest.fixture
def eager_tasks():
    from dispatch_portal.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


def push_and_follow(batch_id) -> Batch:
    outbox_run(outbox_id=Outbox.objects.get(key=str(batch_id)).pk)
    for _ in range(40):
        if not import_follow(batch_id=str(batch_id)):
            break
        time.sleep(0.1)
    return Batch.objects.get(batch_id=batch_id)


def status(api, batch_id) -> dict:
    response = api.get(f"/v1/Stops/import/{batch_id}/status")
    assert response.status_code == 200, response.content
    return response.json()["data"]


def customer_of(api) -> Customer:
    return api.partner.customer


def posted_batch(api) -> Batch:
    return Batch.objects.get(batch_id=api.post("/v1/Logistics/batch-delivery", batch()).json()["data"]["batchId"])


# --- the namespace --------------------------------------------------------------------------------
def test_a_namespace_is_the_customers_id_and_none_is_staffs():
    assert namespace(None) == "" and reference_limit(None) == 100
    assert namespace(Customer(pk=7)) == "C7~" and reference_limit(Customer(pk=7)) == 97
    assert upstream_ref(Customer(pk=7), "C7~B-1") == "B-1"
    assert upstream_ref(Customer(pk=7), "B-1") == "B-1"  # sent before namespaces: as it is
    assert upstream_ref(None, "C7~B-1") == "C7~B-1"  # a staff reference is never changed
    # No namespace starts another: customer 1's "2~X" is not customer 12's "X".
    assert not f"{namespace(Customer(pk=12))}X".startswith(namespace(Customer(pk=1)))


def test_locate2u_messages_quote_the_partners_own_references():
    acme = Customer(pk=7)

    assert upstream_text(acme, "Item 'C7~I-1' is not collected by any pickup.") == \
        "Item 'I-1' is not collected by any pickup."
    assert upstream_text(acme, "Stop 'C7~C7~X' and 'XC7~Y' and 'C71~Z'") == "Stop 'C7~X' and 'XC7~Y' and 'C71~Z'"
    assert upstream_text(None, "Stop 'C7~X'") == "Stop 'C7~X'"


# --- pushed and imported --------------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_two_customers_send_the_same_references_and_both_batches_import_completely(acme, globex, sandbox):
    ids = {api: api.post("/v1/Logistics/batch-delivery", batch()).json()["data"]["batchId"] for api in (acme, globex)}

    finals = {api: (push_and_follow(batch_id), status(api, batch_id)) for api, batch_id in ids.items()}

    for api, (portal_batch, final) in finals.items():
        assert portal_batch.status == Batch.Status.COMPLETED and final["status"] == "Completed"
        assert final["batchSourceReference"] == "BATCH-2024-001" and final["errors"] == []
        ours = dict(Stop.objects.filter(batch=portal_batch).values_list("stop_source_reference", "pk"))
        assert {s["sourceReference"]: s["stopId"] for s in final["successfulStops"]} == ours
        assert sorted(ours) == REFERENCES
        sent = Outbox.objects.get(key=ids[api]).payload
        prefix = namespace(customer_of(api))
        assert sent["batchSourceReference"] == f"{prefix}BATCH-2024-001"
        assert [i["itemSourceReference"] for i in sent["items"]] == [f"{prefix}ITEM-001", f"{prefix}ITEM-002"]
        assert sent["pickups"][0]["itemSourceReferences"] == [f"{prefix}ITEM-001", f"{prefix}ITEM-002"]
        assert sent["dropoffs"][0]["stopSourceReference"] == f"{prefix}DROPOFF-001"
    # Locate2u holds two batches and six stops, each in its customer's namespace.
    assert sorted(SandboxImport.objects.values_list("batch_source_reference", flat=True)) == sorted(
        f"{namespace(customer_of(api))}BATCH-2024-001" for api in ids)
    assert SandboxStop.objects.values("source_reference").distinct().count() == 6
    assert Stop.objects.values("locate2u_stop_id").distinct().count() == 6


@pytest.mark.django_db(transaction=True)
def test_two_customers_import_stops_with_the_same_references(acme, globex, sandbox):
    body = {"batchSourceReference": "IMPORT-1", "stops": [stop(itemSourceReferences=["PARCEL-1"]),
                                                          stop(stopSourceReference="STOP-002")]}
    ids = {api: api.post("/v1/Stops/import", body).json()["data"]["batchId"] for api in (acme, globex)}
    singles = {api: api.post("/v1/Stops", stop(stopSourceReference="ONE")).json()["data"] for api in (acme, globex)}

    for api in (acme, globex):
        prefix = namespace(customer_of(api))
        sent = Outbox.objects.get(key=ids[api]).payload
        assert sent["batchSourceReference"] == f"{prefix}IMPORT-1"
        assert [s["stopSourceReference"] for s in sent["stops"]] == [f"{prefix}STOP-001", f"{prefix}STOP-002"]
        assert sent["stops"][0]["itemSourceReferences"] == [f"{prefix}PARCEL-1"]
        push_and_follow(ids[api])
        push_and_follow(singles[api]["batchId"])

        final = status(api, ids[api])
        assert final["status"] == "Completed" and final["batchSourceReference"] == "IMPORT-1"
        assert sorted(s["sourceReference"] for s in final["successfulStops"]) == ["STOP-001", "STOP-002"]
        assert status(api, singles[api]["batchId"])["successfulStops"] == [
            {"stopId": singles[api]["stopId"], "sourceReference": "ONE"}]
        shown = api.get(f"/v1/Stops/{singles[api]['stopId']}").json()["data"]
        assert shown["stopSourceReference"] == "ONE" and shown["status"] == "Created"


@pytest.mark.django_db(transaction=True)
def test_a_staff_batch_is_sent_unchanged_beside_a_partners_with_the_same_references(acme, sandbox):
    partner_id = acme.post("/v1/Logistics/batch-delivery", batch()).json()["data"]["batchId"]
    staff = batch_create(payload=batch())
    batch_submit(batch=staff)

    assert Outbox.objects.get(key=str(staff.batch_id)).payload == batch_to_payload(staff)
    for batch_id in (staff.batch_id, partner_id):
        assert push_and_follow(batch_id).status == Batch.Status.COMPLETED
    assert SandboxImport.objects.get(batch_id=staff.batch_id).batch_source_reference == "BATCH-2024-001"
    sent = set(SandboxStop.objects.filter(batch__batch_id=staff.batch_id).values_list("source_reference", flat=True))
    assert sorted(sent) == REFERENCES
    assert not staff.stops.filter(locate2u_stop_id__isnull=True).exists()


# --- read back ----------------------------------------------------------------------------------------
def subscribe_to_locate2u() -> None:
    call_command("locate2u_subscribe", stdout=io.StringIO(), stderr=io.StringIO())


@pytest.mark.django_db(transaction=True)
def test_locate2u_webhooks_reach_each_customers_own_stops_and_partners_hear_their_own_references(
        acme, globex, sandbox, eager_tasks):
    subscribe_to_locate2u()
    with ScriptedServer() as receiver:
        for api in (acme, globex):
            api.post("/v1/Webhooks", {"eventType": "stop.status-changed", "url": f"{receiver.url}/{api.partner.pk}"})
        ids = {api: api.post("/v1/Logistics/batch-delivery", batch()).json()["data"]["batchId"]
               for api in (acme, globex)}
        for batch_id in ids.values():
            push_and_follow(batch_id)

        requests.post(f"{sandbox}/_tick", timeout=30).raise_for_status()  # Created → Pending, each stop

        assert set(Stop.objects.values_list("carrier_status", flat=True)) == {"Pending"}
        assert CarrierEvent.objects.count() == 6
        for api, batch_id in ids.items():
            relayed = [e.body for e in WebhookEvent.objects.filter(customer=customer_of(api))]
            ours = dict(Stop.objects.filter(batch__batch_id=batch_id).values_list("pk", "stop_source_reference"))
            assert sorted((b["stopId"], b["stopSourceReference"], b["batchId"]) for b in relayed) == sorted(
                (pk, ref, batch_id) for pk, ref in ours.items())
            delivered = [json.loads(seen.body) for seen in receiver.calls(f"/{api.partner.pk}")]
            assert sorted(b["stopSourceReference"] for b in delivered) == REFERENCES


@pytest.mark.django_db
def test_a_webhook_before_the_import_result_finds_the_stop_by_its_namespaced_reference(acme, globex, client,
                                                                                       settings, tmp_path):
    settings.CALLBACK_SECRET = SECRET
    settings.LOCATE2U_WEBHOOK_STORE = str(tmp_path / "locate2u-webhooks.json")
    settings.LOCATE2U_WEBHOOK_SECRETS = ""
    batches = [posted_batch(acme), posted_batch(globex), batch_create(payload=batch())]  # the last is staff's
    events = [{"Id": str(uuid.uuid4()), "eventType": "stop.status-changed", "stopId": 900 + i, "oldStatus": "Created",
               "newStatus": "Pending", "batchId": str(b.batch_id),
               "stopSourceReference": f"{namespace(b.customer)}DROPOFF-001"}
              for i, b in enumerate(batches)]

    assert client.post(f"/webhooks/locate2u/{SECRET}/", data=json.dumps(events),
                       content_type="application/json").status_code == 200
    locate2u_events_apply(event_pks=list(CarrierEvent.objects.values_list("pk", flat=True)))

    moved = Stop.objects.filter(carrier_status="Pending")
    assert sorted(moved.values_list("batch_id", "stop_source_reference", "locate2u_stop_id")) == sorted(
        (b.pk, "DROPOFF-001", 900 + i) for i, b in enumerate(batches))


@pytest.mark.django_db
def test_results_of_an_import_sent_before_namespaces_still_find_their_stops(acme):
    portal_batch = posted_batch(acme)
    Batch.objects.filter(pk=portal_batch.pk).update(status=Batch.Status.IMPORTING)
    prefix = namespace(portal_batch.customer)
    results = (ImportedStop(stop_id=1, source_reference=f"{prefix}PICKUP-001"),
               ImportedStop(stop_id=2, source_reference="DROPOFF-001"),  # queued before the namespace
               ImportedStop(stop_id=3, source_reference=f"{prefix}DROPOFF-002"))

    with transaction.atomic():
        import_status_apply(batch=Batch.objects.get(pk=portal_batch.pk), status=ImportStatus(
            batch_import_id=str(portal_batch.batch_id), status=ImportState.COMPLETED, total_count=3, success_count=3,
            failed_count=0, processed_count=3, progress_percentage=100.0, successful_stops=results))

    assert dict(portal_batch.stops.values_list("stop_source_reference", "locate2u_stop_id")) == {
        "PICKUP-001": 1, "DROPOFF-001": 2, "DROPOFF-002": 3}


@pytest.mark.django_db
def test_locate2us_refusal_quotes_the_partners_reference(acme):
    portal_batch = posted_batch(acme)
    batch_id, prefix = str(portal_batch.batch_id), namespace(portal_batch.customer)

    batch_rejected(batch_id=batch_id, text="", messages=[
        ("batchSourceReference", f"Batch source reference '{prefix}BATCH-2024-001' was already used.")])

    final = status(acme, batch_id)
    assert final["status"] == "Failed"
    assert all(e["messages"] == ["Locate2u refused the batch: batchSourceReference: Batch source reference "
                                 "'BATCH-2024-001' was already used."] for e in final["errors"])


# --- the length rule ------------------------------------------------------------------------------
def batch_with_references_of(length: int) -> dict:
    """The example batch with its first drop-off's and first item's references `length` long."""
    payload, item = batch(), "I" * length
    payload["dropoffs"][0]["stopSourceReference"] = "S" * length
    payload["items"][0]["itemSourceReference"] = item
    for each in payload["pickups"] + payload["dropoffs"]:
        each["itemSourceReferences"] = [item if ref == "ITEM-001" else ref for ref in each["itemSourceReferences"]]
    return payload


@pytest.mark.django_db
def test_a_reference_without_room_for_the_namespace_is_a_400_naming_the_field_and_the_limit(acme):
    limit = reference_limit(customer_of(acme))

    response = acme.post("/v1/Logistics/batch-delivery", batch_with_references_of(limit + 1))

    assert response.status_code == 400
    errors = errors_of(response)
    assert sorted(errors) == ["dropoffs[0].stopSourceReference", "items[0].itemSourceReference"]  # each once
    assert f"at most {limit} characters" in errors["items[0].itemSourceReference"][0]
    assert not Batch.objects.exists()
    assert acme.post("/v1/Logistics/batch-delivery", batch_with_references_of(limit)).status_code == 200


@pytest.mark.django_db
def test_stops_without_room_for_the_namespace_are_a_400_too(acme):
    too_long = "X" * (reference_limit(customer_of(acme)) + 1)

    single = acme.post("/v1/Stops", stop(stopSourceReference=too_long, itemSourceReferences=[too_long]))
    many = acme.post("/v1/Stops/import", {"batchSourceReference": too_long, "stops": [stop(), stop(
        stopSourceReference=too_long)]})

    assert single.status_code == many.status_code == 400
    assert sorted(errors_of(single)) == ["itemSourceReferences[0]", "stopSourceReference"]
    assert sorted(errors_of(many)) == ["batchSourceReference", "stops[1].stopSourceReference"]
    assert not Batch.objects.exists()


@pytest.mark.django_db
def test_a_staff_batch_keeps_all_100_characters_and_a_retry_fits_its_namespace(acme):
    staff = batch_create(payload=batch(batchSourceReference="B" * 100))
    partner = batch_create(payload=batch(batchSourceReference="B" * reference_limit(customer_of(acme))),
                           customer=customer_of(acme), via="partner")
    for original in (staff, partner):
        Stop.objects.filter(batch=original, stop_source_reference="DROPOFF-002").update(
            import_result=Stop.ImportResult.FAILED)
        with transaction.atomic():
            retry = batch_from_failed_stops(batch=original)
        assert len(retry.batch_source_reference) == reference_limit(original.customer)
        assert retry.batch_source_reference.startswith("B" * 80) and "-RETRY-" in retry.batch_source_reference
