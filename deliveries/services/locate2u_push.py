"""Outbox handlers that push to Locate2u.

`locate2u.batch_delivery`: the row's payload is the batch-delivery request body and its key the
batch's own GUID, sent as the idempotency key: if a worker dies after Locate2u accepted the batch
but before we recorded it, the sweep sends it again and Locate2u answers with the same batch.
"""
from deliveries.carriers.errors import CarrierValidationError
from deliveries.carriers.locate2u.client import locate2u_client
from deliveries.models import Outbox

from .outbox import outbox_handler

BATCH_DELIVERY = "locate2u.batch_delivery"


def _batch_abandoned(row: Outbox, error: str) -> None:
    from .batch_import import batch_push_abandoned

    batch_push_abandoned(row, error)


@outbox_handler(BATCH_DELIVERY, on_give_up=_batch_abandoned)
def batch_delivery_push(row: Outbox) -> dict:
    from .batch_import import batch_accepted, batch_rejected

    try:
        accepted = locate2u_client().batch_delivery(row.payload, idempotency_key=row.key)
    except CarrierValidationError as exc:
        batch_rejected(batch_id=row.key, messages=exc.messages, text=str(exc))
        raise
    batch_accepted(batch_id=row.key)
    return {"batchId": accepted.batch_id, "stopsCreated": accepted.stops_created,
            "itemsProcessed": accepted.items_processed}
