"""Fixtures for the Fluent Location API: partner clients holding real tokens from /connect/token."""
import itertools
import json

import pytest
from django.test import Client

from dispatch_portal.partners.services import partner_client_create
from locations.models import Network
from tests.conftest import token_for

BASE = "/api/v4.1/location"
ALL_SCOPES = ("LOCATION_VIEW", "LOCATION_CREATE", "LOCATION_EDIT")
_numbers = itertools.count(1)


class FluentClient:
    """A partner calling /api/v4.1/location with its bearer token."""

    def __init__(self, issued, token: str):
        self.issued = issued
        self.name = issued.client.name
        self.http = Client(headers={"Authorization": f"Bearer {token}"})

    def get(self, path: str = "", **params):
        return self.http.get(f"{BASE}{path}", params)

    def post(self, body, path: str = ""):
        return self.http.post(f"{BASE}{path}", _json(body), content_type="application/json")

    def put(self, path: str, body):
        return self.http.put(f"{BASE}{path}", _json(body), content_type="application/json")


def _json(body) -> str:
    return body if isinstance(body, str) else json.dumps(body)


@pytest.fixture
def fluent_client(db, client):
    """fluent_client(scopes=(...), retailer="2") → a FluentClient for a new partner client."""

    def make(scopes=ALL_SCOPES, retailer: str = "") -> FluentClient:
        issued = partner_client_create(
            name=f"Fluent partner {next(_numbers)}", scopes=list(scopes), retailer=retailer
        )
        response = token_for(client, issued, scope=" ".join(scopes))
        assert response.status_code == 200, response.content
        return FluentClient(issued, response.json()["access_token"])

    return make


@pytest.fixture
def api(fluent_client) -> FluentClient:
    """A partner with every location scope and no retailer (sees all retailers)."""
    return fluent_client()


@pytest.fixture
def networks(db) -> dict[str, Network]:
    """Retailer 1's networks 1221 and 4234 (the ids of the document's POST example), and one of retailer 2."""
    return {
        "cc": Network.objects.create(pk=1221, ref="F_CC", name="FC Click & Collect", type="CC", retailer="1"),
        "hd": Network.objects.create(pk=4234, ref="F_HD", name="FC Home Delivery", type="HD", retailer="1"),
        "cp": Network.objects.create(pk=5000, ref="F_CP", name="FC Collection Points", type="CP", retailer="1"),
        "other": Network.objects.create(pk=7000, ref="AU_CC", name="AU Click & Collect", type="CC", retailer="2"),
    }
