"""LineTen's status callbacks: stored first (one row per event Id), then applied by a task in the
order they happened, never moving a job backwards. Events for jobs we do not know are kept."""
import logging

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from deliveries.carriers.lineten.mapping import parse_callback_events
from deliveries.carriers.lineten.schemas import CallbackEvent
from deliveries.carriers.lineten.statuses import JobStatus, moves_forward
from deliveries.models import CarrierEvent, Job, JobStatusChange

log = logging.getLogger(__name__)

# Callbacks come in bursts, and sending a task cost more than storing the event (make bench,
# callback intake). So the first callback of a burst sends one task, due APPLY_WINDOW_SECONDS
# later, and the callbacks that arrive while that window is open send none: they were committed
# before the window closed, so before the task, due after it, looks for events to apply.
# A whole second because Django's Redis cache keeps whole seconds. The beat sweep is the net.
APPLY_WINDOW_SECONDS = 1
_APPLY_SCHEDULED_KEY = "lineten-callbacks:apply-scheduled"
PENDING_CHUNK = 500


def callbacks_receive(*, body) -> int:
    """Store the events of one callback POST and have them applied soon; returns how many it carried.

    ValueError (bad body) stores nothing. One INSERT that skips an Id already stored: a repeated
    callback is stored, and so applied, once."""
    events = parse_callback_events(body)
    CarrierEvent.objects.bulk_create(
        [CarrierEvent(source=CarrierEvent.Source.LINETEN, event_id=event.id[:100], event_type=event.job_status,
                      body=event.raw) for event in events],
        ignore_conflicts=True)
    transaction.on_commit(events_apply_soon)  # at once, unless the caller holds a transaction open
    return len(events)


def events_apply_soon() -> None:
    """Have a worker apply the pending events shortly: one task per window (see above)."""
    if not cache.add(_APPLY_SCHEDULED_KEY, True, timeout=APPLY_WINDOW_SECONDS):
        return  # a task is due after the window this event was committed in
    from deliveries.tasks import lineten_events_apply

    try:
        lineten_events_apply.apply_async(countdown=APPLY_WINDOW_SECONDS)
    except Exception:  # the broker is away: the event is stored, the sweep applies it
        cache.delete(_APPLY_SCHEDULED_KEY)
        log.warning("could not send the task applying LineTen callbacks; the sweep will apply them", exc_info=True)


def events_apply_pending() -> int:
    """Apply every stored event not yet applied, a chunk at a time; returns how many were looked at.

    Tasks may overlap (a window's task and the sweep): each event is still applied once."""
    done = 0
    while True:
        ids = list(CarrierEvent.objects.filter(source=CarrierEvent.Source.LINETEN, applied_at__isnull=True)
                   .order_by("pk").values_list("pk", flat=True)[:PENDING_CHUNK])
        if not ids:
            return done
        events_apply(event_ids=ids)
        done += len(ids)


def _occurred(event: CallbackEvent):
    return event.occurred_at or timezone.now()


def events_apply(*, event_ids: list[int]) -> None:
    """Apply stored events oldest first. Each event is looked at once (its JobStatusChange row)."""
    parsed = []
    for stored in CarrierEvent.objects.filter(pk__in=event_ids, applied_at__isnull=True):
        event = parse_callback_events([stored.body])[0]
        parsed.append((_occurred(event), stored.pk, stored, event))
    for _, _, stored, event in sorted(parsed, key=lambda p: (p[0], p[1])):
        _apply_one(stored, event)


def _apply_one(stored: CarrierEvent, event: CallbackEvent) -> None:
    with transaction.atomic():
        stored = CarrierEvent.objects.select_for_update().get(pk=stored.pk)
        if stored.applied_at:
            return
        job = Job.objects.select_for_update().filter(lineten_job_id=event.job_id).first()
        if job is None and event.client_ref:
            job = Job.objects.select_for_update().filter(client_ref=event.client_ref).first()
        now = timezone.now()
        if job is None:
            stored.applied_at, stored.outcome = now, f"unknown job {event.job_id}: kept for inspection"
            stored.save(update_fields=["applied_at", "outcome"])
            return
        current = (job.job_status, job.delivery_status or None) if job.job_status else None
        new = (str(event.job_status), str(event.delivery_status) if event.delivery_status else None)
        forward = moves_forward(current, new)
        JobStatusChange.objects.create(
            job=job, event=stored, job_status=new[0], delivery_status=new[1] or "",
            driver=" · ".join(filter(None, [event.driver.name, event.driver.phone]))[:200],
            vehicle=" · ".join(filter(None, [event.vehicle.type, event.vehicle.registration]))[:200],
            latitude=event.position.latitude if event.position else None,
            longitude=event.position.longitude if event.position else None,
            occurred_at=event.occurred_at, applied=forward,
        )
        if forward:
            job.job_status, job.delivery_status, job.status_at = new[0], new[1] or "", _occurred(event)
            if new[0] == JobStatus.CANCELLED and job.state != Job.State.CANCELLED:
                job.state = Job.State.CANCELLED
            if job.lineten_job_id is None:
                job.lineten_job_id = event.job_id
            job.save()
        stored.applied_at = now
        stored.outcome = "applied" if forward else f"ignored: would move the job back from {current[0]}/{current[1]}"
        stored.save(update_fields=["applied_at", "outcome"])
