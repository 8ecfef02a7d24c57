"""Bad input never becomes a 500: every sandbox endpoint answers nonsense in the spec's error shape."""
import json

import pytest

from tests.spec.examples import batch, stop

pytestmark = pytest.mark.django_db

BASE = "/sandbox/locate2u"

NASTY_BODIES = [
    b"", b"null", b"0", b'"text"', b"[]", b"[{}]", b"{}", b"{not json", b"NaN", b"\xff\xfe\x00", b"[" * 5000,
    b'{"a": "\\u0000"}',
    json.dumps({"items": "x", "pickups": {}, "dropoffs": [1, None, "x"], "serviceDate": []}).encode(),
    json.dumps({"stops": [None, 1, "x", {"location": "here", "tripDate": 5}], "batchSourceReference": {}}).encode(),
    json.dumps({"eventType": ["stop.assigned"], "url": "http://[::1", "isActive": "no"}).encode(),
    json.dumps(dict(batch(), items=[{"itemSourceReference": {"$ne": 1}, "quantity": 10**400}])).encode(),
    json.dumps(dict(stop(), location={"latitude": 10**400, "longitude": "x"}, customFields={"a": [1]})).encode(),
]

ENDPOINTS = [
    ("post", "/v1/Logistics/batch-delivery"),
    ("post", "/v1/Stops"),
    ("post", "/v1/Stops/import"),
    ("post", "/v1/Webhooks"),
    ("put", "/v1/Webhooks/1"),
    ("get", "/v1/Stops/²"),
    ("get", "/v1/Stops/99999999999999999999999"),
    ("get", "/v1/Stops/import/not-a-guid/status"),
    ("get", "/v1/Webhooks/-1"),
    ("delete", "/v1/Webhooks/abc"),
]


@pytest.fixture
def bearer(client, settings):
    answer = client.post(f"{BASE}/connect/token", {"grant_type": "client_credentials", "scope": "integrations-api",
                                                  "client_id": settings.LOCATE2U_CLIENT_ID,
                                                  "client_secret": settings.LOCATE2U_CLIENT_SECRET})
    return {"HTTP_AUTHORIZATION": f"Bearer {answer.json()['access_token']}"}


@pytest.mark.parametrize("method, path", ENDPOINTS)
@pytest.mark.parametrize("body", NASTY_BODIES, ids=range(len(NASTY_BODIES)))
def test_nonsense_is_a_4xx_in_the_error_shape(client, bearer, method, path, body):
    response = client.generic(method.upper(), f"{BASE}{path}", data=body, content_type="application/json", **bearer)

    assert 400 <= response.status_code < 500, response.content[:300]
    assert response.json()["success"] is False and response.json()["errors"]


@pytest.mark.parametrize(
    "form, status, error",
    [
        ({}, 401, "invalid_client"),
        ({"client_id": "x", "client_secret": "y"}, 401, "invalid_client"),
        ({"client_id": "é", "client_secret": "\u0000"}, 401, "invalid_client"),
        ({"grant_type": "password", "scope": "integrations-api"}, 400, "unsupported_grant_type"),
        ({"grant_type": "client_credentials", "scope": "LOCATION_VIEW"}, 400, "invalid_scope"),
    ],
)
def test_token_refusals_are_oauth_errors(client, settings, form, status, error):
    if "client_id" not in form and form:
        form = dict(form, client_id=settings.LOCATE2U_CLIENT_ID, client_secret=settings.LOCATE2U_CLIENT_SECRET)

    response = client.post(f"{BASE}/connect/token", form)

    assert (response.status_code, response.json()) == (status, {"error": error})


def test_the_token_endpoint_takes_http_basic_credentials_and_no_scope_means_integrations_api(client, settings):
    import base64

    basic = base64.b64encode(f"{settings.LOCATE2U_CLIENT_ID}:{settings.LOCATE2U_CLIENT_SECRET}".encode()).decode()

    response = client.post(f"{BASE}/connect/token", {"grant_type": "client_credentials"},
                           HTTP_AUTHORIZATION=f"Basic {basic}")

    assert response.status_code == 200 and response.json()["scope"] == "integrations-api"
    assert response["Cache-Control"] == "no-store"


def test_a_get_of_the_token_endpoint_is_405(client):
    assert client.get(f"{BASE}/connect/token").status_code == 405


def test_an_injected_fault_comes_before_the_token_check(client):
    client.post(f"{BASE}/_faults", data="error_rate=1,error_status=429,retry_after=7", content_type="text/plain")

    response = client.get(f"{BASE}/v1/Discovery/User")

    assert response.status_code == 429 and response["Retry-After"] == "7"
    assert response.json()["success"] is False


@pytest.mark.parametrize("text, status", [("abc", 400), ("-1", 400), ("0", 400), ("inf", 400), ("25", 200), ("", 200)])
def test_the_import_rate_control(client, text, status):
    assert client.post(f"{BASE}/_import_rate", data=text, content_type="text/plain").status_code == status


def test_the_faults_control_refuses_a_bad_count(client):
    response = client.post(f"{BASE}/_faults?count=x", data="error_rate=1", content_type="text/plain")

    assert response.status_code == 400


def test_the_tick_control_runs_one_tick(client):
    assert client.post(f"{BASE}/_tick").json() == {"imports": 0, "stops_moved": 0, "webhooks_sent": 0}
