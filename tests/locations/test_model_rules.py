"""The Location model's rules: database constraints and manager-friendly validation."""
import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from locations.hours import hhmm_parse
from locations.models import Location, LocationEta
from locations.services import opening_hours_save
from tests.factories import LocationFactory

pytestmark = pytest.mark.django_db

OPEN_WEEK = {day: (900, 1700) for day in ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]}


def messages(exc: ValidationError) -> list[str]:
    return [m for ms in exc.message_dict.values() for m in ms]


def test_location_ref_is_unique_per_retailer_in_the_database():
    LocationFactory(ref="SOHO", retailer="1")
    LocationFactory(ref="SOHO", retailer="2")  # another retailer may reuse it

    with pytest.raises(IntegrityError), transaction.atomic():
        LocationFactory(ref="SOHO", retailer="1")


@pytest.mark.parametrize(
    "field, value",
    [("ref", "123456789"), ("alternate_id", "123456789"), ("support_phone", "0" * 21), ("email", "not-an-email"),
     ("time_zone", "Mars/Olympus"), ("type", "SHOP"), ("status", "OPEN"), ("pick_and_pack_time_limit", 0),
     ("latitude", 91), ("longitude", -181), ("home_delivery_safety_stock", -1)],
)
def test_model_validation_rejects_out_of_spec_values(field, value):
    location = LocationFactory.build(**({"latitude": 51.5, "longitude": -0.1} | {field: value}))

    with pytest.raises(ValidationError) as exc:
        location.full_clean()
    assert field in exc.value.message_dict


def test_pick_and_pack_defaults_to_three_hours_and_safety_stocks_to_null():
    location = LocationFactory()

    assert location.pick_and_pack_time_limit == 3
    assert location.home_delivery_safety_stock is None and location.click_and_collect_safety_stock is None


@pytest.mark.parametrize("constraint_field, value", [("pick_and_pack_time_limit", 0), ("type", "SHOP"), ("status", "X")])
def test_database_refuses_what_validation_refuses(constraint_field, value):
    with pytest.raises(IntegrityError), transaction.atomic():
        LocationFactory(**{constraint_field: value})


def test_database_refuses_closing_before_opening():
    with pytest.raises(IntegrityError), transaction.atomic():
        LocationFactory(mon_start=900, mon_end=800)


def test_database_refuses_half_a_coordinate():
    with pytest.raises(IntegrityError), transaction.atomic():
        LocationFactory(latitude=51.5, longitude=None)


def test_closing_before_opening_is_explained_in_the_managers_words():
    location = LocationFactory.build(mon_start=900, mon_end=800)

    with pytest.raises(ValidationError) as exc:
        location.clean()
    assert "Closing time 08:00 is before opening time 09:00 on Monday." in messages(exc.value)


@pytest.mark.parametrize(
    "start, end, message",
    [(960, 1700, "Opening time 960 on Tuesday is not a time of day."),
     (900, 900, "Opening and closing time are both 09:00 on Tuesday; mark the day closed instead."),
     (2400, 2400, "Opening time 24:00 on Tuesday is the end of the day; open at 00:00 instead.")],
)
def test_each_hours_rule_has_its_message(start, end, message):
    week = OPEN_WEEK | {"tue": (start, end)}

    with pytest.raises(ValidationError) as exc:
        opening_hours_save(location=LocationFactory(), week=week, via="test")
    assert exc.value.message_dict == {"tue": [message]}


def test_closed_and_all_day_are_valid_days():
    location = LocationFactory()

    opening_hours_save(location=location, week=OPEN_WEEK | {"sun": (0, 0), "sat": (0, 2400)}, via="test")

    location.refresh_from_db()
    labels = {d.day: d.label for d in location.week()}
    assert labels["sun"] == "Closed" and labels["sat"] == "Open 24 hours" and labels["mon"] == "09:00–17:00"


def test_all_hours_means_every_day_all_day():
    location = LocationFactory()
    opening_hours_save(location=location, week={day: (0, 2400) for day in OPEN_WEEK}, via="test")

    location.refresh_from_db()
    assert location.all_hours


def test_saving_hours_records_who_when_before_and_after(dispatcher):
    location = LocationFactory()
    before = location.hours_snapshot()

    change = opening_hours_save(location=location, week=OPEN_WEEK, by=dispatcher, via="test")

    assert change.changed_by == dispatcher and change.changed_via == "test"
    assert change.before == before
    assert change.after == {day: [900, 1700] for day in OPEN_WEEK}


def test_saving_the_same_hours_records_nothing():
    location = LocationFactory()
    opening_hours_save(location=location, week=OPEN_WEEK, via="test")

    assert opening_hours_save(location=location, week=OPEN_WEEK, via="test") is None
    assert location.hours_changes.count() == 1


def test_invalid_week_saves_nothing():
    location = LocationFactory()

    with pytest.raises(ValidationError):
        opening_hours_save(location=location, week=OPEN_WEEK | {"fri": (1800, 900)}, via="test")

    location.refresh_from_db()
    assert location.fri_start == 0 and location.hours_changes.count() == 0


@pytest.mark.parametrize("raw, value", [(900, 900), ("900", 900), ("0900", 900), ("09:00", 900), ("2400", 2400), (0, 0)])
def test_hhmm_accepts_the_forms_fluent_uses(raw, value):
    assert hhmm_parse(raw) == value


@pytest.mark.parametrize("raw", ["9am", "0960", "2500", "", None, True, "12345"])
def test_hhmm_refuses_what_is_not_a_time(raw):
    with pytest.raises(ValueError):
        hhmm_parse(raw)


def test_eta_is_between_two_different_locations():
    here = LocationFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        LocationEta.objects.create(from_location=here, to_location=here, minutes=5)


def test_eta_pair_is_unique():
    a, b = LocationFactory(), LocationFactory()
    LocationEta.objects.create(from_location=a, to_location=b, minutes=5)

    with pytest.raises(IntegrityError), transaction.atomic():
        LocationEta.objects.create(from_location=a, to_location=b, minutes=6)
    assert Location.objects.count() == 2
