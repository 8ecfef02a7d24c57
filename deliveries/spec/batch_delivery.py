"""THE validation of Locate2u's Batch Delivery request (POST /v1/Logistics/batch-delivery).

One pure function serves the partner API, the staff forms, the CSV import and the Locate2u
sandbox, so all of them accept and refuse exactly the same batches, with the same messages:

    validate_batch_delivery(payload) -> list[SpecError]

Every problem is reported at once, each on the path of the field it concerns
(`items[0].itemSourceReference`, `pickups[1].tripDate`, `dropoffs[0].timeWindowEnd`,
`serviceDate`, `items`); an empty list means the batch is valid.

Rules beyond the field tables (the spec's "Validation Rules"):
- itemSourceReference unique within the batch; stopSourceReference unique across pickups and
  drop-offs. Compared trimmed and case-insensitively: "ITEM-1" and "item-1 " would collide in
  the carrier's (case-insensitive) store. A stop's item reference must match an item exactly.
- every tripDate has serviceDate's date (the date as written, before any offset);
- every item is in at least one pickup and one drop-off; stops name only items of the batch;
- timeWindowEnd ≥ timeWindowStart;
- at least one item, pickup and drop-off; every stop names at least one item.
"""
from .errors import SpecError
from .fields import check_object
from .stops import check_stop
from .tables import DROPOFF, ITEM, PICKUP, ROOT


def validate_batch_delivery(payload) -> list[SpecError]:
    if not isinstance(payload, dict):
        return [SpecError("", "The batch must be an object with named fields (batchSourceReference, items, …).")]
    errors: list[SpecError] = []
    root = check_object(payload, ROOT, "", errors)
    service_date = root.get("serviceDate")

    items = _records(payload, "items", "item", errors)
    item_refs, refused_refs = _items(items, errors)
    stop_keys: dict[str, str] = {}
    context = (item_refs, refused_refs, stop_keys, service_date)
    collected = _stops(payload, "pickups", "pickup", PICKUP, context, errors)
    delivered = _stops(payload, "dropoffs", "drop-off", DROPOFF, context, errors)

    for ref, index in item_refs.items():
        path = f"items[{index}].itemSourceReference"
        if collected is not None and ref not in collected:
            errors.append(SpecError(path, f"Item {ref!r} is not collected by any pickup."))
        if delivered is not None and ref not in delivered:
            errors.append(SpecError(path, f"Item {ref!r} is not delivered by any drop-off."))
    return errors


def _records(payload: dict, name: str, noun: str, errors: list[SpecError]) -> list[tuple[int, dict]] | None:
    """The (index, object) entries of a root list; None when the list itself is unusable."""
    value = payload.get(name)
    if value is None or value == []:
        errors.append(SpecError(name, f"Add at least one {noun}."))
        return None
    if not isinstance(value, list):
        errors.append(SpecError(name, f"{name[:1].upper()}{name[1:]} must be a list of {noun}s."))
        return None
    records = []
    for i, entry in enumerate(value):
        if isinstance(entry, dict):
            records.append((i, entry))
        else:
            errors.append(SpecError(f"{name}[{i}]", f"Each {noun} must be an object with named fields."))
    return records


def _items(items: list[tuple[int, dict]] | None, errors: list[SpecError]) -> tuple[dict[str, int], set]:
    """Check each item; return its accepted, unique references → index of the item, and the
    references that were refused (too long, say), so stops naming them get no second error."""
    refs: dict[str, int] = {}
    refused: set = set()
    seen: dict[str, int] = {}  # normalised reference → first index
    for i, item in items or ():
        prefix = f"items[{i}]."
        ref = check_object(item, ITEM, prefix, errors).get("itemSourceReference")
        if ref is None:
            raw = item.get("itemSourceReference")
            if isinstance(raw, str):
                refused.add(raw)
            continue
        key = ref.strip().casefold()
        if key in seen:
            errors.append(SpecError(prefix + "itemSourceReference",
                                    f"Item source reference {ref!r} is used more than once (also items[{seen[key]}])."))
            continue
        seen[key] = i
        refs[ref] = i
    return refs, refused


def _stops(payload: dict, name: str, noun: str, table: tuple, context: tuple, errors: list[SpecError]) -> set[str] | None:
    """Check each stop of one list; return the item references the list covers (None: list unusable)."""
    item_refs, refused_refs, stop_keys, service_date = context
    stops = _records(payload, name, noun, errors)
    if stops is None:
        return None
    verb = "collects" if name == "pickups" else "delivers"
    by_key = {ref.strip().casefold(): ref for ref in item_refs}  # for "did you mean" on a case slip
    covered: set[str] = set()
    for i, stop in stops:
        where = f"{name}[{i}]"
        prefix = where + "."
        parsed = check_stop(stop, table, prefix, errors)

        ref = parsed.get("stopSourceReference")
        if ref is not None:
            key = ref.strip().casefold()
            if key in stop_keys:
                errors.append(SpecError(prefix + "stopSourceReference",
                                        f"Stop source reference {ref!r} is used more than once (also {stop_keys[key]}); "
                                        "every pickup and drop-off needs its own."))
            else:
                stop_keys[key] = where

        trip = parsed.get("tripDate")
        if trip is not None and service_date is not None and trip.date() != service_date:
            errors.append(SpecError(prefix + "tripDate",
                                    f"Trip date {trip.date().isoformat()} must be on the service date "
                                    f"{service_date.isoformat()}."))

        refs_path = prefix + "itemSourceReferences"
        refs = stop.get("itemSourceReferences")
        if refs is None or refs == []:
            errors.append(SpecError(refs_path, f"List at least one item this {noun} {verb}."))
            continue
        if not isinstance(refs, list):
            errors.append(SpecError(refs_path, "Item source references must be a list of item references."))
            continue
        for j, item_ref in enumerate(refs):
            if not isinstance(item_ref, str) or not item_ref.strip():
                errors.append(SpecError(f"{refs_path}[{j}]", "Each item reference must be non-empty text."))
            elif item_ref in item_refs:
                covered.add(item_ref)
            elif item_ref in refused_refs:
                pass  # the item's own error says what is wrong with it
            else:
                near = by_key.get(item_ref.strip().casefold())
                hint = f" Did you mean {near!r}?" if near else ""
                errors.append(SpecError(f"{refs_path}[{j}]", f"Item {item_ref!r} is not in this batch's items.{hint}"))
    return covered
