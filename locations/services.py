"""Writes to locations. Every opening-hours change is recorded (who, when, before, after)."""
from django.core.exceptions import ValidationError
from django.db import transaction

from .hours import DAYS, day_errors
from .models import Location, OpeningHoursChange


def opening_hours_errors(week: dict[str, tuple[int, int]]) -> dict[str, list[str]]:
    """Per-day messages, keyed by day ("mon" …); empty when the week is valid."""
    errors = {}
    for day in DAYS:
        start, end = week[day]
        messages = day_errors(day, start, end)
        if messages:
            errors[day] = messages
    return errors


def opening_hours_record(*, location: Location, before: dict, by=None, via: str) -> OpeningHoursChange | None:
    after = location.hours_snapshot()
    if after == before:
        return None
    return OpeningHoursChange.objects.create(
        location=location, changed_by=by, changed_via=via[:200], before=before, after=after
    )


@transaction.atomic
def opening_hours_save(
    *, location: Location, week: dict[str, tuple[int, int]], by=None, via: str
) -> OpeningHoursChange | None:
    """Replace a location's week of hours. Invalid → ValidationError per day, nothing saved."""
    missing = [day for day in DAYS if day not in week]
    if missing:
        raise ValidationError({day: ["Opening hours are missing for this day."] for day in missing})
    errors = opening_hours_errors(week)
    if errors:
        raise ValidationError(errors)
    # Lock the row: two managers saving at once are applied one after the other, both recorded.
    location = Location.objects.select_for_update().get(pk=location.pk)
    before = location.hours_snapshot()
    location.set_week(week)
    location.save(update_fields=[f"{day}_{edge}" for day in DAYS for edge in ("start", "end")] + ["updated_on"])
    return opening_hours_record(location=location, before=before, by=by, via=via)


def may_edit_opening_hours(user, location: Location) -> bool:
    """Administrators edit every location; store managers only the ones assigned to them."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return user.has_perm("locations.edit_opening_hours") and location.managers.filter(pk=user.pk).exists()
