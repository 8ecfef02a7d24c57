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


def list_result(row: dict, network_names: list[str], distance_to=None) -> dict:
    """One list result. `distance_to(lat, lon)` gives metres from the map area's centre (see
    `distance_from`); without a map area there is no distance. Runs up to 10000 times a request."""
    latitude, longitude = row["latitude"], row["longitude"]
    return {
        "locationId": str(row["id"]),
        "locationRef": row["ref"],
        "alternateId": row["alternate_id"] or None,
        "name": row["name"],
        "city": row["city"] or None,
        "state": row["state"] or None,
        "country": row["country"] or None,
        "street": row["street"] or None,
        "postcode": row["postcode"] or None,
        "status": row["status"],
        "type": row["type"],
        "createdOn": str(row["created_on"])[:10],  # the UTC date, as text or datetime alike
        "latitude": latitude,
        "longitude": longitude,
        "homeDeliverySafetyStock": row["home_delivery_safety_stock"],
        "clickAndCollectSafetyStock": row["click_and_collect_safety_stock"],
        "distance": distance_to(latitude, longitude) if distance_to and latitude is not None else None,
        "phoneNumber": row["support_phone"] or None,
        "openingHours": {day: {"start": row[start], "end": row[end]} for day, start, end in _HOURS_KEYS},
        "networkName": network_names,
        "directions": row["directions"] or None,
    }


def distance_from(centre: tuple[float, float]):
    """Haversine metres from `centre`, with the centre's trigonometry done once per request."""
    lat1, lon1 = math.radians(centre[0]), math.radians(centre[1])
    cos_lat1, sin, cos, asin, sqrt, radians = math.cos(lat1), math.sin, math.cos, math.asin, math.sqrt, math.radians

    def to(latitude: float, longitude: float) -> int:
        lat2 = radians(latitude)
        a = sin((lat2 - lat1) / 2) ** 2 + cos_lat1 * cos(lat2) * sin((radians(longitude) - lon1) / 2) ** 2
        return round(2 * EARTH_RADIUS_METRES * asin(min(1.0, sqrt(a))))

    return to


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


def _or_null(value: str):
    return value or None


def _string_or_null(value: float | None):
    return None if value is None else repr(value)
