from django.apps import AppConfig


class PartnerApiConfig(AppConfig):
    """The Locate2u-shaped partner API: its own tables (idempotency records, stop imports, partner
    webhooks), its outbox handler and its Celery tasks."""

    name = "deliveries.api"
    label = "partner_api"
    verbose_name = "Partner API (Locate2u-compatible)"

    def ready(self) -> None:
        # In every process (web, worker, beat, tests): the `locate2u.stops_import` outbox handler,
        # and the webhook tasks, which Celery's autodiscovery (tasks.py only) would not find.
        from deliveries import partner_tasks  # noqa: F401
        from deliveries.services import partner_stops  # noqa: F401
