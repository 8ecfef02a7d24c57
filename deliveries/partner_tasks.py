"""Celery entry points of the partner API: ids in, one service call, nothing else.

Beat runs `partner_webhooks_sweep` (every 10 s): retries that are due, deliveries whose message
was lost or whose worker died, and the housekeeping of old Idempotency-Keys and deliveries.
"""
from celery import shared_task

from deliveries.services.partner_webhooks import (
    partner_api_housekeeping,
    partner_deliveries_due,
    partner_delivery_send,
)


@shared_task(acks_late=True)
def partner_webhook_deliver(delivery_id: int) -> None:
    partner_delivery_send(delivery_id=delivery_id)


@shared_task(acks_late=True)
def partner_webhooks_sweep() -> None:
    for delivery_id in partner_deliveries_due():
        partner_webhook_deliver.delay(delivery_id)
    partner_api_housekeeping()
