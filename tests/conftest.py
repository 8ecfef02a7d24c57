import pytest

from dispatch_portal.partners.services import partner_client_create
from dispatch_portal.staff.roles import Role
from tests.factories import UserFactory


@pytest.fixture
def dispatcher(db):
    return UserFactory(username="dispatcher1", role=Role.DISPATCHER)


@pytest.fixture
def manager(db):
    return UserFactory(username="manager1", role=Role.MANAGER)


@pytest.fixture
def partner(db):
    """A partner client for customer ACME with the Locate2u scope and location read access."""
    return partner_client_create(name="Acme Shop", scopes=["integrations-api", "LOCATION_VIEW"], customer_ref="ACME")


def token_for(client, issued, scope: str | None = None):
    data = {
        "grant_type": "client_credentials",
        "client_id": issued.client.client_id,
        "client_secret": issued.client_secret,
    }
    if scope is not None:
        data["scope"] = scope
    return client.post("/connect/token", data)
