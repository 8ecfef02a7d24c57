"""Validation of a quote (or immediate booking) request body, the way the sandbox reads the spec.

Pure: the store lookup is passed in. Returns every problem at once as "Field.Path: message"
texts (LineTen's errorMessages are plain strings), or the request in a normalised form.

Deliberately written apart from the client's mapping.py: the sandbox stands in for LineTen, so
a misreading of the spec in our client must not be mirrored here and pass the contract tests.
"""
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from .providers import PROVIDERS_BY_NAME, SIZES, TRANSPORT_TYPES

ZONE = ZoneInfo("Europe/London")
FLAGS = ("scan_barcode", "photo_item", "c25", "signature", "c30")
TAGS = ("hot", "frozen", "fragile", "controlled_drug", "refrigerated")
ADDRESS_FIELDS = ("CompanyName", "Address1", "Address2", "Postcode", "City", "Country", "County", "Notes")
PERSON_FIELDS = ("Phone", "FirstName", "LastName", "Email", "Notes")


@dataclass
class StorePlace:
    """What the portal's location table says about an ExtStoreRef."""

    location_id: int
    address: dict
    persons: list
    latitude: float
    longitude: float


StoreLookup = Callable[[str], StorePlace | str]  # a place, or why there is none


@dataclass
class PlannedTask:
    type: str
    address: dict
    persons: list
    latitude: float
    longitude: float
    sizes: list[str]
    flags: list[str]
    tags: list[str]
    notes: str
    ext_store_ref: str = ""
    location_id: int | None = None
    requested_start: datetime | None = None
    requested_end: datetime | None = None


@dataclass
class PlannedJob:
    pickup: PlannedTask
    delivery: PlannedTask
    transport_types: set[str]
    provider_names: set[str]
    client_ref: str = ""
    callback_url: str = ""
    notes: str = ""
    flags: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)

    @property
    def asap(self) -> bool:
        return self.delivery.requested_start is None


class _Errors(list):
    def add(self, path: str, message: str) -> None:
        self.append(f"{path}: {message}")


def _text(value, path: str, errors: _Errors, *, required: bool = False, limit: int = 500) -> str:
    if value is None or value == "":
        if required:
            errors.add(path, "is required")
        return ""
    if not isinstance(value, str):
        errors.add(path, "must be text")
        return ""
    if len(value) > limit:
        errors.add(path, f"must be at most {limit} characters")
    return value.strip()


def _choices(value, path: str, errors: _Errors, allowed: tuple[str, ...], what: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        errors.add(path, "must be an array")
        return []
    chosen = []
    for index, item in enumerate(value):
        if not isinstance(item, str) or item.strip().lower() not in allowed:
            errors.add(f"{path}[{index}]", f"{item!r} is not a {what}; one of {', '.join(allowed)}")
        else:
            chosen.append(item.strip().lower())
    return chosen


def _number(value, path: str, errors: _Errors, low: float, high: float) -> float | None:
    if value is None or value == "":
        errors.add(path, "is required")
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        errors.add(path, "must be a number")
        return None
    if not low <= value <= high:
        errors.add(path, f"must be between {low:g} and {high:g}")
        return None
    return float(value)


def _time(value, path: str, errors: _Errors) -> datetime | None:
    if not isinstance(value, str) or not value:
        errors.add(path, "must be a date-time such as 2020-08-19T11:30:00")
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        errors.add(path, f"{value!r} is not a date-time such as 2020-08-19T11:30:00")
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=ZONE)  # LineTen's own zone


def _location(value, path: str, errors: _Errors, store_for: StoreLookup) -> dict | None:
    if not isinstance(value, dict):
        errors.add(path, "is required (an object with Address, Persons and GeoLocation, or ExtStoreRef)")
        return None
    if "ExtStoreRef" in value and value["ExtStoreRef"] not in (None, ""):
        # "When this field is present all the other Location fields are ignored."
        ref = _text(value["ExtStoreRef"], f"{path}.ExtStoreRef", errors, limit=100)
        if not ref:
            return None
        place = store_for(ref)
        if isinstance(place, str):
            errors.add(f"{path}.ExtStoreRef", place)
            return None
        return {"address": place.address, "persons": place.persons, "latitude": place.latitude,
                "longitude": place.longitude, "ext_store_ref": ref, "location_id": place.location_id}
    address = value.get("Address")
    if not isinstance(address, dict):
        errors.add(f"{path}.Address", "is required")
        address = {}
    clean_address = {name: _text(address.get(name), f"{path}.Address.{name}", errors,
                                 required=name in ("Address1", "Postcode"), limit=200)
                     for name in ADDRESS_FIELDS}
    persons = value.get("Persons") or []
    if not isinstance(persons, list):
        errors.add(f"{path}.Persons", "must be an array")
        persons = []
    clean_persons = []
    for index, person in enumerate(persons):
        if not isinstance(person, dict):
            errors.add(f"{path}.Persons[{index}]", "must be an object")
            continue
        clean_persons.append({name: _text(person.get(name), f"{path}.Persons[{index}].{name}", errors, limit=200)
                              for name in PERSON_FIELDS})
    geo = value.get("GeoLocation")
    if not isinstance(geo, dict):
        # FAQ 3: "This is required information."
        errors.add(f"{path}.GeoLocation", "is required: LineTen needs the coordinates of every address")
        return None
    latitude = _number(geo.get("Latitude"), f"{path}.GeoLocation.Latitude", errors, -90, 90)
    longitude = _number(geo.get("Longitude"), f"{path}.GeoLocation.Longitude", errors, -180, 180)
    if latitude is None or longitude is None:
        return None
    return {"address": clean_address, "persons": clean_persons, "latitude": latitude, "longitude": longitude,
            "ext_store_ref": "", "location_id": None}


def _items(value, path: str, errors: _Errors) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        errors.add(path, "must be an array")
        return []
    sizes = []
    for index, item in enumerate(value):
        package = item.get("Package") if isinstance(item, dict) else None
        size = package.get("Size") if isinstance(package, dict) else None
        if not isinstance(size, str) or size.strip().upper() not in SIZES:
            errors.add(f"{path}[{index}].Package.Size", f"{size!r} is not a package size; one of {', '.join(SIZES)}")
        else:
            sizes.append(size.strip().upper())
    return sizes


def _task(value, path: str, errors: _Errors, store_for: StoreLookup) -> PlannedTask | None:
    before = len(errors)
    kind = _text(value.get("Type"), f"{path}.Type", errors, required=True).lower()
    location = _location(value.get("Location"), f"{path}.Location", errors, store_for)
    sizes = _items(value.get("Items"), f"{path}.Items", errors)
    flags = _choices(value.get("Flags"), f"{path}.Flags", errors, FLAGS, "flag")
    tags = _choices(value.get("Tags"), f"{path}.Tags", errors, TAGS, "tag")
    notes = _text(value.get("Notes"), f"{path}.Notes", errors, limit=2000)
    _choices(value.get("TransportType"), f"{path}.TransportType", errors, TRANSPORT_TYPES, "transport type")
    start = end = None
    if kind == "delivery":  # FAQ 4: only read on delivery tasks
        window = value.get("RequestedWindow")
        if window is not None:
            if not isinstance(window, dict):
                errors.add(f"{path}.RequestedWindow", "must be an object with From and To")
            else:
                start = _time(window.get("From"), f"{path}.RequestedWindow.From", errors)
                end = _time(window.get("To"), f"{path}.RequestedWindow.To", errors)
                if start and end and end <= start:
                    errors.add(f"{path}.RequestedWindow.To", "must be after From")
        elif value.get("RequestedTime") is not None:
            start = _time(value.get("RequestedTime"), f"{path}.RequestedTime", errors)
            end = start + timedelta(minutes=60) if start else None  # "a +60 minutes delivery window"
    if len(errors) > before or location is None:
        return None
    return PlannedTask(kind, location["address"], location["persons"], location["latitude"], location["longitude"],
                       sizes, flags, tags, notes, location["ext_store_ref"], location["location_id"], start, end)


def validate_quote_request(body, *, store_for: StoreLookup) -> tuple[PlannedJob | None, list[str]]:
    """(the planned job, []) or (None, every problem found)."""
    errors = _Errors()
    if not isinstance(body, dict):
        errors.add("body", "must be a JSON object (a quote request)")
        return None, errors
    transport = set(_choices(body.get("TransportType"), "TransportType", errors, TRANSPORT_TYPES, "transport type"))
    providers = body.get("DeliveryProvider")
    provider_names: set[str] = set()
    if providers is not None:
        if not isinstance(providers, list):
            errors.add("DeliveryProvider", "must be an array of provider names")
        else:
            for index, name in enumerate(providers):
                if not isinstance(name, str) or name.strip().lower() not in PROVIDERS_BY_NAME:
                    known = ", ".join(p.name for p in PROVIDERS_BY_NAME.values())
                    errors.add(f"DeliveryProvider[{index}]", f"{name!r} is not a delivery provider; one of {known}")
                else:
                    provider_names.add(name.strip().lower())
    callback_url = _text(body.get("CallbackUrl"), "CallbackUrl", errors)
    if callback_url and not callback_url.startswith(("http://", "https://")):
        errors.add("CallbackUrl", "must be an http(s) URL")
    client_ref = _text(body.get("ClientRef"), "ClientRef", errors, limit=200)
    notes = _text(body.get("Notes"), "Notes", errors, limit=2000)
    flags = _choices(body.get("Flags"), "Flags", errors, FLAGS, "flag")
    tags = _choices(body.get("Tags"), "Tags", errors, TAGS, "tag")

    tasks = body.get("Tasks")
    planned: dict[str, PlannedTask] = {}
    if not isinstance(tasks, list) or not tasks:
        errors.add("Tasks", "is required: one pickup task and one delivery task")
    else:
        declared = set()
        for index, task in enumerate(tasks):
            path = f"Tasks[{index}]"
            if not isinstance(task, dict):
                errors.add(path, "must be an object")
                continue
            if isinstance(task.get("Type"), str):
                declared.add(task["Type"].strip().lower())
            result = _task(task, path, errors, store_for)
            if result is None:
                continue
            if result.type not in ("pickup", "delivery"):
                errors.add(f"{path}.Type", f"{task.get('Type')!r} is not a task type; one of pickup, delivery")
            elif result.type in planned:
                errors.add(f"{path}.Type", f"only one {result.type} task is allowed")
            else:
                planned[result.type] = result
        for kind in ("pickup", "delivery"):
            if kind not in declared:
                errors.add("Tasks", f"a {kind} task is required")
    if errors:
        return None, errors
    return PlannedJob(planned["pickup"], planned["delivery"], transport, provider_names, client_ref, callback_url,
                      notes, flags, tags), []
