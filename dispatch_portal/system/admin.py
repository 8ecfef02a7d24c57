from django.contrib import admin

from .models import Heartbeat, WorkerPing


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    list_display = ["name", "seen_at", "detail"]


@admin.register(WorkerPing)
class WorkerPingAdmin(admin.ModelAdmin):
    list_display = ["requested_at", "requested_by", "answered_at", "answered_by"]
