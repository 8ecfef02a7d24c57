"""Partner API (Locate2u-compatible) fixtures: clients of two customers with their tokens."""
import json

import pytest
from django.core.cache import cache

from dispatch_portal.partners.services import partner_client_create
from tests.conftest import token_for


class Api:
    """A partner's client: bearer token, JSON in and out."""

    def __init__(self, client, token: str | None, issued=None):
        self.client = client
        self.token = token
        self.issued = issued

    @property
    def partner(self):
        return self.issued.client

    def _headers(self, headers: dict | None) -> dict:
        out = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        out.update(headers or {})
        return out

    def get(self, path: str, headers: dict | None = None):
        return self.client.get(path, headers=self._headers(headers))

    def post(self, path: str, body=None, *, raw: bytes | str | None = None, content_type: str = "application/json",
             headers: dict | None = None):
        data = raw if raw is not None else json.dumps(body)
        return self.client.post(path, data=data, content_type=content_type, headers=self._headers(headers))

    def put(self, path: str, body=None, *, headers: dict | None = None):
        return self.client.put(path, data=json.dumps(body), content_type="application/json",
                               headers=self._headers(headers))

    def delete(self, path: str, headers: dict | None = None):
        return self.client.delete(path, headers=self._headers(headers))


def api_for(client, issued, scope: str = "integrations-api") -> Api:
    response = token_for(client, issued, scope=scope)
    assert response.status_code == 200, response.content
    return Api(client, response.json()["access_token"], issued)


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()  # throttle history is keyed by client id, which a later test may reuse
    yield
    cache.clear()


@pytest.fixture
def acme(client, partner) -> Api:
    """The `partner` fixture's client (customer ACME)."""
    return api_for(client, partner)


@pytest.fixture
def globex_partner(db):
    return partner_client_create(name="Globex Retail", scopes=["integrations-api"], customer_ref="GLOBEX")


@pytest.fixture
def globex(client, globex_partner) -> Api:
    return api_for(client, globex_partner)


def errors_of(response) -> dict[str, list[str]]:
    """{field: [messages]} of a Locate2u error answer, after checking its shape."""
    body = response.json()
    assert set(body) == {"success", "errors"} and body["success"] is False, body
    found: dict[str, list[str]] = {}
    for error in body["errors"]:
        assert set(error) == {"field", "message"} and isinstance(error["field"], str) and error["message"], error
        found.setdefault(error["field"], []).append(error["message"])
    return found


def json_type(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def assert_same_shape(ours, theirs, path: str = "$", *, nullable: bool = True) -> None:
    """Every key of `theirs` is in `ours`, with the same JSON type, recursively (a list's first
    entries are compared). A null on either side matches anything when `nullable`."""
    if nullable and (ours is None or theirs is None):
        return
    assert json_type(ours) == json_type(theirs), f"{path}: {json_type(ours)} here, {json_type(theirs)} in the example"
    if isinstance(theirs, dict):
        missing = set(theirs) - set(ours)
        assert not missing, f"{path}: missing {sorted(missing)}"
        for key in theirs:
            assert_same_shape(ours[key], theirs[key], f"{path}.{key}", nullable=nullable)
    elif isinstance(theirs, list) and theirs and ours:
        assert_same_shape(ours[0], theirs[0], f"{path}[0]", nullable=nullable)
