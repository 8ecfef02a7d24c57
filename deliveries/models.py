from django.db import models


class CarrierCall(models.Model):
    """One HTTP call the portal made to a carrier, for staff to read (bodies redacted)."""

    class Carrier(models.TextChoices):
        LOCATE2U = "locate2u", "Locate2u"
        LINETEN = "lineten", "LineTen"

    carrier = models.CharField(max_length=16, choices=Carrier.choices)
    method = models.CharField(max_length=8)
    url = models.CharField(max_length=500)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Empty when no answer came.")
    outcome = models.CharField(max_length=32, help_text="ok, or the kind of failure")
    attempt = models.PositiveSmallIntegerField(default=1)
    duration_ms = models.PositiveIntegerField()
    request_body = models.TextField(blank=True)
    response_body = models.TextField(blank=True)
    object_ref = models.CharField(max_length=100, blank=True, help_text="What the call was about, e.g. batch:<id>")
    idempotency_key = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["carrier", "-created_at"], name="carrier_call_by_carrier"),
            models.Index(fields=["object_ref"], name="carrier_call_by_object"),
        ]

    def __str__(self) -> str:
        return f"{self.carrier} {self.method} {self.url} → {self.status_code or self.outcome}"


class Outbox(models.Model):
    """A carrier call owed because of a database change, written in the same transaction.

    A worker claims a row with a lease, makes the call with the row's stable key as the
    idempotency key and records the outcome; the periodic sweep re-offers rows whose lease ran
    out (a killed worker) or that were never picked up (a lost message). See services/outbox.py.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=64, help_text="Which handler runs it, e.g. locate2u.batch_delivery")
    key = models.CharField(max_length=100, help_text="Stable idempotency key, e.g. the batch GUID")
    payload = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    available_at = models.DateTimeField(help_text="Not to be tried before (retry back-off).")
    lease_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    result = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="outbox_one_row_per_call")]
        indexes = [models.Index(fields=["status", "available_at"], name="outbox_due")]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} ({self.status})"
