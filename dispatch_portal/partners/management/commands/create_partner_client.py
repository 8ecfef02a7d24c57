import json

from django.core.management.base import BaseCommand, CommandError

from dispatch_portal.partners.services import PartnerClientError, partner_client_create


class Command(BaseCommand):
    help = 'Create a partner API client. Prints {"client_id", "client_secret"} once; the secret is stored hashed.'

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True)
        parser.add_argument("--scopes", required=True, help='Space-separated, e.g. "integrations-api LOCATION_VIEW"')
        parser.add_argument("--customer", default="", help="Customer reference the client acts for")
        parser.add_argument("--retailer", default="", help="Retailer id whose locations the client sees")
        parser.add_argument("--email", default="", help="Contact address shown by /v1/Discovery/User")

    def handle(self, *args, **opts):
        try:
            issued = partner_client_create(
                name=opts["name"],
                scopes=opts["scopes"].split(),
                customer_ref=opts["customer"].strip(),
                retailer=opts["retailer"].strip(),
                email=opts["email"].strip(),
            )
        except PartnerClientError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(json.dumps({"client_id": issued.client.client_id, "client_secret": issued.client_secret}))
