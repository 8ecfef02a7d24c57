"""Reads for the courier-job pages, each with a fixed number of queries whatever the data.

- `job_page`: one job with its pickup store, source drop-off, booking and booked quote (one
  query), the quotes of its latest round (one) and its timeline (one).
- `jobs_listed`: the list, with the cheapest current quote per job as a subquery.
- `job_dashboard_tiles`: one aggregate query.

"Fastest" on the quote board is the shortest estimated ride: the quote's distance at the typical
city speed of its transport type (SPEED_KMH). LineTen's quotes carry no pick-up or delivery time.
"""
import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone

from deliveries.carriers.lineten.statuses import (
    FINAL_JOB_STATUSES,
    DeliveryStatus,
    JobStatus,
    consistent,
    moves_forward,
)
from deliveries.forms.jobs import FLAG_LABELS, SIZES, TAG_LABELS, TRANSPORT_LABELS
from deliveries.models import Job, JobBooking, JobStatusChange, Quote
from deliveries.services.jobs import QUOTABLE, cancel_refusal
from dispatch_portal.staff.tiles import Tile

# Typical door-to-door speed in a city, km/h: what "fastest" is measured by.
SPEED_KMH = {"motorbike": 32, "car": 28, "minivan": 26, "van": 24, "truck": 20, "bike": 16, "cargobike": 14,
             "walker": 5}
EXPIRING_SOON = timedelta(minutes=2)
POLL_MS_WORKING = 2000  # quoting, booking, cancelling: the answer comes within seconds
POLL_MS_FOLLOWING = 3000  # a booked job on its way: callbacks come every few minutes
CURRENCY_SIGNS = {"GBP": "£", "EUR": "€", "USD": "$"}
PROBLEM_JOB_STATUSES = [JobStatus.ERROR, JobStatus.REJECTED, JobStatus.EXPIRED]
# The price chart: SVG user units, drawn at 1:1
CHART_ROW = 24
CHART_LABEL_X = 172  # labels end here, right-aligned
CHART_BAR_X = 180
CHART_BAR_MAX = 200.0
CHART_WIDTH = 440  # room for the price after the longest bar


def money(amount: Decimal | None, currency: str = "GBP") -> str:
    if amount is None:
        return "—"
    sign = CURRENCY_SIGNS.get((currency or "GBP").upper())
    return f"{sign}{amount:,.2f}" if sign else f"{amount:,.2f} {currency}"


def job_status_label(value: str) -> str:
    return JobStatus(value).label if value in JobStatus.values else (value.replace("_", " ").capitalize() or "—")


def delivery_status_label(value: str) -> str:
    return DeliveryStatus(value).label if value in DeliveryStatus.values else (value.replace("_", " ").capitalize() or "—")


def shown_delivery_status(job_status: str, delivery_status: str) -> str:
    """The delivery status worth showing beside the job status: none when the pair does not go
    together (e.g. a job cancelled by our own request keeps the delivery status it had)."""
    if not delivery_status:
        return ""
    if job_status and job_status in JobStatus.values and not consistent(job_status, delivery_status):
        return ""
    return delivery_status_label(delivery_status)


def transport_label(types: list[str]) -> str:
    return ", ".join(TRANSPORT_LABELS.get(t, t) for t in types) or "Any"


def ride_minutes(distance_km: float, types: list[str]) -> int | None:
    """The ride at the speed of the quote's fastest transport type; None when it names none we know."""
    speeds = [SPEED_KMH[t] for t in types if t in SPEED_KMH]
    if not speeds or distance_km is None:
        return None
    return max(1, math.ceil(distance_km / max(speeds) * 60))


def items_label(sizes: list[str]) -> str:
    """["M", "M", "L"] → "M × 2, L × 1"."""
    return ", ".join(f"{size} × {sizes.count(size)}" for size in SIZES if size in sizes) or "—"


# --- one job --------------------------------------------------------------------------------------------
@dataclass
class QuoteRow:
    quote: Quote
    price: str
    fee: str
    transport: str
    ride_minutes: int | None
    expires_at: datetime | None
    seconds_left: int | None
    expired: bool
    expiring_soon: bool
    cheapest: bool = False
    fastest: bool = False

    @property
    def countdown(self) -> str:
        if self.seconds_left is None:
            return "No expiry"
        minutes, seconds = divmod(max(0, self.seconds_left), 60)
        return f"{minutes}:{seconds:02d}"


@dataclass
class ChartBar:
    label: str
    price: str
    y: int
    width: str  # SVG user units, as text (never localised)
    value_x: str
    cheapest: bool
    expired: bool


@dataclass
class TimelineRow:
    change: JobStatusChange
    job_status: str
    delivery_status: str
    position: str
    not_applied: str = ""  # why a recorded callback did not change the job


@dataclass
class JobPage:
    job: Job
    booking: JobBooking | None
    quotes: list[QuoteRow]
    chart: list[ChartBar]
    chart_height: int
    timeline: list[TimelineRow]
    now: datetime
    cancel_refusal: str | None
    poll_ms: int
    signature: str
    route: dict = field(default_factory=dict)
    chart_width: int = CHART_WIDTH
    chart_label_x: int = CHART_LABEL_X
    chart_bar_x: int = CHART_BAR_X

    @property
    def state(self) -> str:
        return self.job.state

    @property
    def live_quotes(self) -> list[QuoteRow]:
        return [row for row in self.quotes if not row.expired]

    @property
    def all_expired(self) -> bool:
        return bool(self.quotes) and not self.live_quotes

    @property
    def may_request_quotes(self) -> bool:
        return self.job.state in QUOTABLE

    @property
    def may_book_immediately(self) -> bool:
        return self.job.state in QUOTABLE

    @property
    def booked_quote(self) -> Quote | None:
        return self.booking.quote if self.booking else None

    @property
    def cancel_fee(self) -> str:
        quote = self.booked_quote
        return money(quote.cancellation_fee, quote.currency) if quote else "unknown until LineTen names the quote"

    @property
    def booked_price(self) -> str:
        quote = self.booked_quote
        return money(quote.price, quote.currency) if quote else ""

    @property
    def booked_transport(self) -> str:
        quote = self.booked_quote
        return transport_label(quote.transport_types) if quote else ""

    @property
    def transport_types(self) -> str:
        return transport_label(self.job.transport_types)

    @property
    def flags(self) -> str:
        return ", ".join(FLAG_LABELS.get(f, f) for f in self.job.flags)

    @property
    def tags(self) -> str:
        return ", ".join(TAG_LABELS.get(t, t) for t in self.job.tags)

    @property
    def charged_fee(self) -> str:
        if self.booking is None or self.booking.cancellation_fee is None:
            return ""
        return money(self.booking.cancellation_fee, self.booked_quote.currency if self.booked_quote else "GBP")

    @property
    def job_status(self) -> str:
        return job_status_label(self.job.job_status) if self.job.job_status else ""

    @property
    def delivery_status(self) -> str:
        return shown_delivery_status(self.job.job_status, self.job.delivery_status)

    @property
    def is_final(self) -> bool:
        return self.job.job_status in FINAL_JOB_STATUSES

    @property
    def state_tone(self) -> str:
        return state_tone(self.job)


def state_tone(job: Job) -> str:
    """The colour of the state pill: ok, warn, bad or muted."""
    if job.state in (Job.State.QUOTE_FAILED, Job.State.BOOKING_FAILED) or job.job_status in PROBLEM_JOB_STATUSES:
        return "bad"
    if job.state == Job.State.BOOKED:
        return "ok"
    if job.state in (Job.State.QUOTING, Job.State.BOOKING, Job.State.CANCELLING, Job.State.QUOTED):
        return "warn"
    return "muted"


def _quote_rows(quotes: list[Quote], now: datetime) -> list[QuoteRow]:
    rows = []
    for quote in quotes:
        left = int((quote.expires_at - now).total_seconds()) if quote.expires_at else None
        rows.append(QuoteRow(
            quote=quote, price=money(quote.price, quote.currency), fee=money(quote.cancellation_fee, quote.currency),
            transport=transport_label(quote.transport_types), ride_minutes=ride_minutes(quote.distance, quote.transport_types),
            expires_at=quote.expires_at, seconds_left=left, expired=left is not None and left <= 0,
            expiring_soon=left is not None and 0 < left <= EXPIRING_SOON.total_seconds(),
        ))
    live = [row for row in rows if not row.expired]
    if live:
        min(live, key=lambda r: (r.quote.price, r.ride_minutes or 10**6, r.quote.pk)).cheapest = True
        timed = [row for row in live if row.ride_minutes is not None]
        if timed:
            min(timed, key=lambda r: (r.ride_minutes, r.quote.price, r.quote.pk)).fastest = True
    return rows



def _chart(rows: list[QuoteRow]) -> tuple[list[ChartBar], int]:
    top = max((row.quote.price for row in rows), default=Decimal(0))
    bars = []
    for index, row in enumerate(sorted(rows, key=lambda r: (r.quote.price, r.quote.pk))):
        width = max(float(row.quote.price / top) * CHART_BAR_MAX if top else 0.0, 2.0)
        bars.append(ChartBar(label=f"{row.quote.provider_name or 'Unknown'} · {row.transport}", price=row.price,
                             y=index * CHART_ROW, width=f"{width:.1f}", value_x=f"{CHART_BAR_X + width + 6:.1f}",
                             cheapest=row.cheapest, expired=row.expired))
    return bars, len(bars) * CHART_ROW


def _not_applied_reasons(changes: list[JobStatusChange]) -> dict[int, str]:
    """Why each recorded-only callback changed nothing, replayed in the order they were applied
    (their ids): a step back from a later status, or a status the job had already reached (the
    first callbacks often repeat what the booking answer said)."""
    reasons, current = {}, None
    for change in sorted(changes, key=lambda c: c.pk):
        state = (change.job_status, change.delivery_status or None)
        if change.applied:
            current = state
            continue
        try:
            back = current is not None and current != state and moves_forward(state, current)
        except ValueError:
            back = False
        reasons[change.pk] = "not applied: would move back" if back else "not applied: status already reached"
    return reasons


def _timeline(changes: list[JobStatusChange]) -> list[TimelineRow]:
    reasons = _not_applied_reasons(changes)
    return [
        TimelineRow(
            change=change, job_status=job_status_label(change.job_status),
            delivery_status=delivery_status_label(change.delivery_status) if change.delivery_status else "",
            position=(f"{change.latitude:.5f}, {change.longitude:.5f}" if change.latitude is not None
                      and change.longitude is not None else ""),
            not_applied=reasons.get(change.pk, ""),
        )
        for change in reversed(changes)  # newest first
    ]


def _poll_ms(job: Job) -> int:
    if job.state in (Job.State.QUOTING, Job.State.BOOKING, Job.State.CANCELLING):
        return POLL_MS_WORKING
    if job.state == Job.State.BOOKED and job.job_status not in FINAL_JOB_STATUSES:
        return POLL_MS_FOLLOWING
    return 0


def route_summary(job: Job) -> dict:
    if job.pickup_store_id:
        pickup = f"{job.pickup_store.name} ({job.pickup_store.ref})"
    else:
        pickup = ", ".join(filter(None, [job.pickup_company or job.pickup_address1, job.pickup_postcode]))
    delivery = ", ".join(filter(None, [job.delivery_address1, job.delivery_postcode]))
    if job.window_from and job.window_to:
        when = _span(job.window_from, job.window_to)
    elif job.requested_time:
        when = _span(job.requested_time, job.requested_time + timedelta(minutes=60))
    else:
        when = "As soon as possible"
    return {"pickup": pickup, "delivery": delivery, "items": items_label(job.package_sizes),
            "count": len(job.package_sizes), "when": when}


def _span(start: datetime, end: datetime) -> str:
    start, end = timezone.localtime(start), timezone.localtime(end)
    if start.date() == end.date():
        return f"{start:%a %d %b}, {start:%H:%M}–{end:%H:%M}"
    return f"{start:%a %d %b %H:%M} – {end:%a %d %b %H:%M}"


def job_with_details() -> QuerySet:
    return Job.objects.select_related("pickup_store", "source_stop__batch", "booking__quote", "booking__requested_by",
                                      "created_by")


def job_page(job_id: int, *, now: datetime | None = None) -> JobPage:
    """Everything the job's page and its state.json show, in three queries (Job.DoesNotExist)."""
    now = now or timezone.now()
    job = job_with_details().get(pk=job_id)
    booking = getattr(job, "booking", None)
    quotes = list(Quote.objects.filter(job=job, round=job.quote_rounds).order_by("price", "id")) \
        if job.quote_rounds else []
    changes = list(JobStatusChange.objects.filter(job=job).order_by("occurred_at", "id"))
    rows = _quote_rows(quotes, now)
    bars, height = _chart(rows)
    signature = ":".join(str(part) for part in (
        job.state, job.updated_at.timestamp(), len(quotes), len(changes), booking.state if booking else "-",
    ))
    return JobPage(job=job, booking=booking, quotes=rows, chart=bars, chart_height=height,
                   timeline=_timeline(changes), now=now,
                   cancel_refusal=cancel_refusal(job) if job.state in (Job.State.BOOKED, Job.State.CANCELLING) else None,
                   poll_ms=_poll_ms(job), signature=signature, route=route_summary(job))


# --- the list ---------------------------------------------------------------------------------------------
def _start_of_today(now: datetime) -> datetime:
    return timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)


def problems_q() -> Q:
    return (Q(state__in=[Job.State.QUOTE_FAILED, Job.State.BOOKING_FAILED])
            | Q(job_status__in=PROBLEM_JOB_STATUSES)
            | (Q(state=Job.State.BOOKED) & ~Q(last_error="")))


def in_progress_q() -> Q:
    return Q(state=Job.State.BOOKED) & ~Q(job_status__in=FINAL_JOB_STATUSES)


def booked_today_q(now: datetime) -> Q:
    return Q(booking__state=JobBooking.State.BOOKED, booking__booked_at__gte=_start_of_today(now))


SHOW_CHOICES = [("booked_today", "Booked today"), ("in_progress", "In progress"), ("problems", "Problems")]


def jobs_listed(*, state: str = "", status: str = "", query: str = "", show: str = "",
                now: datetime | None = None) -> QuerySet:
    now = now or timezone.now()
    current = Quote.objects.filter(job=OuterRef("pk"), round=OuterRef("quote_rounds"))
    jobs = job_with_details().annotate(
        cheapest_price=Subquery(current.order_by("price", "id").values("price")[:1]),
        cheapest_currency=Subquery(current.order_by("price", "id").values("currency")[:1]),
        quote_count=Subquery(current.order_by().values("job").annotate(n=Count("pk")).values("n")[:1]),
    ).order_by("-created_at", "-id")
    if state:
        jobs = jobs.filter(state=state)
    if status.startswith("job:"):
        jobs = jobs.filter(job_status=status[4:])
    elif status.startswith("delivery:"):
        jobs = jobs.filter(delivery_status=status[9:])
    if show == "booked_today":
        jobs = jobs.filter(booked_today_q(now))
    elif show == "in_progress":
        jobs = jobs.filter(in_progress_q())
    elif show == "problems":
        jobs = jobs.filter(problems_q())
    query = query.strip()
    if query:
        match = (Q(client_ref__icontains=query) | Q(delivery_postcode__icontains=query)
                 | Q(delivery_address1__icontains=query) | Q(delivery_company__icontains=query)
                 | Q(pickup_store__name__icontains=query) | Q(pickup_store__ref__iexact=query)
                 | Q(pickup_company__icontains=query) | Q(pickup_postcode__icontains=query)
                 | Q(booking__quote__provider_name__icontains=query))
        if query.isdigit():
            match |= Q(lineten_job_id=int(query))
        jobs = jobs.filter(match)
    return jobs


@dataclass
class JobRow:
    job: Job
    pickup: str
    delivery: str
    provider: str
    price: str
    price_note: str
    tone: str
    job_status: str
    delivery_status: str


def job_list_rows(jobs) -> list[JobRow]:
    """Rows of one page of `jobs_listed` (no further queries)."""
    rows = []
    for job in jobs:
        booking = getattr(job, "booking", None)
        quote = booking.quote if booking else None
        if quote is not None:
            provider, price, note = quote.provider_name, money(quote.price, quote.currency), transport_label(quote.transport_types)
        elif booking is not None and booking.immediate:
            provider, price, note = "LineTen’s choice", "—", "immediate booking"
        elif job.cheapest_price is not None:
            provider, price = "—", "from " + money(job.cheapest_price, job.cheapest_currency)
            note = f"{job.quote_count} quote{'s' if job.quote_count != 1 else ''}"
        else:
            provider, price, note = "—", "—", ""
        summary = route_summary(job)
        rows.append(JobRow(
            job=job, pickup=summary["pickup"], delivery=" ".join(filter(None, [job.delivery_postcode, job.delivery_city])),
            provider=provider, price=price, price_note=note, tone=state_tone(job),
            job_status=job_status_label(job.job_status) if job.job_status else "",
            delivery_status=shown_delivery_status(job.job_status, job.delivery_status),
        ))
    return rows


def status_filter_choices() -> list:
    return [
        ("", "Any LineTen status"),
        ("Job status", [(f"job:{value}", label) for value, label in JobStatus.choices]),
        ("Delivery status", [(f"delivery:{value}", label) for value, label in DeliveryStatus.choices]),
    ]


# --- the dashboard ------------------------------------------------------------------------------------------
def job_dashboard_tiles(*, now: datetime | None = None) -> list[Tile]:
    """Booked today, in progress, problems: one query."""
    now = now or timezone.now()
    counts = Job.objects.aggregate(
        booked_today=Count("pk", filter=booked_today_q(now)),
        cancelled_since=Count("pk", filter=booked_today_q(now) & Q(state=Job.State.CANCELLED)),
        quoted=Count("pk", filter=Q(state=Job.State.QUOTED)),
        in_progress=Count("pk", filter=in_progress_q()),
        with_driver=Count("pk", filter=in_progress_q() & Q(job_status=JobStatus.IN_PROGRESS)),
        problems=Count("pk", filter=problems_q()),
    )
    url = reverse("job-list")
    booked_detail = f"{counts['quoted']} quoted, waiting to be booked"
    if counts["cancelled_since"]:
        booked_detail = f"{counts['cancelled_since']} cancelled since · " + booked_detail
    return [
        Tile("Jobs booked today", counts["booked_today"], booked_detail, f"{url}?show=booked_today", group="jobs"),
        Tile("Jobs in progress", counts["in_progress"], f"{counts['with_driver']} with a driver on the way",
             f"{url}?show=in_progress", tone="busy" if counts["in_progress"] else "", group="jobs"),
        Tile("Job problems", counts["problems"], "Failed quotes or bookings, or trouble reported by LineTen",
             f"{url}?show=problems", tone="bad" if counts["problems"] else "", group="jobs"),
    ]
