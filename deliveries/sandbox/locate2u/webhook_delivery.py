"""Sending the webhook events the sandbox owes: one POST per (event, subscriber), signed with the
Standard Webhooks headers, retried with back-off, given up after MAX_ATTEMPTS. A subscriber that
is down, slow or answers nonsense costs one short timeout and never stops the tick."""
import base64
import hashlib
import hmac
import json
import logging
from datetime import datetime, timedelta

import requests
from django.utils import timezone

from .models import SandboxDelivery

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
TIMEOUT = (2.0, 5.0)  # connect, read (seconds)
LEASE = timedelta(seconds=60)  # a delivery being sent is not picked up by a parallel tick


def signature(secret: str, message_id: str, timestamp: int, body: str) -> str:
    """Standard Webhooks: v1,base64(HMAC-SHA256(key, "id.timestamp.body")), key = the secret's bytes."""
    encoded = secret.removeprefix("whsec_")
    try:
        key = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
    except ValueError:
        key = encoded.encode()
    digest = hmac.new(key, f"{message_id}.{timestamp}.{body}".encode(), hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def _retry_at(now: datetime, attempts: int) -> datetime:
    return now + timedelta(seconds=5 * 2 ** attempts)


def deliveries_send_due(*, now: datetime | None = None, limit: int = 100, session: requests.Session | None = None) -> int:
    """Send the deliveries that are due; return how many subscribers accepted theirs."""
    now = now or timezone.now()
    session = session or requests.Session()
    due = list(SandboxDelivery.objects.select_related("event", "webhook")
               .filter(status=SandboxDelivery.Status.PENDING, next_attempt_at__lte=now)
               .order_by("next_attempt_at", "id")[:limit])
    sent = 0
    for delivery in due:
        claimed = SandboxDelivery.objects.filter(pk=delivery.pk, status=SandboxDelivery.Status.PENDING,
                                                 next_attempt_at=delivery.next_attempt_at)
        if not claimed.update(next_attempt_at=now + LEASE):
            continue
        sent += _send(delivery, now, session)
    return sent


def _send(delivery: SandboxDelivery, now: datetime, session: requests.Session) -> int:
    webhook, event = delivery.webhook, delivery.event
    attempts = delivery.attempts + 1
    if not webhook.is_active:
        SandboxDelivery.objects.filter(pk=delivery.pk).update(status=SandboxDelivery.Status.FAILED,
                                                              last_error="subscription deactivated")
        return 0
    body = json.dumps(event.body)
    timestamp = int(now.timestamp())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Locate2u-Sandbox/1.0",
        "webhook-id": str(event.id),
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(webhook.secret, str(event.id), timestamp, body),
    }
    status_code, error = None, ""
    try:
        response = session.post(webhook.url, data=body.encode(), headers=headers, timeout=TIMEOUT,
                                allow_redirects=False)
        status_code = response.status_code
        if 200 <= status_code < 300:
            SandboxDelivery.objects.filter(pk=delivery.pk).update(
                status=SandboxDelivery.Status.DELIVERED, attempts=attempts, last_status_code=status_code, last_error="")
            return 1
        error = f"answered {status_code}"
    except (requests.RequestException, ValueError) as exc:  # ValueError: a URL requests cannot use
        error = f"{type(exc).__name__}: {exc}"[:500]
    logger.info("sandbox webhook %s to %s failed (attempt %s): %s", event.id, webhook.url, attempts, error)
    final = attempts >= MAX_ATTEMPTS
    SandboxDelivery.objects.filter(pk=delivery.pk).update(
        status=SandboxDelivery.Status.FAILED if final else SandboxDelivery.Status.PENDING, attempts=attempts,
        next_attempt_at=_retry_at(now, attempts), last_status_code=status_code, last_error=error)
    return 0
