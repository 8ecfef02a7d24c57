"""Single stops: POST /v1/Stops (one drop-off-shaped stop) and POST /v1/Stops/import.

The spec documents these endpoints but not their bodies; we take a stop to be a drop-off stop of
the Batch Delivery API (its field table and time-window rule), and an import to be
`{"batchSourceReference": optional, "stops": [stop, …]}`.
"""
from .errors import SpecError
from .fields import check_object, not_before
from .tables import SINGLE_STOP, STOP_IMPORT

MAX_IMPORT_STOPS = 10_000  # not in the spec: one request, one reasonable day's work


def check_stop(stop: dict, table: tuple, prefix: str, errors: list[SpecError]) -> dict:
    """A stop's own fields and its time window; returns the accepted values."""
    parsed = check_object(stop, table, prefix, errors)
    start, end = parsed.get("timeWindowStart"), parsed.get("timeWindowEnd")
    if start is not None and end is not None and not not_before(end, start):
        errors.append(SpecError(prefix + "timeWindowEnd", "Time window end must not be before the time window start."))
    return parsed


def validate_stop(payload, path: str = "") -> list[SpecError]:
    """Every problem of one stop; `path` prefixes field names (e.g. "stops[3]")."""
    if not isinstance(payload, dict):
        return [SpecError(path, "The stop must be an object with named fields.")]
    errors: list[SpecError] = []
    check_stop(payload, SINGLE_STOP, f"{path}." if path else "", errors)
    return errors


def validate_stop_import_envelope(payload) -> list[SpecError]:
    """The import request around its stops. A bad stop does not refuse the import: the carrier
    imports the others and reports that stop in the import status (stage Validation)."""
    if not isinstance(payload, dict):
        return [SpecError("", "The request body must be an object with a list of stops.")]
    errors: list[SpecError] = []
    check_object(payload, STOP_IMPORT, "", errors)
    stops = payload.get("stops")
    if stops is None or stops == []:
        errors.append(SpecError("stops", "Add at least one stop."))
    elif not isinstance(stops, list):
        errors.append(SpecError("stops", "Stops must be a list."))
    elif len(stops) > MAX_IMPORT_STOPS:
        errors.append(SpecError("stops", f"Import at most {MAX_IMPORT_STOPS:,} stops at once (there are {len(stops):,})."))
    return errors


def validate_stop_import(payload) -> list[SpecError]:
    """Every problem of an import request: the envelope's and each stop's (`stops[i].field`)."""
    errors = validate_stop_import_envelope(payload)
    if isinstance(payload, dict) and isinstance(payload.get("stops"), list):
        for i, stop in enumerate(payload["stops"]):
            errors.extend(validate_stop(stop, f"stops[{i}]"))
    return errors
