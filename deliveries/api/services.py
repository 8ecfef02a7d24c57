"""Writes of the Locate2u-compatible API that are not stops or webhooks: the batch delivery.

A partner's batch is a portal batch like a dispatcher's (same validation, same rows, same push
through the outbox), with `customer` set to the client's customer. The customer's
batchSourceReference names one batch: posting it again with the same body is answered with that
batch and creates nothing; with another body it is refused (CONTRACT §4).
"""
from django.db import IntegrityError, transaction

from deliveries.models import Batch, Stop
from deliveries.services.batch_payload import (
    batch_to_payload,
    item_from_payload,
    item_to_payload,
    stop_from_payload,
    stop_to_payload,
)
from deliveries.services.batches import batch_create, batch_submit
from deliveries.spec import SpecError, SpecValidationError, validate_batch_delivery
from dispatch_portal.partners.models import PartnerClient

ROOT_TEXT_FIELDS = ("batchSourceReference", "batchDescription", "teamSourceReference", "customerSourceReference")


def partner_batch_deliver(*, payload, client: PartnerClient) -> tuple[Batch, bool]:
    """Validate, save and submit a partner's batch. Returns (batch, created); a repeat of the
    customer's batch (same reference, same content) is (that batch, False).
    Raises SpecValidationError with every problem of the payload, or on a reused reference."""
    errors = validate_batch_delivery(payload)
    if errors:
        raise SpecValidationError(errors)
    customer = client.customer
    reference = payload["batchSourceReference"]
    existing = Batch.objects.filter(customer=customer, batch_source_reference=reference).first()
    if existing is not None:
        return _repeat_of(existing, payload), False
    try:
        with transaction.atomic():
            batch = batch_create(payload=payload, customer=customer, via=f"partner {client.name}")
            batch = batch_submit(batch=batch)
    except IntegrityError:
        # The same batch posted twice at once: the other request saved it first.
        existing = Batch.objects.filter(customer=customer, batch_source_reference=reference).first()
        if existing is None:
            raise
        return _repeat_of(existing, payload), False
    return batch, True


def _repeat_of(batch: Batch, payload: dict) -> Batch:
    if batch_to_payload(batch) != payload_normalised(payload):
        reference = payload["batchSourceReference"]
        raise SpecValidationError([SpecError(
            "batchSourceReference",
            f"Batch source reference {reference!r} was already used for a different batch "
            f"({batch.batch_id}); send the same content again or use a new reference.")])
    return batch


def payload_normalised(payload: dict) -> dict:
    """A valid payload as `batch_to_payload` would read it back once saved: the same mapping both
    ways, so formatting (1 vs 1.0, absent vs null vs "", defaults said aloud) makes no difference."""
    out: dict = {}
    for name in ROOT_TEXT_FIELDS:
        if payload.get(name) not in (None, ""):
            out[name] = payload[name]
    out["serviceDate"] = payload["serviceDate"]
    out["items"] = [item_to_payload(item_from_payload(data, position=i)) for i, data in enumerate(payload["items"])]
    for key, kind in (("pickups", Stop.Kind.PICKUP), ("dropoffs", Stop.Kind.DROPOFF)):
        out[key] = [
            stop_to_payload(stop_from_payload(data, kind=kind, position=i),
                            list(dict.fromkeys(data.get("itemSourceReferences") or [])))
            for i, data in enumerate(payload[key])
        ]
    return out


def batch_accepted_body(batch: Batch) -> dict:
    """The spec's 200 answer to a batch delivery: our batch GUID and what it holds."""
    return {"success": True, "data": {"batchId": str(batch.batch_id), "stopsCreated": batch.stops.count(),
                                      "itemsProcessed": batch.items.count()}}
