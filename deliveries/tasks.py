"""Celery entry points: ids in, one service call, nothing else."""
from celery import shared_task

from deliveries.services.outbox import outbox_run, outbox_sweep


@shared_task(acks_late=True)
def outbox_deliver(outbox_id: int) -> None:
    outbox_run(outbox_id=outbox_id)


@shared_task(acks_late=True)
def outbox_sweep_due() -> None:
    outbox_sweep()
