"""Celery entry point of the Locate2u sandbox: beat runs it every 5 s when SANDBOX_ENABLED."""
from celery import shared_task

from .services import sandbox_tick as sandbox_advance


@shared_task(name="deliveries.sandbox.locate2u.tasks.sandbox_tick", acks_late=True, ignore_result=True)
def sandbox_tick() -> dict:
    return sandbox_advance()
