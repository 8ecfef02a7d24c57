"""DRF permissions for partner endpoints: an OAuth2 token carrying the endpoint's scope."""
from oauth2_provider.contrib.rest_framework import TokenHasScope
from rest_framework.request import Request

from .models import PartnerClient


class PartnerTokenHasScope(TokenHasScope):
    """No or bad token: 401 (from authentication). A token without the view's scope: 403."""


def partner_client_of(request: Request) -> PartnerClient:
    return request.auth.application.partner
