"""Batch save (issue 5/8): what POST /v1/Logistics/batch-delivery costs beyond the network —
json.loads, THE validation and batch_create (items, stops and their links in bulk) — for a batch
of 2,000 items, 20 pickups and 2,000 drop-offs, against json.loads and plain bulk_create of the
same rows with no validation and no mapping. Each run is rolled back, so both start alike."""
import json
from datetime import date

from django.db import connection, transaction

from tests.benchmarks.batch_validation import N_DROPOFFS, N_ITEMS, N_PICKUPS, big_payload

TARGET = 3.0


class _Rollback(Exception):
    pass


def _rolled_back(fn):
    def run():
        try:
            with transaction.atomic():
                fn()
                raise _Rollback
        except _Rollback:
            pass
    return run


def plain_bulk_create(body: str) -> None:
    """The same rows, written with the fewest steps Django allows: no checks, no mapping layer."""
    from deliveries.models import Batch, Item, Stop, StopItem

    payload = json.loads(body)
    batch = Batch.objects.create(
        batch_source_reference=payload["batchSourceReference"], batch_description=payload["batchDescription"],
        team_source_reference=payload["teamSourceReference"],
        customer_source_reference=payload["customerSourceReference"],
        service_date=date.fromisoformat(payload["serviceDate"]),
        total_count=len(payload["pickups"]) + len(payload["dropoffs"]))
    items = Item.objects.bulk_create([Item(
        batch=batch, position=i, item_source_reference=d["itemSourceReference"], barcode=d["barcode"],
        description=d["description"], quantity=d["quantity"], product_reference=d["productReference"],
        product_variant_id=d["productVariantId"], service_id=d["serviceId"], status=d["status"],
        contents=d["contents"], load=d["load"], custom_fields=d["customFields"],
    ) for i, d in enumerate(payload["items"])])
    by_ref = {item.item_source_reference: item for item in items}
    rows = []
    for kind, key in (("pickup", "pickups"), ("dropoff", "dropoffs")):
        for i, d in enumerate(payload[key]):
            rows.append((Stop(
                batch=batch, kind=kind, position=i, stop_source_reference=d["stopSourceReference"], name=d["name"],
                address=d["address"], contact_name=d["contact"]["name"], contact_phone=d["contact"]["phone"],
                contact_email=d["contact"]["email"], latitude=d["location"]["latitude"],
                longitude=d["location"]["longitude"], trip_date=d["tripDate"], appointment_time=d["appointmentTime"],
                time_window_start=d["timeWindowStart"], time_window_end=d["timeWindowEnd"],
                duration_minutes=d["durationMinutes"], notes=d["notes"], custom_fields=d.get("customFields") or {},
                skills=d.get("skills") or [], driver_instructions=d.get("driverInstructions") or {},
                warehouse_source_reference=d.get("warehouseSourceReference", ""), sequence=d.get("sequence"),
            ), d["itemSourceReferences"]))
    stops = Stop.objects.bulk_create([stop for stop, _ in rows])
    StopItem.objects.bulk_create([StopItem(stop=stop, item=by_ref[ref]) for stop, (_, refs) in zip(stops, rows)
                                  for ref in refs])


def run(*, Row, best_of_both, CaptureQueriesContext):
    from deliveries.models import Batch, StopItem
    from deliveries.services.batches import batch_create

    body = json.dumps(big_payload(reference="BENCH-SAVE-001"))

    def portal():
        batch_create(payload=json.loads(body), via="bench")  # batch_create runs validate_batch_delivery first

    measured_run, baseline_run = _rolled_back(portal), _rolled_back(lambda: plain_bulk_create(body))
    with transaction.atomic():  # the same rows either way, checked once
        portal()
        links = StopItem.objects.count()
        transaction.set_rollback(True)
    measured_run()  # warm both before timing
    baseline_run()
    with CaptureQueriesContext(connection) as queries:
        measured_run()
    measured, baseline = best_of_both(measured_run, baseline_run, repeat=5)
    assert not Batch.objects.exists()
    ratio = measured / baseline
    return Row(
        scenario="batch save",
        measured=f"json.loads + validate + batch_create, {N_ITEMS:,} items / {N_PICKUPS} pickups / "
                 f"{N_DROPOFFS:,} drop-offs",
        seconds=measured, baseline="json.loads + bulk_create of the same rows", baseline_seconds=baseline,
        target=f"≤ {TARGET:g}×", ratio=ratio, passed=ratio <= TARGET,
        notes=f"{len(queries)} queries for {N_ITEMS + N_PICKUPS + N_DROPOFFS + links + 1:,} rows",
    )
