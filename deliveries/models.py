import uuid

from django.conf import settings
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


class Batch(models.Model):
    """A batch delivery (Locate2u): items, pickups and drop-offs for one service date.

    `batch_id` is our GUID: the id staff pages and partners use, and the idempotency key of the
    push to Locate2u, which answers with the same id.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        QUEUED = "queued", "Queued for Locate2u"  # submitted; the outbox owes the push
        IMPORTING = "importing", "Importing"  # Locate2u accepted it and imports the stops
        COMPLETED = "completed", "Completed"
        PARTIALLY_COMPLETED = "partially_completed", "Partially completed"
        FAILED = "failed", "Failed"
        REJECTED = "rejected", "Rejected by Locate2u"  # the push itself was refused

    FINAL = {Status.COMPLETED, Status.PARTIALLY_COMPLETED, Status.FAILED, Status.REJECTED}

    batch_id = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    customer = models.ForeignKey("partners.Customer", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="batches", help_text="Set for batches partners sent.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_via = models.CharField(max_length=100, default="staff")
    batch_source_reference = models.CharField(max_length=100)
    batch_description = models.CharField(max_length=256, blank=True)
    team_source_reference = models.CharField(max_length=100)
    customer_source_reference = models.CharField(max_length=100, blank=True)
    service_date = models.DateField()
    status = models.CharField(max_length=24, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # Locate2u's import, as last read (GET /v1/Stops/import/{batchId}/status).
    import_status = models.CharField(max_length=24, blank=True, help_text="Locate2u's own status name")
    total_count = models.PositiveIntegerField(default=0)
    processed_count = models.PositiveIntegerField(default=0)
    success_count = models.PositiveIntegerField(default=0)
    failed_count = models.PositiveIntegerField(default=0)
    progress = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    import_error = models.TextField(blank=True, help_text="Why Locate2u refused or we gave up")
    last_polled_at = models.DateTimeField(null=True, blank=True)
    follow_until = models.DateTimeField(null=True, blank=True, help_text="Polling gives up after this")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # A partner's reference names one batch; re-posting it finds that batch (CONTRACT §4).
            models.UniqueConstraint(fields=["customer", "batch_source_reference"], name="batch_reference_per_customer"),
            models.UniqueConstraint(fields=["batch_source_reference"], condition=models.Q(customer__isnull=True),
                                    name="batch_reference_staff"),
            models.CheckConstraint(condition=models.Q(progress__gte=0, progress__lte=100), name="batch_progress_range"),
        ]
        indexes = [models.Index(fields=["service_date", "status"], name="batch_by_day_status")]
        permissions = [("submit_batch", "Can submit batches to Locate2u")]

    def __str__(self) -> str:
        return self.batch_source_reference

    @property
    def is_final(self) -> bool:
        return self.status in self.FINAL

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT


class Item(models.Model):
    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField()
    item_source_reference = models.CharField(max_length=100)
    barcode = models.CharField(max_length=100, blank=True)
    description = models.CharField(max_length=256, blank=True)
    quantity = models.DecimalField(max_digits=12, decimal_places=2, default=1)
    product_reference = models.CharField(max_length=100, blank=True)
    product_variant_id = models.IntegerField(null=True, blank=True)
    service_id = models.IntegerField(null=True, blank=True)
    status = models.CharField(max_length=100, blank=True)
    contents = models.JSONField(default=dict, blank=True, help_text="Shipment contents flags (isFragile …)")
    load = models.JSONField(default=dict, blank=True)
    custom_fields = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["batch_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "item_source_reference"], name="item_reference_unique_in_batch"),
            models.CheckConstraint(condition=models.Q(quantity__gt=0, quantity__lte=1_000_000), name="item_quantity_range"),
        ]

    def __str__(self) -> str:
        return self.item_source_reference


class Stop(models.Model):
    """A pickup or drop-off of a batch. Its date-times are kept as the ISO text they were given in:
    the spec compares tripDate's date as written, and Locate2u gets them back unchanged."""

    class Kind(models.TextChoices):
        PICKUP = "pickup", "Pickup"
        DROPOFF = "dropoff", "Drop-off"

    class ImportResult(models.TextChoices):
        PENDING = "pending", "Pending"
        IMPORTED = "imported", "Imported"
        FAILED = "failed", "Failed"

    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="stops")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    position = models.PositiveIntegerField()
    stop_source_reference = models.CharField(max_length=100)
    name = models.CharField(max_length=250)
    address = models.CharField(max_length=500)
    contact_name = models.CharField(max_length=200, blank=True)
    contact_phone = models.CharField(max_length=50, blank=True)
    contact_email = models.CharField(max_length=254, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    trip_date = models.CharField(max_length=40, help_text="ISO 8601, e.g. 2024-01-15T09:00:00")
    appointment_time = models.CharField(max_length=5, blank=True, help_text="HH:mm")
    time_window_start = models.CharField(max_length=40, blank=True)
    time_window_end = models.CharField(max_length=40, blank=True)
    duration_minutes = models.PositiveIntegerField(null=True, blank=True)
    notes = models.TextField(blank=True)
    custom_fields = models.JSONField(default=dict, blank=True)
    load = models.JSONField(default=dict, blank=True)
    skills = models.JSONField(default=list, blank=True)
    driver_instructions = models.JSONField(default=dict, blank=True)
    source = models.CharField(max_length=100, blank=True)
    source_reference = models.CharField(max_length=100, blank=True)
    # Pickups only
    warehouse_source_reference = models.CharField(max_length=100, blank=True)
    require_all_items_before_release = models.BooleanField(default=True)
    location = models.ForeignKey("locations.Location", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="pickups", help_text="Our store or warehouse, for pickups")
    # Drop-offs only
    sequence = models.PositiveIntegerField(null=True, blank=True)
    require_proof_of_delivery = models.BooleanField(default=True)
    items = models.ManyToManyField(Item, through="StopItem", related_name="stops")
    # What Locate2u made of it
    import_result = models.CharField(max_length=10, choices=ImportResult.choices, default=ImportResult.PENDING)
    locate2u_stop_id = models.BigIntegerField(null=True, blank=True)
    error_stage = models.CharField(max_length=20, blank=True)
    error_messages = models.JSONField(default=list, blank=True)
    carrier_status = models.CharField(max_length=30, blank=True, help_text="Last status from Locate2u webhooks")
    carrier_status_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["batch_id", "kind", "position"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "stop_source_reference"], name="stop_reference_unique_in_batch"),
            models.CheckConstraint(condition=models.Q(kind__in=["pickup", "dropoff"]), name="stop_kind_valid"),
        ]
        indexes = [models.Index(fields=["locate2u_stop_id"], name="stop_by_locate2u_id")]

    def __str__(self) -> str:
        return self.stop_source_reference


class StopItem(models.Model):
    """An item picked up or dropped off at a stop (itemSourceReferences)."""

    stop = models.ForeignKey(Stop, on_delete=models.CASCADE, related_name="stop_items")
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="stop_items")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["stop", "item"], name="stop_item_unique")]


class CarrierEvent(models.Model):
    """A webhook or callback from a carrier, stored as received before anything is applied."""

    class Source(models.TextChoices):
        LOCATE2U = "locate2u", "Locate2u webhook"
        LINETEN = "lineten", "LineTen callback"

    source = models.CharField(max_length=16, choices=Source.choices)
    event_id = models.CharField(max_length=100)
    event_type = models.CharField(max_length=100, blank=True)
    body = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=200, blank=True, help_text="applied, ignored (why), unknown object …")

    class Meta:
        ordering = ["received_at", "id"]
        constraints = [models.UniqueConstraint(fields=["source", "event_id"], name="carrier_event_once")]

    def __str__(self) -> str:
        return f"{self.source} {self.event_type} {self.event_id}"
