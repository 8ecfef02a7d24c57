"""Celery entry point of the LineTen sandbox; beat calls it every 5 s when SANDBOX_ENABLED."""
from celery import shared_task

from .services import jobs_advance


@shared_task(name="deliveries.sandbox.lineten.tasks.sandbox_tick", ignore_result=True)
def sandbox_tick() -> dict[str, int]:
    return jobs_advance()
