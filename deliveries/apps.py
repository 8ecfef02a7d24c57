from django.apps import AppConfig


class DeliveriesConfig(AppConfig):
    name = "deliveries"
    verbose_name = "Deliveries"

    def ready(self) -> None:
        # Register the outbox handlers in every process (web, worker, beat, tests).
        from deliveries.services import jobs, locate2u_push  # noqa: F401
