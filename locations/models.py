from zoneinfo import available_timezones

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models


def validate_time_zone(value: str) -> None:
    if value not in available_timezones():
        raise ValidationError(f"{value!r} is not a time zone name such as Europe/London.")


class Location(models.Model):
    """A store or warehouse, shaped like Fluent Commerce's Location (v4.1).

    The primary key is the Fluent `locationId`; `ref` is the retailer's own `locationRef`.
    """

    class Type(models.TextChoices):
        STORE = "STORE", "Store"
        WAREHOUSE = "WAREHOUSE", "Warehouse"

    class Status(models.TextChoices):
        ACTIVE = "ACTIVE", "Active"
        INACTIVE = "INACTIVE", "Inactive"

    ref = models.CharField("location ref", max_length=8)
    retailer = models.CharField(max_length=64, default="1")
    name = models.CharField(max_length=200)
    type = models.CharField(max_length=16, choices=Type.choices, default=Type.STORE)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    time_zone = models.CharField(max_length=64, default="Europe/London", validators=[validate_time_zone])
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="managed_locations",
        help_text="Store managers who may edit this location's opening hours.",
    )
    created_on = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["retailer", "ref"], name="location_ref_unique_per_retailer"),
            models.CheckConstraint(condition=models.Q(type__in=["STORE", "WAREHOUSE"]), name="location_type_valid"),
            models.CheckConstraint(condition=models.Q(status__in=["ACTIVE", "INACTIVE"]), name="location_status_valid"),
        ]
        permissions = [("edit_opening_hours", "Can edit opening hours of assigned locations")]

    def __str__(self) -> str:
        return f"{self.name} ({self.ref})"
