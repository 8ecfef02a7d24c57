"""Reads of locations: who may see which, search filters shared by the pages and the API."""
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from zoneinfo import ZoneInfo

from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects
from django.utils import timezone

from .hours import DAY_NAMES, DAYS, DayHours, local_now
from .models import Location, LocationEta, LocationNetwork, Network


@dataclass(frozen=True)
class BoundingBox:
    """A map area. When south-west longitude > north-east longitude it crosses the antimeridian."""

    north_east_lat: float
    north_east_lon: float
    south_west_lat: float
    south_west_lon: float

    @property
    def centre(self) -> tuple[float, float]:
        lat = (self.north_east_lat + self.south_west_lat) / 2
        if self.crosses_antimeridian:
            lon = (self.south_west_lon + self.north_east_lon + 360) / 2
            lon = lon - 360 if lon > 180 else lon
        else:
            lon = (self.south_west_lon + self.north_east_lon) / 2
        return lat, lon

    @property
    def crosses_antimeridian(self) -> bool:
        return self.south_west_lon > self.north_east_lon

    def q(self) -> Q:
        lat = Q(latitude__gte=self.south_west_lat, latitude__lte=self.north_east_lat)
        if self.crosses_antimeridian:
            lon = Q(longitude__gte=self.south_west_lon) | Q(longitude__lte=self.north_east_lon)
        else:
            lon = Q(longitude__gte=self.south_west_lon, longitude__lte=self.north_east_lon)
        return lat & lon


def locations_visible(*, retailer: str | None = None) -> QuerySet[Location]:
    """All locations, or one retailer's (a partner bound to a retailer sees only those)."""
    qs = Location.objects.all()
    return qs.filter(retailer=retailer) if retailer else qs


def open_now_q(*, at: datetime, time_zones: list[str]) -> Q:
    """Locations open at an instant, each judged in its own time zone (one branch per zone)."""
    condition = Q(pk__in=[])
    for zone in time_zones:
        day, hhmm = local_now(zone, at)
        condition |= Q(time_zone=zone) & Q(**{f"{day}_start__lte": hhmm, f"{day}_end__gt": hhmm})
    return condition


def location_search(
    qs: QuerySet[Location],
    *,
    retailer: str | None = None,
    network: str | None = None,
    network_types: list[str] | None = None,
    statuses: list[str] | None = None,
    types: list[str] | None = None,
    bbox: BoundingBox | None = None,
    query: str | None = None,
    open_at: datetime | None = None,
) -> QuerySet[Location]:
    if retailer:
        qs = qs.filter(retailer=retailer)
    if network:
        qs = qs.filter(pk__in=Location.objects.filter(Q(networks__name=network) | Q(networks__ref=network)).values("pk"))
    if network_types:
        qs = qs.filter(pk__in=Location.objects.filter(networks__type__in=network_types).values("pk"))
    if statuses:
        qs = qs.filter(status__in=statuses)
    if types:
        qs = qs.filter(type__in=types)
    if bbox:
        qs = qs.filter(bbox.q())
    if query:
        qs = qs.filter(Q(ref__icontains=query) | Q(name__icontains=query))
    if open_at is not None:
        zones = list(qs.order_by().values_list("time_zone", flat=True).distinct())
        qs = qs.filter(open_now_q(at=open_at, time_zones=zones))
    return qs.order_by("name", "id")


def week_rows(location: Location, *, at: datetime) -> list[dict]:
    """The week for display, today's row marked (today in the location's own time zone)."""
    today, _ = local_now(location.time_zone, at)
    return [{"hours": d, "today": d.day == today} for d in location.week()]


__all__ = ["BoundingBox", "DAYS", "location_search", "locations_visible", "open_now_q", "week_rows"]


# --- Staff pages (list, map, detail) -------------------------------------------------------------

# The map shows every filtered location, not just the page; past this many it would slow the
# browser more than it helps, so the rest are left off (the list still has them all).
MAP_POINTS_LIMIT = 1000
_HOUR_FIELDS = [f"{day}_{edge}" for day in DAYS for edge in ("start", "end")]


def locations_in_network(qs: QuerySet[Location], network: Network) -> QuerySet[Location]:
    """Narrow to one network picked by id: refs and names may repeat across retailers."""
    return qs.filter(pk__in=LocationNetwork.objects.filter(network=network).values("location_id"))


def _today(hours_field, time_zone: str, at: datetime) -> tuple[DayHours, bool]:
    """Today's hours in the location's zone and whether it is open; hours_field(name) reads a field."""
    day, hhmm = local_now(time_zone, at)
    hours = DayHours(day, hours_field(f"{day}_start"), hours_field(f"{day}_end"))
    return hours, hours.open_at(hhmm)


def location_list_rows(locations: Iterable[Location], *, at: datetime) -> list[dict]:
    """One page of the list: networks, open now and today's hours, each in the location's own zone.

    The networks of the whole page come in one query, whatever the page size.
    """
    locations = list(locations)
    prefetch_related_objects(
        locations, Prefetch("network_links", queryset=LocationNetwork.objects.select_related("network"))
    )
    viewer_day = DAYS[timezone.localtime(at).weekday()]
    rows = []
    for location in locations:
        today, open_now = _today(partial(getattr, location), location.time_zone, at)
        rows.append(
            {
                "location": location,
                # A location takes part in a network in up to four roles; name each network once.
                "networks": sorted({link.network.name for link in location.network_links.all()}),
                "open_now": open_now,
                "today": today,
                # Far-off locations may already be on another weekday; say which.
                "other_day": today.day != viewer_day,
            }
        )
    return rows


def location_map_points(qs: QuerySet[Location], *, at: datetime, limit: int = MAP_POINTS_LIMIT) -> dict:
    """Markers for the map: plain values in one query (never a model instance per location)."""
    fields = ["id", "ref", "name", "type", "time_zone", "latitude", "longitude", *_HOUR_FIELDS]
    rows = list(qs.exclude(latitude=None).exclude(longitude=None).values(*fields)[: limit + 1])
    points = []
    for row in rows[:limit]:
        today, open_now = _today(row.__getitem__, row["time_zone"], at)
        points.append(
            {
                "id": row["id"],
                "ref": row["ref"],
                "name": row["name"],
                "type": Location.Type(row["type"]).label,
                "lat": row["latitude"],
                "lon": row["longitude"],
                "open": open_now,
                "today": today.label,
            }
        )
    return {"points": points, "truncated": len(rows) > limit}


def locations_with_details() -> QuerySet[Location]:
    """Locations with everything the detail page lists, a fixed number of queries in all."""
    links = LocationNetwork.objects.select_related("network").order_by("network__name", "role")
    etas = LocationEta.objects.select_related("from_location", "to_location")
    return Location.objects.prefetch_related(
        Prefetch("network_links", queryset=links),
        "storage_areas",
        "attributes",
        Prefetch("etas_out", queryset=etas.order_by("to_location__name")),
        Prefetch("etas_in", queryset=etas.order_by("from_location__name")),
    )


def location_network_roles(location: Location) -> list[dict]:
    """Each network once, with the roles the location has in it."""
    by_network: dict[int, dict] = {}
    for link in location.network_links.all():
        entry = by_network.setdefault(link.network_id, {"network": link.network, "roles": []})
        # Labels read "Member (agentNetworks)": the words for staff, then Fluent's field name.
        words, _, fluent_name = link.get_role_display().partition(" (")
        entry["roles"].append({"role": link.role, "label": words, "fluent_name": fluent_name.rstrip(")")})
    return list(by_network.values())


def location_clock(location: Location, *, at: datetime) -> dict:
    """The location's own time and whether it is open at it."""
    return {
        "local_time": at.astimezone(ZoneInfo(location.time_zone)),
        "open_now": location.is_open_at(at),
        "week": week_rows(location, at=at),
    }


def opening_hours_history(location: Location, *, limit: int = 50) -> list[dict]:
    """The latest changes, newest first, each with only the days it changed."""
    changes = location.hours_changes.select_related("changed_by")[:limit]
    history = []
    for change in changes:
        days = []
        for day in DAYS:
            before, after = change.before.get(day), change.after.get(day)
            if before != after:
                days.append(
                    {
                        "name": DAY_NAMES[day],
                        "before": DayHours(day, *before).label if before else "—",
                        "after": DayHours(day, *after).label if after else "—",
                    }
                )
        history.append({"change": change, "days": days})
    return history


def location_attribute_rows(location: Location) -> list[dict]:
    """Attributes for reading: text as it is, any other JSON value written out as JSON."""
    rows = []
    for attribute in location.attributes.all():
        value = attribute.value
        text = "—" if value is None else value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        rows.append({"name": attribute.name, "type": attribute.type, "value": text})
    return rows
