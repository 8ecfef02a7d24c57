"""manage.py locate2u_subscribe [--if-reachable] [--wait SECONDS] [--url URL] [--event-type TYPE …]

Subscribes the portal's webhook URL at Locate2u for the stop status events, idempotently (safe on
every start), and keeps the secrets Locate2u signs the deliveries with."""
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from deliveries.carriers.errors import CarrierError, CarrierUnavailable
from deliveries.carriers.locate2u.client import locate2u_client, locate2u_config
from deliveries.services.carrier_events import STOP_EVENT_TYPES, locate2u_subscribe, webhook_url


class Command(BaseCommand):
    help = "Subscribe the portal's webhook URL at Locate2u for stop status events (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--if-reachable", action="store_true",
                            help="When Locate2u (or the sandbox) cannot be reached, print a warning and exit 0.")
        parser.add_argument("--wait", type=float, default=0.0, metavar="SECONDS",
                            help="Keep trying for up to this long while Locate2u cannot be reached (default 0).")
        parser.add_argument("--url", default="", help="The URL to subscribe (default: "
                            "{PUBLIC_BASE_URL}/webhooks/locate2u/{CALLBACK_SECRET}/).")
        parser.add_argument("--event-type", action="append", dest="event_types", metavar="TYPE",
                            help=f"An event type to subscribe (repeatable; default: {', '.join(STOP_EVENT_TYPES)}).")

    def handle(self, *args, **options):
        url = options["url"] or webhook_url()
        event_types = options["event_types"] or list(STOP_EVENT_TYPES)
        client = locate2u_client(config=locate2u_config(max_attempts=2, connect_timeout=3.0, read_timeout=15.0))
        deadline = time.monotonic() + max(0.0, options["wait"])
        while True:
            try:
                lines = locate2u_subscribe(url=url, event_types=event_types, client=client)
                break
            except CarrierUnavailable as exc:
                if time.monotonic() < deadline:
                    time.sleep(1.0)
                    continue
                if options["if_reachable"]:
                    self.stderr.write(f"warning: Locate2u cannot be reached ({exc}); webhooks not subscribed. "
                                      "Run manage.py locate2u_subscribe again once it is up.")
                    return
                raise CommandError(f"Locate2u cannot be reached: {exc}") from exc
            except CarrierError as exc:
                raise CommandError(f"Locate2u refused: {exc}") from exc
        for line in lines:
            self.stdout.write(line)
        shown = url.replace(settings.CALLBACK_SECRET, "<CALLBACK_SECRET>") if settings.CALLBACK_SECRET else url
        self.stdout.write(f"Locate2u sends {', '.join(event_types)} to {shown}")
