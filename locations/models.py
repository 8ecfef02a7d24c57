"""Stores and warehouses, shaped like Fluent Commerce's Location model (API v4.1).

Database constraints hold what they can; `clean()` holds the rest with messages a manager
understands. `Location.pk` is Fluent's `locationId`; `ref` is the retailer's `locationRef`.
"""
from datetime import datetime
from zoneinfo import available_timezones

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from .hours import DAYS, DayHours, day_errors, local_now

DEFAULT_RETAILER = "1"


def validate_time_zone(value: str) -> None:
    if value not in _time_zones():
        raise ValidationError(f"“{value}” is not a time zone name such as Europe/London.")


def _time_zones() -> set[str]:
    global _TIME_ZONES
    if _TIME_ZONES is None:
        _TIME_ZONES = available_timezones()
    return _TIME_ZONES


_TIME_ZONES: set[str] | None = None


class Network(models.Model):
    """A fulfilment network locations belong to (Fluent: agent network)."""

    class Type(models.TextChoices):
        CP = "CP", "Collection point"
        CC = "CC", "Click & collect"
        HD = "HD", "Home delivery"

    ref = models.CharField(max_length=100)
    name = models.CharField(max_length=200)
    type = models.CharField(max_length=2, choices=Type.choices)
    retailer = models.CharField(max_length=64, default=DEFAULT_RETAILER)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["retailer", "ref"], name="network_ref_unique_per_retailer"),
            models.CheckConstraint(condition=Q(type__in=["CP", "CC", "HD"]), name="network_type_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.type})"


def _day_constraints() -> list[models.CheckConstraint]:
    constraints = []
    for day in DAYS:
        start, end = f"{day}_start", f"{day}_end"
        constraints.append(
            models.CheckConstraint(
                condition=(Q(**{start: 0}) & Q(**{end: 0}))
                | (Q(**{f"{start}__gte": 0}) & Q(**{f"{end}__lte": 2400}) & Q(**{f"{start}__lt": F(end)})),
                name=f"location_{day}_hours_in_order",
            )
        )
    return constraints


def _hours_field(day: str, which: str) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        f"{day} {which}", default=0, validators=[MaxValueValidator(2400)], help_text="HHmm; 0/0 closed, 0/2400 all day"
    )


class Location(models.Model):
    class Type(models.TextChoices):
        STORE = "STORE", "Store"
        WAREHOUSE = "WAREHOUSE", "Warehouse"

    class Status(models.TextChoices):
        ACTIVE = "ACTIVE", "Active"
        INACTIVE = "INACTIVE", "Inactive"

    ref = models.CharField("location ref", max_length=8)
    retailer = models.CharField(max_length=64, default=DEFAULT_RETAILER)
    alternate_id = models.CharField(max_length=8, blank=True)
    external_id = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    support_phone = models.CharField(max_length=20, blank=True)
    type = models.CharField(max_length=16, choices=Type.choices, default=Type.STORE)
    time_zone = models.CharField(max_length=64, default="Europe/London", validators=[validate_time_zone])
    pick_and_pack_time_limit = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1)], help_text="Hours allowed to pick and pack in store."
    )
    home_delivery_safety_stock = models.IntegerField(null=True, blank=True, validators=[MinValueValidator(0)])
    click_and_collect_safety_stock = models.IntegerField(null=True, blank=True, validators=[MinValueValidator(0)])
    directions = models.TextField(blank=True)

    # Address
    business_name = models.CharField(max_length=200, blank=True)
    address_name = models.CharField(max_length=200, blank=True)
    street = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=100, blank=True)
    latitude = models.FloatField(null=True, blank=True, validators=[MinValueValidator(-90), MaxValueValidator(90)])
    longitude = models.FloatField(null=True, blank=True, validators=[MinValueValidator(-180), MaxValueValidator(180)])

    # Opening hours in HHmm, local to time_zone; see locations/hours.py.
    mon_start, mon_end = _hours_field("mon", "start"), _hours_field("mon", "end")
    tue_start, tue_end = _hours_field("tue", "start"), _hours_field("tue", "end")
    wed_start, wed_end = _hours_field("wed", "start"), _hours_field("wed", "end")
    thu_start, thu_end = _hours_field("thu", "start"), _hours_field("thu", "end")
    fri_start, fri_end = _hours_field("fri", "start"), _hours_field("fri", "end")
    sat_start, sat_end = _hours_field("sat", "start"), _hours_field("sat", "end")
    sun_start, sun_end = _hours_field("sun", "start"), _hours_field("sun", "end")

    networks = models.ManyToManyField(Network, through="LocationNetwork", blank=True, related_name="locations")
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="managed_locations",
        help_text="Store managers who may edit this location's opening hours.",
    )
    created_on = models.DateTimeField(auto_now_add=True)
    updated_on = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["name", "id"], name="location_name_order"),
            models.Index(fields=["latitude", "longitude"], name="location_lat_lon"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["retailer", "ref"], name="location_ref_unique_per_retailer"),
            models.CheckConstraint(condition=Q(type__in=["STORE", "WAREHOUSE"]), name="location_type_valid"),
            models.CheckConstraint(condition=Q(status__in=["ACTIVE", "INACTIVE"]), name="location_status_valid"),
            models.CheckConstraint(condition=Q(pick_and_pack_time_limit__gte=1), name="location_pick_and_pack_positive"),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90), name="location_latitude_range"
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="location_longitude_range",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="location_coordinates_both_or_none",
            ),
            *_day_constraints(),
        ]
        permissions = [("edit_opening_hours", "Can edit opening hours of assigned locations")]

    def __str__(self) -> str:
        return f"{self.name} ({self.ref})"

    # --- opening hours -----------------------------------------------------------------------
    def week(self) -> list[DayHours]:
        return [DayHours(day, getattr(self, f"{day}_start"), getattr(self, f"{day}_end")) for day in DAYS]

    def set_week(self, week: dict[str, tuple[int, int]]) -> None:
        for day, (start, end) in week.items():
            setattr(self, f"{day}_start", start)
            setattr(self, f"{day}_end", end)

    def hours_snapshot(self) -> dict[str, list[int]]:
        return {d.day: [d.start, d.end] for d in self.week()}

    @property
    def all_hours(self) -> bool:
        return all(d.all_day for d in self.week())

    def is_open_at(self, at: datetime) -> bool:
        day, hhmm = local_now(self.time_zone, at)
        return DayHours(day, getattr(self, f"{day}_start"), getattr(self, f"{day}_end")).open_at(hhmm)

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        for day in self.week():
            for message in day_errors(day.day, day.start, day.end):
                errors.setdefault(f"{day.day}_end", []).append(message)
        if (self.latitude is None) != (self.longitude is None):
            errors.setdefault("longitude" if self.longitude is None else "latitude", []).append(
                "Give both latitude and longitude, or neither."
            )
        if errors:
            raise ValidationError(errors)


class LocationNetwork(models.Model):
    """How a location takes part in a network (Fluent lists each role separately)."""

    class Role(models.TextChoices):
        MEMBER = "MEMBER", "Member (agentNetworks)"
        CLICK_AND_COLLECT = "CC", "Click & collect point (clickAndCollectNetworks)"
        INVENTORY_HOME_DELIVERY = "INV_HD", "Fulfils home delivery (useInventoryForHomeDelivery)"
        INVENTORY_CLICK_AND_COLLECT = "INV_CC", "Fulfils click & collect (useInventoryForClickAndCollect)"

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="network_links")
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="location_links")
    role = models.CharField(max_length=8, choices=Role.choices, default=Role.MEMBER)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["location", "network", "role"], name="location_network_role_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.location} in {self.network} ({self.get_role_display()})"


class StorageArea(models.Model):
    class Status(models.TextChoices):
        ENABLED = "ENABLED", "Enabled"
        DISABLED = "DISABLED", "Disabled"

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="storage_areas")
    ref = models.CharField(max_length=100)
    name = models.CharField(max_length=200)
    type = models.CharField(max_length=50, blank=True, help_text="e.g. SERVICE_COUNTER, BACK_ROOM")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ENABLED)
    external_id = models.CharField(max_length=100, blank=True)
    attributes = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["ref"]
        constraints = [
            models.UniqueConstraint(fields=["location", "ref"], name="storage_area_ref_unique_per_location"),
        ]

    def __str__(self) -> str:
        return self.name or self.ref


class LocationAttribute(models.Model):
    """A named value about a location (Fluent: attributes; type string, integer, address …)."""

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="attributes")
    name = models.CharField(max_length=200)
    type = models.CharField(max_length=50, default="string")
    value = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["location", "name"], name="attribute_name_unique_per_location")]

    def __str__(self) -> str:
        return self.name


class LocationEta(models.Model):
    """Transit time in minutes from one location to another (Fluent: etas)."""

    from_location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="etas_out")
    to_location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="etas_in")
    minutes = models.PositiveIntegerField()
    updated_on = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["from_location_id", "to_location_id"]
        constraints = [
            models.UniqueConstraint(fields=["from_location", "to_location"], name="eta_pair_unique"),
            models.CheckConstraint(condition=~Q(from_location=F("to_location")), name="eta_between_two_locations"),
        ]


class OpeningHoursChange(models.Model):
    """Who changed a location's opening hours, when, from what to what."""

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="hours_changes")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    changed_via = models.CharField(max_length=200, help_text="The page, API client or command that made it.")
    changed_at = models.DateTimeField(auto_now_add=True)
    before = models.JSONField()
    after = models.JSONField()

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.location} hours changed {self.changed_at:%Y-%m-%d %H:%M}"
