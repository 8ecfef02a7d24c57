""""Open now" is judged in each location's own time zone, daylight saving included."""
from datetime import datetime, timezone

import pytest

from locations.models import Location
from locations.selectors import location_search, locations_visible
from tests.factories import LocationFactory

pytestmark = pytest.mark.django_db
UTC = timezone.utc
NINE_TO_FIVE = {f"{d}_{e}": v for d in ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] for e, v in (("start", 900), ("end", 1700))}


def open_refs(at: datetime) -> set[str]:
    return set(location_search(locations_visible(), open_at=at).values_list("ref", flat=True))


def test_same_instant_is_open_in_london_and_closed_in_sydney():
    LocationFactory(ref="LDN", time_zone="Europe/London", **NINE_TO_FIVE)
    LocationFactory(ref="SYD", time_zone="Australia/Sydney", **NINE_TO_FIVE)
    noon_utc = datetime(2026, 1, 14, 12, 0, tzinfo=UTC)  # 12:00 London, 23:00 Sydney (summer time)

    assert open_refs(noon_utc) == {"LDN"}
    assert Location.objects.get(ref="LDN").is_open_at(noon_utc)
    assert not Location.objects.get(ref="SYD").is_open_at(noon_utc)


def test_london_summer_time_shifts_opening_by_an_hour():
    LocationFactory(ref="LDN", time_zone="Europe/London", **NINE_TO_FIVE)
    # 08:30 UTC is 08:30 in January (closed) but 09:30 in July (BST, open).
    assert open_refs(datetime(2026, 1, 14, 8, 30, tzinfo=UTC)) == set()
    assert open_refs(datetime(2026, 7, 15, 8, 30, tzinfo=UTC)) == {"LDN"}


def test_dst_change_day_uses_the_new_offset():
    LocationFactory(ref="LDN", time_zone="Europe/London", **NINE_TO_FIVE)
    # Sunday 29 March 2026: clocks go forward at 01:00 UTC. 08:15 UTC is 09:15 BST.
    assert open_refs(datetime(2026, 3, 29, 8, 15, tzinfo=UTC)) == {"LDN"}


def test_brisbane_has_no_daylight_saving():
    LocationFactory(ref="BNE", time_zone="Australia/Brisbane", **NINE_TO_FIVE)
    # 23:30 UTC is 09:30 in Brisbane all year round.
    assert open_refs(datetime(2026, 1, 13, 23, 30, tzinfo=UTC)) == {"BNE"}
    assert open_refs(datetime(2026, 7, 13, 23, 30, tzinfo=UTC)) == {"BNE"}


def test_weekday_is_the_local_weekday():
    # Open on Monday only. Sunday 22:00 UTC is already Monday 09:00 in Sydney (AEDT).
    LocationFactory(ref="SYD", time_zone="Australia/Sydney", mon_start=800, mon_end=1700)

    assert open_refs(datetime(2026, 1, 11, 22, 0, tzinfo=UTC)) == {"SYD"}


def test_closing_time_is_exclusive_and_all_day_is_open_at_midnight():
    LocationFactory(ref="SHOP", time_zone="UTC", **NINE_TO_FIVE)
    LocationFactory(ref="DC", time_zone="UTC", **{f"{d}_end": 2400 for d in ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]})

    assert open_refs(datetime(2026, 1, 14, 17, 0, tzinfo=UTC)) == {"DC"}
    assert open_refs(datetime(2026, 1, 14, 0, 0, tzinfo=UTC)) == {"DC"}
    assert open_refs(datetime(2026, 1, 14, 16, 59, tzinfo=UTC)) == {"SHOP", "DC"}


def test_closed_day_is_never_open():
    LocationFactory(ref="SHUT", time_zone="UTC")  # every day 0/0

    assert open_refs(datetime(2026, 1, 14, 0, 0, tzinfo=UTC)) == set()
