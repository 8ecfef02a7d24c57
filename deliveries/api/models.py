"""Tables of the Locate2u-compatible partner API.

- IdempotencyRecord: the first successful answer to a POST carrying an Idempotency-Key, replayed
  for the same key and body (services: deliveries/api/idempotency.py).
- StopImport: what makes a portal Batch a container of partner stops (POST /v1/Stops and
  /v1/Stops/import): the partner's own reference and the kind of request (services/partner_stops.py).
- WebhookSubscription, WebhookEvent, WebhookDelivery, WebhookAttempt: partners' subscriptions to
  their customer's events and every attempt to deliver them (services/partner_webhooks.py).
"""
import uuid

from django.db import models
from django.db.models import Q


class IdempotencyRecord(models.Model):
    """One Idempotency-Key of one client: the request it was first used for and the answer given."""

    client = models.ForeignKey("partners.PartnerClient", on_delete=models.CASCADE, related_name="idempotency_records")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of method, path and (canonical) body")
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=300)
    response_status = models.PositiveSmallIntegerField()
    response_body = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["client", "key"], name="partner_api_one_record_per_key")]

    def __str__(self) -> str:
        return f"{self.method} {self.path} [{self.key}] → {self.response_status}"


class StopImport(models.Model):
    """A portal Batch that holds partner stops sent on their own, not as a batch delivery.

    The batch (created_via "partner stops import") has only drop-off stops, no pickups and, unless
    the stops name some, no items; it is pushed to Locate2u's stop import instead of its batch
    delivery, and followed, counted and shown like any other batch.
    """

    class Kind(models.TextChoices):
        SINGLE = "single", "Single stop (POST /v1/Stops)"
        IMPORT = "import", "Stop import (POST /v1/Stops/import)"

    batch = models.OneToOneField("deliveries.Batch", on_delete=models.CASCADE, related_name="partner_stop_import")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    client = models.ForeignKey("partners.PartnerClient", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="stop_imports")
    batch_source_reference = models.CharField(max_length=100, blank=True, help_text="The partner's, if it gave one")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.batch.batch_id}"


class WebhookSubscription(models.Model):
    """A partner's subscription to one event type of its customer. Deliveries are signed with
    `secret` (Standard Webhooks); after too many failures in a row it is switched off."""

    customer = models.ForeignKey("partners.Customer", on_delete=models.CASCADE, related_name="webhook_subscriptions")
    created_by = models.ForeignKey("partners.PartnerClient", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="webhook_subscriptions")
    event_type = models.CharField(max_length=64)
    url = models.URLField(max_length=2000)
    is_active = models.BooleanField(default=True)
    secret = models.CharField(max_length=100, help_text="whsec_…; shown to the partner once, on creation")
    consecutive_failures = models.PositiveIntegerField(default=0)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["customer", "event_type", "is_active"], name="partner_webhook_by_event")]

    def __str__(self) -> str:
        return f"{self.customer} {self.event_type} → {self.url}"


class WebhookEvent(models.Model):
    """Something that happened to a customer's data, as the body partners receive; `id` is the
    event's `Id` and the `webhook-id` header (the same on every retry, for deduplication)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    customer = models.ForeignKey("partners.Customer", on_delete=models.CASCADE, related_name="webhook_events")
    event_type = models.CharField(max_length=64)
    body = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.event_type} {self.id}"


class WebhookDelivery(models.Model):
    """One event owed to one subscription: retried with exponential back-off, given up after
    MAX_ATTEMPTS. `next_attempt_at` doubles as the lease of the worker sending it."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"

    event = models.ForeignKey(WebhookEvent, on_delete=models.CASCADE, related_name="deliveries")
    subscription = models.ForeignKey(WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "webhook deliveries"
        constraints = [models.UniqueConstraint(fields=["event", "subscription"], name="partner_webhook_one_delivery")]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="partner_webhook_delivery_due"),
            models.Index(fields=["subscription", "-created_at"], name="partner_webhook_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.subscription_id} ({self.status})"


class WebhookAttempt(models.Model):
    """One POST of a delivery: when, what came back, how long it took."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveSmallIntegerField()
    attempted_at = models.DateTimeField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Empty when no answer came")
    error = models.CharField(max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["delivery_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["delivery", "number"], name="partner_webhook_attempt_once"),
            models.CheckConstraint(condition=Q(number__gte=1), name="partner_webhook_attempt_number"),
        ]

    def __str__(self) -> str:
        return f"attempt {self.number}: {self.status_code or self.error}"
