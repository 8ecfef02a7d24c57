"""Each partner client acts for one customer and sees only its batches, stops and webhooks:
anything else is a 404 in Locate2u's shape, never a 403. Tokens and scopes as CONTRACT §4."""
import uuid

import pytest

from deliveries.models import Batch, Stop
from dispatch_portal.partners.models import PartnerClient
from dispatch_portal.partners.services import partner_client_create
from tests.spec.examples import batch, stop

from .conftest import Api, api_for, errors_of

pytestmark = pytest.mark.django_db

HOOK = {"eventType": "stop.status-changed", "url": "https://partner.example.com/hooks"}


@pytest.fixture
def acme_batch(acme) -> Batch:
    response = acme.post("/v1/Logistics/batch-delivery", batch())
    return Batch.objects.get(batch_id=response.json()["data"]["batchId"])


@pytest.fixture
def acme_hook(acme) -> int:
    return acme.post("/v1/Webhooks", HOOK).json()["id"]


def assert_not_found(response) -> None:
    assert response.status_code == 404, response.content
    assert errors_of(response)


def test_another_customers_import_status_is_404(globex, acme_batch):
    assert_not_found(globex.get(f"/v1/Stops/import/{acme_batch.batch_id}/status"))


def test_another_customers_stop_import_status_is_404(acme, globex):
    batch_id = acme.post("/v1/Stops/import", {"stops": [stop()]}).json()["data"]["batchId"]

    assert acme.get(f"/v1/Stops/import/{batch_id}/status").status_code == 200
    assert_not_found(globex.get(f"/v1/Stops/import/{batch_id}/status"))


def test_a_staff_batch_is_no_partners(acme, db):
    from deliveries.services.batches import batch_create

    staff = batch_create(payload=batch())

    assert_not_found(acme.get(f"/v1/Stops/import/{staff.batch_id}/status"))
    assert_not_found(acme.get(f"/v1/Stops/{staff.stops.first().pk}"))


def test_an_unknown_batch_is_404_and_a_malformed_id_400(acme):
    assert_not_found(acme.get(f"/v1/Stops/import/{uuid.uuid4()}/status"))
    response = acme.get("/v1/Stops/import/not-a-guid/status")
    assert response.status_code == 400 and list(errors_of(response)) == ["batchId"]


@pytest.mark.parametrize("kind", ["pickup", "dropoff"])
def test_another_customers_batch_stop_is_404(acme, globex, acme_batch, kind):
    stop_id = acme_batch.stops.filter(kind=kind).first().pk

    assert acme.get(f"/v1/Stops/{stop_id}").status_code == 200
    assert_not_found(globex.get(f"/v1/Stops/{stop_id}"))


def test_another_customers_single_stop_is_404(acme, globex):
    stop_id = acme.post("/v1/Stops", stop()).json()["data"]["stopId"]

    assert acme.get(f"/v1/Stops/{stop_id}").status_code == 200
    assert_not_found(globex.get(f"/v1/Stops/{stop_id}"))


@pytest.mark.parametrize("stop_id", ["999999", "abc", "-1", "1" * 30])
def test_an_unknown_stop_is_404(acme, stop_id):
    assert_not_found(acme.get(f"/v1/Stops/{stop_id}"))


def test_webhooks_of_another_customer_are_not_listed(acme, globex, acme_hook):
    globex.post("/v1/Webhooks", dict(HOOK, url="https://globex.example/hooks"))

    assert [w["id"] for w in acme.get("/v1/Webhooks").json()] == [acme_hook]
    assert [w["url"] for w in globex.get("/v1/Webhooks").json()] == ["https://globex.example/hooks"]


@pytest.mark.parametrize("method", ["get", "put", "delete", "deliveries"])
def test_another_customers_webhook_is_404_for_every_method(acme, globex, acme_hook, method):
    path = f"/v1/Webhooks/{acme_hook}"
    if method == "put":
        response = globex.put(path, dict(HOOK, url="https://globex.example/stolen"))
    elif method == "deliveries":
        response = globex.get(path + "/deliveries")
    else:
        response = getattr(globex, method)(path)

    assert_not_found(response)
    assert acme.get(path).json()["url"] == HOOK["url"]


def test_two_clients_of_one_customer_share_its_objects(client, acme, acme_batch, acme_hook):
    second = partner_client_create(name="Acme Backoffice", scopes=["integrations-api"], customer_ref="ACME")
    other = api_for(client, second)

    assert other.get(f"/v1/Stops/import/{acme_batch.batch_id}/status").status_code == 200
    assert other.get(f"/v1/Webhooks/{acme_hook}").status_code == 200


def test_the_same_batch_reference_for_two_customers_is_two_batches(acme, globex):
    ours = acme.post("/v1/Logistics/batch-delivery", batch()).json()["data"]["batchId"]
    theirs = globex.post("/v1/Logistics/batch-delivery", batch(batchDescription="Globex's")).json()["data"]["batchId"]

    assert ours != theirs
    assert {b.customer.reference for b in Batch.objects.all()} == {"ACME", "GLOBEX"}


def test_the_same_idempotency_key_for_two_clients_is_two_requests(acme, globex):
    key = {"Idempotency-Key": "k-1"}
    first = acme.post("/v1/Stops", stop(), headers=key)
    second = globex.post("/v1/Stops", stop(), headers=key)

    assert first.status_code == second.status_code == 200
    assert first.json()["data"]["stopId"] != second.json()["data"]["stopId"]


# --- tokens, scopes, customers --------------------------------------------------------------------------
ENDPOINTS = [
    ("get", "/v1/Discovery/User"), ("post", "/v1/Logistics/batch-delivery"),
    ("get", f"/v1/Stops/import/{uuid.uuid4()}/status"), ("post", "/v1/Stops"), ("post", "/v1/Stops/import"),
    ("get", "/v1/Stops/1"), ("get", "/v1/Webhooks/event-types"), ("get", "/v1/Webhooks"), ("post", "/v1/Webhooks"),
    ("get", "/v1/Webhooks/1"), ("put", "/v1/Webhooks/1"), ("delete", "/v1/Webhooks/1"),
    ("get", "/v1/Webhooks/1/deliveries"),
]


def _call(api: Api, method: str, path: str):
    if method in ("post", "put"):
        return getattr(api, method)(path, {})
    return getattr(api, method)(path)


@pytest.mark.parametrize("method, path", ENDPOINTS)
def test_no_token_is_401_in_locate2u_shape(client, db, method, path):
    response = _call(Api(client, None), method, path)

    assert response.status_code == 401
    assert errors_of(response) and response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("method, path", ENDPOINTS)
def test_a_bad_token_is_401(client, db, method, path):
    assert _call(Api(client, "not-a-token"), method, path).status_code == 401


@pytest.mark.parametrize("method, path", ENDPOINTS)
def test_a_token_without_the_integrations_api_scope_is_403(client, partner, method, path):
    response = _call(api_for(client, partner, scope="LOCATION_VIEW"), method, path)

    assert response.status_code == 403
    assert "integrations-api" in errors_of(response)[""][0]


def test_a_client_with_no_customer_may_ask_who_it_is_and_nothing_else(client, partner):
    PartnerClient.objects.filter(pk=partner.client.pk).update(customer=None)
    api = api_for(client, partner)

    assert api.get("/v1/Discovery/User").json()["teamId"] is None
    response = api.post("/v1/Stops", stop())
    assert response.status_code == 403 and "no customer" in errors_of(response)[""][0]
    assert not Stop.objects.exists()


def test_a_wrong_method_is_405_in_locate2u_shape(acme):
    response = acme.delete("/v1/Logistics/batch-delivery")

    assert response.status_code == 405 and errors_of(response) and "POST" in response.headers["Allow"]


@pytest.mark.parametrize("path", ["/v1/Nothing", "/v1/Stops/1/extra", "/v1/Stops/", "/v1/"])
def test_an_unknown_path_is_404_in_locate2u_shape(acme, path):
    assert_not_found(acme.get(path))
