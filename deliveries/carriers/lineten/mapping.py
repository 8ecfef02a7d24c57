"""Pure functions between the spec's JSON and schemas.py. No HTTP, no database.

LineTen writes times without an offset, in the zone its envelope names ("europe/london"), and an
unset time as "0000-00-00T00:00:00"; callbacks carry Unix seconds. Unknown keys are ignored so
that LineTen can add fields without breaking us; missing or mistyped essentials are a ValueError
that names the field.
"""
import json
import re
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from .schemas import (
    AddressLocation,
    Booking,
    CallbackEvent,
    Cancellation,
    Driver,
    DriverPosition,
    JobPayload,
    Quote,
    QuoteRequest,
    QuoteResponse,
    StoreLocation,
    Task,
    TaskType,
    Tracker,
    Vehicle,
)
from .statuses import delivery_status, job_status

LINETEN_ZONE = ZoneInfo("Europe/London")
_FIELD_PREFIX = re.compile(r"^\s*([A-Za-z_][\w.\[\]]*)\s*:\s*(.+)$", re.DOTALL)


# --- times and numbers -------------------------------------------------------------------------------
def format_time(value: datetime) -> str:
    """A time as LineTen writes it: local London time, no offset, whole seconds."""
    if value.tzinfo is not None:
        value = value.astimezone(LINETEN_ZONE).replace(tzinfo=None)
    return value.isoformat(timespec="seconds")


def parse_time(value, path: str = "time") -> datetime | None:
    if value in (None, "") or (isinstance(value, str) and value.startswith("0000-00-00")):
        return None
    if not isinstance(value, str):
        raise ValueError(f"{path}: expected a date-time text, got {value!r}")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{path}: {value!r} is not a date-time") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=LINETEN_ZONE)


def parse_unix(value, path: str) -> datetime | None:
    if value in (None, "", 0, "0"):
        return None
    try:
        return datetime.fromtimestamp(int(value), tz=timezone.utc)
    except (TypeError, ValueError, OverflowError, OSError):
        raise ValueError(f"{path}: {value!r} is not a Unix timestamp") from None


def _money(value, path: str, *, default: Decimal | None = Decimal("0")) -> Decimal | None:
    if value in (None, ""):
        return default
    if isinstance(value, bool):
        raise ValueError(f"{path}: expected an amount, got {value!r}")
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"{path}: {value!r} is not an amount") from None


def _float(value, path: str, *, default: float | None = 0.0) -> float | None:
    if value in (None, ""):
        return default
    if isinstance(value, bool):
        raise ValueError(f"{path}: expected a number, got {value!r}")
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{path}: expected a number, got {value!r}") from None


def _int(value, path: str, *, default: int | None = None) -> int | None:
    if value in (None, ""):
        if default is None:
            raise ValueError(f"{path}: is required")
        return default
    if isinstance(value, bool):
        raise ValueError(f"{path}: expected an integer, got {value!r}")
    try:
        as_float = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{path}: expected an integer, got {value!r}") from None
    if as_float != int(as_float):
        raise ValueError(f"{path}: expected an integer, got {value!r}")
    return int(as_float)


def _text(value, path: str) -> str:
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        raise ValueError(f"{path}: expected text, got {type(value).__name__}")
    return str(value)


def _object(value, path: str) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValueError(f"{path}: expected an object, got {type(value).__name__}")
    return value


def _list(value, path: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ValueError(f"{path}: expected an array, got {type(value).__name__}")
    return value


# --- requests ------------------------------------------------------------------------------------
def _location_json(location) -> dict:
    if isinstance(location, StoreLocation):
        return {"ExtStoreRef": location.ext_store_ref}
    assert isinstance(location, AddressLocation)
    a = location.address
    return {
        "Address": {
            "CompanyName": a.company_name, "Address1": a.address1, "Address2": a.address2, "Postcode": a.postcode,
            "City": a.city, "Country": a.country, "County": a.county, "Notes": a.notes,
        },
        "Persons": [
            {"Phone": p.phone, "FirstName": p.first_name, "LastName": p.last_name, "Email": p.email, "Notes": p.notes}
            for p in location.persons
        ],
        "GeoLocation": {"Latitude": location.geolocation.latitude, "Longitude": location.geolocation.longitude},
    }


def task_to_json(task: Task) -> dict:
    body = {
        "Type": str(task.type),
        "Flags": [str(f) for f in task.flags],
        "Tags": [str(t) for t in task.tags],
        "Notes": task.notes,
        "Items": [{"Package": {"Size": str(size)}} for size in task.package_sizes],
        "Location": _location_json(task.location),
    }
    if task.transport_types:
        body["TransportType"] = [str(t) for t in task.transport_types]
    if task.type == TaskType.DELIVERY:
        # The spec reads these on delivery tasks only (FAQ 4), so they are never sent on a pickup.
        if task.requested_time:
            body["RequestedTime"] = format_time(task.requested_time)
        if task.requested_window:
            body["RequestedWindow"] = {"From": format_time(task.requested_window.start),
                                       "To": format_time(task.requested_window.end)}
    return body


def quote_request_to_json(request: QuoteRequest) -> dict:
    body: dict = {
        "TransportType": [str(t) for t in request.transport_types],
        "Tasks": [task_to_json(request.pickup), task_to_json(request.delivery)],
    }
    optional = {
        "ClientRef": request.client_ref, "CallbackUrl": request.callback_url, "Notes": request.notes,
        "DeliveryProvider": list(request.delivery_providers), "Flags": [str(f) for f in request.flags],
        "Tags": [str(t) for t in request.tags],
    }
    body.update({key: value for key, value in optional.items() if value})
    return body


def booking_request_to_json(*, job_id: int, quote_response_id: str, callback_url: str = "",
                            client_ref: str = "") -> dict:
    body: dict = {"JobId": job_id, "QuoteResponseId": quote_response_id}
    if callback_url:
        body["CallbackUrl"] = callback_url
    if client_ref:
        body["ClientRef"] = client_ref
    return body


# --- answers -------------------------------------------------------------------------------------------
def error_messages(body) -> list[tuple[str, str]]:
    """(field, message) pairs out of an envelope's info.errorMessages.

    The spec gives the list as plain text; a message that starts with "Field.Path: " is split on
    it so a form can show it next to its field, anything else is a message for the whole request."""
    info = body.get("info") if isinstance(body, dict) else None
    raw = info.get("errorMessages") if isinstance(info, dict) else None
    pairs = []
    for message in raw if isinstance(raw, list) else []:
        if isinstance(message, dict):
            field = message.get("field") or message.get("Field") or message.get("property") or ""
            text = message.get("message") or message.get("Message") or json.dumps(message)
            pairs.append((str(field), str(text)))
            continue
        text = str(message)
        match = _FIELD_PREFIX.match(text)
        pairs.append((match.group(1), match.group(2).strip()) if match else ("", text.strip()))
    if not pairs and isinstance(body, dict) and isinstance(body.get("error"), str):
        pairs.append(("", body["error"]))  # the token endpoint's {"error": "..."} shape
    return pairs


def payload_of(body, *, kind: type = dict):
    if not isinstance(body, dict) or "payload" not in body:
        raise ValueError("answer is not a LineTen envelope (no payload)")
    payload = body["payload"]
    if not isinstance(payload, kind):
        raise ValueError(f"payload: expected {'an object' if kind is dict else 'an array'}, got "
                         f"{'null' if payload is None else type(payload).__name__}")
    return payload


def quote_from_json(data, path: str = "quote") -> Quote:
    data = _object(data, path)
    quote_id = _text(data.get("QuoteResponseId"), f"{path}.QuoteResponseId")
    if not quote_id:
        raise ValueError(f"{path}.QuoteResponseId: is required")
    return Quote(
        quote_response_id=quote_id,
        job_id=_int(data.get("JobId"), f"{path}.JobId", default=0),
        id=_int(data.get("Id"), f"{path}.Id", default=0) or None,
        transport_types=tuple(_text(t, f"{path}.TransportTypes").lower()
                              for t in _list(data.get("TransportTypes"), f"{path}.TransportTypes")),
        quote_status=_text(data.get("QuoteStatus"), f"{path}.QuoteStatus").lower(),
        provider_uuid=_text(data.get("DeliveryProviderUuid"), f"{path}.DeliveryProviderUuid"),
        provider_name=_text(data.get("DeliveryProviderName"), f"{path}.DeliveryProviderName"),
        currency=_text(data.get("DeliveryProviderCurrency"), f"{path}.DeliveryProviderCurrency"),
        distance=_float(data.get("Distance"), f"{path}.Distance"),
        quoted_price=_money(data.get("QuotedPrice"), f"{path}.QuotedPrice"),
        final_total_amount=_money(data.get("FinalTotalAmount"), f"{path}.FinalTotalAmount"),
        cancellation_fee=_money(data.get("CancellationFee"), f"{path}.CancellationFee"),
        expire_at=parse_time(data.get("ExpireAt"), f"{path}.ExpireAt"),
        booked_time=parse_time(data.get("BookedTime"), f"{path}.BookedTime"),
        provider_job_id=_text(data.get("ProviderJobId"), f"{path}.ProviderJobId"),
        provider_notes=_text(data.get("ProviderNotes"), f"{path}.ProviderNotes"),
    )


def _job_fields(payload: dict) -> dict:
    tracker = _object(payload.get("Tracker"), "payload.Tracker")
    return dict(
        job_id=_int(payload.get("Id"), "payload.Id"),
        job_uuid=_text(payload.get("JobUuid"), "payload.JobUuid"),
        status=_text(payload.get("Status"), "payload.Status").lower(),
        delivery_status=_text(payload.get("DeliveryStatus"), "payload.DeliveryStatus").lower(),
        quotes=tuple(quote_from_json(q, f"payload.Quotes[{i}]")
                     for i, q in enumerate(_list(payload.get("Quotes"), "payload.Quotes"))),
        client_ref=_text(payload.get("ClientRef"), "payload.ClientRef"),
        callback_url=_text(payload.get("CallbackUrl"), "payload.CallbackUrl"),
        transaction_id=_text(payload.get("TransactionId"), "payload.TransactionId"),
        expires_at=parse_time(payload.get("ExpiresAt"), "payload.ExpiresAt"),
        selected_quote=_int(payload.get("SelectedQuote"), "payload.SelectedQuote", default=0) or None,
        entity_id=_int(payload.get("EntityId"), "payload.EntityId", default=0) or None,
        tracker=Tracker(**{name.lower(): _text(tracker.get(name), f"payload.Tracker.{name}")
                           for name in ("Pickup", "Delivery", "Complete")}),
        raw=payload,
    )


def quote_response_from_json(body) -> QuoteResponse:
    return QuoteResponse(**_job_fields(payload_of(body)))


def booking_from_json(body) -> Booking:
    return Booking(**_job_fields(payload_of(body)))


def job_payload_from_json(body) -> JobPayload:
    return JobPayload(**_job_fields(payload_of(body)))


def cancellation_from_json(body, *, job_id: int) -> Cancellation:
    quotes = payload_of(body, kind=list)
    return Cancellation(job_id=job_id, quotes=tuple(quote_from_json(q, f"payload[{i}]") for i, q in enumerate(quotes)))


# --- callbacks --------------------------------------------------------------------------------------
def callback_event_from_json(data, path: str = "event") -> CallbackEvent:
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected an object, got {type(data).__name__}")
    event_id = _text(data.get("Id"), f"{path}.Id").strip()
    if not event_id:
        raise ValueError(f"{path}.Id: is required (events are deduplicated on it)")
    if data.get("JobStatus") in (None, ""):
        raise ValueError(f"{path}.JobStatus: is required")
    try:
        status = job_status(data["JobStatus"])
    except ValueError as exc:
        raise ValueError(f"{path}.JobStatus: {exc}") from None
    try:
        delivery = delivery_status(data["DeliveryStatus"]) if data.get("DeliveryStatus") not in (None, "") else None
    except ValueError as exc:
        raise ValueError(f"{path}.DeliveryStatus: {exc}") from None
    driver = _object(data.get("Driver"), f"{path}.Driver")
    vehicle = _object(data.get("Vehicle"), f"{path}.Vehicle")
    where = _object(data.get("Location"), f"{path}.Location")
    timing = _object(data.get("Timing"), f"{path}.Timing")
    position = None
    # 0/0 is how the spec's events say "no position yet" (no driver sits in the Gulf of Guinea).
    if where.get("Latitude") not in (None, "", 0) or where.get("Longitude") not in (None, "", 0):
        p = f"{path}.Location"
        position = DriverPosition(
            latitude=_float(where.get("Latitude"), f"{p}.Latitude"),
            longitude=_float(where.get("Longitude"), f"{p}.Longitude"),
            speed=_float(where.get("Speed"), f"{p}.Speed"),
            heading=_float(where.get("Heading"), f"{p}.Heading"),
            accuracy=_float(where.get("Accuracy"), f"{p}.Accuracy"),
            moving=bool(where.get("Moving")),
            altitude=_float(where.get("Altitude"), f"{p}.Altitude"),
        )
    return CallbackEvent(
        id=event_id,
        job_id=_int(data.get("JobId"), f"{path}.JobId"),
        job_status=status,
        delivery_status=delivery,
        client_ref=_text(data.get("ClientRef"), f"{path}.ClientRef"),
        quote_id=_int(data.get("QuoteId"), f"{path}.QuoteId", default=0),
        task_id=_int(data.get("TaskId"), f"{path}.TaskId", default=0),
        transport_type=_text(data.get("TransportType"), f"{path}.TransportType").lower(),
        task_status=_text(data.get("TaskStatus"), f"{path}.TaskStatus").lower(),
        quote_status=_text(data.get("QuoteStatus"), f"{path}.QuoteStatus").lower(),
        quote_price=_money(data.get("QuotePrice"), f"{path}.QuotePrice", default=None),
        quote_price_cancelled=_money(data.get("QuotePriceCancelled"), f"{path}.QuotePriceCancelled", default=None),
        provider_job_id=_text(data.get("QuoteProviderJobId"), f"{path}.QuoteProviderJobId"),
        provider_timestamp=parse_unix(data.get("ProviderTimestamp"), f"{path}.ProviderTimestamp"),
        system_timestamp=parse_unix(data.get("SystemTimestamp"), f"{path}.SystemTimestamp"),
        driver=Driver(**{k.lower(): _text(driver.get(k), f"{path}.Driver.{k}")
                         for k in ("Id", "Name", "Phone", "Image")}),
        vehicle=Vehicle(
            id=_text(vehicle.get("Id"), f"{path}.Vehicle.Id"),
            type=_text(vehicle.get("Type"), f"{path}.Vehicle.Type"),
            registration=_text(vehicle.get("Registration"), f"{path}.Vehicle.Registration"),
            environmental_impact=_text(vehicle.get("EnvironmentalImpact"), f"{path}.Vehicle.EnvironmentalImpact"),
            engine_type=_text(vehicle.get("EngineType"), f"{path}.Vehicle.EngineType"),
        ),
        position=position,
        estimated_pickup=parse_unix(timing.get("EstimatedPickup"), f"{path}.Timing.EstimatedPickup"),
        estimated_delivery=parse_unix(timing.get("EstimatedDelivery"), f"{path}.Timing.EstimatedDelivery"),
        raw=data,
    )


def parse_callback_events(body) -> list[CallbackEvent]:
    """The events of one callback POST, in the order sent.

    `body` is the decoded JSON or its text. The spec sends an array; a lone event object is taken
    as an array of one rather than refused, since refusing would only make LineTen retry it.
    Raises ValueError naming the element and field at fault, e.g. "event [1].JobStatus: …"."""
    if isinstance(body, (bytes, bytearray)):
        try:
            body = body.decode("utf-8")
        except UnicodeDecodeError:
            raise ValueError("callback body is not UTF-8 text") from None
    if isinstance(body, str):
        try:
            body = json.loads(body)
        except ValueError:
            raise ValueError("callback body is not JSON") from None
    if isinstance(body, dict):
        body = [body]
    if not isinstance(body, list):
        raise ValueError(f"callback body must be an array of events, got {type(body).__name__}")
    if not body:
        raise ValueError("callback body is an empty array")
    return [callback_event_from_json(item, f"event [{index}]") for index, item in enumerate(body)]
