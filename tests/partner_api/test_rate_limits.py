"""Rate limits per partner client: 429 in Locate2u's shape, with Retry-After."""
import pytest

from .conftest import errors_of

pytestmark = pytest.mark.django_db


def test_a_client_over_its_rate_gets_429_with_retry_after(acme, settings):
    settings.PARTNER_API_RATE_LIMIT = "3/min"

    answers = [acme.get("/v1/Webhooks").status_code for _ in range(3)]
    response = acme.get("/v1/Webhooks/event-types")

    assert answers == [200, 200, 200]
    assert response.status_code == 429
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    assert "Too many requests" in errors_of(response)[""][0]


def test_the_limit_is_per_client_not_per_address(acme, globex, settings):
    settings.PARTNER_API_RATE_LIMIT = "2/min"
    for _ in range(2):
        acme.get("/v1/Discovery/User")

    assert acme.get("/v1/Discovery/User").status_code == 429
    assert globex.get("/v1/Discovery/User").status_code == 200


def test_posts_count_too(acme, settings):
    settings.PARTNER_API_RATE_LIMIT = "1/min"
    acme.post("/v1/Webhooks", {"eventType": "stop.assigned", "url": "https://p.example/h"})

    assert acme.post("/v1/Webhooks", {"eventType": "stop.assigned", "url": "https://p.example/h"}).status_code == 429


def test_no_limit_when_switched_off(acme, settings):
    settings.PARTNER_API_RATE_LIMIT = None

    assert all(acme.get("/v1/Webhooks").status_code == 200 for _ in range(20))
