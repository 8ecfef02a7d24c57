"""Celery entry points: ids in, one service call, nothing else."""
from celery import shared_task

from deliveries.services import jobs, lineten_callbacks
from deliveries.services.batch_import import batch_import_follow_and_reschedule, batches_follow_due
from deliveries.services.outbox import outbox_run, outbox_sweep


@shared_task(acks_late=True)
def outbox_deliver(outbox_id: int) -> None:
    outbox_run(outbox_id=outbox_id)


@shared_task(acks_late=True)
def outbox_sweep_due() -> None:
    outbox_sweep()


@shared_task(acks_late=True)
def batch_import_follow(batch_id: str) -> None:
    batch_import_follow_and_reschedule(batch_id=batch_id)


@shared_task(acks_late=True)
def batches_follow_sweep() -> None:
    batches_follow_due()


@shared_task(acks_late=True)
def job_quotes_fetch(job_id: int, round_: int) -> None:
    jobs.job_quotes_fetch(job_id=job_id, round_=round_)


@shared_task(acks_late=True)
def lineten_events_apply() -> None:
    """Sent by the callbacks (one per burst) and by beat (the sweep)."""
    lineten_callbacks.events_apply_pending()
