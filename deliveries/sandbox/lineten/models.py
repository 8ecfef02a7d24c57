"""The LineTen sandbox's own state: issued tokens, jobs with their quotes, callbacks owed, and
the answers kept for idempotent replays. Nothing in the portal reads these tables."""
from uuid import uuid4

from django.db import models
from django.db.models import Q

from deliveries.carriers.lineten.statuses import DeliveryStatus, JobStatus, QuoteStatus


class SandboxToken(models.Model):
    value = models.CharField(max_length=64, unique=True)
    client_id = models.CharField(max_length=200)
    expires_at = models.DateTimeField(db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"token for {self.client_id} until {self.expires_at:%H:%M:%S}"


class SandboxJob(models.Model):
    """A LineTen job. Its primary key is the integer JobId the API hands out."""

    client_id = models.CharField(max_length=200, help_text="The API client that asked for it.")
    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    quote_request_id = models.UUIDField(default=uuid4, editable=False)
    transaction_id = models.UUIDField(default=uuid4, editable=False)
    client_ref = models.CharField(max_length=200, blank=True)
    callback_url = models.URLField(max_length=500, blank=True)
    notes = models.TextField(blank=True)
    entity_id = models.PositiveIntegerField(help_text="The client, or the store the job is for.")
    ext_store_ref = models.CharField(max_length=100, blank=True)
    transport_types = models.JSONField(default=list, blank=True)
    tasks = models.JSONField(default=list, help_text="The two tasks as quoted, store addresses resolved.")
    pickup_latitude = models.FloatField()
    pickup_longitude = models.FloatField()
    delivery_latitude = models.FloatField()
    delivery_longitude = models.FloatField()
    distance_km = models.FloatField()
    requested_delivery_start = models.DateTimeField(null=True, blank=True)
    requested_delivery_end = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=JobStatus.choices, default=JobStatus.QUOTED)
    delivery_status = models.CharField(max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.IDLE)
    expires_at = models.DateTimeField(help_text="When the last of its quotes expires.")
    selected_quote = models.OneToOneField(
        "SandboxQuote", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    booked_at = models.DateTimeField(null=True, blank=True)
    next_step_at = models.DateTimeField(null=True, blank=True, help_text="When the tick moves it on next.")
    picked_up_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancellation_fee_charged = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "next_step_at"], name="sbx_l10_job_due")]
        constraints = [
            models.CheckConstraint(
                condition=Q(booked_at__isnull=True) | Q(selected_quote__isnull=False), name="sbx_l10_booked_has_quote"
            ),
        ]

    def __str__(self) -> str:
        return f"LineTen job {self.pk} ({self.status}/{self.delivery_status})"


class SandboxQuote(models.Model):
    job = models.ForeignKey(SandboxJob, on_delete=models.CASCADE, related_name="quotes")
    response_id = models.UUIDField(default=uuid4, unique=True, editable=False, help_text="QuoteResponseId")
    provider_name = models.CharField(max_length=100)
    provider_uuid = models.CharField(max_length=36)
    transport_type = models.CharField(max_length=16)
    price = models.DecimalField(max_digits=10, decimal_places=2)
    cancellation_fee = models.DecimalField(max_digits=10, decimal_places=2)
    distance_km = models.FloatField()
    minutes_to_pickup = models.PositiveIntegerField()
    minutes_to_deliver = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=QuoteStatus.choices, default=QuoteStatus.QUOTED)
    expire_at = models.DateTimeField()
    booked_at = models.DateTimeField(null=True, blank=True)
    provider_job_id = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["price", "id"]
        constraints = [
            # One booking per job, held by the database and not only by the service.
            models.UniqueConstraint(fields=["job"], condition=Q(status="booked"), name="sbx_l10_one_booked_quote"),
        ]

    def __str__(self) -> str:
        return f"{self.provider_name} {self.transport_type} £{self.price}"


class SandboxCallback(models.Model):
    """A callback event owed to a job's CallbackUrl; sent, or retried, by the tick."""

    job = models.ForeignKey(SandboxJob, on_delete=models.CASCADE, related_name="callbacks")
    event_id = models.UUIDField(default=uuid4, unique=True, editable=False)
    url = models.URLField(max_length=500)
    body = models.JSONField(help_text="One element of the callback array.")
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    lease_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    gave_up = models.BooleanField(default=False)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["sent_at", "gave_up", "next_attempt_at"], name="sbx_l10_callback_due")]

    def __str__(self) -> str:
        return f"callback {self.event_id} for job {self.job_id}"


class SandboxIdempotency(models.Model):
    """The first successful answer to a request carrying an Idempotency-Key, replayed on repeats."""

    client_id = models.CharField(max_length=200)
    endpoint = models.CharField(max_length=200)
    key = models.CharField(max_length=200)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    payload = models.JSONField(null=True)
    rows = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client_id", "endpoint", "key"], name="sbx_l10_idempotency_key_unique"),
        ]
