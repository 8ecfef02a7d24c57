"""Batches: create from a batch-delivery payload (forms, CSV import and the partner API all build
one), submit to Locate2u through the outbox, and start again from the failed stops."""
import uuid
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from deliveries.models import Batch, Item, Stop, StopItem
from deliveries.spec import validate_batch_delivery
from deliveries.spec.errors import SpecError, SpecValidationError

from .batch_payload import batch_to_payload, item_from_payload, stop_from_payload
from .locate2u_push import BATCH_DELIVERY
from .locate2u_refs import downstream_body, reference_limit, references_too_long
from .outbox import outbox_enqueue


def _check(payload: dict, customer) -> None:
    """The spec's rules, and room at Locate2u for the customer's namespace (services/locate2u_refs.py)."""
    errors = validate_batch_delivery(payload) or references_too_long(customer, payload)
    if errors:
        raise SpecValidationError(errors)


def _rows_save(batch: Batch, payload: dict) -> None:
    """Items, stops and their links for a saved batch, in a fixed number of bulk inserts."""
    items = [item_from_payload(data, position=i) for i, data in enumerate(payload["items"])]
    for item in items:
        item.batch = batch
    Item.objects.bulk_create(items)
    by_ref = {item.item_source_reference: item for item in items}
    stops, wanted = [], []
    for kind, key in ((Stop.Kind.PICKUP, "pickups"), (Stop.Kind.DROPOFF, "dropoffs")):
        for i, data in enumerate(payload[key]):
            stop = stop_from_payload(data, kind=kind, position=i)
            stop.batch = batch
            stops.append(stop)
            wanted.append(data.get("itemSourceReferences") or [])
    Stop.objects.bulk_create(stops)
    if not all(stop.pk for stop in stops):  # databases that do not return ids from bulk inserts
        ids = dict(Stop.objects.filter(batch=batch).values_list("stop_source_reference", "pk"))
        for stop in stops:
            stop.pk = ids[stop.stop_source_reference]
    if not all(item.pk for item in items):
        ids = dict(Item.objects.filter(batch=batch).values_list("item_source_reference", "pk"))
        for item in items:
            item.pk = ids[item.item_source_reference]
    StopItem.objects.bulk_create(
        [StopItem(stop=stop, item=by_ref[ref]) for stop, refs in zip(stops, wanted) for ref in dict.fromkeys(refs)]
    )


@transaction.atomic
def batch_create(*, payload: dict, by=None, customer=None, via: str = "staff", as_draft: bool = True) -> Batch:
    """Save a valid batch-delivery payload as a batch. Invalid → SpecValidationError, nothing saved."""
    _check(payload, customer)
    batch = Batch.objects.create(
        customer=customer,
        created_by=by if getattr(by, "pk", None) else None,
        created_via=via[:100],
        batch_source_reference=payload["batchSourceReference"],
        batch_description=payload.get("batchDescription") or "",
        team_source_reference=payload["teamSourceReference"],
        customer_source_reference=payload.get("customerSourceReference") or "",
        service_date=date.fromisoformat(payload["serviceDate"]),
        total_count=len(payload["pickups"]) + len(payload["dropoffs"]),
    )
    _rows_save(batch, payload)
    return batch


@transaction.atomic
def batch_replace(*, batch: Batch, payload: dict) -> Batch:
    """Save new contents for a draft batch (the builder's "Save")."""
    batch = Batch.objects.select_for_update().get(pk=batch.pk)
    if not batch.is_editable:
        raise SpecValidationError([SpecError("", "Only a draft batch can be changed; this one was submitted.")])
    _check(payload, batch.customer)
    batch.stops.all().delete()
    batch.items.all().delete()
    batch.batch_source_reference = payload["batchSourceReference"]
    batch.batch_description = payload.get("batchDescription") or ""
    batch.team_source_reference = payload["teamSourceReference"]
    batch.customer_source_reference = payload.get("customerSourceReference") or ""
    batch.service_date = date.fromisoformat(payload["serviceDate"])
    batch.total_count = len(payload["pickups"]) + len(payload["dropoffs"])
    batch.save()
    _rows_save(batch, payload)
    return batch


def follow_deadline(*, stops: int, now) -> timezone.datetime:
    """How long to keep polling an import: two minutes, plus a second for every ten stops."""
    return now + timedelta(seconds=120 + stops // 10)


@transaction.atomic
def batch_submit(*, batch: Batch, by=None) -> Batch:
    """Owe Locate2u this batch. Twice, or from two clicks at once, is still one push: the status
    moves from draft only once, and the outbox keeps one row per batch GUID."""
    batch = Batch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != Batch.Status.DRAFT:
        return batch  # already submitted: nothing more to do
    payload = batch_to_payload(batch)
    _check(payload, batch.customer)
    now = timezone.now()
    batch.status = Batch.Status.QUEUED
    batch.submitted_at = now
    batch.follow_until = follow_deadline(stops=batch.total_count, now=now)
    batch.save(update_fields=["status", "submitted_at", "follow_until", "updated_at"])
    outbox_enqueue(kind=BATCH_DELIVERY, key=str(batch.batch_id), payload=downstream_body(batch.customer, payload))
    return batch


@transaction.atomic
def batch_from_failed_stops(*, batch: Batch, by=None) -> Batch:
    """A new draft with the failed stops of a finished batch and the items they carry.

    Pickups of those items come along too (a drop-off alone is not a valid batch)."""
    if batch.holds_partner_stops:
        raise SpecValidationError([SpecError("", "These stops came from a partner's stop import; the partner "
                                                 "sends corrected stops again.")])
    payload = batch_to_payload(batch)
    failed = set(batch.stops.filter(import_result=Stop.ImportResult.FAILED).values_list("stop_source_reference", flat=True))
    if not failed:
        raise SpecValidationError([SpecError("", "No stop of this batch failed.")])
    dropoffs = [s for s in payload["dropoffs"] if s["stopSourceReference"] in failed]
    pickups_failed = [s for s in payload["pickups"] if s["stopSourceReference"] in failed]
    items = {ref for s in dropoffs + pickups_failed for ref in s["itemSourceReferences"]}
    pickups = [dict(s, itemSourceReferences=[r for r in s["itemSourceReferences"] if r in items])
               for s in payload["pickups"] if set(s["itemSourceReferences"]) & items]
    if not dropoffs:  # only pickups failed: their items still have to reach their drop-offs
        dropoffs = [dict(s, itemSourceReferences=[r for r in s["itemSourceReferences"] if r in items])
                    for s in payload["dropoffs"] if set(s["itemSourceReferences"]) & items]
    suffix = f"-RETRY-{uuid.uuid4().hex[:6].upper()}"
    keep = reference_limit(batch.customer) - len(suffix)  # the retry's reference fits Locate2u, namespace and all
    retry = dict(payload, batchSourceReference=payload["batchSourceReference"][:keep] + suffix,
                 items=[i for i in payload["items"] if i["itemSourceReference"] in items],
                 pickups=pickups, dropoffs=dropoffs)
    return batch_create(payload=retry, by=by, customer=batch.customer, via=f"retry of {batch.batch_source_reference}")
