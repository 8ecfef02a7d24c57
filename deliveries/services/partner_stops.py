"""Partner stops sent on their own: POST /v1/Stops (one stop) and POST /v1/Stops/import (many).

Where they live: a portal Batch serves as their container (`created_via` STOPS_IMPORT_VIA), with
only drop-off stops (a stop of this API is a drop-off, see deliveries/spec/stops.py), no pickups,
and items only for the references the stops name. A partner_api StopImport row beside it records
the kind of request and the partner's own batchSourceReference. Why a Batch: a Stop belongs to a
batch, and a batch already has all a stop import needs — our GUID (the import id partners poll),
the counts and progress the import status shows, the follower that polls Locate2u and records
each stop's result, and the staff pages. Such a batch is never a draft: it is saved already
queued, so no staff action tries to submit it as a batch delivery.

Downstream it goes to Locate2u's stop import (one stop is an import of one), through the outbox
(`locate2u.stops_import`, keyed by the batch GUID, which is also the idempotency key), with the
customer's namespace on its references (locate2u_refs.py), and is followed by the same import
status as a batch.

A whole request is refused when any stop is invalid: every problem in one 400 (CONTRACT §4),
rather than Locate2u's import-what-you-can, so partners see the same rules for single stops,
imports and batches.
"""
import logging
import uuid

from django.db import transaction
from django.utils import timezone

from deliveries.carriers.errors import CarrierValidationError
from deliveries.carriers.locate2u.client import locate2u_client
from deliveries.models import Batch, Item, Outbox, Stop, StopItem
from deliveries.spec import SpecError, SpecValidationError, validate_stop, validate_stop_import
from deliveries.spec.fields import parse_datetime
from dispatch_portal.partners.models import PartnerClient

from .batch_payload import stop_from_payload, stop_to_payload
from .batches import follow_deadline
from .locate2u_refs import downstream_body, references_too_long
from .outbox import outbox_enqueue, outbox_handler

logger = logging.getLogger(__name__)

STOPS_IMPORT = "locate2u.stops_import"  # the outbox kind
STOPS_IMPORT_VIA = Batch.PARTNER_STOPS_VIA  # Batch.created_via of a container of partner stops


def partner_stop_create(*, payload, client: PartnerClient) -> Stop:
    """One stop, validated like a drop-off; a reference this customer already used for a single or
    imported stop that did not fail is refused (as Locate2u refuses it)."""
    errors = validate_stop(payload) or references_too_long(client.customer, payload)
    if errors:
        raise SpecValidationError(errors)
    reference = payload["stopSourceReference"]
    taken = (Stop.objects.filter(batch__customer=client.customer, batch__created_via=STOPS_IMPORT_VIA,
                                 stop_source_reference=reference)
             .exclude(import_result=Stop.ImportResult.FAILED).first())
    if taken is not None:
        raise SpecValidationError([SpecError("stopSourceReference",
                                             f"A stop with source reference {reference!r} already exists "
                                             f"(stop {taken.pk}).")])
    batch = _container_create(stops=[payload], client=client, kind="single", reference="")
    return batch.stops.get()


def partner_stop_import_create(*, payload, client: PartnerClient) -> Batch:
    """Many stops at once: `{"batchSourceReference"?, "stops": [stop, …]}`; one 400 lists every
    problem, each on its row (`stops[3].tripDate`)."""
    errors = validate_stop_import(payload)
    if not errors:
        errors = _duplicate_references(payload["stops"]) or references_too_long(client.customer, payload)
    if errors:
        raise SpecValidationError(errors)
    return _container_create(stops=payload["stops"], client=client, kind="import",
                             reference=payload.get("batchSourceReference") or "")


def _duplicate_references(stops: list[dict]) -> list[SpecError]:
    """Each stop of an import needs its own reference (compared as the batch rule does)."""
    seen: dict[str, int] = {}
    errors = []
    for i, stop in enumerate(stops):
        key = stop["stopSourceReference"].strip().casefold()
        if key in seen:
            errors.append(SpecError(f"stops[{i}].stopSourceReference",
                                    f"Stop source reference {stop['stopSourceReference']!r} is used more than once "
                                    f"(also stops[{seen[key]}]); every stop needs its own."))
        else:
            seen[key] = i
    return errors


@transaction.atomic
def _container_create(*, stops: list[dict], client: PartnerClient, kind: str, reference: str) -> Batch:
    from deliveries.api.models import StopImport

    guid = uuid.uuid4()
    now = timezone.now()
    first = stops[0]["stopSourceReference"]
    named = f" {reference}" if reference else ""
    description = (f"Stop {first} from {client.name}" if kind == "single"
                   else f"Stop import{named} from {client.name} ({len(stops)} stops)")
    batch = Batch.objects.create(
        batch_id=guid,
        customer=client.customer,
        created_via=STOPS_IMPORT_VIA,
        batch_source_reference=f"{'STOP' if kind == 'single' else 'STOPS'}-{guid}",
        batch_description=description[:256],
        team_source_reference="",
        service_date=min(parse_datetime(s["tripDate"]).date() for s in stops),
        status=Batch.Status.QUEUED,
        submitted_at=now,
        follow_until=follow_deadline(stops=len(stops), now=now),
        total_count=len(stops),
    )
    StopImport.objects.create(batch=batch, kind=kind, client=client, batch_source_reference=reference)
    _rows_save(batch, stops)
    outbox_enqueue(kind=STOPS_IMPORT, key=str(guid),
                   payload=downstream_body(client.customer, stop_import_payload(batch, reference=reference)))
    return batch


def _rows_save(batch: Batch, stops: list[dict]) -> None:
    refs_per_stop = [list(dict.fromkeys(s.get("itemSourceReferences") or [])) for s in stops]
    items = [Item(batch=batch, position=i, item_source_reference=ref)
             for i, ref in enumerate(dict.fromkeys(ref for refs in refs_per_stop for ref in refs))]
    Item.objects.bulk_create(items)
    rows = []
    for i, data in enumerate(stops):
        stop = stop_from_payload(data, kind=Stop.Kind.DROPOFF, position=i)
        stop.batch = batch
        rows.append(stop)
    Stop.objects.bulk_create(rows)
    if not all(stop.pk for stop in rows):  # databases that do not return ids from bulk inserts
        ids = dict(Stop.objects.filter(batch=batch).values_list("stop_source_reference", "pk"))
        for stop in rows:
            stop.pk = ids[stop.stop_source_reference]
    if items and not all(item.pk for item in items):
        ids = dict(Item.objects.filter(batch=batch).values_list("item_source_reference", "pk"))
        for item in items:
            item.pk = ids[item.item_source_reference]
    by_ref = {item.item_source_reference: item for item in items}
    StopItem.objects.bulk_create([StopItem(stop=stop, item=by_ref[ref])
                                  for stop, refs in zip(rows, refs_per_stop) for ref in refs])


def stop_import_payload(batch: Batch, *, reference: str = "") -> dict:
    """Locate2u's stop import body from the saved rows (what was saved is what is sent)."""
    refs: dict[int, list[str]] = {}
    for stop_id, ref in (StopItem.objects.filter(stop__batch=batch).order_by("stop_id", "id")
                         .values_list("stop_id", "item__item_source_reference")):
        refs.setdefault(stop_id, []).append(ref)
    stops = [stop_to_payload(stop, refs.get(stop.pk, [])) for stop in batch.stops.order_by("position")]
    for stop in stops:
        if not stop["itemSourceReferences"]:
            del stop["itemSourceReferences"]  # optional for a stop on its own
    return {"batchSourceReference": reference or batch.batch_source_reference, "stops": stops}


def _stops_abandoned(row: Outbox, error: str) -> None:
    from .batch_import import batch_push_abandoned

    batch_push_abandoned(row, error)


@outbox_handler(STOPS_IMPORT, on_give_up=_stops_abandoned)
def stops_import_push(row: Outbox) -> dict:
    """Send the stops to Locate2u's import with the batch GUID as idempotency key, then follow
    the import like a batch's (Locate2u adopts the GUID as the import's id, as for batches)."""
    from .batch_import import batch_accepted, batch_rejected

    try:
        accepted = locate2u_client().stops_import(row.payload, idempotency_key=row.key)
    except CarrierValidationError as exc:
        batch_rejected(batch_id=row.key, messages=exc.messages, text=str(exc))
        raise
    if accepted.batch_id != row.key:
        logger.warning("Locate2u named stop import %s %s; following it by our id", row.key, accepted.batch_id)
    batch_accepted(batch_id=row.key)
    return {"batchId": accepted.batch_id, "totalCount": accepted.total_count}
