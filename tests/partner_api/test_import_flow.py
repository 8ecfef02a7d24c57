"""A partner's batch, stop import and single stop, followed through a real import at the Locate2u
sandbox (over HTTP, on the live server): the import status moves Queued → Importing → final,
with the spec's fields, our own stop ids, and the same shapes as Locate2u's own answers."""
import time

import pytest
import requests
from django.conf import settings as django_settings

from deliveries.models import Batch, Outbox, Stop
from deliveries.services.batch_import import import_follow
from deliveries.services.outbox import outbox_run
from deliveries.services.partner_stops import STOPS_IMPORT
from tests.spec.examples import batch, stop

from .conftest import assert_same_shape

pytestmark = pytest.mark.django_db(transaction=True)

UNFINDABLE = "1 Nowhere Lane, Atlantis"  # the sandbox cannot geocode it (stage PreProcessing)


@pytest.fixture
def sandbox(live_server, settings):
    url = f"{live_server.url}/sandbox/locate2u"
    settings.LOCATE2U_BASE_URL, settings.LOCATE2U_TOKEN_URL = url, f"{url}/connect/token"
    requests.post(f"{url}/_import_rate", data="1000", timeout=5)
    yield url
    requests.post(f"{url}/_import_rate", data="", timeout=5)
    requests.post(f"{url}/_faults", data="", timeout=5)


def sandbox_get(sandbox: str, path: str) -> dict:
    token = requests.post(f"{sandbox}/connect/token", data={
        "grant_type": "client_credentials", "client_id": django_settings.LOCATE2U_CLIENT_ID,
        "client_secret": django_settings.LOCATE2U_CLIENT_SECRET, "scope": "integrations-api"}, timeout=5).json()
    return requests.get(f"{sandbox}{path}", headers={"Authorization": f"Bearer {token['access_token']}"},
                        timeout=5).json()


def status(api, batch_id) -> dict:
    response = api.get(f"/v1/Stops/import/{batch_id}/status")
    assert response.status_code == 200, response.content
    return response.json()["data"]


def push_and_follow(api, batch_id: str, *, seen: list | None = None) -> dict:
    outbox_run(outbox_id=Outbox.objects.get(key=batch_id).pk)
    for _ in range(100):
        more = import_follow(batch_id=batch_id)
        if seen is not None:
            seen.append(status(api, batch_id))
        if not more:
            break
        time.sleep(0.1)
    return status(api, batch_id)


def test_a_batch_is_followed_from_queued_to_completed_with_our_stop_ids(acme, sandbox):
    requests.post(f"{sandbox}/_import_rate", data="4", timeout=5)  # slow enough to be seen importing
    batch_id = acme.post("/v1/Logistics/batch-delivery", batch()).json()["data"]["batchId"]
    queued = status(acme, batch_id)
    seen: list[dict] = []

    final = push_and_follow(acme, batch_id, seen=seen)

    assert queued["status"] == "Queued" and queued["startedDate"] is None
    names = [s["status"] for s in seen]
    assert "Importing" in names and names[-1] == "Completed", names
    assert [s["processedCount"] for s in seen] == sorted(s["processedCount"] for s in seen)
    assert all(s["successfulStops"] is None for s in seen[:-1])
    assert final["progressPercentage"] == 100 and final["successCount"] == 3 and final["errors"] == []
    assert final["startedDate"] and final["completedDate"]
    ours = dict(Stop.objects.filter(batch__batch_id=batch_id).values_list("stop_source_reference", "pk"))
    assert {s["sourceReference"]: s["stopId"] for s in final["successfulStops"]} == ours
    for stop_id in ours.values():
        assert acme.get(f"/v1/Stops/{stop_id}").json()["data"]["status"] == "Created"
    # What Locate2u itself answers for this import has the same shape as ours.
    theirs = sandbox_get(sandbox, f"/v1/Stops/import/{batch_id}/status")
    assert set(theirs["data"]) == set(final)
    assert_same_shape({"success": True, "data": final}, theirs)


def test_a_stop_locate2u_cannot_import_makes_the_batch_partially_completed(acme, sandbox):
    payload = batch()
    payload["dropoffs"][1]["address"] = UNFINDABLE
    batch_id = acme.post("/v1/Logistics/batch-delivery", payload).json()["data"]["batchId"]

    final = push_and_follow(acme, batch_id)

    assert final["status"] == "PartiallyCompleted" and (final["successCount"], final["failedCount"]) == (2, 1)
    [error] = final["errors"]
    assert (error["rowNumber"], error["sourceReference"], error["stage"]) == (3, "DROPOFF-002", "PreProcessing")
    assert error["messages"] and [s["sourceReference"] for s in final["successfulStops"]] == ["PICKUP-001",
                                                                                              "DROPOFF-001"]
    failed = Stop.objects.get(stop_source_reference="DROPOFF-002")
    assert acme.get(f"/v1/Stops/{failed.pk}").json()["data"]["status"] == "Failed"


def test_a_batch_locate2u_refuses_is_failed(acme, sandbox):
    batch_id = acme.post("/v1/Logistics/batch-delivery", batch()).json()["data"]["batchId"]
    requests.post(f"{sandbox}/_faults?count=2", data="error_rate=1,error_status=400", timeout=5)

    final = push_and_follow(acme, batch_id)

    assert final["status"] == "Failed" and final["failedCount"] == 3 and final["successfulStops"] == []
    assert len(final["errors"]) == 3 and all(e["messages"] for e in final["errors"])
    assert Batch.objects.get(batch_id=batch_id).status == Batch.Status.REJECTED


def test_a_stop_import_goes_through_locate2u_and_is_followed_the_same_way(acme, sandbox):
    payload = {"batchSourceReference": "IMPORT-1", "stops": [stop(), stop(stopSourceReference="STOP-002",
                                                                          address=UNFINDABLE)]}
    accepted = acme.post("/v1/Stops/import", payload).json()
    batch_id = accepted["data"]["batchId"]

    assert accepted == {"success": True, "data": {"batchId": batch_id, "totalCount": 2}}
    assert Outbox.objects.get(key=batch_id).kind == STOPS_IMPORT
    final = push_and_follow(acme, batch_id)

    assert final["status"] == "PartiallyCompleted" and final["batchSourceReference"] == "IMPORT-1"
    assert [(e["rowNumber"], e["sourceReference"]) for e in final["errors"]] == [(2, "STOP-002")]
    [imported] = final["successfulStops"]
    shown = acme.get(f"/v1/Stops/{imported['stopId']}").json()["data"]
    assert shown["stopSourceReference"] == "STOP-001" and shown["stopType"] == "Stop" and shown["status"] == "Created"
    # Locate2u's own answer for the same stop has the same shape.
    locate2u_id = Stop.objects.get(pk=imported["stopId"]).locate2u_stop_id
    theirs = sandbox_get(sandbox, f"/v1/Stops/{locate2u_id}")
    assert_same_shape({"success": True, "data": shown}, theirs)
    assert set(theirs["data"]) <= set(shown)


def test_a_single_stop_is_an_import_of_one(acme, sandbox):
    created = acme.post("/v1/Stops", stop(itemSourceReferences=["PARCEL-1"])).json()["data"]

    final = push_and_follow(acme, created["batchId"])

    assert created["status"] == "Queued" and created["itemSourceReferences"] == ["PARCEL-1"]
    assert final["status"] == "Completed" and final["successfulStops"] == [
        {"stopId": created["stopId"], "sourceReference": "STOP-001"}]
    shown = acme.get(f"/v1/Stops/{created['stopId']}").json()["data"]
    assert shown["status"] == "Created" and shown["itemSourceReferences"] == ["PARCEL-1"]
