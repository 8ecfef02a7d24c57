from dataclasses import dataclass
from datetime import datetime

from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from deliveries.models import Batch, Job
from deliveries.selectors import batch_dashboard_tiles
from deliveries.selectors_jobs import job_dashboard_tiles
from dispatch_portal.partners.models import PartnerClient
from locations.models import Location
from locations.selectors import open_now_q

from .roles import ROLE_GROUPS, Role
from .tiles import Tile

User = get_user_model()


@dataclass(frozen=True)
class Activity:
    at: datetime
    text: str
    url: str | None = None


@dataclass(frozen=True)
class TileGroup:
    heading: str
    note: str
    tiles: list[Tile]


TILE_GROUPS = {"overview": ("", ""), "batches": ("Batches", "service date today"), "jobs": ("Courier jobs", "")}


def dashboard_tile_groups() -> list[TileGroup]:
    """The tiles in rows, one row per area, in the order of TILE_GROUPS."""
    tiles = dashboard_tiles()
    return [TileGroup(heading, note, [t for t in tiles if t.group == key])
            for key, (heading, note) in TILE_GROUPS.items() if any(t.group == key for t in tiles)]


def dashboard_tiles() -> list[Tile]:
    # Open now is judged in each location's own time zone: the zones first, then one aggregate.
    zones = list(Location.objects.order_by().values_list("time_zone", flat=True).distinct())
    locations = Location.objects.aggregate(
        stores=Count("pk", filter=Q(type=Location.Type.STORE)),
        warehouses=Count("pk", filter=Q(type=Location.Type.WAREHOUSE)),
        inactive=Count("pk", filter=Q(status=Location.Status.INACTIVE)),
        open_now=Count("pk", filter=Q(status=Location.Status.ACTIVE) & open_now_q(at=timezone.now(), time_zones=zones)),
    )
    staff = User.objects.aggregate(
        dispatchers=Count("pk", filter=Q(groups__name=ROLE_GROUPS[Role.DISPATCHER], is_active=True)),
        managers=Count("pk", filter=Q(groups__name=ROLE_GROUPS[Role.MANAGER], is_active=True)),
    )
    partners = PartnerClient.objects.aggregate(
        active=Count("pk", filter=Q(is_active=True)), customers=Count("customer", distinct=True)
    )
    return [
        Tile("Locations open now", locations["open_now"],
             f"of {locations['stores']} stores and {locations['warehouses']} warehouses · {locations['inactive']} inactive",
             reverse("location-list") + "?open_now=on"),
        Tile("Dispatchers", staff["dispatchers"], f"{staff['managers']} store managers"),
        Tile("Partner clients", partners["active"], f"for {partners['customers']} customers"),
        *batch_dashboard_tiles(),
        *job_dashboard_tiles(),
    ]


def recent_activity(*, limit: int = 12) -> list[Activity]:
    """What happened lately, newest first: batches and jobs, admin changes, partner clients, sign-ins."""
    events = [
        Activity(entry.action_time, f"{entry.user} {_admin_verb(entry)} {entry.content_type.name if entry.content_type else ''} “{entry.object_repr}”")
        for entry in LogEntry.objects.select_related("user", "content_type").order_by("-action_time")[:limit]
    ]
    events += [
        Activity(batch.submitted_at or batch.created_at,
                 f"Batch {batch.batch_source_reference} {'submitted to Locate2u' if batch.submitted_at else 'created'}"
                 f"{' by ' + batch.created_by.username if batch.created_by else ''} · {batch.get_status_display().lower()}",
                 reverse("batch-detail", args=[batch.batch_id]))
        for batch in Batch.objects.select_related("created_by").order_by("-updated_at")[:limit]
    ]
    events += [
        Activity(job.updated_at, f"Courier job {job.client_ref} · {job.get_state_display().lower()}",
                 reverse("job-detail", args=[job.pk]))
        for job in Job.objects.order_by("-updated_at")[:limit]
    ]
    events += [
        Activity(client.created_at, f"Partner client “{client.name}” created")
        for client in PartnerClient.objects.order_by("-created_at")[:limit]
    ]
    events += [
        Activity(user.last_login, f"{user.username} signed in")
        for user in User.objects.filter(last_login__isnull=False).order_by("-last_login")[:limit]
    ]
    return sorted(events, key=lambda e: e.at, reverse=True)[:limit]


def _admin_verb(entry: LogEntry) -> str:
    return {LogEntry.ADDITION: "added", LogEntry.CHANGE: "changed", LogEntry.DELETION: "deleted"}.get(
        entry.action_flag, "changed"
    )
