"""POST /connect/token and the partner API's token checks (CONTRACT §4)."""
from datetime import timedelta

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.utils import timezone
from oauth2_provider.models import AccessToken

from tests.conftest import token_for

pytestmark = pytest.mark.django_db


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_token_endpoint_issues_a_30_minute_bearer_token_for_granted_scope(client, partner):
    response = token_for(client, partner, scope="integrations-api")

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access_token", "expires_in", "token_type", "scope"}
    assert body["expires_in"] == 1800
    assert body["token_type"] == "Bearer"
    assert body["scope"] == "integrations-api"


def test_token_without_scope_parameter_gets_every_granted_scope(client, partner):
    body = token_for(client, partner).json()

    assert sorted(body["scope"].split()) == ["LOCATION_VIEW", "integrations-api"]


def test_bad_client_secret_is_401_invalid_client(client, partner):
    response = client.post(
        "/connect/token",
        {"grant_type": "client_credentials", "client_id": partner.client.client_id, "client_secret": "wrong"},
    )

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_unknown_client_id_is_401_invalid_client(client, db):
    response = client.post(
        "/connect/token", {"grant_type": "client_credentials", "client_id": "nobody", "client_secret": "x"}
    )

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_scope_not_granted_to_the_client_is_400_invalid_scope(client, partner):
    response = token_for(client, partner, scope="integrations-api LOCATION_EDIT")

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_scope"


def test_deactivated_partner_client_gets_no_token(client, partner):
    partner.client.is_active = False
    partner.client.save()

    response = token_for(client, partner)

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_client_secret_is_stored_hashed(partner):
    stored = partner.client.application.client_secret

    assert stored != partner.client_secret
    assert identify_hasher(stored)  # a Django password hash, not the secret


def test_discovery_user_answers_with_the_partner_identity(client, partner):
    token = token_for(client, partner, scope="integrations-api").json()["access_token"]

    response = client.get("/v1/Discovery/User", **bearer(token))

    assert response.status_code == 200
    body = response.json()
    assert body == {
        "userId": partner.client.pk,
        "email": "",
        "teamId": partner.client.customer.pk,
        "teamName": "ACME",
    }


def test_api_without_token_is_401(client, db):
    response = client.get("/v1/Discovery/User")

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_api_with_unknown_token_is_401(client, db):
    assert client.get("/v1/Discovery/User", **bearer("not-a-token")).status_code == 401


def test_expired_token_is_401(client, partner):
    token = token_for(client, partner).json()["access_token"]
    AccessToken.objects.update(expires=timezone.now() - timedelta(seconds=1))

    assert client.get("/v1/Discovery/User", **bearer(token)).status_code == 401


def test_token_without_the_endpoint_scope_is_403(client, partner):
    token = token_for(client, partner, scope="LOCATION_VIEW").json()["access_token"]

    assert client.get("/v1/Discovery/User", **bearer(token)).status_code == 403


def test_openapi_schema_describes_the_partner_token_flow(client, db):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/v1/Discovery/User" in schema["paths"]
    flow = schema["components"]["securitySchemes"]["oauth2"]["flows"]["clientCredentials"]
    assert flow["tokenUrl"] == "/connect/token"
    assert "integrations-api" in flow["scopes"]


def test_swagger_ui_is_served_from_our_own_static_files(client, db):
    response = client.get("/api/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert "//cdn" not in html and "unpkg" not in html


def test_deactivating_a_partner_client_revokes_its_live_tokens(client, partner):
    token = token_for(client, partner).json()["access_token"]
    partner.client.is_active = False
    partner.client.save()

    assert client.get("/v1/Discovery/User", **bearer(token)).status_code == 401
