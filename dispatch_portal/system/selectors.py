from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection
from django.utils import timezone

from .models import Heartbeat, WorkerPing

BEAT_LATE_AFTER = timedelta(seconds=90)  # three missed 30-second ticks


@dataclass(frozen=True)
class SystemStatus:
    database: str
    broker: str
    beat_seen_at: datetime | None
    beat_ok: bool
    last_ping: WorkerPing | None
    sandboxes: bool


def broker_description(url: str) -> str:
    """The broker's kind and host, never its credentials."""
    parts = urlsplit(url)
    if parts.scheme == "filesystem":
        return "file system (no server; this machine only)"
    host = parts.hostname or ""
    return f"{parts.scheme}://{host}{':' + str(parts.port) if parts.port else ''}"


def system_status() -> SystemStatus:
    beat = Heartbeat.objects.filter(name="beat").first()
    beat_ok = beat is not None and timezone.now() - beat.seen_at < BEAT_LATE_AFTER
    return SystemStatus(
        database=f"{connection.vendor} ({connection.settings_dict['NAME']})"
        if connection.vendor == "sqlite"
        else f"{connection.vendor} ({connection.settings_dict.get('HOST') or 'local socket'})",
        broker=broker_description(settings.CELERY_BROKER_URL),
        beat_seen_at=beat.seen_at if beat else None,
        beat_ok=beat_ok,
        last_ping=WorkerPing.objects.select_related("requested_by").first(),
        sandboxes=settings.SANDBOX_ENABLED,
    )


def recent_pings(limit: int = 10) -> list[WorkerPing]:
    return list(WorkerPing.objects.select_related("requested_by")[:limit])
