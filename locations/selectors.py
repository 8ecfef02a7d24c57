"""Reads of locations: who may see which, search filters shared by the pages and the API."""
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet

from .hours import DAYS, local_now
from .models import Location


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
