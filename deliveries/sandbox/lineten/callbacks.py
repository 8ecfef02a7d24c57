"""Callbacks the sandbox owes: queued with the change that causes them, sent by the tick.

Events of one job go out in order, several to a POST (the spec's body is an array). A URL that
fails is retried on later ticks with a growing pause, and given up after MAX_ATTEMPTS; a failure
only ever affects its own job's callbacks, never the tick.
"""
import logging
import time
import uuid
from datetime import datetime, timedelta

import requests
from django.db.models import Q

from .models import SandboxCallback, SandboxJob
from .shapes import callback_event_json

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 15
MAX_EVENTS_PER_POST = 20
LEASE = timedelta(seconds=60)
TIMEOUT = (3.0, 5.0)  # connect, read: a slow receiver must not stall the tick
TICK_BUDGET_SECONDS = 20.0


def callback_queue(*, job: SandboxJob, now: datetime) -> SandboxCallback | None:
    """Owe the job's CallbackUrl an event describing the job as it is now (none without a URL)."""
    if not job.callback_url:
        return None
    event_id = uuid.uuid4()
    return SandboxCallback.objects.create(
        job=job, event_id=event_id, url=job.callback_url, next_attempt_at=now,
        body=callback_event_json(job, event_id=str(event_id), at=now),
    )


def retry_pause(attempts: int) -> timedelta:
    return timedelta(seconds=min(300, 5 * 2 ** (attempts - 1)))


def _free(now: datetime) -> Q:
    return Q(lease_until__isnull=True) | Q(lease_until__lt=now)


def callbacks_send(*, now: datetime, session: requests.Session | None = None) -> dict[str, int]:
    """Send what is due; returns how many events went out and how many failed."""
    session = session or requests.Session()
    sent = failed = 0
    started = time.monotonic()
    pending = SandboxCallback.objects.filter(sent_at__isnull=True, gave_up=False)
    job_ids = list(
        pending.filter(_free(now), next_attempt_at__lte=now).order_by("job_id").values_list("job_id", flat=True)
        .distinct()[:200]
    )
    for job_id in job_ids:
        if time.monotonic() - started > TICK_BUDGET_SECONDS:
            break  # the rest waits for the next tick
        rows = list(pending.filter(job_id=job_id).order_by("id")[:MAX_EVENTS_PER_POST])
        if not rows or rows[0].next_attempt_at > now:
            continue  # the oldest is pausing after a failure; later events wait behind it, in order
        rows = [r for r in rows if r.url == rows[0].url]  # a booking may have changed the URL
        ids = [r.pk for r in rows]
        if SandboxCallback.objects.filter(pk__in=ids).filter(_free(now)).update(lease_until=now + LEASE) != len(ids):
            SandboxCallback.objects.filter(pk__in=ids, lease_until=now + LEASE).update(lease_until=None)
            continue  # another tick is sending some of them
        error = ""
        try:
            response = session.post(rows[0].url, json=[r.body for r in rows], timeout=TIMEOUT)
            if not 200 <= response.status_code < 300:
                error = f"HTTP {response.status_code}"
        except requests.RequestException as exc:
            error = f"{type(exc).__name__}: {exc}"[:1000]
        except Exception as exc:  # a malformed URL or the like: this job's problem, not the tick's
            logger.exception("sandbox lineten callback for job %s", job_id)
            error = f"{type(exc).__name__}: {exc}"[:1000]
        if not error:
            SandboxCallback.objects.filter(pk__in=ids).update(sent_at=now, lease_until=None, last_error="")
            sent += len(ids)
            continue
        failed += len(ids)
        for row in rows:
            attempts = row.attempts + 1
            SandboxCallback.objects.filter(pk=row.pk).update(
                attempts=attempts, next_attempt_at=now + retry_pause(attempts), last_error=error,
                gave_up=attempts >= MAX_ATTEMPTS, lease_until=None,
            )
    return {"callbacks_sent": sent, "callbacks_failed": failed}
