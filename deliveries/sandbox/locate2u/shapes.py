"""The sandbox's answers in the spec's JSON shapes.

Envelopes, where the spec is silent, follow what it shows: the Stops and Logistics endpoints answer
`{"success": true, "data": …}` (as batch delivery and import status do); Discovery and Webhooks
answer the bare object (as Discovery does); every error is `{"success": false, "errors":
[{"field", "message"}]}` (batch delivery's 400), whatever the status.
"""
from datetime import UTC, datetime

from deliveries.spec import SpecError

from .models import SandboxImport, SandboxStop, SandboxWebhook

EVENT_TYPES = {  # Locate2u's webhook events (developer.locate2u.com/webhooks)
    "stop.assigned": "Triggered when a stop is assigned to a driver.",
    "stop.status-changed": "Triggered when the status of a stop changes.",
    "shipment.assigned": "Triggered when a shipment is assigned.",
    "shipment.status-changed": "Triggered when the status of a shipment changes.",
    "trip.created": "Triggered when a new trip is created.",
    "trip.assigned": "Triggered when a trip is assigned.",
    "trip.status-changed": "Triggered when the status of a trip changes.",
    "note.created": "Triggered when a note (text, image or document) is attached to a stop or shipment.",
}

DISCOVERY_USER = {"userId": 12345, "email": "integration@sandbox.locate2u.test", "teamId": 67890,
                  "teamName": "Sandbox Team"}

SANDBOX_DRIVER = {"name": "Sandy Driver", "id": "5a4d0c1e-7b2f-4f5e-9c1a-2b3c4d5e6f70"}


def moment(value: datetime | None) -> str | None:
    """UTC, to the second, with a Z: "2024-01-15T08:00:05Z" as in the spec's examples."""
    if value is None:
        return None
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


def ok(data) -> dict:
    return {"success": True, "data": data}


def errors_body(errors: list[SpecError]) -> dict:
    return {"success": False, "errors": [e.as_dict() for e in errors]}


def error_body(message: str, field: str = "") -> dict:
    return errors_body([SpecError(field, message)])


def batch_accepted(batch: SandboxImport) -> dict:
    return ok({"batchId": str(batch.batch_id), "stopsCreated": batch.total_count, "itemsProcessed": batch.items_count})


def import_accepted(batch: SandboxImport) -> dict:
    return ok({"batchId": str(batch.batch_id), "totalCount": batch.total_count})


def import_status_body(batch: SandboxImport, successful: list[SandboxStop] | None) -> dict:
    total = batch.total_count
    return ok({
        "batchImportId": str(batch.batch_id),
        "status": batch.status,
        "totalCount": total,
        "successCount": batch.success_count,
        "failedCount": batch.failed_count,
        "processedCount": batch.processed_count,
        "progressPercentage": round(batch.processed_count * 100 / total, 2) if total else 100.0,
        "batchSourceReference": batch.batch_source_reference or None,
        "createdDate": moment(batch.created_at),
        "startedDate": moment(batch.started_at),
        "completedDate": moment(batch.completed_at),
        "errors": batch.errors,
        # As the spec's in-progress example: null until the import has finished.
        "successfulStops": None if successful is None else [
            {"stopId": stop.pk, "sourceReference": stop.source_reference} for stop in successful],
    })


def stop_ref(stop: SandboxStop) -> str:
    return f"LSB{stop.pk:08d}"


def stop_body(stop: SandboxStop) -> dict:
    """The stop as submitted, plus what Locate2u adds (id, status, coordinates, its batch)."""
    shape = dict(stop.data)
    shape.update({
        "stopId": stop.pk,
        "stopRef": stop_ref(stop),
        "stopType": stop.kind,
        "status": stop.status,
        "location": {"latitude": stop.latitude, "longitude": stop.longitude},
        "batchId": str(stop.batch.batch_id) if stop.batch_id else None,
        "createdDate": moment(stop.created_at),
        "lastStatusChangeDate": moment(stop.status_changed_at),
    })
    return shape


def webhook_body(subscription: SandboxWebhook, *, with_secret: bool = False) -> dict:
    shape = {"id": subscription.pk, "eventType": subscription.event_type, "url": subscription.url,
             "isActive": subscription.is_active, "createdDate": moment(subscription.created_at)}
    if with_secret:  # shown once, on creation, like an API secret
        shape["secret"] = subscription.secret
    return shape


def event_types_body() -> list[dict]:
    return [{"eventType": name, "description": text} for name, text in EVENT_TYPES.items()]


def stop_event_body(stop: SandboxStop, *, event_id: str, event_type: str, old_status: str, new_status: str,
               at: datetime) -> dict:
    """A webhook body: Locate2u's documented stop payload, plus the event's unique `Id` and type
    (the spec defines no envelope; receivers deduplicate on Id) and the references we sent."""
    body = {
        "Id": event_id,
        "eventType": event_type,
        "stopId": stop.pk,
        "stopRef": stop_ref(stop),
        "tripDate": stop.trip_date.isoformat() if stop.trip_date else None,
        "shipmentId": None,
        "actionDate": moment(at),
        "assignedTo": SANDBOX_DRIVER,
        "source": stop.data.get("source"),
        "sourceReference": stop.data.get("sourceReference") or stop.source_reference,
        "stopSourceReference": stop.source_reference,
        "batchId": str(stop.batch.batch_id) if stop.batch_id else None,
    }
    if event_type == "stop.status-changed":
        body.update({"oldStatus": old_status, "newStatus": new_status, "notes": None, "location": None,
                     "changedByUser": SANDBOX_DRIVER})
    return body
