"""The outbox: carrier calls owed because of database changes, delivered at least once and
applied once (the carrier deduplicates on the row's stable key).

  outbox_enqueue  in the caller's transaction: the row, and a task sent after commit
  outbox_run      a worker claims the row with a lease, runs the kind's handler, records it
  outbox_sweep    periodically re-offers rows whose lease ran out or whose message was lost

Claiming is a conditional UPDATE (works on SQLite) or, where the database has it, a
SELECT … FOR UPDATE SKIP LOCKED (PostgreSQL), so two workers never run one row at once.
"""
import logging
import random
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from deliveries.carriers.errors import CarrierError, CarrierUnavailable
from deliveries.models import Outbox

logger = logging.getLogger(__name__)

Handler = Callable[[Outbox], dict | None]
GiveUp = Callable[[Outbox, str], None]
HANDLERS: dict[str, Handler] = {}
GIVE_UP: dict[str, GiveUp] = {}
MAX_ATTEMPTS = 8


def outbox_handler(kind: str, *, on_give_up: GiveUp | None = None) -> Callable[[Handler], Handler]:
    """Register the function that makes the carrier call for one kind of outbox row, and what to
    do with the object that owed the call when the row fails for good (so it never waits forever)."""

    def register(fn: Handler) -> Handler:
        HANDLERS[kind] = fn
        if on_give_up is not None:
            GIVE_UP[kind] = on_give_up
        return fn

    return register


def _fail(row: Outbox, error: str) -> None:
    if _finish(row, status=Outbox.Status.FAILED, last_error=error, lease_until=None) and row.kind in GIVE_UP:
        GIVE_UP[row.kind](row, error)


def lease_length() -> timedelta:
    return timedelta(seconds=getattr(settings, "OUTBOX_LEASE_SECONDS", 120))


def outbox_enqueue(*, kind: str, key: str, payload: dict | None = None) -> Outbox:
    """Owe a carrier call. Call inside the transaction that makes the change needing it.

    The same (kind, key) twice is one row: a double click or a re-post owes one call."""
    row, created = Outbox.objects.get_or_create(
        kind=kind, key=key, defaults={"payload": payload or {}, "available_at": timezone.now()}
    )
    if created:
        from deliveries.tasks import outbox_deliver

        transaction.on_commit(lambda: outbox_deliver.delay(row.pk))
    return row


def _due(now) -> Q:
    return Q(status=Outbox.Status.PENDING, available_at__lte=now) | Q(
        status=Outbox.Status.IN_PROGRESS, lease_until__lt=now
    )


def outbox_claim(*, outbox_id: int) -> Outbox | None:
    """Take the row for one run, or None when it is done, leased to another worker or not due."""
    now = timezone.now()
    changes = {"status": Outbox.Status.IN_PROGRESS, "lease_until": now + lease_length(), "attempts": F("attempts") + 1}
    if connection.features.has_select_for_update_skip_locked:
        with transaction.atomic():
            row = Outbox.objects.select_for_update(skip_locked=True).filter(_due(now), pk=outbox_id).first()
            if row is None:
                return None
            Outbox.objects.filter(pk=row.pk).update(**changes)
    elif not Outbox.objects.filter(_due(now), pk=outbox_id).update(**changes):
        return None
    return Outbox.objects.get(pk=outbox_id)


def _finish(row: Outbox, **changes) -> bool:
    """Record an outcome, unless the lease was lost meanwhile (another worker owns the row now)."""
    return bool(
        Outbox.objects.filter(pk=row.pk, status=Outbox.Status.IN_PROGRESS, attempts=row.attempts).update(**changes)
    )


def retry_delay(attempts: int) -> timedelta:
    return timedelta(seconds=random.uniform(0, min(600, 5 * 2 ** (attempts - 1))))


def outbox_run(*, outbox_id: int) -> Outbox | None:
    row = outbox_claim(outbox_id=outbox_id)
    if row is None:
        return None
    handler = HANDLERS.get(row.kind)
    now = timezone.now()
    if handler is None:
        _fail(row, f"no handler for {row.kind}")
        return row
    try:
        result = handler(row)
    except CarrierUnavailable as exc:
        if row.attempts >= MAX_ATTEMPTS:
            _fail(row, f"gave up after {row.attempts} attempts: {exc}")
        else:
            wait = timedelta(seconds=getattr(exc, "retry_after", 0)) or retry_delay(row.attempts)
            _finish(row, status=Outbox.Status.PENDING, available_at=now + wait, last_error=str(exc), lease_until=None)
    except CarrierError as exc:
        # The carrier said no (validation, auth, conflict): repeating the call would not help.
        _fail(row, str(exc))
    except Exception as exc:  # a bug: keep the row for a retry and make it visible
        logger.exception("outbox %s %s failed", row.kind, row.key)
        _finish(row, status=Outbox.Status.PENDING, available_at=now + retry_delay(row.attempts),
                last_error=f"{type(exc).__name__}: {exc}", lease_until=None)
    else:
        _finish(row, status=Outbox.Status.DONE, result=result, done_at=timezone.now(), last_error="", lease_until=None)
    row.refresh_from_db()
    return row


def outbox_sweep(*, limit: int = 200) -> list[int]:
    """Send a task for every row that is due: never picked up, or leased by a worker that died."""
    from deliveries.tasks import outbox_deliver

    ids = list(Outbox.objects.filter(_due(timezone.now())).order_by("available_at").values_list("pk", flat=True)[:limit])
    for outbox_id in ids:
        outbox_deliver.delay(outbox_id)
    return ids
