"""Reads for the Fluent Location API, kept to a fixed number of queries per request."""
from collections import defaultdict

from django.db.models import Q, QuerySet

from locations.hours import DAYS
from locations.models import Location, LocationEta, LocationNetwork, StorageArea
from locations.selectors import locations_visible

HOURS_FIELDS = tuple(f"{day}_{edge}" for day in DAYS for edge in ("start", "end"))
LIST_FIELDS = (
    "id", "ref", "alternate_id", "name", "city", "state", "country", "street", "postcode", "status", "type",
    "created_on", "latitude", "longitude", "home_delivery_safety_stock", "click_and_collect_safety_stock",
    "support_phone", "directions", *HOURS_FIELDS,
)


def locations_for_client(client) -> QuerySet[Location]:
    """What a partner client may see: its retailer's locations, or all when it has none."""
    return locations_visible(retailer=client.retailer or None)


def location_page(qs: QuerySet[Location], *, start: int, count: int) -> tuple[list[dict], bool]:
    """One page of list rows and whether more follow (one query: one row past the page is read)."""
    rows = list(qs.values(*LIST_FIELDS)[start : start + count + 1])
    return rows[:count], len(rows) > count


def network_names_by_location(page: QuerySet[Location]) -> dict[int, list[str]]:
    """Names of every network each location of a (sliced) page takes part in, in any role.

    One query; the page goes in as a subquery, not as a list of up to 10000 ids, which some
    SQLite builds (999 parameters at most) would refuse.
    """
    pairs = (
        LocationNetwork.objects.filter(location_id__in=page.values("pk"))
        .order_by("location_id", "network__name")
        .values_list("location_id", "network__name")
        .distinct()
    )
    names: dict[int, list[str]] = defaultdict(list)
    for location_id, name in pairs:
        names[location_id].append(name)
    return names


def location_for_detail(visible: QuerySet[Location], location_id: int) -> Location | None:
    return (
        visible.filter(pk=location_id)
        .prefetch_related("network_links", "storage_areas", "attributes")
        .first()
    )


def location_etas(location: Location, visible: QuerySet[Location]) -> list[LocationEta]:
    """Transit times from or to the location whose other end the client may also see."""
    ids = visible.values("pk")
    return list(
        LocationEta.objects.filter(Q(from_location=location) | Q(to_location=location))
        .filter(from_location__in=ids, to_location__in=ids)
        .order_by("from_location_id", "to_location_id")
    )


def storage_area_by_ref_or_name(location_id: int, ref_or_name: str) -> StorageArea | None:
    areas = StorageArea.objects.filter(Q(ref=ref_or_name) | Q(name=ref_or_name), location_id=location_id)
    # A ref is unique per location, a name need not be: an exact ref wins.
    return min(areas, key=lambda area: (area.ref != ref_or_name, area.ref), default=None)
