"""The client against a misbehaving sandbox: injected errors, throttling, expiring tokens."""
import dataclasses
import time

import pytest
import requests

from deliveries.carriers.errors import CarrierUnavailable
from deliveries.models import CarrierCall

from .conftest import quote_request

pytestmark = pytest.mark.django_db(transaction=True)


def outcomes(path: str) -> list[str]:
    return list(CarrierCall.objects.filter(url__endswith=path).order_by("id").values_list("outcome", flat=True))


def test_a_500_then_success_is_retried_with_the_same_idempotency_key(lineten, sandbox_control):
    lineten.token()
    sandbox_control("_faults", "error_rate=1,error_status=500", times=1)

    answer = lineten.quote(quote_request())

    assert answer.status == "quoted"
    assert outcomes("/v2/nds/quote") == ["http_500", "ok"]
    assert set(CarrierCall.objects.filter(url__endswith="/v2/nds/quote").values_list("idempotency_key", flat=True)) == {
        "lineten:JOB-1"}


def test_a_429_is_retried_after_the_time_retry_after_asks_for(lineten, sandbox_control):
    lineten.token()
    sandbox_control("_faults", "error_rate=1,error_status=429,retry_after=1", times=1)
    started = time.monotonic()

    lineten.quote(quote_request())

    assert time.monotonic() - started >= 1.0
    assert outcomes("/v2/nds/quote") == ["http_429", "ok"]


def test_the_sandbox_sends_retry_after_with_an_injected_429(sandbox_url, sandbox_control):
    sandbox_control("_faults", "error_rate=1,error_status=429,retry_after=7")

    response = requests.post(f"{sandbox_url}/v2/nds/quote", json={}, timeout=5)

    assert response.status_code == 429 and response.headers["Retry-After"] == "7"
    assert response.json()["info"]["error"] is True


def test_a_carrier_that_keeps_failing_is_unavailable_after_the_bounded_retries(lineten, sandbox_control):
    lineten.token()
    lineten.config = dataclasses.replace(lineten.config, max_attempts=3)
    sandbox_control("_faults", "error_rate=1,error_status=503")

    with pytest.raises(CarrierUnavailable):
        lineten.quote(quote_request())
    assert outcomes("/v2/nds/quote") == ["http_503"] * 3


def test_an_expired_token_is_refreshed_once(lineten, sandbox_control):
    # Tokens live one second; the client, as if its clock were behind, still trusts it: the
    # sandbox's 401 is what makes it fetch a new one.
    sandbox_control("_faults", "token_ttl=1")
    lineten.config = dataclasses.replace(lineten.config, token_refresh_margin=-60)
    lineten.token()
    time.sleep(1.2)

    answer = lineten.quote(quote_request())

    assert answer.status == "quoted"
    assert lineten.token_requests == 2
    assert outcomes("/v2/nds/quote") == ["http_401", "ok"]


def test_the_token_lifetime_is_the_spec_sample_unless_a_fault_says_otherwise(sandbox_url, sandbox_control, settings):
    form = {"grant_type": "client_credentials", "client_id": settings.LINETEN_CLIENT_ID,
            "client_secret": settings.LINETEN_CLIENT_SECRET}
    assert requests.post(f"{sandbox_url}/connect/token", data=form, timeout=5).json()["expires_in"] == 300
    sandbox_control("_faults", "token_ttl=42")
    answer = requests.post(f"{sandbox_url}/connect/token", data=form, timeout=5).json()
    assert answer["expires_in"] == 42 and answer["token_type"] == "Bearer"


def test_an_empty_fault_text_clears_the_faults(lineten, sandbox_control):
    sandbox_control("_faults", "error_rate=1,error_status=500")
    assert sandbox_control("_faults", "")["faults"]["error_rate"] == 0

    assert lineten.quote(quote_request()).status == "quoted"
