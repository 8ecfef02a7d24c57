"""The Locate2u-compatible answers, built from portal objects, in the shapes the Locate2u sandbox
gives (deliveries/sandbox/locate2u/shapes.py), so a partner sees what Locate2u would show:
Stops and Logistics answers are `{"success": true, "data": …}`; Discovery and Webhooks answers
are the bare object; dates are UTC to the second with a Z ("2024-01-15T08:00:05Z")."""
from datetime import UTC, datetime

from deliveries.models import Batch, Outbox, Stop, StopItem
from deliveries.services.batch_payload import stop_to_payload

# Our batch status → the spec's import status names.
IMPORT_STATUS = {
    Batch.Status.DRAFT: "Queued",
    Batch.Status.QUEUED: "Queued",  # submitted; the push to Locate2u is still owed
    Batch.Status.IMPORTING: "Importing",
    Batch.Status.COMPLETED: "Completed",
    Batch.Status.PARTIALLY_COMPLETED: "PartiallyCompleted",
    Batch.Status.FAILED: "Failed",
    Batch.Status.REJECTED: "Failed",  # Locate2u refused the whole batch
}
IMPORT_STATUS_VALUES = ["Queued", "Importing", "Completed", "PartiallyCompleted", "Failed"]
STOP_STATUS_VALUES = ["Queued", "Created", "Pending", "Enroute", "Arrived", "Complete", "Failed"]


def moment(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


def ok(data) -> dict:
    return {"success": True, "data": data}


def import_status_name(batch: Batch) -> str:
    if batch.status == Batch.Status.IMPORTING and batch.import_status in ("Queued", "Importing"):
        return batch.import_status  # Locate2u's own word while it runs: queued there, or importing
    return IMPORT_STATUS[batch.status]


def partner_reference(batch: Batch) -> str | None:
    """The batchSourceReference the partner gave: a stop import's own, or the batch's."""
    stop_import = getattr(batch, "partner_stop_import", None)
    if stop_import is not None:
        return stop_import.batch_source_reference or None
    return batch.batch_source_reference


def _rows(batch: Batch) -> list[Stop]:
    """The batch's stops in rowNumber order: pickups, then drop-offs (as Locate2u numbers them)."""
    stops = list(batch.stops.only("id", "kind", "position", "stop_source_reference", "import_result", "error_stage",
                                  "error_messages"))
    return sorted(stops, key=lambda s: (s.kind != Stop.Kind.PICKUP, s.position))


def import_status_body(batch: Batch) -> dict:
    """GET /v1/Stops/import/{batchId}/status from the portal's batch, as its follower last read it."""
    name = import_status_name(batch)
    final = batch.is_final
    rows = _rows(batch) if final else []
    total, processed = batch.total_count, batch.processed_count
    success, failed, progress = batch.success_count, batch.failed_count, float(batch.progress)
    errors: list[dict] = []
    if batch.status == Batch.Status.REJECTED:
        # Locate2u refused the request itself: every stop failed, for the reason it gave.
        message = batch.import_error or "Locate2u refused the batch."
        errors = [{"rowNumber": i, "sourceReference": s.stop_source_reference, "stage": "Validation",
                   "messages": [message]} for i, s in enumerate(rows, 1)]
        total = total or len(rows)
        processed, success, failed, progress = total, 0, total, 100.0
    elif final:
        errors = [{"rowNumber": i, "sourceReference": s.stop_source_reference, "stage": s.error_stage or "Save",
                   "messages": list(s.error_messages or [])}
                  for i, s in enumerate(rows, 1) if s.import_result == Stop.ImportResult.FAILED]
    successful = None
    if final:  # as the spec's in-progress example: null until the import has finished
        successful = [{"stopId": s.pk, "sourceReference": s.stop_source_reference}
                      for s in rows if s.import_result == Stop.ImportResult.IMPORTED]
    return ok({
        "batchImportId": str(batch.batch_id),
        "status": name,
        "totalCount": total,
        "successCount": success,
        "failedCount": failed,
        "processedCount": processed,
        "progressPercentage": round(progress, 2),
        "batchSourceReference": partner_reference(batch),
        "createdDate": moment(batch.created_at),
        "startedDate": moment(_started_at(batch)),
        "completedDate": moment((batch.last_polled_at or batch.updated_at) if final else None),
        "errors": errors,
        "successfulStops": successful,
    })


def _started_at(batch: Batch) -> datetime | None:
    """When Locate2u took the batch (the push's completion), else when it was submitted."""
    if batch.status in (Batch.Status.DRAFT, Batch.Status.QUEUED, Batch.Status.REJECTED):
        return None
    pushed = Outbox.objects.filter(key=str(batch.batch_id), done_at__isnull=False).values_list("done_at", flat=True)
    return pushed.first() or batch.submitted_at


def stop_ref(stop_id: int) -> str:
    """The portal's own reference of a stop (Locate2u's stopRef has the same role)."""
    return f"DP{stop_id:08d}"


def stop_status(stop: Stop, batch: Batch) -> str:
    """Locate2u's stop status once its webhooks tell one; before that, how the import went."""
    if stop.carrier_status:
        return stop.carrier_status
    if stop.import_result == Stop.ImportResult.IMPORTED:
        return "Created"
    if stop.import_result == Stop.ImportResult.FAILED or batch.status in (Batch.Status.REJECTED, Batch.Status.FAILED):
        return "Failed"
    return "Queued"


def stop_body(stop: Stop, *, container: bool) -> dict:
    """GET /v1/Stops/{id}: the stop as submitted, plus what the portal and Locate2u add."""
    batch = stop.batch
    refs = list(StopItem.objects.filter(stop=stop).order_by("id").values_list("item__item_source_reference", flat=True))
    shape = stop_to_payload(stop, refs)
    for name in ("load", "driverInstructions"):  # kept as sent; a null inside means "not given"
        if isinstance(shape.get(name), dict):
            shape[name] = {k: v for k, v in shape[name].items() if v is not None}
    if container and not refs:
        shape.pop("itemSourceReferences", None)
    if stop.import_result != Stop.ImportResult.PENDING:
        changed = batch.last_polled_at or batch.updated_at
    else:
        changed = batch.created_at
    shape.update({
        "stopId": stop.pk,
        "stopRef": stop_ref(stop.pk),
        "stopType": "Stop" if container else ("Pickup" if stop.kind == Stop.Kind.PICKUP else "Dropoff"),
        "status": stop_status(stop, batch),
        "location": {"latitude": stop.latitude, "longitude": stop.longitude},
        "batchId": str(batch.batch_id),
        "createdDate": moment(batch.created_at),
        "lastStatusChangeDate": moment(stop.carrier_status_at or changed),
    })
    return shape


def webhook_body(subscription, *, with_secret: bool = False) -> dict:
    shape = {
        "id": subscription.pk,
        "eventType": subscription.event_type,
        "url": subscription.url,
        "isActive": subscription.is_active,
        "createdDate": moment(subscription.created_at),
        # Not in the spec: why the portal switched it off (repeated failures), null otherwise.
        "consecutiveFailures": subscription.consecutive_failures,
        "disabledReason": subscription.disabled_reason or None,
    }
    if with_secret:  # shown once, on creation
        shape["secret"] = subscription.secret
    return shape


def delivery_body(delivery) -> dict:
    return {
        "id": delivery.pk,
        "eventId": str(delivery.event_id),
        "eventType": delivery.event.event_type,
        "status": delivery.status,
        "attempts": delivery.attempts,
        "lastStatusCode": delivery.last_status_code,
        "lastError": delivery.last_error or None,
        "createdDate": moment(delivery.created_at),
        "nextAttemptDate": moment(delivery.next_attempt_at) if delivery.status == "pending" else None,
        "deliveredDate": moment(delivery.delivered_at),
        "attemptLog": [
            {"attempt": a.number, "date": moment(a.attempted_at), "statusCode": a.status_code,
             "error": a.error or None, "durationMs": a.duration_ms}
            for a in delivery.attempt_log.all()
        ],
    }
