from dataclasses import dataclass
from datetime import datetime

from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from dispatch_portal.partners.models import PartnerClient
from locations.models import Location
from locations.selectors import location_search, locations_visible

from .roles import ROLE_GROUPS, Role

User = get_user_model()


@dataclass(frozen=True)
class Tile:
    title: str
    value: int
    detail: str
    url: str | None = None


@dataclass(frozen=True)
class Activity:
    at: datetime
    text: str


def dashboard_tiles() -> list[Tile]:
    locations = Location.objects.aggregate(
        stores=Count("pk", filter=Q(type=Location.Type.STORE)),
        warehouses=Count("pk", filter=Q(type=Location.Type.WAREHOUSE)),
        inactive=Count("pk", filter=Q(status=Location.Status.INACTIVE)),
    )
    staff = User.objects.aggregate(
        dispatchers=Count("pk", filter=Q(groups__name=ROLE_GROUPS[Role.DISPATCHER], is_active=True)),
        managers=Count("pk", filter=Q(groups__name=ROLE_GROUPS[Role.MANAGER], is_active=True)),
    )
    partners = PartnerClient.objects.aggregate(
        active=Count("pk", filter=Q(is_active=True)), customers=Count("customer", distinct=True)
    )
    open_now = location_search(locations_visible(), statuses=[Location.Status.ACTIVE], open_at=timezone.now()).count()
    return [
        Tile("Locations open now", open_now,
             f"of {locations['stores']} stores and {locations['warehouses']} warehouses · {locations['inactive']} inactive",
             reverse("location-list") + "?open_now=on"),
        Tile("Dispatchers", staff["dispatchers"], f"{staff['managers']} store managers"),
        Tile("Partner clients", partners["active"], f"for {partners['customers']} customers"),
    ]


def recent_activity(*, limit: int = 12) -> list[Activity]:
    """What happened lately, newest first: admin changes, partner clients, sign-ins."""
    events = [
        Activity(entry.action_time, f"{entry.user} {_admin_verb(entry)} {entry.content_type.name if entry.content_type else ''} “{entry.object_repr}”")
        for entry in LogEntry.objects.select_related("user", "content_type").order_by("-action_time")[:limit]
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
