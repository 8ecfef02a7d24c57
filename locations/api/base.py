"""What every Location API view shares: OAuth2 scopes per method, JSON bodies, Fluent errors,
and the partner client's view of the locations."""
from django.db.models import QuerySet
from rest_framework.parsers import JSONParser
from rest_framework.views import APIView

from dispatch_portal.partners.models import PartnerClient
from dispatch_portal.partners.permissions import PartnerTokenHasScope, partner_client_of
from locations.models import Location

from .errors import InvalidRequest, fluent_exception_handler
from .renderers import FastJSONRenderer
from .selectors import locations_for_client

LOCATION_VIEW, LOCATION_CREATE, LOCATION_EDIT = "LOCATION_VIEW", "LOCATION_CREATE", "LOCATION_EDIT"


class FluentApiView(APIView):
    permission_classes = [PartnerTokenHasScope]
    parser_classes = [JSONParser]  # a form or other body is a 415 in the Fluent shape, not a QueryDict
    renderer_classes = [FastJSONRenderer]
    # One URL serves reads and writes (GET/POST on the collection, GET/PUT on a location), so the
    # scope depends on the method; anything else needs LOCATION_VIEW and then gets its 405.
    scopes_by_method: dict[str, list[str]] = {"POST": [LOCATION_CREATE], "PUT": [LOCATION_EDIT]}

    @property
    def required_scopes(self) -> list[str]:
        return self.scopes_by_method.get(self.request.method, [LOCATION_VIEW])

    def get_exception_handler(self):
        return fluent_exception_handler

    @property
    def client(self) -> PartnerClient:
        return partner_client_of(self.request)

    def visible_locations(self) -> QuerySet[Location]:
        return locations_for_client(self.client)

    def via(self) -> str:
        return f"API client {self.client.name}"

    def json_object(self) -> dict:
        body = self.request.data
        if not isinstance(body, dict):
            raise InvalidRequest(["body: must be a JSON object"])
        return body
