from django.conf import settings
from django.db import models


class Heartbeat(models.Model):
    """The last sign of life of a background part (the beat scheduler), one row per part."""

    name = models.CharField(max_length=50, unique=True)
    seen_at = models.DateTimeField()
    detail = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return self.name


class WorkerPing(models.Model):
    """A round trip through the broker: written by a request, answered by a Celery worker."""

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    requested_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.CharField(max_length=200, blank=True, help_text="Worker host name")

    class Meta:
        ordering = ["-requested_at"]

    @property
    def round_trip_seconds(self) -> float | None:
        if self.answered_at is None:
            return None
        return (self.answered_at - self.requested_at).total_seconds()
