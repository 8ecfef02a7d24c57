"""Read-only views of the sandbox's state, for demos: what LineTen 'knows' and what it sent."""
from django.contrib import admin

from .models import SandboxCallback, SandboxJob, SandboxQuote


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class QuoteInline(admin.TabularInline):
    model = SandboxQuote
    extra = 0
    can_delete = False
    fields = ("provider_name", "transport_type", "price", "cancellation_fee", "status", "expire_at", "booked_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(SandboxJob)
class SandboxJobAdmin(ReadOnly):
    list_display = ("id", "client_ref", "status", "delivery_status", "distance_km", "booked_at", "next_step_at")
    list_filter = ("status", "delivery_status")
    search_fields = ("=id", "client_ref", "ext_store_ref")
    inlines = [QuoteInline]


@admin.register(SandboxCallback)
class SandboxCallbackAdmin(ReadOnly):
    list_display = ("event_id", "job", "attempts", "sent_at", "gave_up", "last_error")
    list_filter = ("gave_up",)
