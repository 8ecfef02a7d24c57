from django.db import transaction
from django.utils import timezone

from .models import Heartbeat, WorkerPing


def worker_ping_request(*, by) -> WorkerPing:
    from .tasks import worker_ping_answer

    ping = WorkerPing.objects.create(requested_by=by)
    # Enqueue only once the row is committed, so the worker always finds it.
    transaction.on_commit(lambda: worker_ping_answer.delay(ping.pk))
    return ping


def worker_ping_answer_record(*, ping_id: int, worker: str) -> None:
    # Answer once: a redelivered message finds the ping answered and changes nothing.
    WorkerPing.objects.filter(pk=ping_id, answered_at__isnull=True).update(
        answered_at=timezone.now(), answered_by=worker[:200]
    )


def heartbeat_record(*, name: str, detail: str = "") -> None:
    Heartbeat.objects.update_or_create(name=name, defaults={"seen_at": timezone.now(), "detail": detail[:200]})
