import uuid

from django.conf import settings
from django.db import models
from django.db.models.functions import Now
from django.utils import timezone


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
    # Importing, but past `follow_until`: nobody polls Locate2u any more, so the batch would show
    # "Importing" for ever. The lists ask this of the database; `follow_lapsed` asks it of one batch.
    FOLLOW_LAPSED = models.Q(status=Status.IMPORTING, follow_until__lt=Now())
    # created_via of a batch that only holds stops a partner sent on their own (services/partner_stops.py)
    PARTNER_STOPS_VIA = "partner stops import"

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
        indexes = [
            models.Index(fields=["service_date", "status"], name="batch_by_day_status"),
            models.Index(fields=["-created_at", "-id"], name="batch_newest_first"),  # the list's order
        ]
        permissions = [("submit_batch", "Can submit batches to Locate2u")]

    def __str__(self) -> str:
        return self.batch_source_reference

    @property
    def is_final(self) -> bool:
        return self.status in self.FINAL

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def follow_lapsed(self) -> bool:
        """FOLLOW_LAPSED, for this batch."""
        return (self.status == self.Status.IMPORTING and self.follow_until is not None
                and self.follow_until < timezone.now())

    @property
    def holds_partner_stops(self) -> bool:
        """Drop-offs a partner sent without a batch: no items, no pickups, corrected by the partner."""
        return self.created_via == self.PARTNER_STOPS_VIA


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
    # The spec sets no length for these: text, so no partner input can overflow a column.
    contact_name = models.TextField(blank=True)
    contact_phone = models.TextField(blank=True)
    contact_email = models.TextField(blank=True)
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
    source = models.TextField(blank=True)
    source_reference = models.TextField(blank=True)
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
        # The appliers look for what is not applied yet: a few rows among every event ever received.
        indexes = [models.Index(fields=["source", "id"], condition=models.Q(applied_at__isnull=True),
                                name="carrier_event_pending")]

    def __str__(self) -> str:
        return f"{self.source} {self.event_type} {self.event_id}"


class Job(models.Model):
    """A courier job at LineTen: one pickup (an address or one of our stores) and one delivery.

    `state` is our side of the work (quoting, booking …); `job_status` and `delivery_status` are
    LineTen's, moved only forward by its callbacks.
    """

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        QUOTING = "quoting", "Requesting quotes"
        QUOTED = "quoted", "Quoted"
        QUOTE_FAILED = "quote_failed", "Quote request failed"
        BOOKING = "booking", "Booking"
        BOOKED = "booked", "Booked"
        BOOKING_FAILED = "booking_failed", "Booking failed"
        CANCELLING = "cancelling", "Cancelling"
        CANCELLED = "cancelled", "Cancelled"

    client_ref = models.CharField(max_length=64, unique=True, help_text="Our reference, sent as ClientRef")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    source_stop = models.ForeignKey(Stop, null=True, blank=True, on_delete=models.SET_NULL, related_name="jobs",
                                    help_text="The batch drop-off this job was made from")
    transport_types = models.JSONField(default=list, blank=True)
    flags = models.JSONField(default=list, blank=True, help_text="Driver actions, e.g. signature")
    tags = models.JSONField(default=list, blank=True, help_text="Item attributes, e.g. fragile")
    notes = models.TextField(blank=True)
    package_sizes = models.JSONField(default=list, help_text="One size per item: quantity is repetition")
    # Pickup: one of our stores (ExtStoreRef) or an address
    pickup_store = models.ForeignKey("locations.Location", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="jobs")
    pickup_company = models.CharField(max_length=200, blank=True)
    pickup_address1 = models.CharField(max_length=200, blank=True)
    pickup_address2 = models.CharField(max_length=200, blank=True)
    pickup_city = models.CharField(max_length=100, blank=True)
    pickup_county = models.CharField(max_length=100, blank=True)
    pickup_postcode = models.CharField(max_length=20, blank=True)
    pickup_country = models.CharField(max_length=100, blank=True)
    pickup_latitude = models.FloatField(null=True, blank=True)
    pickup_longitude = models.FloatField(null=True, blank=True)
    pickup_person = models.JSONField(default=dict, blank=True)
    pickup_notes = models.TextField(blank=True)
    # Delivery
    delivery_company = models.CharField(max_length=200, blank=True)
    delivery_address1 = models.CharField(max_length=200)
    delivery_address2 = models.CharField(max_length=200, blank=True)
    delivery_city = models.CharField(max_length=100, blank=True)
    delivery_county = models.CharField(max_length=100, blank=True)
    delivery_postcode = models.CharField(max_length=20)
    delivery_country = models.CharField(max_length=100, blank=True)
    delivery_latitude = models.FloatField()
    delivery_longitude = models.FloatField()
    delivery_person = models.JSONField(default=dict, blank=True)
    delivery_notes = models.TextField(blank=True)
    requested_time = models.DateTimeField(null=True, blank=True, help_text="Alone it means a 60-minute window")
    window_from = models.DateTimeField(null=True, blank=True)
    window_to = models.DateTimeField(null=True, blank=True)
    # Our progress and LineTen's view of the job
    state = models.CharField(max_length=16, choices=State.choices, default=State.DRAFT)
    quote_rounds = models.PositiveSmallIntegerField(default=0, help_text="Quote requests made (keys re-quotes)")
    last_error = models.TextField(blank=True)
    lineten_job_id = models.BigIntegerField(null=True, blank=True, unique=True)
    lineten_job_uuid = models.CharField(max_length=64, blank=True)
    job_status = models.CharField(max_length=24, blank=True)
    delivery_status = models.CharField(max_length=24, blank=True)
    status_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pickup_store__isnull=False)
                | (models.Q(pickup_latitude__isnull=False, pickup_longitude__isnull=False) & ~models.Q(pickup_address1="")),
                name="job_pickup_is_store_or_address",
            ),
            models.CheckConstraint(
                condition=models.Q(window_from__isnull=True) | models.Q(window_to__isnull=True)
                | models.Q(window_to__gt=models.F("window_from")),
                name="job_window_in_order",
            ),
        ]
        permissions = [("book_job", "Can book and cancel courier jobs")]

    def __str__(self) -> str:
        return self.client_ref


class Quote(models.Model):
    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="quotes")
    round = models.PositiveSmallIntegerField(help_text="Which quote request it answered")
    quote_response_id = models.CharField(max_length=64, unique=True, help_text="What booking takes")
    provider_name = models.CharField(max_length=100, blank=True)
    provider_uuid = models.CharField(max_length=64, blank=True)
    transport_types = models.JSONField(default=list)
    price = models.DecimalField(max_digits=10, decimal_places=2)
    currency = models.CharField(max_length=3, blank=True)
    distance = models.FloatField(default=0)
    cancellation_fee = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    expires_at = models.DateTimeField(null=True, blank=True)
    quote_status = models.CharField(max_length=24, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["price", "id"]

    def __str__(self) -> str:
        return f"{self.provider_name} {self.price} {self.currency}"


class JobBooking(models.Model):
    """The one booking of a job: the database refuses a second (double clicks, retries)."""

    class State(models.TextChoices):
        REQUESTED = "requested", "Requested"
        BOOKED = "booked", "Booked"
        FAILED = "failed", "Failed"

    job = models.OneToOneField(Job, on_delete=models.CASCADE, related_name="booking")
    quote = models.ForeignKey(Quote, null=True, blank=True, on_delete=models.PROTECT,
                              help_text="Empty for an immediate booking until LineTen has chosen")
    immediate = models.BooleanField(default=False)
    state = models.CharField(max_length=10, choices=State.choices, default=State.REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    requested_at = models.DateTimeField(auto_now_add=True)
    booked_at = models.DateTimeField(null=True, blank=True)
    tracker_pickup = models.URLField(max_length=500, blank=True)
    tracker_delivery = models.URLField(max_length=500, blank=True)
    tracker_complete = models.URLField(max_length=500, blank=True)
    cancellation_fee = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)


class JobStatusChange(models.Model):
    """One applied (or refused) LineTen callback event: the job's timeline."""

    job = models.ForeignKey(Job, null=True, blank=True, on_delete=models.CASCADE, related_name="status_changes")
    event = models.OneToOneField(CarrierEvent, on_delete=models.CASCADE, related_name="job_status_change")
    job_status = models.CharField(max_length=24)
    delivery_status = models.CharField(max_length=24, blank=True)
    driver = models.CharField(max_length=200, blank=True)
    vehicle = models.CharField(max_length=200, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    occurred_at = models.DateTimeField(null=True, blank=True)
    applied = models.BooleanField(default=False, help_text="False: recorded only (it would move the job back)")

    class Meta:
        ordering = ["occurred_at", "id"]
