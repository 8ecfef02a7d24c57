"""Pure functions from Locate2u's answers (parsed JSON) to schemas. No HTTP, no Django.

Answers may come wrapped (`{"success": true, "data": …}`, as the spec shows for batch delivery and
import status) or bare (as it shows for Discovery); every reader accepts both. A required value
that is missing or of the wrong type raises `ShapeError`; the client turns it into a CarrierError.
"""
import re
from datetime import UTC, datetime

from .schemas import (
    BatchDeliveryAccepted,
    DiscoveryUser,
    ImportedStop,
    ImportState,
    ImportStatus,
    ImportStopError,
    Stop,
    StopImportAccepted,
    Webhook,
    WebhookEventType,
)


class ShapeError(ValueError):
    """The carrier's answer does not have the shape the spec describes."""


def unwrap(body):
    if isinstance(body, dict) and isinstance(body.get("data"), (dict, list)):
        return body["data"]
    return body


def _object(body, what: str) -> dict:
    body = unwrap(body)
    if not isinstance(body, dict):
        raise ShapeError(f"{what}: expected an object, got {type(body).__name__}")
    return body


def _required(data: dict, key: str, kind: type, what: str):
    value = data.get(key)
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):  # true is not an id
        raise ShapeError(f"{what}: {key} missing or not {kind.__name__}")
    return value


def _int(data: dict, key: str, default: int = 0) -> int:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return default
    return int(value)


def _text(data: dict, key: str) -> str:
    value = data.get(key)
    return value if isinstance(value, str) else ("" if value is None else str(value))


def _moment(value) -> datetime | None:
    """An ISO 8601 timestamp of the carrier's; one without an offset is taken as UTC."""
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def discovery_user_from(body) -> DiscoveryUser:
    data = _object(body, "discovery user")
    team_id = data.get("teamId")
    return DiscoveryUser(
        user_id=_required(data, "userId", int, "discovery user"),
        email=_text(data, "email"),
        team_id=team_id if isinstance(team_id, int) and not isinstance(team_id, bool) else None,
        team_name=_text(data, "teamName"),
    )


def batch_delivery_accepted_from(body) -> BatchDeliveryAccepted:
    data = _object(body, "batch delivery")
    return BatchDeliveryAccepted(
        batch_id=_required(data, "batchId", str, "batch delivery"),
        stops_created=_int(data, "stopsCreated"),
        items_processed=_int(data, "itemsProcessed"),
    )


def stop_import_accepted_from(body) -> StopImportAccepted:
    data = _object(body, "stop import")
    return StopImportAccepted(batch_id=_required(data, "batchId", str, "stop import"), total_count=_int(data, "totalCount"))


def _state(value) -> ImportState | str:
    try:
        return ImportState(value)
    except ValueError:
        return str(value)


def import_status_from(body) -> ImportStatus:
    data = _object(body, "import status")
    errors = data.get("errors") or []
    stops = data.get("successfulStops")
    progress = data.get("progressPercentage")
    return ImportStatus(
        batch_import_id=_required(data, "batchImportId", str, "import status"),
        status=_state(_required(data, "status", str, "import status")),
        total_count=_int(data, "totalCount"),
        success_count=_int(data, "successCount"),
        failed_count=_int(data, "failedCount"),
        processed_count=_int(data, "processedCount"),
        progress_percentage=float(progress) if isinstance(progress, (int, float)) and not isinstance(progress, bool) else 0.0,
        batch_source_reference=data.get("batchSourceReference") if isinstance(data.get("batchSourceReference"), str) else None,
        created_date=_moment(data.get("createdDate")),
        started_date=_moment(data.get("startedDate")),
        completed_date=_moment(data.get("completedDate")),
        errors=tuple(_import_error(e) for e in errors if isinstance(e, dict)),
        successful_stops=None if stops is None else tuple(_imported_stop(s) for s in stops if isinstance(s, dict)),
    )


def _import_error(data: dict) -> ImportStopError:
    messages = data.get("messages")
    if isinstance(messages, str):
        messages = [messages]
    row = data.get("rowNumber")
    return ImportStopError(
        row_number=row if isinstance(row, int) and not isinstance(row, bool) else None,
        source_reference=_text(data, "sourceReference"),
        stage=_text(data, "stage"),
        messages=tuple(str(m) for m in messages or ()),
    )


def _imported_stop(data: dict) -> ImportedStop:
    return ImportedStop(stop_id=_required(data, "stopId", int, "imported stop"), source_reference=_text(data, "sourceReference"))


def stop_from(body) -> Stop:
    data = _object(body, "stop")
    return Stop(
        stop_id=_required(data, "stopId", int, "stop"),
        source_reference=_text(data, "stopSourceReference") or _text(data, "sourceReference"),
        name=_text(data, "name"),
        address=_text(data, "address"),
        trip_date=_text(data, "tripDate"),
        status=_text(data, "status"),
        raw=data,
    )


def event_types_from(body) -> list[WebhookEventType]:
    """Either a list of names or of objects naming one (eventType / name)."""
    body = unwrap(body)
    if not isinstance(body, list):
        raise ShapeError(f"webhook event types: expected a list, got {type(body).__name__}")
    kinds = []
    for entry in body:
        if isinstance(entry, str):
            kinds.append(WebhookEventType(name=entry))
        elif isinstance(entry, dict):
            name = entry.get("eventType") or entry.get("name")
            if isinstance(name, str):
                kinds.append(WebhookEventType(name=name, description=_text(entry, "description")))
    return kinds


def webhook_from(body) -> Webhook:
    data = _object(body, "webhook")
    webhook_id = data.get("id")
    if isinstance(webhook_id, bool) or not isinstance(webhook_id, (int, str)):
        raise ShapeError("webhook: id missing")
    return Webhook(
        id=webhook_id,
        event_type=_text(data, "eventType"),
        url=_text(data, "url"),
        is_active=data.get("isActive") is not False,
        secret=data.get("secret") if isinstance(data.get("secret"), str) else None,
    )


def webhooks_from(body) -> list[Webhook]:
    body = unwrap(body)
    if not isinstance(body, list):
        raise ShapeError(f"webhooks: expected a list, got {type(body).__name__}")
    return [webhook_from(entry) for entry in body]


_PASCAL_SEGMENT = re.compile(r"(^|\.)([A-Z])")


def _field_path(name: str) -> str:
    """ASP.NET names fields "$.Items[0].ItemSourceReference"; we use the spec's items[0].itemSourceReference."""
    name = name.removeprefix("$.").removeprefix("$")
    return _PASCAL_SEGMENT.sub(lambda m: m.group(1) + m.group(2).lower(), name)


def validation_messages(body) -> list[tuple[str, str]]:
    """(field, message) pairs out of a 400 body: the spec's `{"success": false, "errors": [{field,
    message}]}`, an ASP.NET problem (`{"errors": {"Field": ["…"]}}`), an OAuth error, or text."""
    if isinstance(body, dict):
        errors = body.get("errors")
        if isinstance(errors, list):
            pairs = []
            for error in errors:
                if isinstance(error, dict):
                    pairs.append((_field_path(_text(error, "field")), _text(error, "message")))
                elif isinstance(error, str):
                    pairs.append(("", error))
            if pairs:
                return pairs
        if isinstance(errors, dict):
            return [(_field_path(str(name)), str(message)) for name, messages in errors.items()
                    for message in (messages if isinstance(messages, list) else [messages])]
        for key in ("error_description", "message", "title", "error"):
            if isinstance(body.get(key), str) and body[key]:
                return [("", body[key])]
        return []
    if isinstance(body, str) and body.strip():
        return [("", body.strip()[:500])]
    return []
