"""A batch in the Locate2u batch-delivery shape, and back. Pure mapping: no queries of its own
except `batch_to_payload`, which reads the batch with a fixed number of queries."""
from decimal import Decimal

from deliveries.models import Batch, Item, Stop

ITEM_FIELDS = [  # (spec name, model field)
    ("itemSourceReference", "item_source_reference"), ("barcode", "barcode"), ("description", "description"),
    ("quantity", "quantity"), ("productReference", "product_reference"), ("productVariantId", "product_variant_id"),
    ("serviceId", "service_id"), ("status", "status"), ("contents", "contents"), ("load", "load"),
    ("customFields", "custom_fields"),
]
STOP_FIELDS = [
    ("stopSourceReference", "stop_source_reference"), ("name", "name"), ("address", "address"),
    ("tripDate", "trip_date"), ("appointmentTime", "appointment_time"), ("timeWindowStart", "time_window_start"),
    ("timeWindowEnd", "time_window_end"), ("durationMinutes", "duration_minutes"), ("notes", "notes"),
    ("customFields", "custom_fields"), ("load", "load"), ("skills", "skills"),
    ("driverInstructions", "driver_instructions"), ("source", "source"), ("sourceReference", "source_reference"),
]
PICKUP_FIELDS = [("warehouseSourceReference", "warehouse_source_reference"),
                 ("requireAllItemsBeforeRelease", "require_all_items_before_release")]
DROPOFF_FIELDS = [("sequence", "sequence"), ("requireProofOfDelivery", "require_proof_of_delivery")]
EMPTY = (None, "", [], {})


def _put(target: dict, name: str, value) -> None:
    """Leave out what was not given: the payload says what the dispatcher said, nothing more."""
    if value in EMPTY:
        return
    if isinstance(value, Decimal):
        value = int(value) if value == value.to_integral_value() else float(value)
    target[name] = value


def item_to_payload(item: Item) -> dict:
    out: dict = {}
    for name, attr in ITEM_FIELDS:
        _put(out, name, getattr(item, attr))
    return out


def stop_to_payload(stop: Stop, item_refs: list[str]) -> dict:
    out: dict = {}
    for name, attr in STOP_FIELDS + (PICKUP_FIELDS if stop.kind == Stop.Kind.PICKUP else DROPOFF_FIELDS):
        _put(out, name, getattr(stop, attr))
    contact = {}
    for name, attr in (("name", "contact_name"), ("phone", "contact_phone"), ("email", "contact_email")):
        _put(contact, name, getattr(stop, attr))
    _put(out, "contact", contact)
    if stop.latitude is not None and stop.longitude is not None:
        out["location"] = {"latitude": stop.latitude, "longitude": stop.longitude}
    out["itemSourceReferences"] = item_refs
    return out


def batch_to_payload(batch: Batch) -> dict:
    """The batch-delivery request body for a saved batch (three queries, whatever its size)."""
    items = list(batch.items.all())
    refs = {item.pk: item.item_source_reference for item in items}
    stops = list(batch.stops.all())
    links: dict[int, list[str]] = {}
    for stop_id, item_id in Stop.items.through.objects.filter(stop__batch=batch).values_list("stop_id", "item_id") \
            .order_by("stop_id", "id"):
        links.setdefault(stop_id, []).append(refs[item_id])
    payload: dict = {}
    for name, attr in (("batchSourceReference", "batch_source_reference"), ("batchDescription", "batch_description"),
                       ("teamSourceReference", "team_source_reference"),
                       ("customerSourceReference", "customer_source_reference")):
        _put(payload, name, getattr(batch, attr))
    payload["serviceDate"] = batch.service_date.isoformat()
    payload["items"] = [item_to_payload(item) for item in items]
    payload["pickups"] = [stop_to_payload(s, links.get(s.pk, [])) for s in stops if s.kind == Stop.Kind.PICKUP]
    payload["dropoffs"] = [stop_to_payload(s, links.get(s.pk, [])) for s in stops if s.kind == Stop.Kind.DROPOFF]
    return payload


def item_from_payload(data: dict, *, position: int) -> Item:
    item = Item(position=position)
    for name, attr in ITEM_FIELDS:
        if name in data and data[name] is not None:
            setattr(item, attr, data[name])
    return item


def stop_from_payload(data: dict, *, kind: str, position: int) -> Stop:
    stop = Stop(kind=kind, position=position)
    for name, attr in STOP_FIELDS + (PICKUP_FIELDS if kind == Stop.Kind.PICKUP else DROPOFF_FIELDS):
        if name in data and data[name] is not None:
            setattr(stop, attr, data[name])
    contact = data.get("contact") or {}
    stop.contact_name = contact.get("name") or ""
    stop.contact_phone = contact.get("phone") or ""
    stop.contact_email = contact.get("email") or ""
    location = data.get("location") or {}
    stop.latitude, stop.longitude = location.get("latitude"), location.get("longitude")
    return stop
