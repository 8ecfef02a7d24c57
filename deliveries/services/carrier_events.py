"""Locate2u webhooks in (CONTRACT §5): stored first, applied by a task, forward only.

  locate2u_webhook_receive   the view's work: signature, body, one CarrierEvent per event Id
                             (a repeated Id is stored once), a task sent after commit
  locate2u_events_apply      the task's work: each event applied once, to the stop it names,
                             only when it moves the stop forward in its lifecycle
  locate2u_events_offer_due  the sweep: events stored but not applied within 30 s are re-offered
  subscriptions_*            the subscriptions `manage.py locate2u_subscribe` made, with the
                             secrets Locate2u signs their deliveries with

The stop lifecycle is Locate2u's (and the sandbox's, SandboxStop.LIFECYCLE):
Created → Pending → Enroute → Arrived → Complete. Failed and cancelled stops are final too; a stop
at a final status moves no more. Anything else would move a stop backwards, or sideways, and is
recorded with its reason in the event's outcome, the stop left as it was.

Signatures (Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature) are checked with
the `standardwebhooks` library whenever a subscription secret is known: then an unsigned or badly
signed request is a 401 and nothing is stored. With no secret known (subscriptions made by hand
in Locate2u's portal, say) the secret in the URL is the only guard, as for LineTen.

The secrets are kept in a small JSON file (LOCATE2U_WEBHOOK_STORE, default VAR_DIR/
locate2u-webhooks.json, mode 0600), written by the command and read by the web processes on the
same machine, plus any given in LOCATE2U_WEBHOOK_SECRETS (comma-separated) for set-ups where
processes do not share VAR_DIR.
"""
import binascii
import json
import logging
import os
import tempfile
import uuid
from dataclasses import dataclass
from datetime import UTC, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from deliveries.models import Batch, CarrierEvent, Stop
from deliveries.services.locate2u_refs import upstream_ref
from deliveries.services.partner_webhooks import partner_stop_event_emit

logger = logging.getLogger(__name__)

SOURCE = CarrierEvent.Source.LOCATE2U
STOP_EVENT_TYPES = ("stop.status-changed",)  # what `locate2u_subscribe` asks Locate2u for
LIFECYCLE = ("Created", "Pending", "Enroute", "Arrived", "Complete")
FINAL_OTHER = ("Failed", "Cancelled", "Rejected")  # ends other than Complete
# Spellings seen in Locate2u's documents and UIs, to the one we store.
ALIASES = {"completed": "Complete", "en route": "Enroute", "en-route": "Enroute", "canceled": "Cancelled",
           "failure": "Failed"}
SWEEP_AFTER = timedelta(seconds=30)
MAX_EVENT_ID = 100  # CarrierEvent.event_id


# --- the stop lifecycle ---------------------------------------------------------------------------------
def status_canonical(value) -> str | None:
    """Locate2u's status name as we store it, or None for a status we do not know."""
    if not isinstance(value, str) or not value.strip():
        return None
    key = value.strip().casefold()
    for name in LIFECYCLE + FINAL_OTHER:
        if name.casefold() == key:
            return name
    return ALIASES.get(key)


def _rank(status: str) -> int:
    if status in LIFECYCLE:
        return LIFECYCLE.index(status)
    if status in FINAL_OTHER:
        return len(LIFECYCLE) - 1  # final, level with Complete
    return -1  # none yet (""), or something we never stored


def is_final(status: str) -> bool:
    return status == LIFECYCLE[-1] or status in FINAL_OTHER


def moves_forward(current: str, new: str) -> bool:
    if is_final(current):
        return False
    return _rank(new) > _rank(current) or (is_final(new) and not is_final(current))


def statuses_before(new: str) -> list[str]:
    """The stored statuses `new` moves forward from ("" = none yet)."""
    return [s for s in ("",) + LIFECYCLE + FINAL_OTHER if moves_forward(s, new)]


# --- the subscriptions' secrets ---------------------------------------------------------------------------
def _store_path() -> Path:
    configured = getattr(settings, "LOCATE2U_WEBHOOK_STORE", None)
    return Path(configured) if configured else Path(settings.VAR_DIR) / "locate2u-webhooks.json"


def subscriptions_load() -> dict[str, dict]:
    """{webhook id: {"eventType", "url", "secret"}} as `locate2u_subscribe` left them."""
    try:
        data = json.loads(_store_path().read_text())
    except FileNotFoundError:
        return {}
    except (OSError, ValueError):
        logger.warning("cannot read %s; treating it as empty", _store_path())
        return {}
    subscriptions = data.get("subscriptions") if isinstance(data, dict) else None
    return {str(k): v for k, v in subscriptions.items() if isinstance(v, dict)} if isinstance(subscriptions, dict) else {}


def subscriptions_save(subscriptions: dict[str, dict]) -> None:
    path = _store_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".locate2u-webhooks-")
    try:
        with os.fdopen(handle, "w") as out:
            json.dump({"subscriptions": subscriptions}, out, indent=2, sort_keys=True)
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)  # readers see the old file or the new one, never half of one
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def known_secrets() -> list[str]:
    secrets = [s["secret"] for s in subscriptions_load().values() if isinstance(s.get("secret"), str) and s["secret"]]
    configured = getattr(settings, "LOCATE2U_WEBHOOK_SECRETS", "") or ""
    if isinstance(configured, str):
        configured = configured.split(",")
    secrets += [s.strip() for s in configured if isinstance(s, str) and s.strip()]
    return list(dict.fromkeys(secrets))


# --- receiving --------------------------------------------------------------------------------------------
class WebhookRefused(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class Received:
    events: int  # events in the body
    new: list[CarrierEvent]  # stored now (the others were stored before)


def signature_check(*, body: bytes, headers, secrets: list[str]) -> None:
    """Standard Webhooks: one of the known secrets signed this body. Raises WebhookRefused(401)."""
    from standardwebhooks.webhooks import EmptyWebhookSecretError, Webhook, WebhookVerificationError

    wanted = {name: headers.get(name) or "" for name in ("webhook-id", "webhook-timestamp", "webhook-signature")}
    if not all(wanted.values()):
        raise WebhookRefused(401, "Missing Standard Webhooks signature headers (webhook-id, webhook-timestamp, "
                                  "webhook-signature).")
    for secret in secrets:
        try:
            Webhook(secret).verify(body, wanted, json_parse=False)
            return
        except WebhookVerificationError as exc:
            if "timestamp" in str(exc).lower():
                raise WebhookRefused(401, f"Bad webhook signature: {exc}.") from None
        except (ValueError, binascii.Error, TypeError, EmptyWebhookSecretError):  # a malformed header or secret
            continue
    raise WebhookRefused(401, "Bad webhook signature: no known subscription secret signed this request.")


def _events_from(body: bytes) -> list[dict]:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise WebhookRefused(400, "The body is not JSON: send one event object or an array of them.") from None
    events = data if isinstance(data, list) else [data]
    for i, event in enumerate(events):
        where = f"Event {i}" if isinstance(data, list) else "The event"
        if not isinstance(event, dict):
            raise WebhookRefused(400, f"{where} is not an object: send one event object or an array of them.")
        event_id = event.get("Id", event.get("id"))
        if isinstance(event_id, bool) or not isinstance(event_id, (str, int)) or not str(event_id).strip():
            raise WebhookRefused(400, f"{where} has no Id: every event needs its unique Id.")
        if len(str(event_id)) > MAX_EVENT_ID:
            raise WebhookRefused(400, f"{where} has an Id longer than {MAX_EVENT_ID} characters.")
    return events


def locate2u_webhook_receive(*, body: bytes, headers) -> Received:
    """Check and store the events of one webhook POST; nothing is stored when it is refused.
    The new ones are applied by a task sent once they are committed."""
    secrets = known_secrets()
    if secrets:
        signature_check(body=body, headers=headers, secrets=secrets)
    events = _events_from(body)
    new: list[CarrierEvent] = []
    with transaction.atomic():
        for event in events:
            stored, created = CarrierEvent.objects.get_or_create(
                source=SOURCE, event_id=str(event.get("Id", event.get("id"))).strip(),
                defaults={"event_type": str(event.get("eventType") or "")[:100], "body": event})
            if created:
                new.append(stored)
        if new:
            ids = [e.pk for e in new]
            transaction.on_commit(lambda: _offer(ids))
    return Received(events=len(events), new=new)


def _offer(ids: list[int]) -> None:
    from deliveries.event_tasks import locate2u_events_apply

    locate2u_events_apply.delay(ids)


# --- applying ---------------------------------------------------------------------------------------------
def _stop_for(body: dict) -> Stop | None:
    """By Locate2u's stop id once the import's result told it; before that, by the batch (Locate2u
    names it by our GUID) and the reference we sent, in the batch's customer's namespace."""
    stop_id = body.get("stopId")
    if isinstance(stop_id, str) and stop_id.strip().isdigit():
        stop_id = int(stop_id)
    if isinstance(stop_id, int) and not isinstance(stop_id, bool):
        found = Stop.objects.filter(locate2u_stop_id=stop_id).order_by("-pk").first()
        if found:
            return found
    reference, batch_id = body.get("stopSourceReference"), body.get("batchId")
    if isinstance(reference, str) and reference and isinstance(batch_id, str):
        try:
            batch_uuid = uuid.UUID(batch_id)
        except ValueError:
            return None
        batch = Batch.objects.select_related("customer").filter(batch_id=batch_uuid).first()
        if batch is None:
            return None
        found = batch.stops.filter(stop_source_reference=upstream_ref(batch.customer, reference)).first()
        if found and found.locate2u_stop_id is None and isinstance(stop_id, int):
            # The webhook came before we read the import's result: learn the id now.
            Stop.objects.filter(pk=found.pk, locate2u_stop_id__isnull=True).update(locate2u_stop_id=stop_id)
        return found
    return None


def _moment(body: dict):
    value = body.get("actionDate")
    parsed = parse_datetime(value) if isinstance(value, str) else None
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, UTC)
    return parsed


def _apply(body: dict, now) -> str:
    """Apply one event to its stop; return the outcome to record."""
    event_type = body.get("eventType") or "event"
    raw = body.get("newStatus")
    if raw is None:
        return f"ignored: {event_type} carries no status"
    new = status_canonical(raw)
    stop = _stop_for(body)
    if stop is None:
        return f"unknown stop (stopId {body.get('stopId')!r}, stopSourceReference {body.get('stopSourceReference')!r})"
    if new is None:
        return f"ignored: unknown status {raw!r}"
    updated = Stop.objects.filter(pk=stop.pk, carrier_status__in=statuses_before(new)).update(
        carrier_status=new, carrier_status_at=_moment(body) or now)
    if updated:
        # Relay to the partner whose batch it is (staff batches have no customer: nothing is sent).
        partner_stop_event_emit(stop=stop, event_type=event_type, old_status=stop.carrier_status, new_status=new,
                                carrier_body=body, event_id=str(body.get("Id")))
        return f"applied ({stop.carrier_status or 'no status'} → {new})"
    current = Stop.objects.filter(pk=stop.pk).values_list("carrier_status", flat=True).first() or ""
    if current == new:
        return f"ignored: already {new}"
    return f"ignored: would move backwards ({current} → {new})"


def locate2u_event_apply(*, event_pk: int) -> CarrierEvent | None:
    """Apply one stored event, once: of two workers (a task and the sweep's), one claims it."""
    with transaction.atomic():
        now = timezone.now()
        if not CarrierEvent.objects.filter(pk=event_pk, source=SOURCE, applied_at__isnull=True).update(applied_at=now):
            return None  # applied already, or not ours
        event = CarrierEvent.objects.get(pk=event_pk)
        body = event.body if isinstance(event.body, dict) else {}
        event.outcome = _apply(body, now)[:200]
        event.save(update_fields=["outcome"])
    return event


def locate2u_events_apply(*, event_pks: list[int]) -> None:
    """Apply events in the order they were received (the lifecycle check makes order a nicety)."""
    for pk in sorted(event_pks):
        try:
            locate2u_event_apply(event_pk=pk)
        except Exception:  # one bad event must not hold up the others; the sweep retries it
            logger.exception("locate2u event %s could not be applied", pk)


def locate2u_events_offer_due(*, older_than: timedelta = SWEEP_AFTER, limit: int = 500) -> list[int]:
    """Re-offer events stored but not applied within `older_than` (a lost or failed task)."""
    ids = list(CarrierEvent.objects.filter(source=SOURCE, applied_at__isnull=True,
                                           received_at__lt=timezone.now() - older_than)
               .order_by("pk").values_list("pk", flat=True)[:limit])
    if ids:
        _offer(ids)
    return ids


# --- subscribing --------------------------------------------------------------------------------------------
def webhook_url() -> str:
    """Where Locate2u is to send our webhooks: {PUBLIC_BASE_URL}/webhooks/locate2u/{CALLBACK_SECRET}/."""
    from django.urls import reverse

    return settings.PUBLIC_BASE_URL.rstrip("/") + reverse("locate2u-webhook", args=[settings.CALLBACK_SECRET])


def locate2u_subscribe(*, url: str, event_types=STOP_EVENT_TYPES, client=None) -> list[str]:
    """Make sure Locate2u sends each event type to `url`, once, signed with a secret we hold.

    Idempotent: lists the subscriptions first and creates only what is missing. A subscription to
    our URL whose secret we never learnt (it is shown on creation only), or a second one for the
    same event type, is deleted and, where needed, made again, so every delivery can be verified
    and none arrives twice. Returns one line per event type saying what was done."""
    from deliveries.carriers.locate2u.client import locate2u_client

    client = client or locate2u_client()
    existing = client.webhooks_list()
    present = {str(w.id) for w in existing}
    store = {key: value for key, value in subscriptions_load().items() if key in present}
    lines = []
    for event_type in event_types:
        ours = [w for w in existing if w.url == url and w.event_type == event_type]
        keep = next((w for w in ours if store.get(str(w.id), {}).get("secret")), None)
        for extra in ours:
            if extra is not keep:
                client.webhook_delete(extra.id)
                store.pop(str(extra.id), None)
                lines.append(f"{event_type}: deleted subscription {extra.id} (a duplicate, or its secret is unknown)")
        if keep is not None:
            if not keep.is_active:
                client.webhook_update(keep.id, event_type=event_type, url=url, is_active=True)
                lines.append(f"{event_type}: subscription {keep.id} activated again")
            else:
                lines.append(f"{event_type}: already subscribed (subscription {keep.id})")
            continue
        created = client.webhook_create(event_type, url)
        store[str(created.id)] = {"eventType": event_type, "url": url, "secret": created.secret or ""}
        subscriptions_save(store)  # at once: the secret is shown this one time
        lines.append(f"{event_type}: subscribed (subscription {created.id})"
                     + ("" if created.secret else "; no secret returned, deliveries cannot be verified"))
    subscriptions_save(store)
    return lines
