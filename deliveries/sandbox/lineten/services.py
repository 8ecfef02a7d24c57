"""What the LineTen sandbox does: tokens, quotes, bookings, cancellations, and jobs moving on.

Decisions where the spec is silent (the client's tests pin them):
- Booking a job again on the quote it is booked on answers the same booking (201); on another
  quote it is a 409. Booking an expired quote is a 409 ("the state of an entity"), as is booking a
  job that is cancelled or expired.
- Immediate booking takes the cheapest quote; on a tie the fastest transport (providers.best_order).
- Cancelling is allowed up to and including en_route_pickup (spec); later, or once final, is a
  409. It is free until a driver is assigned, then costs the booked quote's cancellation fee.
- A quoted job whose quotes have all expired becomes expired/cancelled on the next tick.
"""
import hmac
import logging
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from deliveries.carriers.lineten.statuses import (
    FINAL_JOB_STATUSES,
    PROGRESSION,
    DeliveryStatus,
    JobState,
    JobStatus,
    QuoteStatus,
    cancellable,
)
from locations.models import Location

from .callbacks import callback_queue, callbacks_send
from .models import SandboxIdempotency, SandboxJob, SandboxQuote, SandboxToken
from .providers import PROVIDERS_BY_NAME, best_key, price_offers, road_km
from .shapes import CLIENT_ID, lineten_time
from .validation import PlannedTask, StorePlace, validate_quote_request

logger = logging.getLogger(__name__)

DEFAULT_TOKEN_TTL = 300  # the spec's sample answer


class SandboxError(Exception):
    """A refusal with the spec's envelope: an HTTP status and errorMessages."""

    def __init__(self, status: int, messages: list[str]):
        super().__init__("; ".join(messages))
        self.status = status
        self.messages = messages


class SandboxAuthError(Exception):
    pass


def quote_lifetime() -> timedelta:
    return timedelta(seconds=getattr(settings, "SANDBOX_LINETEN_QUOTE_TTL_SECONDS", 900))


def step_length() -> timedelta:
    return timedelta(seconds=settings.SANDBOX_LINETEN_STEP_SECONDS)


# --- tokens ---------------------------------------------------------------------------------------------
def token_issue(*, client_id: str, client_secret: str, ttl: int = 0, now: datetime | None = None) -> SandboxToken:
    """A bearer token for the one client the settings name; SandboxAuthError for anyone else."""
    known_id = hmac.compare_digest(client_id.encode(), settings.LINETEN_CLIENT_ID.encode())
    known_secret = hmac.compare_digest(client_secret.encode(), settings.LINETEN_CLIENT_SECRET.encode())
    if not (known_id and known_secret):
        raise SandboxAuthError("invalid_client")
    now = now or timezone.now()
    return SandboxToken.objects.create(
        value=secrets.token_urlsafe(32), client_id=client_id,
        expires_at=now + timedelta(seconds=ttl or DEFAULT_TOKEN_TTL),
    )


def token_client(*, value: str, now: datetime | None = None) -> str | None:
    """The client a bearer token was issued to, or None when it is unknown or expired."""
    if not value:
        return None
    token = SandboxToken.objects.filter(value=value, expires_at__gt=now or timezone.now()).first()
    return token.client_id if token else None


# --- quotes --------------------------------------------------------------------------------------------
def store_place(ref: str) -> StorePlace | str:
    """The portal's location for an ExtStoreRef (read-only), or why it cannot be a pickup."""
    matches = list(Location.objects.filter(ref=ref)[:2])
    if not matches:
        return f"{ref!r} is not a store LineTen knows"
    if len(matches) > 1:
        return f"{ref!r} names stores of several retailers"
    store = matches[0]
    if store.status != Location.Status.ACTIVE:
        return f"store {ref!r} is not active"
    if store.latitude is None or store.longitude is None:
        return f"store {ref!r} has no coordinates on record"
    address = {
        "CompanyName": store.business_name or store.name, "Address1": store.street, "Address2": "",
        "Postcode": store.postcode, "City": store.city, "Country": store.country, "County": store.state, "Notes": "",
    }
    persons = [{"Phone": store.support_phone, "FirstName": store.name, "LastName": "", "Email": store.email,
                "Notes": ""}] if store.support_phone or store.email else []
    return StorePlace(store.pk, address, persons, store.latitude, store.longitude)


def _task_record(task: PlannedTask) -> dict:
    return {
        "type": task.type, "address": task.address, "persons": task.persons, "latitude": task.latitude,
        "longitude": task.longitude, "sizes": task.sizes, "flags": task.flags, "tags": task.tags, "notes": task.notes,
        "ext_store_ref": task.ext_store_ref, "location_id": task.location_id,
        "requested_start": task.requested_start.isoformat() if task.requested_start else None,
        "requested_end": task.requested_end.isoformat() if task.requested_end else None,
    }


@transaction.atomic
def quotes_for_request(*, client_id: str, body, now: datetime | None = None) -> SandboxJob:
    """A new job in status quoted with a quote from every provider that can take it; 400 when
    the request is invalid or nobody can."""
    now = now or timezone.now()
    planned, errors = validate_quote_request(body, store_for=store_place)
    if errors:
        raise SandboxError(400, errors)
    pickup, delivery = planned.pickup, planned.delivery
    distance = road_km(pickup.latitude, pickup.longitude, delivery.latitude, delivery.longitude)
    sizes = pickup.sizes or delivery.sizes
    offers = price_offers(distance_km=distance, package_sizes=sizes, transport_types=planned.transport_types,
                          provider_names=planned.provider_names, asap=planned.asap)
    if not offers:
        wanted = ", ".join(sorted(planned.transport_types)) or "any"
        raise SandboxError(400, [
            f"Tasks: no delivery provider can take this job ({distance:.1f} km, transport {wanted}, "
            f"{len(sizes) or 1} item(s){', as soon as possible' if planned.asap else ''}); "
            "try other transport types, fewer or smaller items, or a delivery window"
        ])
    expires_at = now + quote_lifetime()
    job = SandboxJob.objects.create(
        client_id=client_id, client_ref=planned.client_ref, callback_url=planned.callback_url, notes=planned.notes,
        entity_id=pickup.location_id or CLIENT_ID, ext_store_ref=pickup.ext_store_ref,
        transport_types=sorted(planned.transport_types) or ["any"],
        tasks=[_task_record(pickup), _task_record(delivery)],
        pickup_latitude=pickup.latitude, pickup_longitude=pickup.longitude,
        delivery_latitude=delivery.latitude, delivery_longitude=delivery.longitude, distance_km=distance,
        requested_delivery_start=delivery.requested_start, requested_delivery_end=delivery.requested_end,
        status=JobStatus.QUOTED, delivery_status=DeliveryStatus.IDLE, expires_at=expires_at,
    )
    SandboxQuote.objects.bulk_create([
        SandboxQuote(
            job=job, provider_name=o.provider.name, provider_uuid=o.provider.uuid, transport_type=o.offer.transport,
            price=o.price, cancellation_fee=o.offer.cancellation_fee, distance_km=distance,
            minutes_to_pickup=o.minutes_to_pickup, minutes_to_deliver=o.minutes_to_deliver, expire_at=expires_at,
        )
        for o in offers
    ])
    return job


# --- booking --------------------------------------------------------------------------------------------
def _is_job_id(value) -> bool:
    # Digits only, and few enough for a 64-bit key (a longer number would overflow the database).
    return not isinstance(value, bool) and str(value).strip().isdigit() and len(str(value).strip()) <= 18


def _job_for(*, client_id: str, job_id) -> SandboxJob:
    if not _is_job_id(job_id):
        raise SandboxError(404, [f"JobId: job {job_id!r} not found"])
    job = SandboxJob.objects.select_related("selected_quote").filter(pk=int(job_id), client_id=client_id).first()
    if job is None:
        raise SandboxError(404, [f"JobId: job {job_id} not found"])
    return job


def _book(*, job: SandboxJob, quote: SandboxQuote, now: datetime, callback_url: str = "",
          client_ref: str = "") -> SandboxJob:
    changes = {
        "selected_quote": quote, "status": JobStatus.BOOKED, "delivery_status": DeliveryStatus.PENDING,
        "booked_at": now, "next_step_at": now + step_length(), "updated_at": now,
        "callback_url": callback_url or job.callback_url, "client_ref": client_ref or job.client_ref,
    }
    # Conditional: of two bookings racing for one job, exactly one finds it still quoted.
    if not SandboxJob.objects.filter(pk=job.pk, status=JobStatus.QUOTED, selected_quote__isnull=True).update(**changes):
        raise SandboxError(409, [f"JobId: job {job.pk} was booked meanwhile"])
    provider = PROVIDERS_BY_NAME.get(quote.provider_name.lower())
    prefix = "".join(word[0] for word in (provider.name if provider else "X").split()).upper()
    SandboxQuote.objects.filter(job=job).exclude(pk=quote.pk).update(status=QuoteStatus.ARCHIVED)
    SandboxQuote.objects.filter(pk=quote.pk).update(status=QuoteStatus.BOOKED, booked_at=now,
                                                    provider_job_id=f"{prefix}-{job.pk:07d}")
    job.refresh_from_db()
    callback_queue(job=job, now=now)
    return job


@transaction.atomic
def job_book(*, client_id: str, body, now: datetime | None = None) -> SandboxJob:
    """Book a quoted job on one of its quotes (POST /v2/nds/booking)."""
    now = now or timezone.now()
    if not isinstance(body, dict):
        raise SandboxError(400, ["body: must be a JSON object with JobId and QuoteResponseId"])
    errors = []
    job_id, quote_id = body.get("JobId"), body.get("QuoteResponseId")
    if not _is_job_id(job_id):
        errors.append("JobId: is required: the job id the quote answer gave")
    if not isinstance(quote_id, str) or not quote_id.strip():
        errors.append("QuoteResponseId: is required: the QuoteResponseId of the chosen quote")
    for name in ("CallbackUrl", "ClientRef"):
        if body.get(name) is not None and not isinstance(body.get(name), str):
            errors.append(f"{name}: must be text")
    callback_url = body.get("CallbackUrl").strip() if isinstance(body.get("CallbackUrl"), str) else ""
    if callback_url and not callback_url.startswith(("http://", "https://")):
        errors.append("CallbackUrl: must be an http(s) URL")
    if errors:
        raise SandboxError(400, errors)
    job = _job_for(client_id=client_id, job_id=job_id)
    quote = next((q for q in job.quotes.all() if str(q.response_id) == quote_id.strip().lower()), None)
    if quote is None:
        raise SandboxError(404, [f"QuoteResponseId: {quote_id} is not a quote of job {job.pk}"])
    if job.status in FINAL_JOB_STATUSES and job.status != JobStatus.EXPIRED:
        raise SandboxError(409, [f"JobId: job {job.pk} is {job.status} and cannot be booked"])
    if job.selected_quote_id:
        if job.selected_quote_id == quote.pk:
            return job  # the same booking, asked for again: answer it again
        raise SandboxError(409, [
            f"JobId: job {job.pk} is already booked on quote {job.selected_quote.response_id}"])
    if job.status == JobStatus.EXPIRED or quote.expire_at <= now:
        raise SandboxError(409, [
            f"QuoteResponseId: quote {quote.response_id} expired at {lineten_time(quote.expire_at)}; "
            "ask for new quotes"])
    if job.status != JobStatus.QUOTED:
        raise SandboxError(409, [f"JobId: job {job.pk} is {job.status}; only a quoted job can be booked"])
    return _book(job=job, quote=quote, now=now, callback_url=callback_url, client_ref=(body.get("ClientRef") or ""))


def _best_quote(job: SandboxJob) -> SandboxQuote:
    return min(job.quotes.all(), key=lambda q: best_key(price=q.price, transport=q.transport_type,
                                                        minutes_to_pickup=q.minutes_to_pickup,
                                                        provider_name=q.provider_name))


@transaction.atomic
def job_immediate_booking(*, client_id: str, body, now: datetime | None = None) -> SandboxJob:
    """Quote and book in one go (POST /v2/nds/immediateBooking), on the best quote: the cheapest,
    then the fastest transport (the same rule as providers.best_order)."""
    now = now or timezone.now()
    job = quotes_for_request(client_id=client_id, body=body, now=now)
    return _book(job=job, quote=_best_quote(job), now=now)


# --- cancellation ----------------------------------------------------------------------------------------
@transaction.atomic
def job_cancel(*, client_id: str, job_id, now: datetime | None = None) -> SandboxJob:
    """Cancel a job that is not final and not past en_route_pickup; 409 otherwise."""
    now = now or timezone.now()
    for _ in range(3):  # the tick may move the job between our read and our write
        job = _job_for(client_id=client_id, job_id=job_id)
        if job.status in FINAL_JOB_STATUSES:
            raise SandboxError(409, [f"JobId: job {job.pk} is already {job.status} and cannot be cancelled"])
        if not cancellable(job.status, job.delivery_status):
            raise SandboxError(409, [
                f"JobId: job {job.pk} is {job.delivery_status}; a job can be cancelled only up to en_route_pickup"])
        quote = job.selected_quote
        driver_assigned = job.status == JobStatus.IN_PROGRESS
        fee = (quote.cancellation_fee if driver_assigned else 0) if quote else None
        changed = SandboxJob.objects.filter(pk=job.pk, status=job.status, delivery_status=job.delivery_status).update(
            status=JobStatus.CANCELLED, delivery_status=DeliveryStatus.CANCELLED, cancelled_at=now, next_step_at=None,
            cancellation_fee_charged=fee, updated_at=now,
        )
        if changed:
            break
    else:
        raise SandboxError(409, [f"JobId: job {job_id} is changing; try again"])
    SandboxQuote.objects.filter(job=job, status=QuoteStatus.BOOKED).update(status=QuoteStatus.CANCELLED)
    SandboxQuote.objects.filter(job=job, status=QuoteStatus.QUOTED).update(status=QuoteStatus.ARCHIVED)
    job.refresh_from_db()
    callback_queue(job=job, now=now)
    return job


# --- time passing ---------------------------------------------------------------------------------------
def _next_state(job: SandboxJob) -> JobState | None:
    current = JobState(job.status, job.delivery_status)
    index = PROGRESSION.index(current) if current in PROGRESSION else 0
    return PROGRESSION[index + 1] if index + 1 < len(PROGRESSION) else None


def job_step(*, job: SandboxJob, now: datetime) -> bool:
    """Move a booked job one step along the status table; False when it was not due or moved on."""
    target = _next_state(job)
    if target is None:
        return False
    final = target.job == JobStatus.CLOSED
    changes = {"status": target.job, "delivery_status": target.delivery, "updated_at": now,
               "next_step_at": None if final else now + step_length()}
    if target.delivery == DeliveryStatus.EN_ROUTE_DELIVERY:
        changes["picked_up_at"] = now
    if final:
        changes["completed_at"] = now
    with transaction.atomic():
        if not SandboxJob.objects.filter(pk=job.pk, status=job.status, delivery_status=job.delivery_status).update(
                **changes):
            return False
        job.refresh_from_db()
        callback_queue(job=job, now=now)
    return True


def job_expire(*, job: SandboxJob, now: datetime) -> bool:
    with transaction.atomic():
        if not SandboxJob.objects.filter(pk=job.pk, status=JobStatus.QUOTED).update(
                status=JobStatus.EXPIRED, delivery_status=DeliveryStatus.CANCELLED, updated_at=now):
            return False
        SandboxQuote.objects.filter(job=job, status=QuoteStatus.QUOTED).update(status=QuoteStatus.EXPIRED)
        job.refresh_from_db()
        callback_queue(job=job, now=now)
    return True


def jobs_advance(*, now: datetime | None = None) -> dict[str, int]:
    """One tick: every booked job that is due moves one step, quoted jobs past their quotes'
    expiry expire, and due callbacks go out. One job's failure never stops the others."""
    now = now or timezone.now()
    report = {"advanced": 0, "expired": 0}
    due = SandboxJob.objects.filter(status__in=[JobStatus.BOOKED, JobStatus.IN_PROGRESS], next_step_at__lte=now)
    for job in due.order_by("next_step_at")[:500]:
        try:
            report["advanced"] += job_step(job=job, now=now)
        except Exception:
            logger.exception("sandbox lineten: job %s could not move on", job.pk)
    for job in SandboxJob.objects.filter(status=JobStatus.QUOTED, expires_at__lte=now)[:500]:
        try:
            report["expired"] += job_expire(job=job, now=now)
        except Exception:
            logger.exception("sandbox lineten: job %s could not expire", job.pk)
    report.update(callbacks_send(now=now))
    SandboxToken.objects.filter(expires_at__lt=now - timedelta(hours=1)).delete()
    SandboxIdempotency.objects.filter(created_at__lt=now - timedelta(days=1)).delete()
    return report
