"""Following a batch's import at Locate2u, as the spec recommends: first look a few seconds after
the push, then every 5–10 s while Queued or Importing, stop at a final status, give up at the
batch's `follow_until` (longer for bigger batches). A chain of delayed tasks does the polling;
beat's sweep restarts a chain that died with its worker or with a restart of the portal. An
import given up on stays Importing until a dispatcher looks again (`batch_follow_again`)."""
import random
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from deliveries.carriers.locate2u.client import locate2u_client
from deliveries.carriers.locate2u.schemas import ImportState, ImportStatus
from deliveries.models import Batch, Stop
from deliveries.services.batches import follow_deadline
from deliveries.services.locate2u_refs import upstream_ref, upstream_text
from deliveries.services.partner_webhooks import batch_status_name, partner_batch_status_emit
from dispatch_portal.partners.models import Customer

FIRST_LOOK_SECONDS = 3
STALE_AFTER = timedelta(seconds=20)  # a live chain polls at least every 10 s
FINAL_STATUS = {
    ImportState.COMPLETED: Batch.Status.COMPLETED,
    ImportState.PARTIALLY_COMPLETED: Batch.Status.PARTIALLY_COMPLETED,
    ImportState.FAILED: Batch.Status.FAILED,
}


def next_poll_seconds() -> float:
    return random.uniform(5, 10)


def _follow_later(batch_id, countdown: float) -> None:
    from deliveries.tasks import batch_import_follow

    transaction.on_commit(lambda: batch_import_follow.apply_async((str(batch_id),), countdown=countdown))


def _status_move(batch_id: str, **changes) -> bool:
    """Move a queued batch on, and tell its partner (if any) that its import status changed."""
    with transaction.atomic():
        batch = Batch.objects.select_for_update(of=("self",)).select_related("customer").filter(
            batch_id=batch_id, status=Batch.Status.QUEUED).first()
        if batch is None:
            return False
        before = batch_status_name(batch)
        for name, value in changes.items():
            setattr(batch, name, value)
        batch.save(update_fields=[*changes, "updated_at"])
        partner_batch_status_emit(batch=batch, old_status=before)
    return True


def batch_accepted(*, batch_id: str) -> None:
    """Locate2u took the batch: it now imports, and we start following."""
    if _status_move(batch_id, status=Batch.Status.IMPORTING, import_status=ImportState.QUEUED):
        _follow_later(batch_id, FIRST_LOOK_SECONDS)


def batch_rejected(*, batch_id: str, messages: list[tuple[str, str]], text: str) -> None:
    detail = "; ".join(f"{field}: {message}" if field else message for field, message in messages) or text
    customer = Customer.objects.filter(batches__batch_id=batch_id).first()  # Locate2u quotes namespaced references
    _status_move(batch_id, status=Batch.Status.REJECTED,
                 import_error=upstream_text(customer, f"Locate2u refused the batch: {detail}")[:5000])


def batch_push_abandoned(row, error: str) -> None:
    """The outbox gave up sending the batch (Locate2u unreachable or refusing us): the batch ends
    Failed with the reason, instead of showing "Queued" for ever. Already rejected: unchanged."""
    _status_move(row.key, status=Batch.Status.FAILED,
                 import_error=f"The batch could not be delivered to Locate2u: {error}"[:5000])


def import_status_apply(*, batch: Batch, status: ImportStatus) -> Batch:
    """Record what Locate2u says; at a final status, each stop's outcome too."""
    before = batch_status_name(batch)
    now = timezone.now()
    batch.import_status = str(status.status)
    batch.total_count = status.total_count or batch.total_count
    batch.processed_count = status.processed_count
    batch.success_count = status.success_count
    batch.failed_count = status.failed_count
    batch.progress = min(Decimal("100"), max(Decimal("0"), Decimal(str(status.progress_percentage)).quantize(Decimal("0.01"))))
    batch.last_polled_at = now
    fields = ["import_status", "total_count", "processed_count", "success_count", "failed_count", "progress",
              "last_polled_at", "updated_at"]
    if status.finished:
        batch.status = FINAL_STATUS[status.status]
        fields.append("status")
        _stop_results_apply(batch, status)
    batch.save(update_fields=fields)
    partner_batch_status_emit(batch=batch, old_status=before)
    return batch


def _stop_results_apply(batch: Batch, status: ImportStatus) -> None:
    """Each result to its stop by reference: Locate2u's results name no id of ours. The references
    are the batch's as sent, in its customer's namespace."""
    stops = {stop.stop_source_reference: stop for stop in batch.stops.all()}
    customer = batch.customer
    changed = []
    for imported in status.successful_stops or ():
        stop = stops.get(upstream_ref(customer, imported.source_reference))
        if stop:
            stop.import_result, stop.locate2u_stop_id = Stop.ImportResult.IMPORTED, imported.stop_id
            stop.error_stage, stop.error_messages = "", []
            changed.append(stop)
    for error in status.errors:
        stop = stops.get(upstream_ref(customer, error.source_reference))
        if stop:
            stop.import_result, stop.error_stage, stop.error_messages = (
                Stop.ImportResult.FAILED, error.stage, [upstream_text(customer, m) for m in error.messages])
            changed.append(stop)
    Stop.objects.bulk_update(changed, ["import_result", "locate2u_stop_id", "error_stage", "error_messages"],
                             batch_size=500)


def import_follow(*, batch_id: str) -> bool:
    """Poll once. True when another look is due."""
    batch = Batch.objects.filter(batch_id=batch_id).first()
    if batch is None or batch.status != Batch.Status.IMPORTING:
        return False
    now = timezone.now()
    if batch.follow_lapsed:
        Batch.objects.filter(pk=batch.pk).update(
            import_error="Locate2u had not finished importing when we stopped following "
                         f"({batch.follow_until:%H:%M:%S}); its stops may still arrive.", updated_at=now)
        return False
    status = locate2u_client().import_status(str(batch.batch_id))
    with transaction.atomic():
        batch = Batch.objects.select_for_update().get(pk=batch.pk)
        if batch.status != Batch.Status.IMPORTING:
            return False
        import_status_apply(batch=batch, status=status)
    return not status.finished


def batch_import_follow_and_reschedule(*, batch_id: str) -> None:
    if import_follow(batch_id=batch_id):
        _follow_later(batch_id, next_poll_seconds())


def batch_follow_again(*, batch: Batch) -> datetime | None:
    """A dispatcher's "Look again" at an import we stopped following: follow it for another
    while, from now. Returns when that ends; None when there was nothing to do (the import
    finished, or it is followed already: a second click)."""
    with transaction.atomic():
        batch = Batch.objects.select_for_update().get(pk=batch.pk)
        if not batch.follow_lapsed:
            return None
        batch.follow_until = follow_deadline(stops=batch.total_count or batch.stops.count(), now=timezone.now())
        batch.import_error = ""  # it said we had stopped following
        batch.save(update_fields=["follow_until", "import_error", "updated_at"])
        _follow_later(batch.batch_id, 0)
    return batch.follow_until


def batches_follow_due() -> list[str]:
    """Batches importing whose polling chain went quiet (a dead worker, a restart): poll again."""
    from deliveries.tasks import batch_import_follow

    now = timezone.now()
    quiet = (Batch.objects.filter(status=Batch.Status.IMPORTING, follow_until__gt=now)
             .exclude(last_polled_at__gt=now - STALE_AFTER).values_list("batch_id", flat=True))
    ids = [str(batch_id) for batch_id in quiet[:200]]
    for batch_id in ids:
        batch_import_follow.delay(batch_id)
    return ids
