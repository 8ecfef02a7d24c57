"""The Locate2u sandbox's own state: tokens, imports (batch deliveries and stop imports), stops,
webhook subscriptions, and the events it owes to subscribers."""
import uuid

from django.db import models
from django.db.models import Q


class SandboxToken(models.Model):
    """An access token we issued; only its SHA-256 is kept, like a password."""

    token_hash = models.CharField(max_length=64, unique=True)
    scope = models.CharField(max_length=100)
    expires_at = models.DateTimeField(db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)


class SandboxImport(models.Model):
    """One accepted batch delivery or stop import. Its progress is a function of time
    (created_at, rate); `processed_count` records how far its rows have been turned into stops."""

    class Kind(models.TextChoices):
        BATCH_DELIVERY = "batch_delivery", "Batch delivery"
        STOP_IMPORT = "stop_import", "Stop import"

    class Status(models.TextChoices):  # the spec's names, on the wire as they are
        QUEUED = "Queued"
        IMPORTING = "Importing"
        COMPLETED = "Completed"
        PARTIALLY_COMPLETED = "PartiallyCompleted"
        FAILED = "Failed"

    batch_id = models.UUIDField(unique=True, default=uuid.uuid4)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    batch_source_reference = models.CharField(max_length=100, blank=True)
    idempotency_key = models.CharField(max_length=200, blank=True)
    body_hash = models.CharField(max_length=64, help_text="SHA-256 of the canonical request body")
    payload = models.JSONField(help_text="The request as accepted")
    items_count = models.PositiveIntegerField(default=0)
    total_count = models.PositiveIntegerField()
    rate = models.FloatField(help_text="Stops processed per second")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    processed_count = models.PositiveIntegerField(default=0)
    success_count = models.PositiveIntegerField(default=0)
    failed_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True, help_text="The spec's error objects, in row order")
    created_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # A repeated batch (same reference) or a retried POST (same key) finds the first one.
            models.UniqueConstraint(fields=["batch_source_reference"], condition=Q(kind="batch_delivery"),
                                    name="sandbox_l2u_one_batch_per_reference"),
            models.UniqueConstraint(fields=["kind", "idempotency_key"], condition=~Q(idempotency_key=""),
                                    name="sandbox_l2u_one_import_per_key"),
        ]
        indexes = [models.Index(fields=["status"], name="sandbox_l2u_import_status")]

    def __str__(self) -> str:
        return f"{self.kind} {self.batch_id} ({self.status})"


class SandboxStop(models.Model):
    """A stop 'in Locate2u'. Its id is the stopId the API hands out."""

    class Kind(models.TextChoices):
        PICKUP = "Pickup"
        DROPOFF = "Dropoff"
        STOP = "Stop"

    # Locate2u's statuses (developer.locate2u.com, stop.status-changed) in the order a stop lives them.
    LIFECYCLE = ("Created", "Pending", "Enroute", "Arrived", "Complete")

    batch = models.ForeignKey(SandboxImport, null=True, blank=True, on_delete=models.CASCADE, related_name="stops")
    row_number = models.PositiveIntegerField(null=True, blank=True, help_text="1-based row of its import")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    source_reference = models.CharField(max_length=100, db_index=True)
    idempotency_key = models.CharField(max_length=200, blank=True)
    name = models.CharField(max_length=250)
    address = models.CharField(max_length=500)
    trip_date = models.DateField(null=True, blank=True)
    latitude = models.FloatField()
    longitude = models.FloatField()
    data = models.JSONField(help_text="The stop as submitted")
    status = models.CharField(max_length=16, default="Created")
    status_changed_at = models.DateTimeField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "row_number"], condition=Q(batch__isnull=False),
                                    name="sandbox_l2u_one_stop_per_row"),
            models.UniqueConstraint(fields=["idempotency_key"], condition=~Q(idempotency_key=""),
                                    name="sandbox_l2u_one_stop_per_key"),
        ]
        indexes = [models.Index(fields=["status", "status_changed_at"], name="sandbox_l2u_stop_due")]

    def __str__(self) -> str:
        return f"stop {self.pk} {self.source_reference} ({self.status})"


class SandboxWebhook(models.Model):
    event_type = models.CharField(max_length=64)
    url = models.URLField(max_length=2000)
    is_active = models.BooleanField(default=True)
    secret = models.CharField(max_length=100, help_text="Signs deliveries (Standard Webhooks)")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]


class SandboxEvent(models.Model):
    """Something that happened, as the webhook body it becomes; `id` is the event's unique Id."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    event_type = models.CharField(max_length=64)
    body = models.JSONField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at"]


class SandboxDelivery(models.Model):
    """One event owed to one subscriber; retried with back-off, given up after a few attempts."""

    class Status(models.TextChoices):
        PENDING = "pending"
        DELIVERED = "delivered"
        FAILED = "failed"

    event = models.ForeignKey(SandboxEvent, on_delete=models.CASCADE, related_name="deliveries")
    webhook = models.ForeignKey(SandboxWebhook, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "webhook"], name="sandbox_l2u_one_delivery")]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="sandbox_l2u_delivery_due")]
