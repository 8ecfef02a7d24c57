"""Reads for the Fluent Location API, kept to a fixed number of queries per request."""
from collections import defaultdict

from django.db import connection
from django.db.models import Q, QuerySet

from locations.hours import DAYS
from locations.models import Location, LocationEta, LocationNetwork, Network, StorageArea
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
    """One page of list rows and whether more follow (one query: one row past the page is read).

    The ORM builds the query; its rows are read straight from the cursor, because converting up to
    10001 rows field by field cost as much as the query itself (make bench, location search).
    `created_on` therefore arrives as the database gives it (text on SQLite, a datetime on
    PostgreSQL); shapes.py reads only its date."""
    sql, params = qs.values_list(*LIST_FIELDS)[start : start + count + 1].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = [dict(zip(LIST_FIELDS, row)) for row in cursor.fetchall()]
    return rows[:count], len(rows) > count


def network_names_by_location(location_ids: list[int]) -> dict[int, list[str]]:
    """Names of every network each location of a page takes part in, in any role. One query.

    The page's ids go in as a list (at most 10001, within SQLite's 32766 parameters; one array on
    PostgreSQL): a subquery would sort the whole filtered set a second time. Plain SQL because this runs for
    every list request with up to 10000 ids, and the ORM's per-value preparation of an IN list
    cost more than the query itself (make bench, location search).
    """
    link, network = LocationNetwork._meta.db_table, Network._meta.db_table
    if connection.vendor == "postgresql":
        # One array parameter: psycopg rewrites every placeholder of a query in Python, which for
        # 10000 of them cost more than the query (make bench, location search on PostgreSQL).
        among, params = "= ANY(%s)", [location_ids]
    else:
        among, params = f"IN ({', '.join(['%s'] * len(location_ids))})", location_ids
    sql = (
        f"SELECT DISTINCT l.location_id, n.name FROM {link} l JOIN {network} n ON n.id = l.network_id "
        f"WHERE l.location_id {among} ORDER BY l.location_id, n.name"
    )
    names: dict[int, list[str]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for location_id, name in cursor.fetchall():
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
