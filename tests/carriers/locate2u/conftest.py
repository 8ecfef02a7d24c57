import pytest

from deliveries.carriers.http import TokenCache
from deliveries.carriers.locate2u.client import Locate2uClient, locate2u_client, locate2u_config
from deliveries.sandbox.locate2u.controls import faults_control_set, import_rate_set


@pytest.fixture(autouse=True)
def sandbox_controls_cleared():
    """Faults and the import rate live in the cache, shared by every test of the process."""
    faults_control_set(text="")
    import_rate_set(rate=None)
    yield
    faults_control_set(text="")
    import_rate_set(rate=None)


@pytest.fixture
def sandbox_url(live_server) -> str:
    return f"{live_server.url}/sandbox/locate2u"


@pytest.fixture
def make_client(sandbox_url):
    """A Locate2u client aimed at the live sandbox, with its own token cache and quick back-off."""

    def make(**overrides) -> Locate2uClient:
        config = locate2u_config(base_url=sandbox_url, token_url=f"{sandbox_url}/connect/token", backoff_base=0.01,
                                 backoff_cap=0.05, read_timeout=5.0, **overrides)
        return locate2u_client(config=config, tokens=TokenCache())

    return make


@pytest.fixture
def l2u(make_client) -> Locate2uClient:
    return make_client()
