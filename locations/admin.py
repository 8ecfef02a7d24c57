from django.contrib import admin

from .models import Location


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ["ref", "name", "type", "status", "retailer", "time_zone"]
    list_filter = ["type", "status", "retailer"]
    search_fields = ["ref", "name"]
    filter_horizontal = ["managers"]
