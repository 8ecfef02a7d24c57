from django.contrib import admin

from .models import Customer, PartnerClient


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["reference", "name", "created_at"]
    search_fields = ["reference", "name"]


@admin.register(PartnerClient)
class PartnerClientAdmin(admin.ModelAdmin):
    list_display = ["name", "client_id", "customer", "retailer", "scopes", "is_active", "created_at"]
    list_filter = ["is_active", "customer"]
    search_fields = ["name", "application__client_id", "customer__reference", "retailer"]
    readonly_fields = ["application", "created_at"]

    def has_add_permission(self, request):
        # Secrets are shown once, by `manage.py create_partner_client`; the admin never sees them.
        return False
