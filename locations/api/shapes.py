"""Model → Fluent JSON, built by hand (the list renders up to 10000 rows from `.values()`).

Conventions where the document is silent: ids are strings (`"locationId": "71"`) except in
`etas`, which carry numbers as `PUT /eta` does; an optional text left blank is `null`;
`createdOn` is the UTC date `YYYY-MM-DD` in both list and detail; the detail's address carries
latitude/longitude as strings and its opening hours as strings (`"900"`), as in the document's
detail example, while list results carry numbers.
"""
import math

from locations.hours import DAYS
from locations.models import Location, LocationAttribute, LocationEta, LocationNetwork, StorageArea

EARTH_RADIUS_METRES = 6_371_008.8
ROLE_KEYS = {
    LocationNetwork.Role.MEMBER: "agentNetworks",
    LocationNetwork.Role.CLICK_AND_COLLECT: "clickAndCollectNetworks",
    LocationNetwork.Role.INVENTORY_HOME_DELIVERY: "useInventoryForHomeDelivery",
    LocationNetwork.Role.INVENTORY_CLICK_AND_COLLECT: "useInventoryForClickAndCollect",
}


_HOURS_KEYS = tuple((day, f"{day}_start", f"{day}_end") for day in DAYS)  # built once, used per row


def list_result(row: dict, network_names: list[str], centre: tuple[float, float] | None) -> dict:
    return {
        "locationId": str(row["id"]),
        "locationRef": row["ref"],
        "alternateId": _or_null(row["alternate_id"]),
        "name": row["name"],
        "city": _or_null(row["city"]),
        "state": _or_null(row["state"]),
        "country": _or_null(row["country"]),
        "street": _or_null(row["street"]),
        "postcode": _or_null(row["postcode"]),
        "status": row["status"],
        "type": row["type"],
        "createdOn": row["created_on"].date().isoformat(),
        "latitude": row["latitude"],
        "longitude": row["longitude"],
        "homeDeliverySafetyStock": row["home_delivery_safety_stock"],
        "clickAndCollectSafetyStock": row["click_and_collect_safety_stock"],
        "distance": _distance(centre, row["latitude"], row["longitude"]),
        "phoneNumber": _or_null(row["support_phone"]),
        "openingHours": {day: {"start": row[start], "end": row[end]} for day, start, end in _HOURS_KEYS},
        "networkName": network_names,
        "directions": _or_null(row["directions"]),
    }


def location_detail(location: Location, etas: list[LocationEta]) -> dict:
    """Needs `network_links`, `storage_areas` and `attributes` prefetched."""
    networks = {key: [] for key in ROLE_KEYS.values()}
    for link in sorted(location.network_links.all(), key=lambda link: link.network_id):
        networks[ROLE_KEYS[link.role]].append(str(link.network_id))
    return {
        "locationId": str(location.pk),
        "locationRef": location.ref,
        "alternateId": _or_null(location.alternate_id),
        "externalId": _or_null(location.external_id),
        "retailerId": location.retailer,
        "status": location.status,
        "name": location.name,
        "email": _or_null(location.email),
        "supportPhone": _or_null(location.support_phone),
        "type": location.type,
        "timeZone": location.time_zone,
        "pickAndPackTimeLimit": location.pick_and_pack_time_limit,
        "homeDeliverySafetyStock": location.home_delivery_safety_stock,
        "clickAndCollectSafetyStock": location.click_and_collect_safety_stock,
        **networks,
        "address": {
            "businessName": _or_null(location.business_name),
            "name": _or_null(location.address_name),
            "street": _or_null(location.street),
            "city": _or_null(location.city),
            "state": _or_null(location.state),
            "postcode": _or_null(location.postcode),
            "country": _or_null(location.country),
            "latitude": _string_or_null(location.latitude),
            "longitude": _string_or_null(location.longitude),
        },
        "openingHours": {
            **{
                f"{day.day}{edge.capitalize()}Min": str(getattr(day, edge))
                for day in location.week()
                for edge in ("start", "end")
            },
            "allHours": location.all_hours,
        },
        "storageAreas": [storage_area(area) for area in location.storage_areas.all()],
        "attributes": [attribute(item) for item in location.attributes.all()],
        "etas": [eta(item) for item in etas],
        "directions": _or_null(location.directions),
        "createdOn": location.created_on.date().isoformat(),
    }


def attribute(item: LocationAttribute) -> dict:
    return {"name": item.name, "type": item.type, "value": item.value}


def storage_area(area: StorageArea) -> dict:
    return {
        "ref": area.ref,
        "name": area.name,
        "externalId": _or_null(area.external_id),
        "status": area.status,
        "type": _or_null(area.type),
        "attributes": area.attributes,
    }


def eta(item: LocationEta) -> dict:
    return {"fromLocation": item.from_location_id, "toLocation": item.to_location_id, "eta": item.minutes}


def distance_metres(origin: tuple[float, float], latitude: float, longitude: float) -> int:
    """Great-circle (haversine) distance, rounded to the metre."""
    lat1, lon1, lat2, lon2 = map(math.radians, (origin[0], origin[1], latitude, longitude))
    a = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return round(2 * EARTH_RADIUS_METRES * math.asin(min(1.0, math.sqrt(a))))


def _distance(centre, latitude, longitude) -> int | None:
    if centre is None or latitude is None or longitude is None:
        return None
    return distance_metres(centre, latitude, longitude)


def _or_null(value: str):
    return value or None


def _string_or_null(value: float | None):
    return None if value is None else repr(value)
