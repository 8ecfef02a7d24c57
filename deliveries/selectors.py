"""Reads for the dispatchers' batch pages, each a fixed number of queries whatever the batch size:

- the list: one count and one page query;
- a batch's page: the batch, its items, its stops and the links between them (four queries);
- the progress the page polls: the batch alone (one query).
"""
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.db.models import Count, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone

from deliveries.models import Batch, Stop, StopItem
from deliveries.services.batch_payload import batch_to_payload
from deliveries.spec.fields import parse_datetime
from dispatch_portal.staff.tiles import Tile
from locations.hours import DAYS, DayHours, hhmm_label
from locations.models import Location

S = Batch.Status

# How each status looks: the pill's tone, and words for the progress panel.
STATUS_TONE = {
    S.DRAFT: "muted", S.QUEUED: "info", S.IMPORTING: "info", S.COMPLETED: "ok",
    S.PARTIALLY_COMPLETED: "warn", S.FAILED: "bad", S.REJECTED: "bad",
}
STATUS_HINT = {
    S.DRAFT: "Not sent yet. Check the stops, then submit the batch to Locate2u.",
    S.QUEUED: "Waiting for Locate2u to accept the batch…",
    S.IMPORTING: "Locate2u is importing the stops…",
    S.COMPLETED: "Every stop is in Locate2u.",
    S.PARTIALLY_COMPLETED: "Some stops could not be imported; they are listed below.",
    S.FAILED: "No stop could be imported; the reasons are listed below.",
    S.REJECTED: "Locate2u refused the batch; nothing was imported.",
}

# The list's status filters: each a label and the batches it keeps.
ACTIVE = "active"
PROBLEMS = "problems"
PROBLEM_STATUSES = [S.PARTIALLY_COMPLETED, S.FAILED, S.REJECTED]
STATUS_FILTERS: dict[str, tuple[str, Q]] = {
    **{status.value: (status.label, Q(status=status)) for status in S},
    ACTIVE: ("Queued or importing", Q(status__in=[S.QUEUED, S.IMPORTING])),
    PROBLEMS: ("Needs attention (failed, rejected, not followed)",
               Q(status__in=PROBLEM_STATUSES) | Batch.FOLLOW_LAPSED),
}

# Locate2u's stages of a failed stop, in the order they happen, and what each means.
STAGES = [
    ("PreProcessing", "Before validation, e.g. an address Locate2u could not find"),
    ("Validation", "A field Locate2u refused"),
    ("Save", "Could not be saved, e.g. a reference Locate2u already has"),
]


def status_look(status: str) -> dict:
    return {"value": status, "label": S(status).label, "tone": STATUS_TONE[S(status)]}


def progress_percent(batch: Batch) -> int:
    """0–100 for the progress bar: Locate2u's figure, 100 once the import is over."""
    if batch.status in (S.COMPLETED, S.PARTIALLY_COMPLETED, S.FAILED):
        return 100
    return max(0, min(100, int(batch.progress or 0)))


# --- the list -----------------------------------------------------------------------------------
def batches_filtered(*, status: str | None = None, service_date: date | None = None,
                     query: str | None = None) -> QuerySet[Batch]:
    qs = Batch.objects.select_related("created_by", "customer")
    if status in STATUS_FILTERS:
        qs = qs.filter(STATUS_FILTERS[status][1])
    if service_date:
        qs = qs.filter(service_date=service_date)
    if query:
        qs = qs.filter(Q(batch_source_reference__icontains=query) | Q(batch_description__icontains=query)
                       | Q(team_source_reference__icontains=query) | Q(customer_source_reference__icontains=query))
    return qs.order_by("-created_at", "-id")


@dataclass(frozen=True)
class BatchRow:
    batch: Batch
    status: dict
    percent: int


def batch_list_rows(batches) -> list[BatchRow]:
    return [BatchRow(batch, status_look(batch.status), progress_percent(batch)) for batch in batches]


# --- progress (the JSON the page polls) ---------------------------------------------------------
def progress_hint(batch: Batch) -> str:
    if batch.follow_lapsed:
        return (f"We stopped following this import at {timezone.localtime(batch.follow_until):%H:%M}; "
                "Locate2u may still be importing.")
    return STATUS_HINT[S(batch.status)]


def batch_progress(batch: Batch) -> dict:
    look = status_look(batch.status)
    return {
        "batchId": str(batch.batch_id),
        "status": batch.status,
        "statusLabel": look["label"],
        "tone": look["tone"],
        "hint": progress_hint(batch),
        "final": batch.is_final,
        "followLapsed": batch.follow_lapsed,
        "percent": progress_percent(batch),
        "total": batch.total_count,
        "processed": batch.processed_count,
        "succeeded": batch.success_count,
        "failed": batch.failed_count,
        "locate2uStatus": batch.import_status,
        "importError": batch.import_error,
        "lastPolledAt": batch.last_polled_at.isoformat() if batch.last_polled_at else None,
    }


# --- opening hours of a pickup ------------------------------------------------------------------
def _local(moment: datetime, zone: ZoneInfo) -> datetime:
    """A time as the dispatcher wrote it: without an offset it is the location's own clock."""
    return moment.astimezone(zone).replace(tzinfo=None) if moment.tzinfo else moment


def _open_at(location: Location, moment: datetime, *, closing: bool) -> tuple[bool, DayHours]:
    day = DAYS[moment.weekday()]
    hours = DayHours(day, getattr(location, f"{day}_start"), getattr(location, f"{day}_end"))
    hhmm = moment.hour * 100 + moment.minute
    if hours.closed:
        return False, hours
    # A window may end at closing time; it may not start then.
    return (hours.start < hhmm <= hours.end) if closing else (hours.start <= hhmm < hours.end), hours


def pickup_hours_warning(location: Location, *, trip_date: str | None, start: str | None, end: str | None) -> str | None:
    """Why a pickup's time window (or, without one, its trip time) falls outside the location's
    opening hours in its time zone; None when it fits or the times cannot be read."""
    zone = ZoneInfo(location.time_zone)
    first, last = parse_datetime(start or "") if start else None, parse_datetime(end or "") if end else None
    if first is None and last is None:
        first = parse_datetime(trip_date or "") if trip_date else None
        if first is None:
            return None
        what = f"the pickup time {_local(first, zone):%H:%M}"
        checks = [(_local(first, zone), False)]
    else:
        checks = [(_local(moment, zone), closing) for moment, closing in ((first, False), (last, True)) if moment]
        if first and last:
            what = f"the pickup window {_local(first, zone):%H:%M}–{_local(last, zone):%H:%M}"
        else:
            what = f"the pickup window {'from' if first else 'until'} {checks[0][0]:%H:%M}"
    for moment, closing in checks:
        fits, hours = _open_at(location, moment, closing=closing)
        if not fits:
            if hours.closed:
                return f"{location.name} is closed on {hours.name}s ({location.time_zone}); {what} is outside its hours."
            return (f"{location.name} is open {hhmm_label(hours.start)}–{hhmm_label(hours.end)} on {hours.name}s "
                    f"({location.time_zone}); {what} is outside those hours.")
    return None


def locations_for_pickups(*, also: set[int] = frozenset()) -> list[Location]:
    """Active locations (and any a draft already uses) for the pickup select, one query."""
    return list(Location.objects.filter(Q(status=Location.Status.ACTIVE) | Q(pk__in=also)).order_by("name", "id"))


def pickup_locations_data(locations: list[Location]) -> dict:
    """What the builder's script needs to fill a pickup and check its hours, by location id."""
    from deliveries.forms.batches import location_fill_values

    return {
        str(location.pk): location_fill_values(location) | {
            "timeZone": location.time_zone,
            "week": {d.day: [d.start, d.end] for d in location.week()},
        }
        for location in locations
    }


# --- a batch's page -----------------------------------------------------------------------------
@dataclass
class StopRow:
    stop: Stop
    number: int
    item_refs: list[str]
    when: str = ""
    window: str = ""
    hours_warning: str | None = None


def _clock(text: str, service_date: date) -> str:
    """'2024-01-15T09:00:00' → '09:00' on the service date; anything else as written."""
    moment = parse_datetime(text) if text else None
    if moment is None:
        return text
    offset = moment.strftime("%z")
    offset = f" {offset[:3]}:{offset[3:]}" if offset else ""
    if moment.date() == service_date:
        return f"{moment:%H:%M}{offset}"
    return f"{moment:%d %b %H:%M}{offset}"


def batch_for_page(batch_id) -> Batch | None:
    return Batch.objects.select_related("created_by", "customer").filter(batch_id=batch_id).first()


def batch_page(batch: Batch) -> dict:
    """Everything the batch's page shows, in three queries after the batch's own."""
    items = list(batch.items.all())
    stops = list(batch.stops.select_related("location"))
    links = StopItem.objects.filter(stop__batch=batch).values_list("stop_id", "item_id").order_by("stop_id", "id")
    refs = {item.pk: item.item_source_reference for item in items}
    by_stop: dict[int, list[str]] = defaultdict(list)
    by_item: dict[int, dict[str, list[str]]] = defaultdict(lambda: {"pickup": [], "dropoff": []})
    kinds = {stop.pk: (stop.kind, stop.stop_source_reference) for stop in stops}
    for stop_id, item_id in links:
        by_stop[stop_id].append(refs[item_id])
        kind, stop_ref = kinds[stop_id]
        by_item[item_id][kind].append(stop_ref)

    pickups = sorted((s for s in stops if s.kind == Stop.Kind.PICKUP), key=lambda s: s.position)
    dropoffs = sorted((s for s in stops if s.kind == Stop.Kind.DROPOFF), key=lambda s: s.position)
    rows = []
    for group in (pickups, dropoffs):
        for i, stop in enumerate(group, 1):
            row = StopRow(stop, i, by_stop.get(stop.pk, []), when=_clock(stop.trip_date, batch.service_date))
            if stop.time_window_start or stop.time_window_end:
                row.window = (f"{_clock(stop.time_window_start, batch.service_date) or '…'}–"
                              f"{_clock(stop.time_window_end, batch.service_date) or '…'}")
            rows.append(row)
    if batch.is_editable:
        for row in rows:
            if row.stop.location is not None:
                row.hours_warning = pickup_hours_warning(
                    row.stop.location, trip_date=row.stop.trip_date, start=row.stop.time_window_start,
                    end=row.stop.time_window_end)

    failed = [row for row in rows if row.stop.import_result == Stop.ImportResult.FAILED]
    known = {name for name, _ in STAGES}
    stages = [{"name": name, "meaning": meaning, "rows": [r for r in failed if r.stop.error_stage == name]}
              for name, meaning in STAGES]
    other = [r for r in failed if r.stop.error_stage not in known]
    if other:
        stages.append({"name": "Other", "meaning": "Locate2u gave no stage", "rows": other})

    return {
        "batch": batch,
        "status": status_look(batch.status),
        "progress": batch_progress(batch),
        "items": [{"item": item, "pickups": by_item[item.pk]["pickup"], "dropoffs": by_item[item.pk]["dropoff"]}
                  for item in items],
        "stops": rows,
        "pickup_count": len(pickups),
        "dropoff_count": len(dropoffs),
        "failed_stages": [stage for stage in stages if stage["rows"]],
        "failed_count": len(failed),
        "imported_count": sum(1 for row in rows if row.stop.import_result == Stop.ImportResult.IMPORTED),
        "warnings": [row for row in rows if row.hours_warning],
        "map_points": [
            {"ref": row.stop.stop_source_reference, "name": row.stop.name, "address": row.stop.address,
             "kind": row.stop.kind, "number": row.number, "lat": row.stop.latitude, "lon": row.stop.longitude,
             "result": row.stop.import_result}
            for row in rows if row.stop.latitude is not None and row.stop.longitude is not None
        ],
    }


def batch_builder_initial(batch: Batch) -> tuple[dict, dict[str, int | None]]:
    """A draft as a payload, and which of its pickups came from our locations (four queries)."""
    payload = batch_to_payload(batch)
    locations = dict(batch.stops.filter(kind=Stop.Kind.PICKUP, location__isnull=False)
                     .values_list("stop_source_reference", "location_id"))
    return payload, locations


def batch_dashboard_tiles() -> list[Tile]:
    """Today's batches (service date today) by state, what is importing now, what went wrong:
    one query."""
    today = timezone.localdate()
    on_today = Q(service_date=today)
    importing = Q(status__in=[S.QUEUED, S.IMPORTING])
    counts = Batch.objects.aggregate(
        today=Count("pk", filter=on_today),
        **{f"on_{status.value}": Count("pk", filter=on_today & Q(status=status)) for status in S},
        importing=Count("pk", filter=importing),
        stops_total=Sum("total_count", filter=importing),
        stops_done=Sum("processed_count", filter=importing),
        failed_stops=Sum("failed_count", filter=on_today & Q(status__in=PROBLEM_STATUSES)),
        lapsed=Count("pk", filter=on_today & Batch.FOLLOW_LAPSED),
    )
    state = {status: counts[f"on_{status.value}"] for status in S}
    short = {S.QUEUED: "queued", S.REJECTED: "rejected"}  # their long labels name Locate2u
    by_state = " · ".join(f"{n} {short.get(status, status.label.lower())}" for status, n in state.items() if n)
    problem_count = sum(state[status] for status in PROBLEM_STATUSES) + counts["lapsed"]
    failed_stops = counts["failed_stops"] or 0
    problem_detail = [f"{failed_stops} stop{'s' if failed_stops != 1 else ''} failed"] if failed_stops else []
    if state[S.REJECTED]:
        problem_detail.append(f"{state[S.REJECTED]} rejected by Locate2u")
    if counts["lapsed"]:
        problem_detail.append(f"{counts['lapsed']} import{'s' if counts['lapsed'] != 1 else ''} no longer followed")
    importing_detail = (f"{counts['stops_done'] or 0} of {counts['stops_total'] or 0} stops processed"
                        if counts["importing"] else "Nothing on its way to Locate2u")
    batches = reverse("batch-list")
    return [
        Tile("Batches today", counts["today"], by_state or "None for today yet",
             f"{batches}?service_date={today.isoformat()}", group="batches"),
        Tile("Importing now", counts["importing"], importing_detail, f"{batches}?status=active",
             tone="busy" if counts["importing"] else "", group="batches"),
        Tile("Batch problems", problem_count, " · ".join(problem_detail) or "None today",
             f"{batches}?status=problems&service_date={today.isoformat()}", tone="bad" if problem_count else "", group="batches"),
    ]
