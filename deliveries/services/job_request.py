"""A job as LineTen's quote request (pure mapping): the client form with the pickup address, or
the store form with our location ref as ExtStoreRef."""
from datetime import timedelta

from deliveries.carriers.lineten.schemas import (
    Address,
    AddressLocation,
    Flag,
    GeoLocation,
    PackageSize,
    Person,
    QuoteRequest,
    RequestedWindow,
    Tag,
    TransportType,
)
from deliveries.models import Job

TIME_ALONE_WINDOW = timedelta(minutes=60)  # the spec: a requested time alone means a 60-minute window


def _person(data: dict) -> tuple[Person, ...]:
    if not any(data.get(k) for k in ("first_name", "last_name", "phone", "email")):
        return ()
    return (Person(first_name=data.get("first_name", ""), last_name=data.get("last_name", ""),
                   phone=data.get("phone", ""), email=data.get("email", ""), notes=data.get("notes", "")),)


def requested_window(job: Job) -> RequestedWindow | None:
    """The window wins; a time alone becomes time … time + 60 min; neither means as soon as possible."""
    if job.window_from and job.window_to:
        return RequestedWindow(job.window_from, job.window_to)
    if job.requested_time:
        return RequestedWindow(job.requested_time, job.requested_time + TIME_ALONE_WINDOW)
    return None


def quote_request_for_job(job: Job, *, callback_url: str = "") -> QuoteRequest:
    delivery = AddressLocation(
        address=Address(address1=job.delivery_address1, address2=job.delivery_address2, city=job.delivery_city,
                        county=job.delivery_county, postcode=job.delivery_postcode, country=job.delivery_country,
                        company_name=job.delivery_company),
        geolocation=GeoLocation(job.delivery_latitude, job.delivery_longitude),
        persons=_person(job.delivery_person),
    )
    common = dict(
        delivery=delivery,
        package_sizes=tuple(PackageSize(size) for size in job.package_sizes),
        delivery_flags=tuple(Flag(flag) for flag in job.flags),
        tags=tuple(Tag(tag) for tag in job.tags),
        requested_window=requested_window(job),
        requested_time=job.requested_time,
        pickup_notes=job.pickup_notes,
        delivery_notes=job.delivery_notes,
        transport_types=tuple(TransportType(t) for t in job.transport_types),
        client_ref=job.client_ref,
        callback_url=callback_url,
        notes=job.notes,
    )
    if job.pickup_store_id:
        return QuoteRequest.store_form(ext_store_ref=job.pickup_store.ref, **common)
    pickup = AddressLocation(
        address=Address(address1=job.pickup_address1, address2=job.pickup_address2, city=job.pickup_city,
                        county=job.pickup_county, postcode=job.pickup_postcode, country=job.pickup_country,
                        company_name=job.pickup_company),
        geolocation=GeoLocation(job.pickup_latitude, job.pickup_longitude),
        persons=_person(job.pickup_person),
    )
    return QuoteRequest.client_form(pickup=pickup, **common)
