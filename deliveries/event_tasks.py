"""Celery entry points for carrier events in (webhooks, callbacks): ids in, one service call.

Kept apart from tasks.py. The worker must import this module to know these tasks when their
messages arrive: CELERY_IMPORTS = ["deliveries.event_tasks"] in the settings (the views import it
too, which covers the worker's start-up checks, but that is not something to rely on)."""
from celery import shared_task

from deliveries.services import carrier_events


@shared_task(acks_late=True)
def locate2u_events_apply(event_pks: list[int]) -> None:
    carrier_events.locate2u_events_apply(event_pks=event_pks)


@shared_task(acks_late=True)
def locate2u_events_sweep() -> None:
    """Beat: events stored but not applied for 30 s (a lost or failed task) are offered again."""
    carrier_events.locate2u_events_offer_due()


@shared_task(acks_late=True)
def locate2u_subscription_ensure() -> None:
    """Beat, every minute (one GET when all is in place): the portal's webhook subscription exists at
    Locate2u (idempotent: lists first, creates only what is missing). Locate2u being unreachable
    just waits for the next run."""
    from deliveries.carriers.errors import CarrierUnavailable

    try:
        carrier_events.locate2u_subscribe(url=carrier_events.webhook_url())
    except CarrierUnavailable:
        pass
