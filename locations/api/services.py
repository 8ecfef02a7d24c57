"""Writes made through the Fluent Location API (POST, PUT /{locationId}, PUT /eta).

PUT semantics (the document is silent): a PUT body is a patch. Every field present replaces the
stored one, every field absent is kept. Inside `address` and `openingHours` the same holds key by
key (`{"openingHours": {"sunStartMin": "1000"}}` changes Sunday's opening time only), because
Fluent clients commonly send one part of them. Lists (`storageAreas`, `attributes`,
`agentNetworks`, `clickAndCollectNetworks`, `useInventoryFor…`) are replaced whole: what is not in
the new list is removed. `null` clears an optional field.

Every write is atomic and validated in full before anything is saved: the body's own problems,
the model's validators (`full_clean`), the unique `locationRef` per retailer and the network ids
are collected into one `InvalidRequest`. Opening-hours changes are recorded like the staff
pages' (`opening_hours_record`), `via` naming the API client.
"""
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from locations.hours import DAYS
from locations.models import (
    DEFAULT_RETAILER,
    Location,
    LocationAttribute,
    LocationEta,
    LocationNetwork,
    Network,
    StorageArea,
)
from locations.services import opening_hours_record

from .errors import InvalidRequest, agent_not_found_message, raise_problems
from .parsing import EtaInput, LocationInput, Problem


@transaction.atomic
def location_create(*, data: LocationInput, client_retailer: str, via: str) -> Location:
    """`client_retailer` is the partner's retailer ("" = may create for any retailer)."""
    problems = list(data.problems)
    retailer = data.retailer or client_retailer or DEFAULT_RETAILER
    if client_retailer and data.retailer and data.retailer != client_retailer:
        problems.append(("retailerId", f"this client may only use retailer {client_retailer!r}"))
        retailer = client_retailer
    location = Location(retailer=retailer)
    before = location.hours_snapshot()  # a new location starts closed every day
    _apply(location, data)
    problems += _validate(location, data)
    raise_problems(problems)
    _save(location, data)
    opening_hours_record(location=location, before=before, by=None, via=via)
    return location


@transaction.atomic
def location_update(*, location: Location, data: LocationInput, via: str) -> Location:
    # Lock the row so a staff member saving opening hours at the same moment is applied after us.
    location = Location.objects.select_for_update().get(pk=location.pk)
    problems = list(data.problems)
    if data.retailer is not None and data.retailer != location.retailer:
        message = f"a location cannot move to another retailer (it belongs to {location.retailer!r})"
        problems.append(("retailerId", message))
    before = location.hours_snapshot()
    _apply(location, data)
    problems += _validate(location, data)
    raise_problems(problems)
    _save(location, data)
    opening_hours_record(location=location, before=before, by=None, via=via)
    return location


def _apply(location: Location, data: LocationInput) -> None:
    for name, value in data.fields.items():
        setattr(location, name, value)


def _validate(location: Location, data: LocationInput) -> list[Problem]:
    problems = _model_problems(location, data)
    bad_paths = {path for path, _ in data.problems}
    if "locationRef" not in bad_paths and location.ref:
        taken = Location.objects.filter(retailer=location.retailer, ref=location.ref).exclude(pk=location.pk)
        if taken.exists():
            problems.append(("locationRef", f"a location with ref {location.ref!r} already exists"))
    problems += _unknown_networks(location.retailer, data)
    return problems


def _model_problems(location: Location, data: LocationInput) -> list[Problem]:
    """The model's validators and clean(), reported at the body's paths; a field whose body value
    already has a problem is not reported twice."""
    bad_paths = {path for path, _ in data.problems}
    try:
        location.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        problems = []
        for name, messages in exc.message_dict.items():
            related = _related_fields(name)
            if any(data.path_of(field) in bad_paths for field in related):
                continue
            path = data.path_of(name) if name != "__all__" else "body"
            problems += [(path, str(message)) for message in messages]
        return problems
    return []


def _related_fields(name: str) -> list[str]:
    # A day's hours are judged together: a bad opening time must not also blame the closing time.
    day = name.split("_")[0]
    if day in DAYS:
        return [f"{day}_start", f"{day}_end"]
    if name in ("latitude", "longitude"):
        return ["latitude", "longitude"]
    return [name]


def _unknown_networks(retailer: str, data: LocationInput) -> list[Problem]:
    wanted = {network_id for ids in data.networks.values() for network_id, _ in ids}
    if not wanted:
        return []
    # Another retailer's network is reported as unknown: a partner learns nothing about it.
    known = set(Network.objects.filter(pk__in=wanted, retailer=retailer).values_list("pk", flat=True))
    return [
        (path, f"no network with id {network_id}")
        for ids in data.networks.values()
        for network_id, path in ids
        if network_id not in known
    ]


def _save(location: Location, data: LocationInput) -> None:
    try:
        with transaction.atomic():
            location.save()
            _save_networks(location, data)
            _save_storage_areas(location, data)
            _save_attributes(location, data)
    except IntegrityError as exc:
        # Only a request racing ours for the same locationRef gets here; validation saw the rest.
        if Location.objects.filter(retailer=location.retailer, ref=location.ref).exclude(pk=location.pk).exists():
            raise InvalidRequest([f"locationRef: a location with ref {location.ref!r} already exists"]) from exc
        raise


def _save_networks(location: Location, data: LocationInput) -> None:
    for role, ids in data.networks.items():
        LocationNetwork.objects.filter(location=location, role=role).delete()
        LocationNetwork.objects.bulk_create(
            [LocationNetwork(location=location, network_id=network_id, role=role) for network_id, _ in ids]
        )


def _save_storage_areas(location: Location, data: LocationInput) -> None:
    if data.storage_areas is None:
        return
    refs = [area["ref"] for area in data.storage_areas]
    StorageArea.objects.filter(location=location).exclude(ref__in=refs).delete()
    for area in data.storage_areas:
        StorageArea.objects.update_or_create(
            location=location, ref=area["ref"], defaults={k: v for k, v in area.items() if k != "ref"}
        )


def _save_attributes(location: Location, data: LocationInput) -> None:
    if data.attributes is None:
        return
    names = [attribute["name"] for attribute in data.attributes]
    LocationAttribute.objects.filter(location=location).exclude(name__in=names).delete()
    for attribute in data.attributes:
        LocationAttribute.objects.update_or_create(
            location=location,
            name=attribute["name"],
            defaults={"type": attribute["type"], "value": attribute["value"]},
        )


@transaction.atomic
def etas_upsert(*, items: list[EtaInput], visible: QuerySet[Location]) -> tuple[list[EtaInput], list[EtaInput]]:
    """Set each transit time by (from, to) pair. Returns (updated, failed); a failure does not stop
    the others. A location the partner cannot see is reported exactly like one that does not exist."""
    ids = {i for item in items if not item.error for i in (item.from_id, item.to_id)}
    known = set(visible.filter(pk__in=ids).values_list("pk", flat=True))
    updated, failed, latest = [], [], {}
    for item in items:
        if not item.error:
            missing = next((i for i in (item.from_id, item.to_id) if i not in known), None)
            if missing is not None:
                item.error = agent_not_found_message(missing)
        if item.error:
            failed.append(item)
            continue
        updated.append(item)
        latest[(item.from_id, item.to_id)] = item.minutes  # the last entry for a pair wins
    LocationEta.objects.bulk_create(
        [LocationEta(from_location_id=f, to_location_id=t, minutes=m) for (f, t), m in latest.items()],
        update_conflicts=True,
        unique_fields=["from_location", "to_location"],
        update_fields=["minutes", "updated_on"],
    )
    return updated, failed
