"""Courier jobs: request quotes, book one (or let LineTen pick), cancel while allowed.

Every call to LineTen happens in a worker: quote requests as a task, bookings and cancellations
through the outbox (one row per job and kind, the job's own keys as idempotency keys). The
database holds one booking per job, whatever the clicks or retries."""
from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from deliveries.carriers.errors import CarrierConflict, CarrierError, CarrierUnavailable, CarrierValidationError
from deliveries.carriers.lineten.client import lineten_client
from deliveries.carriers.lineten.schemas import Booking, QuoteResponse
from deliveries.carriers.lineten.statuses import cancellable, is_final
from deliveries.models import Job, JobBooking, Outbox, Quote

from .job_request import quote_request_for_job
from .outbox import outbox_enqueue, outbox_handler

BOOK = "lineten.book"
IMMEDIATE_BOOKING = "lineten.immediate_booking"
CANCEL = "lineten.cancel"
QUOTABLE = {Job.State.DRAFT, Job.State.QUOTED, Job.State.QUOTE_FAILED, Job.State.BOOKING_FAILED}


class JobRuleError(Exception):
    """An action the job's state does not allow; the message is for the dispatcher."""


def callback_url() -> str:
    path = reverse("lineten-callbacks", kwargs={"secret": settings.CALLBACK_SECRET})
    return f"{settings.PUBLIC_BASE_URL}{path}"


def _locked(job: Job) -> Job:
    return Job.objects.select_for_update().get(pk=job.pk)


# --- quotes ----------------------------------------------------------------------------------------
@transaction.atomic
def job_request_quotes(*, job: Job, by=None) -> Job:
    """Ask LineTen for quotes in the background (again, after a failure or expired quotes)."""
    job = _locked(job)
    if job.state == Job.State.QUOTING:
        return job  # already asked: a second click adds nothing
    if job.state not in QUOTABLE:
        raise JobRuleError(f"Quotes cannot be requested for a job that is {job.get_state_display().lower()}.")
    JobBooking.objects.filter(job=job, state=JobBooking.State.FAILED).delete()  # a failed booking may be redone
    job.state, job.last_error = Job.State.QUOTING, ""
    job.quote_rounds += 1
    job.save(update_fields=["state", "last_error", "quote_rounds", "updated_at"])
    round_ = job.quote_rounds
    from deliveries.tasks import job_quotes_fetch

    transaction.on_commit(lambda: job_quotes_fetch.delay(job.pk, round_))
    return job


def _quotes_save(job: Job, answer: QuoteResponse | Booking, round_: int) -> list[Quote]:
    quotes = [
        Quote(job=job, round=round_, quote_response_id=q.quote_response_id, provider_name=q.provider_name,
              provider_uuid=q.provider_uuid, transport_types=list(q.transport_types),
              price=q.final_total_amount or q.quoted_price,  # FinalTotalAmount is 0 until booked (spec sample)
              currency=q.currency, distance=q.distance, cancellation_fee=q.cancellation_fee,
              expires_at=q.expire_at, quote_status=q.quote_status)
        for q in answer.quotes
    ]
    known = set(Quote.objects.filter(quote_response_id__in=[q.quote_response_id for q in quotes])
                .values_list("quote_response_id", flat=True))
    Quote.objects.bulk_create([q for q in quotes if q.quote_response_id not in known])
    return quotes


def _lineten_status(job: Job, answer) -> None:
    job.lineten_job_id = answer.job_id
    job.lineten_job_uuid = answer.job_uuid or job.lineten_job_uuid
    if not job.job_status or not is_final(job.job_status):
        job.job_status, job.delivery_status = answer.status, answer.delivery_status or job.delivery_status
        job.status_at = timezone.now()


def job_quotes_fetch(*, job_id: int, round_: int) -> None:
    """The worker's part of a quote request. A stale round (the dispatcher asked again) is dropped."""
    job = Job.objects.select_related("pickup_store").get(pk=job_id)
    if job.state != Job.State.QUOTING or job.quote_rounds != round_:
        return
    try:
        answer = lineten_client().quote(quote_request_for_job(job, callback_url=callback_url()),
                                        idempotency_key=f"{job.client_ref}/quote/{round_}")
    except CarrierValidationError as exc:
        error = "LineTen refused the request: " + ("; ".join(m for _, m in exc.messages) or str(exc))
    except CarrierUnavailable as exc:
        error = f"LineTen did not answer ({exc}). Try again in a moment."
    except CarrierError as exc:
        error = f"LineTen could not quote: {exc}"
    else:
        with transaction.atomic():
            job = _locked(job)
            if job.state != Job.State.QUOTING or job.quote_rounds != round_:
                return
            _lineten_status(job, answer)
            _quotes_save(job, answer, round_)
            job.state = Job.State.QUOTED if answer.quotes else Job.State.QUOTE_FAILED
            job.last_error = "" if answer.quotes else "No courier could quote this job."
            job.save()
        return
    Job.objects.filter(pk=job.pk, state=Job.State.QUOTING, quote_rounds=round_).update(
        state=Job.State.QUOTE_FAILED, last_error=error[:2000], updated_at=timezone.now())


# --- booking ---------------------------------------------------------------------------------------
def _booking_start(job: Job, *, quote: Quote | None, by) -> JobBooking | None:
    try:
        with transaction.atomic():
            return JobBooking.objects.create(job=job, quote=quote, immediate=quote is None, requested_by=by)
    except IntegrityError:
        return None  # the job has its booking already: this click or retry changes nothing


@transaction.atomic
def job_book(*, job: Job, quote: Quote, by=None) -> Job:
    job = _locked(job)
    if hasattr(job, "booking") and job.booking.state != JobBooking.State.FAILED:
        return job
    if job.state != Job.State.QUOTED:
        raise JobRuleError(f"Only a quoted job can be booked; this one is {job.get_state_display().lower()}.")
    if quote.job_id != job.pk or quote.round != job.quote_rounds:
        raise JobRuleError("That quote is not one of this job's current quotes.")
    if quote.expires_at and quote.expires_at <= timezone.now():
        raise JobRuleError(f"The {quote.provider_name} quote expired at {timezone.localtime(quote.expires_at):%H:%M}. "
                           "Request quotes again.")
    if _booking_start(job, quote=quote, by=by) is None:
        return job
    job.state = Job.State.BOOKING
    job.save(update_fields=["state", "updated_at"])
    outbox_enqueue(kind=BOOK, key=job.client_ref, payload={"quote": quote.quote_response_id})
    return job


@transaction.atomic
def job_book_immediately(*, job: Job, by=None) -> Job:
    """Let LineTen quote and book its best quote in one call."""
    job = _locked(job)
    if hasattr(job, "booking") and job.booking.state != JobBooking.State.FAILED:
        return job
    if job.state not in QUOTABLE:
        raise JobRuleError(f"Immediate booking is not possible for a job that is {job.get_state_display().lower()}.")
    if _booking_start(job, quote=None, by=by) is None:
        return job
    job.state = Job.State.BOOKING
    job.quote_rounds += 1
    job.save(update_fields=["state", "quote_rounds", "updated_at"])
    outbox_enqueue(kind=IMMEDIATE_BOOKING, key=job.client_ref, payload={"round": job.quote_rounds})
    return job


def _booked(job: Job, answer: Booking, *, round_: int | None = None) -> None:
    with transaction.atomic():
        job = _locked(job)
        _lineten_status(job, answer)
        booking = job.booking
        if round_ is not None:
            _quotes_save(job, answer, round_)
        chosen = answer.booked_quote
        if chosen is not None and booking.quote_id is None:
            booking.quote = Quote.objects.filter(quote_response_id=chosen.quote_response_id).first()
        booking.state, booking.booked_at = JobBooking.State.BOOKED, timezone.now()
        booking.tracker_pickup = answer.tracker.pickup[:500]
        booking.tracker_delivery = answer.tracker.delivery[:500]
        booking.tracker_complete = answer.tracker.complete[:500]
        booking.save()
        job.state, job.last_error = Job.State.BOOKED, ""
        job.save()


def _booking_failed(job: Job, message: str) -> None:
    with transaction.atomic():
        job = _locked(job)
        JobBooking.objects.filter(job=job).update(state=JobBooking.State.FAILED)
        job.state, job.last_error = Job.State.BOOKING_FAILED, message[:2000]
        job.save(update_fields=["state", "last_error", "updated_at"])


@outbox_handler(BOOK)
def job_book_push(row: Outbox) -> dict:
    job = Job.objects.get(client_ref=row.key)
    try:
        answer = lineten_client().book(job.lineten_job_id, row.payload["quote"], callback_url=callback_url(),
                                       client_ref=job.client_ref)
    except (CarrierValidationError, CarrierConflict) as exc:
        _booking_failed(job, f"LineTen refused the booking: {exc}")
        raise
    _booked(job, answer)
    return {"jobId": answer.job_id, "status": answer.status}


@outbox_handler(IMMEDIATE_BOOKING)
def job_immediate_booking_push(row: Outbox) -> dict:
    job = Job.objects.select_related("pickup_store").get(client_ref=row.key)
    round_ = row.payload["round"]
    try:
        answer = lineten_client().immediate_booking(quote_request_for_job(job, callback_url=callback_url()),
                                                    idempotency_key=f"{job.client_ref}/immediate/{round_}")
    except (CarrierValidationError, CarrierConflict) as exc:
        _booking_failed(job, f"LineTen could not book: {exc}")
        raise
    _booked(job, answer, round_=round_)
    return {"jobId": answer.job_id, "status": answer.status}


# --- cancelling ------------------------------------------------------------------------------------
def cancel_refusal(job: Job) -> str | None:
    """Why the job cannot be cancelled now, in words for the dispatcher; None when it can."""
    if job.state == Job.State.CANCELLED or job.job_status == "cancelled":
        return "This job is already cancelled."
    if job.state == Job.State.CANCELLING:
        return None
    if job.state != Job.State.BOOKED:
        return "Only a booked job can be cancelled."
    if job.job_status and is_final(job.job_status):
        return f"This job is already {job.job_status.replace('_', ' ')}; it can no longer be cancelled."
    if job.job_status and not cancellable(job.job_status, job.delivery_status or None):
        where = (job.delivery_status or job.job_status).replace("_", " ")
        return (f"The courier is already {where}. LineTen allows cancelling only until the driver is en route "
                "to the pickup.")
    return None


@transaction.atomic
def job_cancel(*, job: Job, by=None) -> Job:
    job = _locked(job)
    refusal = cancel_refusal(job)
    if refusal:
        raise JobRuleError(refusal)
    if job.state == Job.State.CANCELLING:
        return job
    job.state = Job.State.CANCELLING
    job.save(update_fields=["state", "updated_at"])
    outbox_enqueue(kind=CANCEL, key=job.client_ref)
    return job


@outbox_handler(CANCEL)
def job_cancel_push(row: Outbox) -> dict:
    job = Job.objects.get(client_ref=row.key)
    try:
        answer = lineten_client().cancel(job.lineten_job_id, client_ref=job.client_ref)
    except CarrierConflict as exc:
        # LineTen says no (the driver got further meanwhile): the job stays booked, with the reason.
        with transaction.atomic():
            job = _locked(job)
            job.state = Job.State.BOOKED
            job.last_error = f"LineTen refused the cancellation: {exc}"[:2000]
            job.save(update_fields=["state", "last_error", "updated_at"])
        raise
    with transaction.atomic():
        job = _locked(job)
        job.state, job.last_error = Job.State.CANCELLED, ""
        job.job_status, job.status_at = "cancelled", timezone.now()
        job.save()
        JobBooking.objects.filter(job=job).update(cancellation_fee=answer.cancellation_fee)
    return {"jobId": answer.job_id, "fee": str(answer.cancellation_fee)}
