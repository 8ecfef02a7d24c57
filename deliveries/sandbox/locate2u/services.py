"""What the Locate2u sandbox does: issue tokens, accept batches, imports and stops, let imports
progress with time, move stops through their lifecycle and tell webhook subscribers about it.

Time is a parameter (`now`) everywhere, so tests can move it forward instead of sleeping.
An import's progress is a function of time: after a short queue it processes `rate` stops per
second; whoever looks first (a status request or the tick) turns the rows due into stops.
"""
import hashlib
import hmac
import json
import secrets
import uuid
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from deliveries.spec import SpecError, SpecValidationError, validate_batch_delivery, validate_stop
from deliveries.spec.fields import parse_datetime
from deliveries.spec.stops import validate_stop_import_envelope

from . import shapes
from .controls import import_rate
from .geocode import address_is_unfindable, coordinates_for
from .models import SandboxDelivery, SandboxEvent, SandboxImport, SandboxStop, SandboxToken, SandboxWebhook
from .webhook_delivery import deliveries_send_due

SCOPE = "integrations-api"
TOKEN_LIFETIME = 1800  # seconds, as the spec says
MAX_QUEUE_SECONDS = 2.0
UNFINDABLE_MESSAGE = "Address could not be found on the map; check the street, town and postcode."


class SandboxNotFound(Exception):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


class TokenRefused(Exception):
    def __init__(self, status: int, error: str):
        super().__init__(error)
        self.status = status
        self.error = error  # the OAuth 2.0 error code


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _body_hash(payload) -> str:
    return _digest(json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False))


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


# --- tokens ------------------------------------------------------------------------------------------
def token_issue(*, client_id: str, client_secret: str, grant_type: str, scope: str, lifetime: int = TOKEN_LIFETIME,
                now: datetime | None = None) -> dict:
    """Client credentials → the spec's token answer. Refusals raise TokenRefused (401/400)."""
    # Both compared, always: the answer's timing says nothing about which one was wrong.
    known = _same(client_id, settings.LOCATE2U_CLIENT_ID) & _same(client_secret, settings.LOCATE2U_CLIENT_SECRET)
    if not known:
        raise TokenRefused(401, "invalid_client")
    if grant_type != "client_credentials":
        raise TokenRefused(400, "unsupported_grant_type")
    asked = scope.split() or [SCOPE]
    if set(asked) != {SCOPE}:
        raise TokenRefused(400, "invalid_scope")
    token = secrets.token_urlsafe(32)
    SandboxToken.objects.create(token_hash=_digest(token), scope=SCOPE,
                                expires_at=_now(now) + timedelta(seconds=lifetime))
    return {"access_token": token, "expires_in": lifetime, "token_type": "Bearer", "scope": SCOPE}


def token_is_valid(*, token: str, now: datetime | None = None) -> bool:
    if not token:
        return False
    return SandboxToken.objects.filter(token_hash=_digest(token), expires_at__gt=_now(now)).exists()


# --- batch deliveries and stop imports ---------------------------------------------------------------
def _repeat_of(existing: SandboxImport, body_hash: str, field: str, message: str) -> SandboxImport:
    """The same request again is the same import; a different one under the same name is refused."""
    if existing.body_hash != body_hash:
        raise SpecValidationError([SpecError(field, message)])
    return existing


def _batch_id_from(key: str) -> uuid.UUID:
    """Adopt the caller's key as the batch id when it is a free GUID (the portal sends its batch's
    own GUID), so both sides name the batch alike; otherwise make one up, as Locate2u would."""
    try:
        wanted = uuid.UUID(key)
    except (ValueError, AttributeError, TypeError):
        return uuid.uuid4()
    return uuid.uuid4() if SandboxImport.objects.filter(batch_id=wanted).exists() else wanted


def _existing_batch(*, idempotency_key: str, reference: str, body_hash: str) -> SandboxImport | None:
    kind = SandboxImport.Kind.BATCH_DELIVERY
    if idempotency_key:
        found = SandboxImport.objects.filter(kind=kind, idempotency_key=idempotency_key).first()
        if found:
            return _repeat_of(found, body_hash, "Idempotency-Key",
                              "This Idempotency-Key was already used for a different batch.")
    found = SandboxImport.objects.filter(kind=kind, batch_source_reference=reference).first()
    if found:
        return _repeat_of(found, body_hash, "batchSourceReference",
                          f"Batch source reference {reference!r} was already used for a different batch.")
    return None


def batch_delivery_accept(*, payload, idempotency_key: str = "", now: datetime | None = None
                          ) -> tuple[SandboxImport, bool]:
    """Validate with THE spec validation and queue the batch's stops for import.
    Returns (import, created); a repeat (same key or reference, same body) creates nothing."""
    errors = validate_batch_delivery(payload)
    if errors:
        raise SpecValidationError(errors)
    body_hash = _body_hash(payload)
    reference = payload["batchSourceReference"]
    existing = _existing_batch(idempotency_key=idempotency_key, reference=reference, body_hash=body_hash)
    if existing:
        return existing, False
    try:
        with transaction.atomic():
            batch = SandboxImport.objects.create(
                batch_id=_batch_id_from(idempotency_key), kind=SandboxImport.Kind.BATCH_DELIVERY,
                batch_source_reference=reference, idempotency_key=idempotency_key, body_hash=body_hash,
                payload=payload, items_count=len(payload["items"]),
                total_count=len(payload["pickups"]) + len(payload["dropoffs"]), rate=import_rate(), created_at=_now(now),
            )
    except IntegrityError:
        # The same batch posted twice at once: the other request won; answer as a repeat.
        existing = _existing_batch(idempotency_key=idempotency_key, reference=reference, body_hash=body_hash)
        if existing is None:
            raise
        return existing, False
    return batch, True


def stop_import_accept(*, payload, idempotency_key: str = "", now: datetime | None = None
                       ) -> tuple[SandboxImport, bool]:
    """Queue an import of single stops. Only the envelope can refuse it: a bad stop is reported
    in the import status (stage Validation), and the others are imported."""
    errors = validate_stop_import_envelope(payload)
    if errors:
        raise SpecValidationError(errors)
    kind = SandboxImport.Kind.STOP_IMPORT
    body_hash = _body_hash(payload)
    message = "This Idempotency-Key was already used for a different import."
    if idempotency_key:
        found = SandboxImport.objects.filter(kind=kind, idempotency_key=idempotency_key).first()
        if found:
            return _repeat_of(found, body_hash, "Idempotency-Key", message), False
    try:
        with transaction.atomic():
            batch = SandboxImport.objects.create(
                batch_id=_batch_id_from(idempotency_key), kind=kind,
                batch_source_reference=payload.get("batchSourceReference") or "", idempotency_key=idempotency_key,
                body_hash=body_hash, payload=payload, total_count=len(payload["stops"]), rate=import_rate(),
                created_at=_now(now),
            )
    except IntegrityError:
        found = SandboxImport.objects.filter(kind=kind, idempotency_key=idempotency_key).first()
        if found is None:
            raise
        return _repeat_of(found, body_hash, "Idempotency-Key", message), False
    return batch, True


def import_for_batch(*, batch_id: str) -> SandboxImport:
    try:
        wanted = uuid.UUID(batch_id)
    except ValueError:
        raise SpecValidationError([SpecError("batchId", f"Batch id {batch_id!r} is not a GUID "
                                                        "(e.g. a1b2c3d4-e5f6-7890-abcd-ef1234567890).")]) from None
    found = SandboxImport.objects.filter(batch_id=wanted).first()
    if found is None:
        raise SandboxNotFound("batchId", f"No batch import {batch_id}.")
    return found


def _queue_time(batch: SandboxImport) -> timedelta:
    # Queued for as long as one stop takes to import, at most a couple of seconds, so a status
    # polled at once shows Queued, and a fast test rate is not held up.
    return timedelta(seconds=min(MAX_QUEUE_SECONDS, 1.0 / batch.rate))


def _due_count(batch: SandboxImport, now: datetime) -> int:
    started = batch.created_at + _queue_time(batch)
    if now < started:
        return 0
    return min(batch.total_count, int((now - started).total_seconds() * batch.rate))


def _rows(batch: SandboxImport) -> list[tuple[str, object]]:
    """(stop kind, stop) per row, in rowNumber order: a batch's pickups, then its drop-offs."""
    if batch.kind == SandboxImport.Kind.BATCH_DELIVERY:
        return ([(SandboxStop.Kind.PICKUP, s) for s in batch.payload["pickups"]]
                + [(SandboxStop.Kind.DROPOFF, s) for s in batch.payload["dropoffs"]])
    return [(SandboxStop.Kind.STOP, s) for s in batch.payload["stops"]]


def _existing_stop_references(references: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(references), 500):  # keeps each query under SQLite's variable limit
        chunk = references[start:start + 500]
        found.update(SandboxStop.objects.filter(kind=SandboxStop.Kind.STOP, source_reference__in=chunk)
                     .values_list("source_reference", flat=True))
    return found


def _new_stop(*, kind: str, stop: dict, now: datetime, batch: SandboxImport | None = None, row_number=None,
              idempotency_key: str = "") -> SandboxStop:
    location = stop.get("location") or {}
    latitude, longitude = location.get("latitude"), location.get("longitude")
    if latitude is None or longitude is None:
        latitude, longitude = coordinates_for(stop["address"])
    trip = parse_datetime(stop["tripDate"])
    return SandboxStop(
        batch=batch, row_number=row_number, kind=kind, source_reference=stop["stopSourceReference"],
        idempotency_key=idempotency_key, name=stop["name"], address=stop["address"],
        trip_date=trip.date() if trip else None, latitude=float(latitude), longitude=float(longitude), data=stop,
        status=SandboxStop.LIFECYCLE[0], status_changed_at=now, created_at=now,
    )


def _process_rows(batch: SandboxImport, first: int, last: int, now: datetime) -> tuple[list[SandboxStop], list[dict]]:
    """Rows first..last-1 → stops to create and the spec's error objects of the rows that failed."""
    rows = _rows(batch)[first:last]
    single = batch.kind == SandboxImport.Kind.STOP_IMPORT
    taken = _existing_stop_references(
        [s["stopSourceReference"] for _, s in rows if isinstance(s, dict) and isinstance(s.get("stopSourceReference"), str)]
    ) if single else set()
    stops, errors = [], []
    for offset, (kind, stop) in enumerate(rows):
        row_number = first + offset + 1
        reference = stop.get("stopSourceReference") if isinstance(stop, dict) else None
        reference = reference if isinstance(reference, str) else ""
        if single and (problems := validate_stop(stop)):
            stage, messages = "Validation", [p.message for p in problems]
        elif address_is_unfindable(stop["address"]):
            stage, messages = "PreProcessing", [UNFINDABLE_MESSAGE]
        elif single and reference in taken:
            stage, messages = "Save", ["Duplicate sourceReference already exists"]  # the spec's own words
        else:
            stops.append(_new_stop(kind=kind, stop=stop, now=now, batch=batch, row_number=row_number))
            taken.add(reference)
            continue
        errors.append({"rowNumber": row_number, "sourceReference": reference, "stage": stage, "messages": messages})
    return stops, errors


def import_advance(*, batch: SandboxImport, now: datetime | None = None) -> SandboxImport:
    """Bring the import up to date with the clock: rows now due become stops or row errors."""
    now = _now(now)
    due = _due_count(batch, now)
    started = batch.created_at + _queue_time(batch)
    if batch.status == SandboxImport.Status.QUEUED and now >= started:
        SandboxImport.objects.filter(pk=batch.pk, status=SandboxImport.Status.QUEUED).update(
            status=SandboxImport.Status.IMPORTING, started_at=started)
    if due > batch.processed_count:
        with transaction.atomic():
            # Claim the rows: of two lookers (a status request and the tick), one moves the count.
            first = batch.processed_count
            if SandboxImport.objects.filter(pk=batch.pk, processed_count=first).update(processed_count=due):
                stops, errors = _process_rows(batch, first, due, now)
                SandboxStop.objects.bulk_create(stops)
                fresh = SandboxImport.objects.select_for_update().get(pk=batch.pk)
                fresh.success_count += len(stops)
                fresh.failed_count += len(errors)
                fresh.errors = fresh.errors + errors
                changed = ["success_count", "failed_count", "errors"]
                if due == fresh.total_count:
                    fresh.status = _final_status(fresh)
                    fresh.completed_at = started + timedelta(seconds=fresh.total_count / fresh.rate)
                    changed += ["status", "completed_at"]
                fresh.save(update_fields=changed)
    batch.refresh_from_db()
    return batch


def _final_status(batch: SandboxImport) -> str:
    if batch.failed_count == 0:
        return SandboxImport.Status.COMPLETED
    if batch.success_count == 0:
        return SandboxImport.Status.FAILED
    return SandboxImport.Status.PARTIALLY_COMPLETED


FINISHED = (SandboxImport.Status.COMPLETED, SandboxImport.Status.PARTIALLY_COMPLETED, SandboxImport.Status.FAILED)


def import_status_for_batch(*, batch_id: str, now: datetime | None = None) -> dict:
    batch = import_advance(batch=import_for_batch(batch_id=batch_id), now=now)
    successful = list(batch.stops.order_by("row_number")) if batch.status in FINISHED else None
    return shapes.import_status_body(batch, successful)


# --- single stops ------------------------------------------------------------------------------------
def stop_create(*, payload, idempotency_key: str = "", now: datetime | None = None) -> tuple[SandboxStop, bool]:
    errors = validate_stop(payload)
    if errors:
        raise SpecValidationError(errors)
    if idempotency_key:
        found = SandboxStop.objects.filter(idempotency_key=idempotency_key).first()
        if found:
            if found.data != payload:
                raise SpecValidationError([SpecError("Idempotency-Key",
                                                     "This Idempotency-Key was already used for a different stop.")])
            return found, False
    if address_is_unfindable(payload["address"]):
        raise SpecValidationError([SpecError("address", UNFINDABLE_MESSAGE)])
    reference = payload["stopSourceReference"]
    taken = SandboxStop.objects.filter(kind=SandboxStop.Kind.STOP, source_reference=reference).first()
    if taken:
        raise SpecValidationError([SpecError("stopSourceReference",
                                             f"A stop with source reference {reference!r} already exists "
                                             f"(stop {taken.pk}).")])
    stop = _new_stop(kind=SandboxStop.Kind.STOP, stop=payload, now=_now(now), idempotency_key=idempotency_key)
    try:
        with transaction.atomic():
            stop.save()
    except IntegrityError:
        found = SandboxStop.objects.filter(idempotency_key=idempotency_key).first() if idempotency_key else None
        if found is None:
            raise
        return found, False
    return stop, True


def stop_for_id(*, stop_id: str) -> SandboxStop:
    found = None
    if stop_id.isascii() and stop_id.isdigit() and len(stop_id) < 19:
        found = SandboxStop.objects.select_related("batch").filter(pk=int(stop_id)).first()
    if found is None:
        raise SandboxNotFound("id", f"No stop {stop_id}.")
    return found


def stops_advance(*, now: datetime | None = None, limit: int = 500) -> int:
    """Move stops one step along Created → Pending → Enroute → Arrived → Complete, one step per
    SANDBOX_LOCATE2U_STOP_STEP_SECONDS, and record the webhook events each step makes."""
    now = _now(now)
    step = timedelta(seconds=getattr(settings, "SANDBOX_LOCATE2U_STOP_STEP_SECONDS", 10.0))
    lifecycle = SandboxStop.LIFECYCLE
    due = (SandboxStop.objects.select_related("batch")
           .filter(status__in=lifecycle[:-1], status_changed_at__lte=now - step).order_by("status_changed_at")[:limit])
    moved = 0
    for stop in due:
        old = stop.status
        new = lifecycle[lifecycle.index(old) + 1]
        with transaction.atomic():
            if not SandboxStop.objects.filter(pk=stop.pk, status=old).update(status=new, status_changed_at=now):
                continue  # another tick moved it
            if new == "Pending":
                _event_record(stop=stop, event_type="stop.assigned", old=old, new=new, now=now)
            _event_record(stop=stop, event_type="stop.status-changed", old=old, new=new, now=now)
        moved += 1
    return moved


# --- webhooks ----------------------------------------------------------------------------------------
def _webhook_fields(payload) -> dict:
    if not isinstance(payload, dict):
        raise SpecValidationError([SpecError("", "The subscription must be an object with eventType and url.")])
    errors = []
    event_type, url, active = payload.get("eventType"), payload.get("url"), payload.get("isActive", True)
    if not isinstance(event_type, str) or not event_type.strip():
        errors.append(SpecError("eventType", "Event type is required."))
    elif event_type not in shapes.EVENT_TYPES:
        errors.append(SpecError("eventType", f"Unknown event type {event_type!r}; one of: {', '.join(shapes.EVENT_TYPES)}."))
    if not isinstance(url, str) or not url.strip():
        errors.append(SpecError("url", "Url is required."))
    else:
        try:
            parts = urlsplit(url)
            usable = parts.scheme in ("http", "https") and bool(parts.hostname) and len(url) <= 2000
        except ValueError:  # e.g. "http://[::1"
            usable = False
        if not usable:
            errors.append(SpecError("url", "Url must be an absolute http(s) address of at most 2000 characters."))
    if active is None:
        active = True
    if not isinstance(active, bool):
        errors.append(SpecError("isActive", "Is active must be true or false."))
    if errors:
        raise SpecValidationError(errors)
    return {"event_type": event_type, "url": url, "is_active": active}


def webhook_subscribe(*, payload) -> SandboxWebhook:
    secret = "whsec_" + secrets.token_urlsafe(24).replace("-", "A").replace("_", "B")
    return SandboxWebhook.objects.create(secret=secret, **_webhook_fields(payload))


def webhooks_all() -> list[SandboxWebhook]:
    return list(SandboxWebhook.objects.order_by("id"))


def webhook_for_id(*, webhook_id: str) -> SandboxWebhook:
    found = None
    if webhook_id.isascii() and webhook_id.isdigit() and len(webhook_id) < 19:
        found = SandboxWebhook.objects.filter(pk=int(webhook_id)).first()
    if found is None:
        raise SandboxNotFound("id", f"No webhook subscription {webhook_id}.")
    return found


def webhook_update(*, webhook_id: str, payload) -> SandboxWebhook:
    """PUT: the subscription becomes what the body says (isActive defaults to true)."""
    subscription = webhook_for_id(webhook_id=webhook_id)
    for name, value in _webhook_fields(payload).items():
        setattr(subscription, name, value)
    subscription.save()
    return subscription


def webhook_unsubscribe(*, webhook_id: str) -> None:
    webhook_for_id(webhook_id=webhook_id).delete()


def _event_record(*, stop: SandboxStop, event_type: str, old: str, new: str, now: datetime) -> None:
    """Owe the event to every active subscriber of its type (none: nothing is kept)."""
    subscribers = list(SandboxWebhook.objects.filter(event_type=event_type, is_active=True))
    if not subscribers:
        return
    event_id = uuid.uuid4()
    body = shapes.stop_event_body(stop, event_id=str(event_id), event_type=event_type, old_status=old,
                                  new_status=new, at=now)
    event = SandboxEvent.objects.create(id=event_id, event_type=event_type, body=body, created_at=now)
    SandboxDelivery.objects.bulk_create(
        [SandboxDelivery(event=event, webhook=w, next_attempt_at=now) for w in subscribers])


# --- the tick ----------------------------------------------------------------------------------------
def sandbox_tick(*, now: datetime | None = None) -> dict:
    """Advance every running import and every stop due a step, then send the webhooks owed.
    Run every few seconds by beat (tasks.sandbox_tick); tests call it with a `now` of their own."""
    now = _now(now)
    running = SandboxImport.objects.filter(status__in=[SandboxImport.Status.QUEUED, SandboxImport.Status.IMPORTING])
    imports = 0
    for batch in running:
        import_advance(batch=batch, now=now)
        imports += 1
    moved = stops_advance(now=now)
    sent = deliveries_send_due(now=now)
    SandboxToken.objects.filter(expires_at__lt=now - timedelta(days=1)).delete()
    return {"imports": imports, "stops_moved": moved, "webhooks_sent": sent}
