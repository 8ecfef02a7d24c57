"""Partner webhooks: subscriptions per customer, the events the portal owes them, and sending.

  partner_event_emit(customer=, event_type=, data=)   an event for every active subscription of
                                                      that customer to that type; sent after commit
  partner_stop_event_emit / partner_batch_status_emit  the same, with the body built from a stop or
                                                      a batch (what the rest of the portal calls)
  partner_delivery_send(delivery_id=)                 one signed POST (Celery: partner_tasks)
  partner_deliveries_due()                            what the beat sweep re-offers

Each delivery is signed with the Standard Webhooks headers (webhook-id: the event's id, the same
on every retry; webhook-timestamp; webhook-signature, made by the `standardwebhooks` library with
the subscription's whsec_ secret), retried with exponential back-off up to MAX_ATTEMPTS, and
every attempt is recorded (time, status code, error, duration). A subscription whose deliveries
fail DISABLE_AFTER times in a row is switched off (isActive false, with the reason); a success
resets the count, and a PUT with isActive true switches it on again.
"""
import base64
import ipaddress
import logging
import secrets
import socket
import time
import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from standardwebhooks import Webhook

from deliveries.spec import SpecError, SpecValidationError

logger = logging.getLogger(__name__)

# The sandbox's (Locate2u's) event types, plus the portal's own batch event.
EVENT_TYPES = {
    "stop.assigned": "Triggered when a stop is assigned to a driver.",
    "stop.status-changed": "Triggered when the status of a stop changes.",
    "shipment.assigned": "Triggered when a shipment is assigned.",
    "shipment.status-changed": "Triggered when the status of a shipment changes.",
    "trip.created": "Triggered when a new trip is created.",
    "trip.assigned": "Triggered when a trip is assigned.",
    "trip.status-changed": "Triggered when the status of a trip changes.",
    "note.created": "Triggered when a note (text, image or document) is attached to a stop or shipment.",
    "batch.status-changed": "Triggered when the import status of a batch delivery or stop import changes "
                            "(Queued, Importing, Completed, PartiallyCompleted, Failed). Sent by the portal.",
}

MAX_ATTEMPTS = 5  # per delivery
RETRY_BASE_SECONDS = 30  # 30 s, 2 min, 8 min, 32 min between the attempts
RETRY_FACTOR = 4
DISABLE_AFTER = 10  # failed attempts in a row, across deliveries, switch a subscription off
MAX_SUBSCRIPTIONS = 50  # per customer; not in the spec
TIMEOUT = (3.0, 10.0)  # connect, read (seconds)
LEASE = timedelta(seconds=60)  # a delivery being sent is not picked up by the sweep meanwhile
EVENT_NAMESPACE = uuid.UUID("8f6f0a52-4a59-4d52-9a3e-6c0a1d2b7e11")


# --- subscriptions -----------------------------------------------------------------------------------
def webhook_fields(payload) -> dict:
    """`{"eventType", "url", "isActive"?}` → model fields; every problem in one SpecValidationError."""
    if not isinstance(payload, dict):
        raise SpecValidationError([SpecError("", "The subscription must be an object with eventType and url.")])
    errors = []
    event_type, url, active = payload.get("eventType"), payload.get("url"), payload.get("isActive", True)
    if not isinstance(event_type, str) or not event_type.strip():
        errors.append(SpecError("eventType", "Event type is required."))
    elif event_type not in EVENT_TYPES:
        errors.append(SpecError("eventType", f"Unknown event type {event_type[:100]!r}; one of: {', '.join(EVENT_TYPES)}."))
    if not isinstance(url, str) or not url.strip():
        errors.append(SpecError("url", "Url is required."))
    elif not _usable_url(url):
        errors.append(SpecError("url", "Url must be an absolute http(s) address of at most 2000 characters."))
    if active is None:
        active = True
    if not isinstance(active, bool):
        errors.append(SpecError("isActive", "Is active must be true or false."))
    if errors:
        raise SpecValidationError(errors)
    return {"event_type": event_type, "url": url.strip(), "is_active": active}


def _usable_url(url: str) -> bool:
    if len(url) > 2000 or any(c.isspace() or ord(c) < 32 for c in url.strip()) or "\x00" in url:
        return False
    try:
        parts = urlsplit(url.strip())
        parts.port
    except ValueError:  # e.g. "http://[::1" or a port out of range
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def secret_new() -> str:
    """A Standard Webhooks secret: whsec_ and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def webhook_subscribe(*, customer, client, payload):
    from deliveries.api.models import WebhookSubscription

    fields = webhook_fields(payload)
    if WebhookSubscription.objects.filter(customer=customer).count() >= MAX_SUBSCRIPTIONS:
        raise SpecValidationError([SpecError("", f"At most {MAX_SUBSCRIPTIONS} webhook subscriptions per customer; "
                                                 "delete one first.")])
    return WebhookSubscription.objects.create(customer=customer, created_by=client, secret=secret_new(), **fields)


def webhook_update(*, subscription, payload):
    """PUT: the subscription becomes what the body says (isActive defaults to true). Switching it
    on again forgets the failures that switched it off."""
    fields = webhook_fields(payload)
    for name, value in fields.items():
        setattr(subscription, name, value)
    if subscription.is_active:
        subscription.consecutive_failures = 0
        subscription.disabled_at = None
        subscription.disabled_reason = ""
    subscription.save()
    return subscription


def webhook_unsubscribe(*, subscription) -> None:
    subscription.delete()


# --- events --------------------------------------------------------------------------------------------
def partner_event_emit(*, customer, event_type: str, data: dict, event_id: str | None = None):
    """Owe `event_type` to every active subscription of `customer` to it. The body partners get is
    `{"Id": <event id>, "eventType": event_type, **data}`. Returns the event, or None when nobody
    subscribed (nothing is kept then). `event_id`, when given (e.g. the carrier event's Id), makes
    a repeat emit nothing new. Call inside the transaction making the change: the sending starts
    after commit."""
    from deliveries.api.models import WebhookDelivery, WebhookEvent, WebhookSubscription

    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown partner event type {event_type!r}")
    if customer is None:
        return None
    subscriptions = list(WebhookSubscription.objects.filter(customer=customer, event_type=event_type, is_active=True))
    if not subscriptions:
        return None
    if event_id is not None:
        pk = uuid.uuid5(EVENT_NAMESPACE, f"{customer.pk}:{event_type}:{event_id}")
        if WebhookEvent.objects.filter(pk=pk).exists():
            return None  # already owed (the same carrier event relayed again)
    else:
        pk = uuid.uuid4()
    body = {"Id": str(pk), "eventType": event_type,
            **{k: v for k, v in data.items() if k not in ("Id", "eventType")}}
    now = timezone.now()
    with transaction.atomic():
        event = WebhookEvent.objects.create(id=pk, customer=customer, event_type=event_type, body=body)
        deliveries = WebhookDelivery.objects.bulk_create(
            [WebhookDelivery(event=event, subscription=s, next_attempt_at=now) for s in subscriptions])
        ids = [d.pk for d in deliveries] if all(d.pk for d in deliveries) else list(
            WebhookDelivery.objects.filter(event=event).values_list("pk", flat=True))
        transaction.on_commit(lambda: _send_later(ids))
    return event


def _send_later(delivery_ids: list[int]) -> None:
    from deliveries.partner_tasks import partner_webhook_deliver

    for delivery_id in delivery_ids:
        partner_webhook_deliver.delay(delivery_id)


def stop_event_data(stop, *, old_status: str = "", new_status: str = "", carrier_body: dict | None = None) -> dict:
    """A stop event's body: Locate2u's event as relayed (its stop, batch and ids replaced by the
    portal's, which GET /v1/Stops/{id} and the import status take), or built from the stop."""
    from deliveries.api.shapes import moment, stop_ref

    body = {k: v for k, v in (carrier_body or {}).items() if k not in ("Id", "eventType")}
    body.update({
        "stopId": stop.pk,
        "stopRef": stop_ref(stop.pk),
        "stopSourceReference": stop.stop_source_reference,
        "sourceReference": stop.source_reference or stop.stop_source_reference,
        "batchId": str(stop.batch.batch_id),
        "tripDate": stop.trip_date,
    })
    body.setdefault("actionDate", moment(timezone.now()))
    if old_status or new_status:
        body.update({"oldStatus": old_status or None, "newStatus": new_status or None})
    return body


def partner_stop_event_emit(*, stop, event_type: str, old_status: str = "", new_status: str = "",
                            carrier_body: dict | None = None, event_id: str | None = None):
    """A stop event for the stop's customer (stops of staff batches have none: nothing is sent)."""
    return partner_event_emit(
        customer=stop.batch.customer, event_type=event_type, event_id=event_id,
        data=stop_event_data(stop, old_status=old_status, new_status=new_status, carrier_body=carrier_body))


def batch_event_data(batch, *, old_status: str) -> dict:
    from deliveries.api.shapes import IMPORT_STATUS, import_status_name, moment, partner_reference

    return {
        "batchId": str(batch.batch_id),
        "batchSourceReference": partner_reference(batch),
        "oldStatus": IMPORT_STATUS.get(old_status, old_status) if old_status else None,
        "newStatus": import_status_name(batch),
        "totalCount": batch.total_count,
        "successCount": batch.success_count,
        "failedCount": batch.failed_count,
        "processedCount": batch.processed_count,
        "progressPercentage": float(batch.progress),
        "actionDate": moment(timezone.now()),
    }


def batch_status_name(batch) -> str:
    """The batch's import status as partners see it (Queued, Importing, Completed, …): take it
    before a change and pass it to partner_batch_status_emit after."""
    from deliveries.api.shapes import import_status_name

    return import_status_name(batch)


def partner_batch_status_emit(*, batch, old_status: str):
    """`batch.status-changed` when a partner batch's import status, in the spec's names, moved from
    `old_status` (a Batch.Status value, or batch_status_name(batch) taken before the change) to
    what the batch says now. The same name (e.g. queued → importing while Locate2u still queues
    it), or a batch of no customer: nothing."""
    from deliveries.api.shapes import IMPORT_STATUS

    if batch.customer_id is None or IMPORT_STATUS.get(old_status, old_status) == batch_status_name(batch):
        return None
    return partner_event_emit(customer=batch.customer, event_type="batch.status-changed",
                              data=batch_event_data(batch, old_status=old_status))


# --- sending --------------------------------------------------------------------------------------------
def retry_delay(attempts: int) -> timedelta:
    return timedelta(seconds=RETRY_BASE_SECONDS * RETRY_FACTOR ** (attempts - 1))


def _private_allowed() -> bool:
    # Development and tests (sandboxes on) may call local receivers; production may not.
    return getattr(settings, "PARTNER_WEBHOOKS_ALLOW_PRIVATE_URLS", settings.SANDBOX_ENABLED)


def _destination_refused(url: str) -> str:
    """Why the portal will not POST there (an address inside our network), or ""."""
    if _private_allowed():
        return ""
    host = urlsplit(url).hostname or ""
    try:
        infos = socket.getaddrinfo(host, None)
    except (socket.gaierror, UnicodeError) as exc:
        return f"cannot resolve {host}: {exc}"
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if not address.is_global:
            return f"{host} resolves to a private address ({address}); not allowed"
    return ""


def partner_delivery_send(*, delivery_id: int, now: datetime | None = None,
                          session: requests.Session | None = None):
    """Make the delivery's next attempt if it is due and nobody else is making it."""
    from deliveries.api.models import WebhookDelivery

    now = now or timezone.now()
    delivery = WebhookDelivery.objects.select_related("event", "subscription").filter(pk=delivery_id).first()
    if delivery is None or delivery.status != WebhookDelivery.Status.PENDING or delivery.next_attempt_at > now:
        return None
    claimed = WebhookDelivery.objects.filter(pk=delivery.pk, status=WebhookDelivery.Status.PENDING,
                                             next_attempt_at=delivery.next_attempt_at)
    if not claimed.update(next_attempt_at=now + LEASE):
        return None  # another worker has it
    subscription = delivery.subscription
    if not subscription.is_active:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=WebhookDelivery.Status.FAILED,
            last_error=(f"subscription switched off: {subscription.disabled_reason}" if subscription.disabled_reason
                        else "subscription switched off")[:500])
        delivery.refresh_from_db()
        return delivery
    _attempt(delivery, now, session or requests.Session())
    delivery.refresh_from_db()
    return delivery


def _attempt(delivery, now: datetime, session: requests.Session) -> None:
    from deliveries.api.models import WebhookAttempt, WebhookDelivery, WebhookSubscription

    subscription, event = delivery.subscription, delivery.event
    number = delivery.attempts + 1
    body = _json_text(event.body)
    sent_at = datetime.now(UTC)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "DispatchPortal-Webhooks/1.0",
        "webhook-id": str(event.id),
        "webhook-timestamp": str(int(sent_at.timestamp())),
        "webhook-signature": Webhook(subscription.secret).sign(msg_id=str(event.id), timestamp=sent_at, data=body),
    }
    status_code, error = None, _destination_refused(subscription.url)
    started = time.monotonic()
    if not error:
        try:
            response = session.post(subscription.url, data=body.encode(), headers=headers, timeout=TIMEOUT,
                                    allow_redirects=False)
            status_code = response.status_code
            response.close()
            if not 200 <= status_code < 300:
                error = f"answered {status_code}"
        except (requests.RequestException, ValueError) as exc:  # ValueError: a URL requests cannot use
            error = f"{type(exc).__name__}: {exc}"[:500]
    duration = int((time.monotonic() - started) * 1000)
    with transaction.atomic():
        WebhookAttempt.objects.create(delivery=delivery, number=number, attempted_at=sent_at,
                                      status_code=status_code, error=error[:500], duration_ms=duration)
        if not error:
            WebhookDelivery.objects.filter(pk=delivery.pk).update(
                status=WebhookDelivery.Status.DELIVERED, attempts=number, last_status_code=status_code,
                last_error="", delivered_at=now)
            WebhookSubscription.objects.filter(pk=subscription.pk).update(consecutive_failures=0)
            return
        logger.info("partner webhook %s to %s failed (attempt %s): %s", event.id, subscription.url, number, error)
        final = number >= MAX_ATTEMPTS
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=WebhookDelivery.Status.FAILED if final else WebhookDelivery.Status.PENDING, attempts=number,
            next_attempt_at=now + retry_delay(number), last_status_code=status_code, last_error=error[:500])
        WebhookSubscription.objects.filter(pk=subscription.pk).update(consecutive_failures=F("consecutive_failures") + 1)
        _disable_if_failing(subscription.pk, error, now)


def _disable_if_failing(subscription_id: int, error: str, now: datetime) -> None:
    from deliveries.api.models import WebhookDelivery, WebhookSubscription

    reason = f"Switched off after {DISABLE_AFTER} failed deliveries in a row (last: {error})"[:300]
    switched = WebhookSubscription.objects.filter(
        pk=subscription_id, is_active=True, consecutive_failures__gte=DISABLE_AFTER
    ).update(is_active=False, disabled_at=now, disabled_reason=reason, updated_at=now)
    if switched:
        logger.warning("partner webhook subscription %s switched off: %s", subscription_id, error)
        WebhookDelivery.objects.filter(subscription_id=subscription_id, status=WebhookDelivery.Status.PENDING).update(
            status=WebhookDelivery.Status.FAILED, last_error="subscription switched off after repeated failures")


def _json_text(body) -> str:
    import json

    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


def partner_deliveries_due(*, now: datetime | None = None, limit: int = 200) -> list[int]:
    """Deliveries whose attempt is due (a retry, a lost message, a worker that died mid-send)."""
    from deliveries.api.models import WebhookDelivery

    now = now or timezone.now()
    return list(WebhookDelivery.objects.filter(status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now)
                .order_by("next_attempt_at").values_list("pk", flat=True)[:limit])


def partner_deliveries_send_due(*, now: datetime | None = None, session: requests.Session | None = None) -> int:
    """Send every due delivery here and now (tests, and a management shell); returns how many were tried."""
    ids = partner_deliveries_due(now=now)
    for delivery_id in ids:
        partner_delivery_send(delivery_id=delivery_id, now=now, session=session)
    return len(ids)


def partner_api_housekeeping(*, now: datetime | None = None) -> dict:
    """Forget what partners can no longer ask for: Idempotency-Keys after a day, delivered or failed
    deliveries (and their events) after thirty days."""
    from deliveries.api.base import IDEMPOTENCY_TTL
    from deliveries.api.models import IdempotencyRecord, WebhookDelivery, WebhookEvent

    now = now or timezone.now()
    keys, _ = IdempotencyRecord.objects.filter(created_at__lt=now - IDEMPOTENCY_TTL).delete()
    old = now - timedelta(days=30)
    deliveries, _ = WebhookDelivery.objects.filter(created_at__lt=old).exclude(
        status=WebhookDelivery.Status.PENDING).delete()
    events, _ = WebhookEvent.objects.filter(created_at__lt=old, deliveries__isnull=True).delete()
    return {"idempotency_keys": keys, "deliveries": deliveries, "events": events}
