"""Staff's view of the partner API: webhook subscriptions with every delivery and attempt (status
codes, errors), stop imports, and the Idempotency-Keys partners used. Read-mostly: staff may
switch a subscription on or off; secrets are never shown."""
from django.contrib import admin

from .models import IdempotencyRecord, StopImport, WebhookAttempt, WebhookDelivery, WebhookSubscription


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    can_delete = False
    fields = ("number", "attempted_at", "status_code", "error", "duration_ms")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin):
    list_display = ("id", "customer", "event_type", "url", "is_active", "consecutive_failures", "disabled_reason",
                    "created_at")
    list_filter = ("is_active", "event_type", "customer")
    search_fields = ("url", "customer__reference", "customer__name")
    fields = ("customer", "created_by", "event_type", "url", "is_active", "consecutive_failures", "disabled_at",
              "disabled_reason", "created_at", "updated_at")
    readonly_fields = ("customer", "created_by", "event_type", "url", "consecutive_failures", "disabled_at",
                       "disabled_reason", "created_at", "updated_at")

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # partners subscribe through the API, which hands them the secret

    def save_model(self, request, obj, form, change) -> None:
        if obj.is_active and "is_active" in form.changed_data:
            obj.consecutive_failures, obj.disabled_at, obj.disabled_reason = 0, None, ""  # switched on again
        super().save_model(request, obj, form, change)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = ("id", "event_type", "subscription", "status", "attempts", "last_status_code", "last_error",
                    "next_attempt_at", "delivered_at", "created_at")
    list_filter = ("status", "event__event_type")
    search_fields = ("subscription__url", "event__id")
    list_select_related = ("event", "subscription", "subscription__customer")
    readonly_fields = ("event", "subscription", "status", "attempts", "next_attempt_at", "last_status_code",
                       "last_error", "delivered_at", "created_at", "event_body")
    fields = readonly_fields
    inlines = [WebhookAttemptInline]

    @admin.display(description="Event type")
    def event_type(self, delivery: WebhookDelivery) -> str:
        return delivery.event.event_type

    @admin.display(description="Body sent")
    def event_body(self, delivery: WebhookDelivery):
        return delivery.event.body


@admin.register(StopImport)
class StopImportAdmin(ReadOnlyAdmin):
    list_display = ("batch", "kind", "client", "batch_source_reference", "created_at")
    list_filter = ("kind",)
    search_fields = ("batch_source_reference", "batch__batch_id")
    list_select_related = ("batch", "client")


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(ReadOnlyAdmin):
    list_display = ("key", "client", "method", "path", "response_status", "created_at")
    list_filter = ("method", "response_status")
    search_fields = ("key", "path")
    list_select_related = ("client",)
    exclude = ("response_body",)  # may hold a webhook secret
