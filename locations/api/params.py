"""Query parameters of `GET /api/v4.1/location` → a `ListQuery`, or every problem at once.

A blank parameter (`count=`) counts as absent. Multi-valued parameters may be repeated
(`agentStatuses=ACTIVE&agentStatuses=INACTIVE`) or comma-separated (`agentStatuses=ACTIVE,INACTIVE`);
their values are case-insensitive. Unknown parameters (e.g. Fluent's `sort`) are ignored.
"""
import math
from dataclasses import dataclass

from django.http import QueryDict

from locations.models import Location, Network
from locations.selectors import BoundingBox

Problem = tuple[str, str]  # (parameter, message)

DEFAULT_COUNT = 100
MAX_COUNT = 10000
MAX_START = 2147483647  # beyond it databases refuse the OFFSET; no one pages that far
CORNERS = ("northEastLat", "northEastLon", "southWestLat", "southWestLon")


@dataclass(frozen=True)
class ListQuery:
    retailer: str | None = None
    network: str | None = None
    network_types: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    bbox: BoundingBox | None = None
    query: str | None = None
    start: int = 0
    count: int = DEFAULT_COUNT


def parse_list_query(params: QueryDict) -> tuple[ListQuery, list[Problem]]:
    problems: list[Problem] = []
    values = {key: params.get(key, "").strip() for key in ("retailerId", "agentNetwork", "query", "start", "count")}
    for key, value in values.items():
        if "\x00" in value:  # PostgreSQL refuses NUL in text; it is never part of a real value
            problems.append((key, "must not contain NUL characters"))
            values[key] = ""
    query = ListQuery(
        retailer=values["retailerId"] or None,
        network=values["agentNetwork"] or None,
        network_types=_choices(params, "agentNetworkTypes", Network.Type.values, problems),
        statuses=_choices(params, "agentStatuses", Location.Status.values, problems),
        bbox=_bbox(params, problems),
        query=values["query"] or None,
        start=_whole(values["start"], "start", 0, MAX_START, 0, problems),
        count=_whole(values["count"], "count", 0, MAX_COUNT, DEFAULT_COUNT, problems),
    )
    return query, problems


def _whole(raw: str, name: str, minimum: int, maximum: int, default: int, problems: list[Problem]) -> int:
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        problems.append((name, f"{raw!r} is not a whole number"))
        return default
    if value < minimum:
        problems.append((name, f"must be {minimum} or more"))
    elif value > maximum:
        problems.append((name, f"must be at most {maximum}"))
    return value


def _choices(params: QueryDict, name: str, allowed: list[str], problems: list[Problem]) -> tuple[str, ...]:
    chosen = []
    for raw in params.getlist(name):
        for part in raw.split(","):
            value = part.strip().upper()
            if not value:
                continue
            if value not in allowed:
                problems.append((name, f"{part.strip()!r} is not one of {', '.join(allowed)}"))
            elif value not in chosen:
                chosen.append(value)
    return tuple(chosen)


def _bbox(params: QueryDict, problems: list[Problem]) -> BoundingBox | None:
    raw = {name: params.get(name, "").strip() for name in CORNERS}
    given = [name for name in CORNERS if raw[name]]
    if not given:
        return None
    if len(given) < len(CORNERS):
        for name in CORNERS:
            if name not in given:
                problems.append((name, "required when any corner of the map area is given (give all four or none)"))
        return None
    corners, before = {}, len(problems)
    for name in CORNERS:
        limit = 90 if name.endswith("Lat") else 180
        corners[name] = _coordinate(raw[name], name, limit, problems)
    if len(problems) > before:
        return None
    if corners["northEastLat"] < corners["southWestLat"]:
        problems.append(("northEastLat", "must not be south of southWestLat"))
        return None
    return BoundingBox(
        north_east_lat=corners["northEastLat"],
        north_east_lon=corners["northEastLon"],
        south_west_lat=corners["southWestLat"],
        south_west_lon=corners["southWestLon"],
    )


def _coordinate(raw: str, name: str, limit: int, problems: list[Problem]) -> float:
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        problems.append((name, f"{raw!r} is not a number"))
    elif not -limit <= value <= limit:
        problems.append((name, f"must be between -{limit} and {limit}"))
    return value
