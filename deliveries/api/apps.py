from django.apps import AppConfig


class PartnerApiConfig(AppConfig):
    """The Locate2u-shaped partner API: its own tables (idempotency records, partner webhooks)."""

    name = "deliveries.api"
    label = "partner_api"
    verbose_name = "Partner API (Locate2u-compatible)"
