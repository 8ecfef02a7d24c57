"""Demo batches and courier jobs for `load_demo_data`, in different states (idempotent: keyed on
their references). Finished states are written directly: no carrier is called."""
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from locations.models import Location

from .models import Batch, CarrierEvent, Job, JobBooking, JobStatusChange, Quote, Stop
from .services.batches import batch_create

LONDON_DROPOFFS = [
    ("Ada Lovelace", "12 Marylebone High Street, London W1U 4NR", 51.5203, -0.1510),
    ("Grace Hopper", "88 Upper Street, London N1 0NP", 51.5380, -0.1030),
    ("Alan Turing", "5 Clapham Common North Side, London SW4 0QW", 51.4620, -0.1470),
    ("Mary Somerville", "1 Nowhere Lane, Atlantis", None, None),
]


def _payload(reference: str, day, warehouse: Location, dropoffs: list) -> dict:
    items = [{"itemSourceReference": f"{reference}-I{i + 1}", "description": f"Parcel for {name}", "quantity": 1}
             for i, (name, *_rest) in enumerate(dropoffs)]
    pickup = {"stopSourceReference": f"{reference}-P1", "name": warehouse.name,
              "address": f"{warehouse.street}, {warehouse.city} {warehouse.postcode}",
              "location": {"latitude": warehouse.latitude, "longitude": warehouse.longitude},
              "tripDate": f"{day}T07:00:00", "timeWindowStart": f"{day}T06:30:00", "timeWindowEnd": f"{day}T09:00:00",
              "warehouseSourceReference": warehouse.ref, "itemSourceReferences": [i["itemSourceReference"] for i in items]}
    drops = []
    for i, (name, address, lat, lon) in enumerate(dropoffs):
        drop = {"stopSourceReference": f"{reference}-D{i + 1}", "name": name, "address": address,
                "tripDate": f"{day}T{10 + i:02d}:00:00", "timeWindowStart": f"{day}T{10 + i:02d}:00:00",
                "timeWindowEnd": f"{day}T{11 + i:02d}:00:00", "itemSourceReferences": [items[i]["itemSourceReference"]],
                "contact": {"name": name, "phone": "+44 20 7946 0123"}}
        if lat is not None:
            drop["location"] = {"latitude": lat, "longitude": lon}
        drops.append(drop)
    return {"batchSourceReference": reference, "batchDescription": "Demo: London home deliveries",
            "teamSourceReference": "TEAM-LONDON", "serviceDate": str(day), "items": items, "pickups": [pickup],
            "dropoffs": drops}


def _finish(batch: Batch, *, failed_refs: set[str]) -> None:
    stops = list(batch.stops.all())
    for number, stop in enumerate(stops, start=1):
        if stop.stop_source_reference in failed_refs:
            stop.import_result, stop.error_stage = Stop.ImportResult.FAILED, "PreProcessing"
            stop.error_messages = ["Address could not be found on the map; check the street, town and postcode."]
        else:
            stop.import_result, stop.locate2u_stop_id = Stop.ImportResult.IMPORTED, 900000 + batch.pk * 100 + number
    Stop.objects.bulk_update(stops, ["import_result", "error_stage", "error_messages", "locate2u_stop_id"])
    failed = len([s for s in stops if s.stop_source_reference in failed_refs])
    batch.status = Batch.Status.PARTIALLY_COMPLETED if failed else Batch.Status.COMPLETED
    batch.import_status = "PartiallyCompleted" if failed else "Completed"
    batch.processed_count, batch.failed_count, batch.success_count = len(stops), failed, len(stops) - failed
    batch.progress, batch.submitted_at = Decimal("100"), timezone.now() - timedelta(hours=20)
    batch.save()


@transaction.atomic
def demo_batches_load() -> list[Batch]:
    warehouse = Location.objects.filter(ref="WH-DART").first()
    if warehouse is None:
        return []
    today = timezone.localdate()
    wanted = [("DEMO-TODAY-AM", today, LONDON_DROPOFFS[:3], None),
              ("DEMO-YESTERDAY", today - timedelta(days=1), LONDON_DROPOFFS[:3], set()),
              ("DEMO-PARTIAL", today - timedelta(days=1), LONDON_DROPOFFS, {"DEMO-PARTIAL-D4"})]
    batches = []
    for reference, day, drops, failed in wanted:
        batch = Batch.objects.filter(batch_source_reference=reference, customer__isnull=True).first()
        if batch is None:
            batch = batch_create(payload=_payload(reference, day, warehouse, drops), via="demo data")
            if failed is not None:
                _finish(batch, failed_refs=failed)
        batches.append(batch)
    return batches


def _job(ref: str, store: Location, **fields) -> tuple[Job, bool]:
    defaults = dict(pickup_store=store, package_sizes=["M", "M"], flags=["signature"], tags=[],
                    delivery_address1="55 Woodsford Square", delivery_postcode="W14 8DS", delivery_city="London",
                    delivery_country="England", delivery_latitude=51.5031, delivery_longitude=-0.2090,
                    delivery_person={"first_name": "George", "last_name": "King", "phone": "07934123456"},
                    requested_time=timezone.now() + timedelta(hours=2)) | fields
    return Job.objects.get_or_create(client_ref=ref, defaults=defaults)


@transaction.atomic
def demo_jobs_load() -> list[Job]:
    store = Location.objects.filter(ref="LDN-SOHO").first()
    if store is None:
        return []
    draft, _ = _job("DEMO-JOB-1", store)
    booked, created = _job("DEMO-JOB-2", store, state=Job.State.BOOKED, quote_rounds=1, lineten_job_id=None,
                           job_status="in_progress", delivery_status="en_route_pickup")
    if created:
        now = timezone.now()
        quotes = [Quote.objects.create(job=booked, round=1, quote_response_id=f"demo-{booked.pk}-{i}",
                                       provider_name=name, transport_types=[transport], price=Decimal(price),
                                       currency="GBP", distance=2.7, cancellation_fee=Decimal("2.50"),
                                       expires_at=now + timedelta(minutes=10), quote_status="quoted")
                  for i, (name, transport, price) in enumerate(
                      [("Zoom Couriers", "motorbike", "8.90"), ("Stuart", "car", "11.40"), ("Gophr", "cargobike", "9.75")])]
        JobBooking.objects.create(job=booked, quote=quotes[0], state=JobBooking.State.BOOKED, booked_at=now)
        for minutes, (job_status, delivery_status) in enumerate(
                [("booked", "pending"), ("in_progress", "driver_assigned"), ("in_progress", "en_route_pickup")]):
            event = CarrierEvent.objects.create(source=CarrierEvent.Source.LINETEN,
                                                event_id=f"demo-{booked.pk}-{minutes}", event_type=job_status,
                                                body={"demo": True}, applied_at=now, outcome="applied")
            JobStatusChange.objects.create(job=booked, event=event, job_status=job_status,
                                           delivery_status=delivery_status, driver="Sam Rider · 07700 900123",
                                           vehicle="motorbike · LK21 ABC", latitude=51.51, longitude=-0.14,
                                           occurred_at=now - timedelta(minutes=30 - 10 * minutes), applied=True)
    return [draft, booked]
