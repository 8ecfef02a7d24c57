"""The sandbox's objects in the spec's JSON shapes: the job payload shared by quote, booking and
immediate booking answers, quotes, the cancellation payload and callback events."""
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from deliveries.carriers.lineten.statuses import DeliveryStatus, JobStatus, QuoteStatus

from .fleet import driver_for, position_for, vehicle_for
from .models import SandboxJob, SandboxQuote

ZONE = ZoneInfo("Europe/London")
UNSET_TIME = "0000-00-00T00:00:00"  # the spec's way of writing "not yet"
CLIENT_ID = 5427  # the sandbox's one client entity, as in the spec's samples
TIMEZONE = "europe/london"


def lineten_time(value: datetime | None) -> str:
    if value is None:
        return UNSET_TIME
    return value.astimezone(ZONE).replace(tzinfo=None).isoformat(timespec="seconds")


def _time_or_null(value: datetime | None) -> str | None:
    return lineten_time(value) if value else None


def unix(value: datetime | None) -> int:
    return int(value.timestamp()) if value else 0


def task_ids(job: SandboxJob) -> tuple[int, int]:
    return 60000 + job.pk * 2, 60001 + job.pk * 2


def _money(value: Decimal | None) -> float:
    return float(value or 0)


def quote_json(quote: SandboxQuote, job: SandboxJob) -> dict:
    status = quote.status
    if status == QuoteStatus.QUOTED and quote.expire_at <= timezone.now():
        status = QuoteStatus.EXPIRED  # the tick may not have marked it yet
    final_total, fee = Decimal("0"), quote.cancellation_fee
    if quote.status == QuoteStatus.BOOKED or (quote.status == QuoteStatus.CANCELLED and quote.booked_at):
        final_total = quote.price
    if job.cancellation_fee_charged is not None and quote.booked_at:
        # Cancelled after booking: what the cancellation cost is this quote's final amount.
        final_total = fee = job.cancellation_fee_charged
    return {
        "Id": quote.pk,
        "QuoteResponseId": str(quote.response_id),
        "JobId": job.pk,
        "ClientId": CLIENT_ID,
        "EntityId": job.entity_id,
        "TransportTypes": [quote.transport_type],
        "QuoteStatus": status,
        "DeliveryProviderId": None,
        "DeliveryProviderUuid": quote.provider_uuid,
        "DeliveryProviderName": quote.provider_name,  # not in the spec's table; handy on a screen
        "DeliveryProviderCurrency": "GBP",
        "DeliveryProviderMeasurement": "metric",
        "ClientMeasurementUnit": "metric",
        "ProviderQuoteId": "",
        "ProviderJobId": quote.provider_job_id,
        "ProviderFriendlyJobId": None,
        "Distance": quote.distance_km,
        "QuotedPrice": _money(quote.price),
        "FinalTotalAmount": _money(final_total),
        "CancellationFee": _money(fee),
        "ExpireAt": lineten_time(quote.expire_at),
        "BookedTime": lineten_time(quote.booked_at),
        "ProviderNotes": f"Driver at pickup in about {quote.minutes_to_pickup} min",
        "Attachments": [],
    }


def _task_json(job: SandboxJob, task: dict, task_id: int, transport: list[str]) -> dict:
    is_pickup = task["type"] == "pickup"
    done_at = job.picked_up_at if is_pickup else job.completed_at
    location = {
        "LocationId": task.get("location_id") or 9000 + task_id,
        "Type": "pickup_address" if is_pickup else "delivery_address",
        "Address": task["address"],
        "GeoLocation": {"Latitude": task["latitude"], "Longitude": task["longitude"]},
        "Persons": [{"Id": task_id * 10 + i, **person} for i, person in enumerate(task["persons"])],
    }
    if task.get("ext_store_ref"):
        location["ExtStoreRef"] = task["ext_store_ref"]
    start = datetime.fromisoformat(task["requested_start"]) if task.get("requested_start") else None
    end = datetime.fromisoformat(task["requested_end"]) if task.get("requested_end") else None
    if done_at:
        status = "completed"
    elif job.status in (JobStatus.CANCELLED, JobStatus.EXPIRED):
        status = "cancelled"
    else:
        status = "to_do"
    return {
        "Id": task_id,
        "Type": task["type"],
        "TransportType": transport,
        "TaskStatus": status,
        "ProcessedDates": {
            "RequestedTimeStart": lineten_time(start), "RequestedTimeEnd": lineten_time(end),
            "ExpectedTimeComplete": lineten_time(end), "ActualTimeComplete": lineten_time(done_at),
        },
        "Flags": task["flags"],
        "Tags": task["tags"],
        "Labels": [],
        "Location": location,
        "Notes": task["notes"],
        "Items": [{"Id": task_id * 100 + i, "Ref": "", "Notes": "", "ItemCount": 1, "Package": {"Size": size.lower()}}
                  for i, size in enumerate(task["sizes"])],
    }


def job_json(job: SandboxJob, *, base_url: str) -> dict:
    """The job payload. base_url: the sandbox's absolute root, for the tracker links."""
    quotes = list(job.quotes.all())
    selected = job.selected_quote
    transport = [selected.transport_type] if selected else job.transport_types
    driver_assigned = job.status == JobStatus.IN_PROGRESS or job.picked_up_at is not None
    expected_pickup = expected_complete = None
    if selected and job.booked_at:
        expected_pickup = job.booked_at + timedelta(minutes=selected.minutes_to_pickup)
        expected_complete = job.booked_at + timedelta(minutes=selected.minutes_to_deliver)
    tracker = {"Pickup": "", "Delivery": "", "Complete": ""}
    if job.booked_at:
        link = f"{base_url.rstrip('/')}/track/{job.uuid}"
        tracker = {"Pickup": f"{link}?view=pickup", "Delivery": f"{link}?view=delivery",
                   "Complete": f"{link}?view=complete"}
    pickup_id, delivery_id = task_ids(job)
    return {
        "QuoteRequestId": str(job.quote_request_id),
        "JobUuid": str(job.uuid),
        "Id": job.pk,
        "TransactionId": str(job.transaction_id),
        "ExpiresAt": lineten_time(job.expires_at),
        "ClientRef": job.client_ref,
        "Notes": job.notes,
        "EntityId": job.entity_id,
        "TransportType": job.transport_types,
        "SelectedQuote": selected.pk if selected else 0,
        "AssignedDriver": int(driver_for(job.pk)["Id"]) if driver_assigned else 0,
        "Status": job.status,
        "DeliveryStatus": job.delivery_status,
        "Documents": [],
        "CallbackUrl": job.callback_url,
        "ProcessedDates": {
            "RequestedPickupStart": None,
            "RequestedPickupEnd": None,
            "RequestedDeliveryStart": _time_or_null(job.requested_delivery_start),
            "RequestedDeliveryEnd": _time_or_null(job.requested_delivery_end),
            "ExpectedJobPickup": lineten_time(expected_pickup),
            "ExpectedJobComplete": lineten_time(expected_complete),
            "ActualJobPickup": lineten_time(job.picked_up_at),
            "ActualJobComplete": lineten_time(job.completed_at),
        },
        "Tasks": [_task_json(job, job.tasks[0], pickup_id, transport),
                  _task_json(job, job.tasks[1], delivery_id, transport)],
        "Quotes": [quote_json(q, job) for q in quotes],
        "Tracker": tracker,
    }


def cancellation_json(job: SandboxJob) -> list[dict]:
    """The booked quote, as in the spec's sample answer; every quote when none was booked."""
    if job.selected_quote:
        return [quote_json(job.selected_quote, job)]
    return [quote_json(q, job) for q in job.quotes.all()]


# A 1×1 PNG standing in for a signature or a photo on proof of delivery.
_SIGNED_PLACEHOLDER = ("base64;iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9aw"
                       "AAAABJRU5ErkJggg==")


def callback_event_json(job: SandboxJob, *, event_id: str, at: datetime) -> dict:
    """One element of the callback array, describing the job as it is now."""
    quote = job.selected_quote
    transport = quote.transport_type if quote else (job.transport_types[0] if job.transport_types else "")
    pickup_id, delivery_id = task_ids(job)
    on_delivery_leg = job.picked_up_at is not None
    has_driver = job.status == JobStatus.IN_PROGRESS or job.delivery_status == DeliveryStatus.DELIVERED or (
        job.status == JobStatus.CANCELLED and job.cancellation_fee_charged)
    position = position_for(delivery_status=job.delivery_status, transport=transport,
                            pickup=(job.pickup_latitude, job.pickup_longitude),
                            drop_off=(job.delivery_latitude, job.delivery_longitude))
    attachments = []
    if job.delivery_status == DeliveryStatus.DELIVERED:
        flags = set(job.tasks[1]["flags"])
        if "signature" in flags:
            attachments.append({"Type": "SignatureData", "Name": "signature.png", "Data": [_SIGNED_PLACEHOLDER]})
        if "photo_item" in flags:
            attachments.append({"Type": "PhotoData", "Name": "proof.png", "Data": [_SIGNED_PLACEHOLDER]})
    estimated_pickup = estimated_delivery = None
    if quote and job.booked_at:
        estimated_pickup = job.booked_at + timedelta(minutes=quote.minutes_to_pickup)
        estimated_delivery = job.booked_at + timedelta(minutes=quote.minutes_to_deliver)
    # The status of the task the driver is on: the pickup until collected, then the drop-off.
    if job.status in (JobStatus.CANCELLED, JobStatus.EXPIRED):
        task_status = "cancelled"
    elif job.delivery_status == DeliveryStatus.DELIVERED:
        task_status = "completed"
    elif job.delivery_status in (DeliveryStatus.AT_PICKUP, DeliveryStatus.AT_DELIVERY):
        task_status = "in_progress"
    else:
        task_status = "to_do"
    return {
        "Id": event_id,
        "ProviderTimestamp": unix(at),
        "SystemTimestamp": unix(at),
        "ClientRef": job.client_ref,
        "JobId": job.pk,
        "QuoteId": quote.pk if quote else 0,
        "TaskId": delivery_id if on_delivery_leg else pickup_id,
        "ItemId": 0,
        "TotalPickupCount": 1,
        "TotalDeliveryCount": 1,
        "TransportType": transport.upper(),
        "JobStatus": job.status,
        "QuoteStatus": quote.status if quote else "",
        "QuotePrice": f"{quote.price}" if quote else "",
        "QuotePriceCancelled": f"{job.cancellation_fee_charged}" if job.cancellation_fee_charged is not None else "",
        "QuoteProviderJobId": quote.provider_job_id if quote else "",
        "DeliveryStatus": job.delivery_status,
        "TaskStatus": task_status,
        "Driver": driver_for(job.pk) if has_driver else {"Id": "", "Name": "", "Phone": "", "Image": ""},
        "Vehicle": vehicle_for(job.pk, transport) if has_driver else {
            "Id": "0", "Type": "", "Registration": "", "EnvironmentalImpact": "", "EngineType": ""},
        "Location": {
            "Latitude": position.latitude if position else 0,
            "Longitude": position.longitude if position else 0,
            "Speed": position.speed if position else 0,
            "Heading": position.heading if position else 0,
            "Accuracy": 5 if position else 0,
            "Moving": position.moving if position else False,
            "Altitude": 0,
        },
        "GeoFencing": {
            "PickupRadius": 100, "DeliveryRadius": 100,
            "PickupCount": 1 if job.delivery_status == DeliveryStatus.AT_PICKUP else 0,
            "DeliveryCount": 1 if job.delivery_status == DeliveryStatus.AT_DELIVERY else 0,
            "PickupHasHit": job.picked_up_at is not None or job.delivery_status == DeliveryStatus.AT_PICKUP,
            "DeliveryHasHit": job.delivery_status in (DeliveryStatus.AT_DELIVERY, DeliveryStatus.DELIVERED),
        },
        "Device": {"Name": "", "Identifier": "", "SignalNetworkType": "4G" if has_driver else "",
                   "SignalStrength": 4 if has_driver else 0, "BatteryLevel": 80 if has_driver else 0,
                   "PowerPlugged": False},
        "Timing": {
            "EstimatedPickup": unix(estimated_pickup), "EstimatedDelivery": unix(estimated_delivery),
            "PickupCount": 1 if job.picked_up_at else 0, "DeliveryCount": 1 if job.completed_at else 0,
            "EstimatedDelay": 0,
        },
        "Attachments": attachments,
        "Origin": "sandbox",
    }
