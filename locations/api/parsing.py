"""Fluent JSON bodies → Python values, collecting every problem with its field path.

Nothing here touches the database: ids are only checked to be ids, and value rules that need
the stored location (uniqueness, known networks, the model's own validators) are checked by
`locations.api.services`. Problems are `(path, message)` pairs such as
`("address.latitude", "must be between -90 and 90")`.

What the parser accepts, beyond the document's examples:
- strings may be given as integers (`"postcode": 2000`); surrounding spaces are dropped;
- `status` and `type` are case-insensitive;
- `null` clears an optional field (`"directions": null`, `"agentNetworks": null` = none) and is
  refused for `locationRef`, `name`, `type`, `status`, `timeZone` and `pickAndPackTimeLimit`;
- safety stocks take a whole number, a numeric string, `null` or the string `"NULL"`;
- latitude/longitude take a number or a numeric string (`""` or `null` clears them);
- opening hours take `900`, `"900"`, `"0900"` or `"09:00"`, in the `monStartMin`/`monEndMin`
  form, the list form `{"mon": {"start": 900, "end": 1800}}`, and `allHours: true`;
- keys the portal does not store (`locationId`, `createdOn`, `etas`, anything unknown) are
  ignored, so a detail response can be sent back as a PUT body.
"""
import json
import math
import re
from dataclasses import dataclass, field
from typing import Any

from locations.hours import DAYS, hhmm_parse
from locations.models import Location, LocationAttribute, LocationNetwork, StorageArea

INVALID = object()  # a value that could not be parsed; its problem is already recorded
Problem = tuple[str, str]

# body key → model field, for the plain text columns
TEXT_FIELDS = {
    "locationRef": "ref",
    "alternateId": "alternate_id",
    "externalId": "external_id",
    "name": "name",
    "email": "email",
    "supportPhone": "support_phone",
    "timeZone": "time_zone",
    "directions": "directions",
}
CHOICE_FIELDS = {"status": ("status", Location.Status.values), "type": ("type", Location.Type.values)}
ADDRESS_TEXT_FIELDS = {
    "businessName": "business_name",
    "name": "address_name",
    "street": "street",
    "city": "city",
    "state": "state",
    "postcode": "postcode",
    "country": "country",
}
NETWORK_LISTS = {
    "agentNetworks": LocationNetwork.Role.MEMBER,
    "clickAndCollectNetworks": LocationNetwork.Role.CLICK_AND_COLLECT,
    "useInventoryForHomeDelivery": LocationNetwork.Role.INVENTORY_HOME_DELIVERY,
    "useInventoryForClickAndCollect": LocationNetwork.Role.INVENTORY_CLICK_AND_COLLECT,
}
NOT_NULL = {"locationRef", "name", "type", "status", "timeZone", "pickAndPackTimeLimit"}
REQUIRED_ON_CREATE = ("locationRef", "name", "type")
SMALL_INT_MAX = 32767  # PositiveSmallIntegerField on every supported database
INT_MAX = 2147483647
ID_MAX = 9223372036854775807  # BigAutoField


def model_path(model_field: str) -> str:
    """Where a model field lives in a Fluent body (for messages about fields the body left out)."""
    for key, name in TEXT_FIELDS.items():
        if name == model_field:
            return key
    for key, name in ADDRESS_TEXT_FIELDS.items():
        if name == model_field:
            return f"address.{key}"
    if model_field in ("latitude", "longitude"):
        return f"address.{model_field}"
    day, _, edge = model_field.partition("_")
    if day in DAYS and edge in ("start", "end"):
        return f"openingHours.{day}{edge.capitalize()}Min"
    return {
        "retailer": "retailerId",
        "pick_and_pack_time_limit": "pickAndPackTimeLimit",
        "home_delivery_safety_stock": "homeDeliverySafetyStock",
        "click_and_collect_safety_stock": "clickAndCollectSafetyStock",
    }.get(model_field, model_field)


@dataclass
class LocationInput:
    """The parts of a Location body that were present, ready to apply to a model instance."""

    fields: dict[str, Any] = field(default_factory=dict)  # model field → value
    paths: dict[str, str] = field(default_factory=dict)  # model field → body path it came from
    retailer: str | None = None
    networks: dict[str, list[tuple[int, str]]] = field(default_factory=dict)  # role → [(id, path)]
    storage_areas: list[dict] | None = None
    attributes: list[dict] | None = None
    problems: list[Problem] = field(default_factory=list)

    def set(self, model_field: str, value, path: str) -> None:
        if value is not INVALID:
            self.fields[model_field] = value
            self.paths[model_field] = path

    def path_of(self, model_field: str) -> str:
        return self.paths.get(model_field) or model_path(model_field)


def parse_location_body(body: dict, *, creating: bool) -> LocationInput:
    data = LocationInput()
    problems = data.problems
    if creating:
        for key in REQUIRED_ON_CREATE:
            if key not in body:
                problems.append((key, "required"))

    for key, model_field in TEXT_FIELDS.items():
        if key in body:
            data.set(model_field, _text(problems, key, body[key], model_field, Location, key in NOT_NULL), key)
    for key, (model_field, allowed) in CHOICE_FIELDS.items():
        if key in body:
            data.set(model_field, _choice(problems, key, body[key], allowed), key)
    if "pickAndPackTimeLimit" in body:
        value = _integer(problems, "pickAndPackTimeLimit", body["pickAndPackTimeLimit"], 1, SMALL_INT_MAX)
        data.set("pick_and_pack_time_limit", value, "pickAndPackTimeLimit")
    for key, model_field in (
        ("homeDeliverySafetyStock", "home_delivery_safety_stock"),
        ("clickAndCollectSafetyStock", "click_and_collect_safety_stock"),
    ):
        if key in body:
            data.set(model_field, _integer(problems, key, body[key], 0, INT_MAX, nullable=True), key)
    if "retailerId" in body:
        retailer = _text(problems, "retailerId", body["retailerId"], "retailer", Location, not_null=True)
        if retailer is not INVALID:
            data.retailer = retailer
    if "address" in body:
        _address(data, body["address"])
    if "openingHours" in body:
        _opening_hours(data, body["openingHours"])
    for key, role in NETWORK_LISTS.items():
        if key in body:
            ids = _id_list(problems, key, body[key])
            if ids is not INVALID:
                data.networks[role] = ids
    if "storageAreas" in body:
        areas = _storage_areas(problems, body["storageAreas"])
        data.storage_areas = None if areas is INVALID else areas
    if "attributes" in body:
        attributes = _attributes(problems, "attributes", body["attributes"], LocationAttribute)
        data.attributes = None if attributes is INVALID else attributes
    return data


# --- parts of the body ------------------------------------------------------------------------
def _address(data: LocationInput, raw) -> None:
    if not isinstance(raw, dict):
        data.problems.append(("address", "must be an object"))
        return
    for key, model_field in ADDRESS_TEXT_FIELDS.items():
        if key in raw:
            path = f"address.{key}"
            data.set(model_field, _text(data.problems, path, raw[key], model_field, Location), path)
    for key, limit in (("latitude", 90), ("longitude", 180)):
        if key in raw:
            path = f"address.{key}"
            data.set(key, _coordinate(data.problems, path, raw[key], limit), path)


def _opening_hours(data: LocationInput, raw) -> None:
    problems = data.problems
    if not isinstance(raw, dict):
        problems.append(("openingHours", 'must be an object such as {"monStartMin": "0900", "monEndMin": "1800"}'))
        return
    given: dict[str, int] = {}
    for day in DAYS:
        keys = {"start": f"{day}StartMin", "end": f"{day}EndMin"}
        if day in raw and any(key in raw for key in keys.values()):
            problems.append((f"openingHours.{day}", f"give either {day} or {keys['start']}/{keys['end']}, not both"))
            continue
        sources = {edge: (f"openingHours.{key}", raw[key]) for edge, key in keys.items() if key in raw}
        if day in raw:
            nested = raw[day]
            if not isinstance(nested, dict):
                problems.append((f"openingHours.{day}", "must be an object such as {\"start\": 900, \"end\": 1800}"))
                continue
            sources = {edge: (f"openingHours.{day}.{edge}", nested[edge]) for edge in keys if edge in nested}
        for edge, (path, value) in sources.items():
            try:
                given[f"{day}_{edge}"] = hhmm_parse(value)
                data.paths[f"{day}_{edge}"] = path
            except ValueError as exc:
                problems.append((path, str(exc)))

    all_hours = _boolean(problems, "openingHours.allHours", raw["allHours"]) if "allHours" in raw else False
    if all_hours is True:
        other = [data.paths[name] for name, value in given.items() if value != (0 if name.endswith("_start") else 2400)]
        if other:
            problems.append(("openingHours.allHours", f"is true but {', '.join(other)} give other hours"))
        given = {f"{day}_{edge}": (0 if edge == "start" else 2400) for day in DAYS for edge in ("start", "end")}
        for name in given:
            data.paths.setdefault(name, "openingHours.allHours")
    data.fields.update(given)


def _storage_areas(problems: list[Problem], raw) -> list[dict] | object:
    if raw is None:
        return []
    if not isinstance(raw, list):
        problems.append(("storageAreas", "must be a list of storage areas (objects with ref and name, or names)"))
        return INVALID
    areas, seen, before = [], set(), len(problems)
    for index, item in enumerate(raw):
        path = f"storageAreas[{index}]"
        if isinstance(item, (str, int)) and not isinstance(item, bool):
            item = {"ref": item, "name": item}
        if not isinstance(item, dict):
            problems.append((path, "must be an object with ref and name, or a name"))
            continue
        ref = _text(problems, f"{path}.ref", item.get("ref"), "ref", StorageArea)
        name = _text(problems, f"{path}.name", item.get("name"), "name", StorageArea)
        if ref is INVALID or name is INVALID:
            continue
        ref, name = ref or name, name or ref
        if not ref:
            problems.append((f"{path}.ref", "required (or give a name)"))
            continue
        if ref in seen:
            problems.append((f"{path}.ref", f"{ref!r} appears more than once"))
        seen.add(ref)
        area = {
            "ref": ref,
            "name": name,
            "type": _text(problems, f"{path}.type", item.get("type"), "type", StorageArea),
            "status": _choice(problems, f"{path}.status", item.get("status") or "ENABLED", StorageArea.Status.values),
            "external_id": _text(problems, f"{path}.externalId", item.get("externalId"), "external_id", StorageArea),
            "attributes": _attributes(problems, f"{path}.attributes", item.get("attributes"), None),
        }
        areas.append(area)
    return INVALID if len(problems) > before else areas


def _attributes(problems: list[Problem], path: str, raw, model) -> list[dict] | object:
    """[{name, type, value}]; `model` gives the length limits (None: free, as stored in JSON)."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        problems.append((path, "must be a list of {name, type, value} objects"))
        return INVALID
    attributes, seen, before = [], set(), len(problems)
    for index, item in enumerate(raw):
        item_path = f"{path}[{index}]"
        if not isinstance(item, dict):
            problems.append((item_path, "must be an object with name, type and value"))
            continue
        if "name" not in item:
            problems.append((f"{item_path}.name", "required"))
            continue
        name = _text(problems, f"{item_path}.name", item["name"], "name", model, not_null=True)
        kind = _text(problems, f"{item_path}.type", item.get("type"), "type", model)
        if name is INVALID or kind is INVALID:
            continue
        if name in seen:
            problems.append((f"{item_path}.name", f"{name!r} appears more than once"))
        seen.add(name)
        if "\\u0000" in json.dumps(item.get("value")):  # PostgreSQL's jsonb refuses it
            problems.append((f"{item_path}.value", "must not contain NUL characters"))
        # Storage-area attributes are kept as given (Fluent shows "type": null); location ones default to string.
        kind = kind or ("string" if model else item.get("type"))
        attributes.append({"name": name, "type": kind, "value": item.get("value")})
    return INVALID if len(problems) > before else attributes


def _id_list(problems: list[Problem], path: str, raw) -> list[tuple[int, str]] | object:
    if raw is None:
        return []
    if not isinstance(raw, list):
        problems.append((path, "must be a list of network ids"))
        return INVALID
    ids, before = [], len(problems)
    for index, item in enumerate(raw):
        value = parse_id(item)
        if value is None:
            problems.append((f"{path}[{index}]", f"{item!r} is not a network id"))
        elif value not in [known for known, _ in ids]:
            ids.append((value, f"{path}[{index}]"))
    return INVALID if len(problems) > before else ids


# --- single values ----------------------------------------------------------------------------
def parse_id(raw) -> int | None:
    """A location or network id, given as a number or a numeric string; None when it is not one."""
    if isinstance(raw, str) and re.fullmatch(r"\s*\d+\s*", raw):
        raw = int(raw)
    if isinstance(raw, bool) or not isinstance(raw, int):
        return None
    return raw if 0 < raw <= ID_MAX else None


def _text(problems: list[Problem], path: str, raw, model_field: str, model, not_null: bool = False):
    if raw is None:
        if not_null:
            problems.append((path, "must not be null"))
            return INVALID
        return ""
    if isinstance(raw, bool) or not isinstance(raw, (str, int)):
        problems.append((path, "must be a string"))
        return INVALID
    value = str(raw).strip()
    if "\x00" in value:  # PostgreSQL refuses NUL in text; it is never part of a real value
        problems.append((path, "must not contain NUL characters"))
        return INVALID
    if not_null and not value:
        problems.append((path, "must not be blank"))
        return INVALID
    max_length = model._meta.get_field(model_field).max_length if model is not None else None
    if max_length and len(value) > max_length:
        problems.append((path, f"at most {max_length} characters (got {len(value)})"))
        return INVALID
    return value


def _choice(problems: list[Problem], path: str, raw, allowed: list[str]):
    if raw is None:
        problems.append((path, f"must be one of {', '.join(allowed)}"))
        return INVALID
    value = str(raw).strip().upper() if isinstance(raw, str) else None
    if value not in allowed:
        problems.append((path, f"{raw!r} is not one of {', '.join(allowed)}"))
        return INVALID
    return value


def _integer(problems: list[Problem], path: str, raw, minimum: int, maximum: int, nullable: bool = False):
    if raw is None or (nullable and isinstance(raw, str) and raw.strip().upper() in ("", "NULL")):
        if nullable:
            return None
        problems.append((path, "must not be null"))
        return INVALID
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    elif isinstance(raw, str) and re.fullmatch(r"\s*-?\d+\s*", raw):
        raw = int(raw)
    if isinstance(raw, bool) or not isinstance(raw, int):
        problems.append((path, f"{raw!r} is not a whole number"))
        return INVALID
    if not minimum <= raw <= maximum:
        problems.append((path, f"must be between {minimum} and {maximum}"))
        return INVALID
    return raw


def _coordinate(problems: list[Problem], path: str, raw, limit: int):
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    value = math.nan
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        value = float(raw)
    elif isinstance(raw, str):
        try:
            value = float(raw)
        except ValueError:
            pass
    if not math.isfinite(value):
        problems.append((path, f"{raw!r} is not a number"))
        return INVALID
    if not -limit <= value <= limit:
        problems.append((path, f"must be between -{limit} and {limit}"))
        return INVALID
    return value


def _boolean(problems: list[Problem], path: str, raw):
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip().lower() in ("true", "false"):
        return raw.strip().lower() == "true"
    problems.append((path, "must be true or false"))
    return INVALID


# --- PUT /eta -----------------------------------------------------------------------------------
@dataclass
class EtaInput:
    """One entry of `etas`, echoed back as given; `error` is set when it cannot be applied."""

    from_raw: Any
    to_raw: Any
    eta_raw: Any
    from_id: int | None = None
    to_id: int | None = None
    minutes: int | None = None
    error: str | None = None


def parse_eta_body(body: dict) -> tuple[list[EtaInput], list[Problem]]:
    """The list's shape is checked as a whole (400); each entry's values are judged on their own."""
    raw = body.get("etas")
    if not isinstance(raw, list):
        return [], [("etas", "required: a list of {fromLocation, toLocation, eta}")]
    items, problems = [], []
    for index, entry in enumerate(raw):
        if not isinstance(entry, dict):
            problems.append((f"etas[{index}]", "must be an object with fromLocation, toLocation and eta"))
            continue
        item = EtaInput(entry.get("fromLocation"), entry.get("toLocation"), entry.get("eta"))
        item.from_id, item.to_id = parse_id(item.from_raw), parse_id(item.to_raw)
        errors = []
        if item.from_id is None:
            errors.append(f"fromLocation: {item.from_raw!r} is not a location id")
        if item.to_id is None:
            errors.append(f"toLocation: {item.to_raw!r} is not a location id")
        eta_problems: list[Problem] = []
        minutes = _integer(eta_problems, "eta", item.eta_raw, 0, INT_MAX)
        errors += [f"{path}: {message}" for path, message in eta_problems]
        item.minutes = None if minutes is INVALID else minutes
        if not errors and item.from_id == item.to_id:
            errors.append("toLocation: must differ from fromLocation")
        item.error = "; ".join(errors) or None
        items.append(item)
    return items, problems
