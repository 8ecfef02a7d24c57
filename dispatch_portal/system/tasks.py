from celery import shared_task

from .services import heartbeat_record, worker_ping_answer_record


@shared_task(bind=True, acks_late=True)
def worker_ping_answer(self, ping_id: int) -> None:
    worker_ping_answer_record(ping_id=ping_id, worker=self.request.hostname or "")


@shared_task(acks_late=True)
def beat_tick() -> None:
    # Scheduled by beat every 30 s and run by a worker: proves both are alive.
    heartbeat_record(name="beat", detail="scheduled tick run by a worker")
