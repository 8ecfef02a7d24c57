"""The shared carrier HTTP layer over real HTTP: tokens, retries, error kinds, the call log."""
import time

import pytest

from deliveries.carriers.errors import (
    CarrierAuthError,
    CarrierConflict,
    CarrierNotFound,
    CarrierUnavailable,
    CarrierValidationError,
)
from deliveries.carriers.http import CarrierConfig, CarrierHttp, TokenCache
from deliveries.models import CarrierCall
from tests.carriers.scripted_server import Answer, ScriptedServer

pytestmark = pytest.mark.django_db


@pytest.fixture
def server():
    with ScriptedServer() as server:
        yield server


def client_for(server, **overrides) -> CarrierHttp:
    config = CarrierConfig(
        carrier="locate2u", base_url=server.url, token_url=f"{server.url}/token", client_id="me",
        client_secret="hunter2", scope="integrations-api", backoff_base=0.01, backoff_cap=0.05,
        read_timeout=0.5, **overrides,
    )
    return CarrierHttp(config, tokens=TokenCache())


def test_token_is_fetched_once_and_reused(server):
    client = client_for(server)

    client.request("GET", "/v1/thing")
    client.request("GET", "/v1/thing")

    assert server.tokens_issued == 1
    token_call = server.calls("/token")[0]
    assert "grant_type=client_credentials" in token_call.body and "scope=integrations-api" in token_call.body
    assert server.calls("/v1/thing")[0].headers["Authorization"] == "Bearer token-1"


def test_token_is_refreshed_before_it_expires(server):
    server.token_lifetime = 61  # inside the 60-second refresh margin after one second
    client = client_for(server)

    client.request("GET", "/v1/thing")
    time.sleep(1.1)
    client.request("GET", "/v1/thing")

    assert server.tokens_issued == 2


def test_a_401_gets_one_fresh_token_and_one_retry(server):
    server.queue("/v1/thing", Answer(401, {"error": "expired"}))
    client = client_for(server)

    response = client.request("GET", "/v1/thing")

    assert response.status_code == 200
    assert server.tokens_issued == 2
    assert [c.headers["Authorization"] for c in server.calls("/v1/thing")] == ["Bearer token-1", "Bearer token-2"]


def test_a_second_401_is_an_auth_error(server):
    server.queue("/v1/thing", Answer(401), Answer(401))

    with pytest.raises(CarrierAuthError):
        client_for(server).request("GET", "/v1/thing")
    assert server.tokens_issued == 2


def test_refused_client_credentials_are_an_auth_error(server):
    server.queue("/token", Answer(400, {"error": "invalid_client"}))

    with pytest.raises(CarrierAuthError):
        client_for(server).request("GET", "/v1/thing")


def test_5xx_then_success_is_retried(server):
    server.queue("/v1/thing", Answer(500), Answer(503))

    assert client_for(server).request("GET", "/v1/thing").status_code == 200
    assert len(server.calls("/v1/thing")) == 3


def test_timeout_then_success_is_retried(server):
    server.queue("/v1/thing", Answer(200, delay=1.0))

    assert client_for(server).request("GET", "/v1/thing").status_code == 200
    outcomes = list(CarrierCall.objects.filter(url__endswith="/v1/thing").order_by("id").values_list("outcome", flat=True))
    assert outcomes == ["timeout", "ok"]


def test_429_waits_as_long_as_retry_after_says(server):
    server.queue("/v1/thing", Answer(429, headers={"Retry-After": "1"}))
    started = time.monotonic()

    client_for(server).request("GET", "/v1/thing")

    assert time.monotonic() - started >= 1.0
    assert len(server.calls("/v1/thing")) == 2


def test_retry_after_beyond_our_patience_is_handed_back(server):
    server.queue("/v1/thing", Answer(429, headers={"Retry-After": "120"}))

    with pytest.raises(CarrierUnavailable) as exc:
        client_for(server).request("GET", "/v1/thing")
    assert exc.value.retry_after == 120


def test_retries_are_bounded(server):
    server.queue("/v1/thing", *[Answer(502)] * 10)

    with pytest.raises(CarrierUnavailable):
        client_for(server, max_attempts=3).request("GET", "/v1/thing")
    assert len(server.calls("/v1/thing")) == 3


def test_a_post_without_idempotency_key_is_not_retried(server):
    server.queue("/v1/thing", Answer(500))

    with pytest.raises(CarrierUnavailable):
        client_for(server).request("POST", "/v1/thing", json={"a": 1})
    assert len(server.calls("/v1/thing")) == 1


def test_a_post_with_idempotency_key_is_retried_with_the_same_key(server):
    server.queue("/v1/thing", Answer(500))

    client_for(server).request("POST", "/v1/thing", json={"a": 1}, idempotency_key="batch-42")

    keys = [c.headers["Idempotency-Key"] for c in server.calls("/v1/thing")]
    assert keys == ["batch-42", "batch-42"]


@pytest.mark.parametrize(
    "status, error", [(400, CarrierValidationError), (404, CarrierNotFound), (409, CarrierConflict), (403, CarrierAuthError)]
)
def test_each_failure_kind_has_its_error_type(server, status, error):
    server.queue("/v1/thing", Answer(status, {"message": "no"}))

    with pytest.raises(error) as exc:
        client_for(server).request("GET", "/v1/thing")
    assert exc.value.status_code == status


def test_every_attempt_is_logged_without_secrets(server):
    server.queue("/v1/thing", Answer(500), Answer(200, {"stopId": 7, "apiKey": "k-123"}))

    client_for(server).request("PUT", "/v1/thing", json={"name": "x", "password": "p"}, object_ref="batch:1")

    calls = list(CarrierCall.objects.order_by("id"))
    assert [(c.url.rsplit("/", 1)[-1], c.status_code, c.attempt) for c in calls] == [
        ("token", 200, 1), ("thing", 500, 1), ("thing", 200, 2)]
    everything = " ".join(c.request_body + c.response_body for c in calls)
    assert "hunter2" not in everything and "token-1" not in everything and "k-123" not in everything
    assert '"password": "***"' in calls[1].request_body
    assert calls[2].object_ref == "batch:1" and calls[2].duration_ms >= 0
