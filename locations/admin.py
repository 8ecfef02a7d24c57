"""Django admin for all location data (administrators only: staff roles have no admin access)."""
from django.contrib import admin

from .models import Location, LocationAttribute, LocationEta, LocationNetwork, Network, OpeningHoursChange, StorageArea
from .services import opening_hours_record


class LocationNetworkInline(admin.TabularInline):
    model = LocationNetwork
    extra = 0
    autocomplete_fields = ["network"]


class StorageAreaInline(admin.TabularInline):
    model = StorageArea
    extra = 0


class LocationAttributeInline(admin.TabularInline):
    model = LocationAttribute
    extra = 0


class OpeningHoursChangeInline(admin.TabularInline):
    model = OpeningHoursChange
    extra = 0
    can_delete = False
    readonly_fields = ["changed_at", "changed_by", "changed_via", "before", "after"]

    def has_add_permission(self, request, obj=None):
        return False


HOURS_FIELDS = [f"{day}_{edge}" for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun") for edge in ("start", "end")]


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ["ref", "name", "type", "status", "retailer", "city", "country", "time_zone"]
    list_filter = ["type", "status", "retailer", "time_zone", "networks__type", "country"]
    search_fields = ["ref", "name", "city", "postcode", "alternate_id", "external_id"]
    filter_horizontal = ["managers"]
    inlines = [LocationNetworkInline, StorageAreaInline, LocationAttributeInline, OpeningHoursChangeInline]
    readonly_fields = ["created_on", "updated_on"]
    fieldsets = [
        (None, {"fields": ["ref", "retailer", "name", "type", "status", "alternate_id", "external_id"]}),
        ("Contact", {"fields": ["email", "support_phone", "directions"]}),
        ("Address", {"fields": ["business_name", "address_name", "street", "city", "state", "postcode", "country",
                                "latitude", "longitude"]}),
        ("Fulfilment", {"fields": ["time_zone", "pick_and_pack_time_limit", "home_delivery_safety_stock",
                                   "click_and_collect_safety_stock"]}),
        ("Opening hours (HHmm; 0/0 closed, 0/2400 all day)", {"fields": [tuple(HOURS_FIELDS[i:i + 2]) for i in range(0, 14, 2)]}),
        ("Store managers", {"fields": ["managers"]}),
        (None, {"fields": ["created_on", "updated_on"]}),
    ]

    def save_model(self, request, obj, form, change):
        # Hours edited here are recorded like any other change of hours.
        before = Location.objects.get(pk=obj.pk).hours_snapshot() if change else None
        super().save_model(request, obj, form, change)
        if before is not None:
            opening_hours_record(location=obj, before=before, by=request.user, via="Django admin")


@admin.register(Network)
class NetworkAdmin(admin.ModelAdmin):
    list_display = ["ref", "name", "type", "retailer"]
    list_filter = ["type", "retailer"]
    search_fields = ["ref", "name"]


@admin.register(StorageArea)
class StorageAreaAdmin(admin.ModelAdmin):
    list_display = ["location", "ref", "name", "type", "status"]
    list_filter = ["status", "type"]
    search_fields = ["ref", "name", "location__ref", "location__name"]
    autocomplete_fields = ["location"]


@admin.register(LocationAttribute)
class LocationAttributeAdmin(admin.ModelAdmin):
    list_display = ["location", "name", "type"]
    list_filter = ["type"]
    search_fields = ["name", "location__ref", "location__name"]
    autocomplete_fields = ["location"]


@admin.register(LocationEta)
class LocationEtaAdmin(admin.ModelAdmin):
    list_display = ["from_location", "to_location", "minutes", "updated_on"]
    search_fields = ["from_location__ref", "to_location__ref", "from_location__name", "to_location__name"]
    autocomplete_fields = ["from_location", "to_location"]


@admin.register(OpeningHoursChange)
class OpeningHoursChangeAdmin(admin.ModelAdmin):
    list_display = ["location", "changed_at", "changed_by", "changed_via"]
    list_filter = ["changed_via"]
    search_fields = ["location__ref", "location__name", "changed_by__username"]
    readonly_fields = ["location", "changed_by", "changed_via", "changed_at", "before", "after"]

    def has_add_permission(self, request):
        return False  # history is written by the portal, never by hand

    def has_change_permission(self, request, obj=None):
        return False
