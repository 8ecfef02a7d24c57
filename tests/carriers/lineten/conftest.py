import dataclasses

import pytest
import requests

from deliveries.carriers.http import TokenCache
from deliveries.carriers.lineten.client import LineTenClient, lineten_client, lineten_config
from deliveries.carriers.lineten.schemas import (
    Address,
    AddressLocation,
    GeoLocation,
    PackageSize,
    Person,
    QuoteRequest,
)
from deliveries.sandbox.lineten.controls import controls_reset
from tests.carriers.scripted_server import ScriptedServer

# The spec's sample addresses: LineTen's office in W12 and a street in W14, about 2 km apart.
PICKUP = AddressLocation(
    Address("Unit 1", "W12 7FP", "London", company_name="LineTen", country="England"),
    GeoLocation(51.51337958957683, -0.227849427489506),
    (Person("John", "Smith", "07934123456"),),
)
DROP_OFF = AddressLocation(
    Address("55 Woodsford Square", "W14 8DS", "London", country="England"),
    GeoLocation(51.50314712524414, -0.20904703438282013),
    (Person("George", "King", "07934123456"),),
)


def quote_request(**overrides) -> QuoteRequest:
    fields = {"pickup": PICKUP, "delivery": DROP_OFF, "package_sizes": (PackageSize.M, PackageSize.M),
              "client_ref": "JOB-1"} | overrides
    return QuoteRequest.client_form(**fields)


@pytest.fixture(autouse=True)
def sandbox_controls():
    """Faults and switches live in the process cache: no test inherits another's."""
    controls_reset()
    yield
    controls_reset()


@pytest.fixture
def sandbox_url(live_server) -> str:
    return f"{live_server.url}/sandbox/lineten"


@pytest.fixture
def lineten(sandbox_url) -> LineTenClient:
    config = dataclasses.replace(
        lineten_config(), base_url=sandbox_url, token_url=f"{sandbox_url}/connect/token",
        backoff_base=0.01, backoff_cap=0.05,
    )
    return lineten_client(config=config, tokens=TokenCache())


@pytest.fixture
def sandbox_control(sandbox_url):
    """POST a control endpoint of the sandbox, e.g. sandbox_control("_faults", "error_rate=1", times=1)."""

    def post(name: str, text: str, **params) -> dict:
        response = requests.post(f"{sandbox_url}/{name}", data=text.encode(), params=params, timeout=5)
        assert response.status_code == 200, response.text
        return response.json()

    return post


@pytest.fixture
def receiver():
    """A local HTTP server that takes the sandbox's callbacks (answers 200 unless scripted)."""
    with ScriptedServer() as server:
        yield server
