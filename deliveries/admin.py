from django.contrib import admin

from .models import CarrierCall, Outbox


@admin.register(CarrierCall)
class CarrierCallAdmin(admin.ModelAdmin):
    """The carrier call log: read-only, filterable by carrier, status and object."""

    list_display = ["created_at", "carrier", "method", "url", "status_code", "outcome", "attempt", "duration_ms",
                    "object_ref"]
    list_filter = ["carrier", "outcome", "status_code", "method"]
    search_fields = ["url", "object_ref", "idempotency_key"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Outbox)
class OutboxAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "key", "status", "attempts", "available_at", "lease_until", "done_at"]
    list_filter = ["status", "kind"]
    search_fields = ["key", "last_error"]
    readonly_fields = ["kind", "key", "payload", "attempts", "lease_until", "result", "created_at", "updated_at",
                       "done_at"]
