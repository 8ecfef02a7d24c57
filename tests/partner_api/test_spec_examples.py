"""Every example of the Locate2u spec document, replayed against the portal: requests are
accepted, answers have the example's shape (keys and JSON types), errors read as in the spec."""
import copy

import pytest

from deliveries.api import schema
from deliveries.carriers.locate2u.schemas import ImportedStop, ImportState, ImportStatus, ImportStopError
from deliveries.models import Batch, Stop
from deliveries.services.batch_import import batch_accepted, import_status_apply
from tests.conftest import token_for

from . import spec_examples as spec
from .conftest import assert_same_shape

pytestmark = pytest.mark.django_db

BATCH = "/v1/Logistics/batch-delivery"


def status_path(batch_id) -> str:
    return f"/v1/Stops/import/{batch_id}/status"


def test_the_token_answer_has_the_spec_example_shape(client, partner):
    body = token_for(client, partner, scope="integrations-api").json()

    assert set(body) == set(spec.TOKEN_RESPONSE)
    assert_same_shape(body, spec.TOKEN_RESPONSE, nullable=False)
    assert body["expires_in"] == 1800 and body["token_type"] == "Bearer" and body["scope"] == "integrations-api"


def test_discovery_user_has_the_spec_example_shape(acme):
    body = acme.get("/v1/Discovery/User").json()

    assert set(body) == set(spec.DISCOVERY_USER)
    assert_same_shape(body, spec.DISCOVERY_USER, nullable=False)


def test_the_complete_example_request_is_accepted_with_the_success_shape(acme):
    response = acme.post(BATCH, spec.COMPLETE_REQUEST)

    assert response.status_code == 200, response.content
    body = response.json()
    assert_same_shape(body, spec.BATCH_SUCCESS, nullable=False)
    assert body["data"]["stopsCreated"] == spec.BATCH_SUCCESS["data"]["stopsCreated"] == 3
    assert body["data"]["itemsProcessed"] == spec.BATCH_SUCCESS["data"]["itemsProcessed"] == 2
    batch = Batch.objects.get(batch_id=body["data"]["batchId"])
    assert batch.customer == acme.partner.customer and batch.status == Batch.Status.QUEUED


def test_the_spec_error_example_is_what_a_missing_item_reference_gets(acme):
    payload = copy.deepcopy(spec.COMPLETE_REQUEST)
    del payload["items"][0]["itemSourceReference"]

    response = acme.post(BATCH, payload)

    assert response.status_code == 400
    body = response.json()
    assert_same_shape(body, spec.BATCH_ERROR, nullable=False)
    assert spec.BATCH_ERROR["errors"][0] in body["errors"]


def test_the_example_item_pickup_and_drop_off_are_accepted(acme):
    payload = {
        "batchSourceReference": "EXAMPLES-1", "teamSourceReference": "TEAM", "serviceDate": "2024-01-15",
        "items": [spec.EXAMPLE_ITEM, {"itemSourceReference": "ITEM-002"}],
        "pickups": [spec.EXAMPLE_PICKUP],
        "dropoffs": [spec.EXAMPLE_DROPOFF,
                     dict(spec.EXAMPLE_DROPOFF, stopSourceReference="DROPOFF-002", itemSourceReferences=["ITEM-002"])],
    }

    response = acme.post(BATCH, payload)

    assert response.status_code == 200, response.content
    assert response.json()["data"]["stopsCreated"] == 3


def test_the_example_drop_off_is_a_valid_single_stop(acme):
    response = acme.post("/v1/Stops", spec.EXAMPLE_DROPOFF)

    assert response.status_code == 200, response.content
    data = response.json()["data"]
    for key, value in spec.EXAMPLE_DROPOFF.items():
        assert data[key] == value, key  # the stop as submitted, plus what the portal adds


# --- import status: the three examples --------------------------------------------------------------
@pytest.fixture
def posted(acme) -> Batch:
    response = acme.post(BATCH, spec.COMPLETE_REQUEST)
    return Batch.objects.get(batch_id=response.json()["data"]["batchId"])


def _status(batch: Batch, state: ImportState, *, processed: int, failed: list[Stop] = (), done: bool = False):
    stops = list(batch.stops.all())
    ok = [s for s in stops if s not in failed]
    return ImportStatus(
        batch_import_id=str(batch.batch_id), status=state, total_count=len(stops),
        success_count=processed - len(failed), failed_count=len(failed), processed_count=processed,
        progress_percentage=processed * 100 / len(stops),
        errors=tuple(ImportStopError(row_number=1, source_reference=s.stop_source_reference, stage="Save",
                                     messages=("Duplicate sourceReference already exists",)) for s in failed),
        successful_stops=tuple(ImportedStop(stop_id=9000 + s.pk, source_reference=s.stop_source_reference)
                               for s in ok) if done else None,
    )


def test_a_batch_not_yet_pushed_is_queued_with_nothing_started(acme, posted):
    data = acme.get(status_path(posted.batch_id)).json()["data"]

    assert_same_shape(data, spec.IMPORT_IN_PROGRESS["data"])
    assert data["status"] == "Queued" and data["startedDate"] is None and data["successfulStops"] is None
    assert data["totalCount"] == 3 and data["processedCount"] == 0 and data["progressPercentage"] == 0


def test_the_in_progress_example_shape(acme, posted):
    batch_accepted(batch_id=str(posted.batch_id))
    posted.refresh_from_db()
    import_status_apply(batch=posted, status=_status(posted, ImportState.IMPORTING, processed=2))

    body = acme.get(status_path(posted.batch_id)).json()

    assert_same_shape(body, spec.IMPORT_IN_PROGRESS, nullable=False)
    data = body["data"]
    assert data["status"] == "Importing" and data["processedCount"] == 2 and data["progressPercentage"] == 66.67
    assert data["completedDate"] is None and data["successfulStops"] is None
    assert data["batchSourceReference"] == "BATCH-2024-001" and data["batchImportId"] == str(posted.batch_id)


def test_the_completed_example_shape_with_the_portals_stop_ids(acme, posted):
    batch_accepted(batch_id=str(posted.batch_id))
    posted.refresh_from_db()
    import_status_apply(batch=posted, status=_status(posted, ImportState.COMPLETED, processed=3, done=True))

    body = acme.get(status_path(posted.batch_id)).json()

    assert_same_shape(body, spec.IMPORT_COMPLETED, nullable=False)
    data = body["data"]
    assert data["status"] == "Completed" and data["progressPercentage"] == 100 and data["errors"] == []
    ours = {s.stop_source_reference: s.pk for s in posted.stops.all()}
    assert {s["sourceReference"]: s["stopId"] for s in data["successfulStops"]} == ours
    for stop in data["successfulStops"]:
        assert acme.get(f"/v1/Stops/{stop['stopId']}").status_code == 200


def test_the_partially_completed_example_shape(acme, posted):
    batch_accepted(batch_id=str(posted.batch_id))
    posted.refresh_from_db()
    failed = posted.stops.get(stop_source_reference="DROPOFF-002")
    import_status_apply(batch=posted, status=_status(posted, ImportState.PARTIALLY_COMPLETED, processed=3,
                                                     failed=[failed], done=True))

    body = acme.get(status_path(posted.batch_id)).json()

    assert_same_shape(body, spec.IMPORT_PARTIAL, nullable=False)
    data = body["data"]
    assert data["status"] == "PartiallyCompleted" and data["failedCount"] == 1 and data["successCount"] == 2
    assert data["errors"] == [{"rowNumber": 3, "sourceReference": "DROPOFF-002", "stage": "Save",
                               "messages": ["Duplicate sourceReference already exists"]}]
    assert [s["sourceReference"] for s in data["successfulStops"]] == ["PICKUP-001", "DROPOFF-001"]


def test_a_batch_locate2u_refused_is_failed_with_every_stop_in_errors(acme, posted):
    Batch.objects.filter(pk=posted.pk).update(status=Batch.Status.REJECTED,
                                              import_error="Locate2u refused the batch: serviceDate: too far ahead")

    data = acme.get(status_path(posted.batch_id)).json()["data"]

    assert data["status"] == "Failed" and data["failedCount"] == 3 and data["successfulStops"] == []
    assert [e["sourceReference"] for e in data["errors"]] == ["PICKUP-001", "DROPOFF-001", "DROPOFF-002"]
    assert all("too far ahead" in e["messages"][0] for e in data["errors"])
    assert data["status"] in spec.IMPORT_STATUS_VALUES


# --- the OpenAPI document carries the spec's examples, and they work ------------------------------------
def test_the_schema_examples_are_the_specs(client, db):
    assert schema.SPEC_BATCH_REQUEST == spec.COMPLETE_REQUEST
    assert schema.SPEC_BATCH_ACCEPTED == spec.BATCH_SUCCESS
    assert schema.SPEC_BATCH_ERROR == spec.BATCH_ERROR
    assert schema.SPEC_IMPORT_IN_PROGRESS == spec.IMPORT_IN_PROGRESS
    assert schema.SPEC_IMPORT_COMPLETED == spec.IMPORT_COMPLETED
    assert schema.SPEC_IMPORT_PARTIAL == spec.IMPORT_PARTIAL
    assert schema.SPEC_DROPOFF == spec.EXAMPLE_DROPOFF
    document = client.get("/api/schema/", headers={"Accept": "application/json"}).json()
    operation = document["paths"]["/v1/Logistics/batch-delivery"]["post"]
    examples = operation["requestBody"]["content"]["application/json"]["examples"]
    assert [e["value"] for e in examples.values()] == [spec.COMPLETE_REQUEST]


def _operations(document: dict):
    for path, item in document["paths"].items():
        if path.startswith("/v1/"):
            for method, operation in item.items():
                if method in ("get", "post", "put", "delete"):
                    yield path, method, operation


def test_every_endpoint_is_documented_with_examples_and_its_error_answers(client, db):
    document = client.get("/api/schema/", headers={"Accept": "application/json"}).json()
    seen = {(path, method) for path, method, _ in _operations(document)}

    assert seen >= {
        ("/v1/Discovery/User", "get"), ("/v1/Logistics/batch-delivery", "post"),
        ("/v1/Stops/import/{batchId}/status", "get"), ("/v1/Stops", "post"), ("/v1/Stops/import", "post"),
        ("/v1/Stops/{id}", "get"), ("/v1/Webhooks/event-types", "get"), ("/v1/Webhooks", "get"),
        ("/v1/Webhooks", "post"), ("/v1/Webhooks/{id}", "get"), ("/v1/Webhooks/{id}", "put"),
        ("/v1/Webhooks/{id}", "delete"),
    }
    for path, method, operation in _operations(document):
        responses = operation["responses"]
        assert "401" in responses and "403" in responses, (path, method)
        if method == "delete":
            continue
        has_example = any("examples" in content for r in responses.values() for content in r.get("content", {}).values())
        assert has_example, (path, method)
        if method == "post":
            assert any(p["name"] == "Idempotency-Key" for p in operation["parameters"]), path


def _example_requests(document: dict):
    for path, method, operation in _operations(document):
        if method == "post" and "requestBody" in operation:
            for name, example in operation["requestBody"]["content"]["application/json"].get("examples", {}).items():
                yield path, name, example["value"], operation["responses"]["200"]


def test_every_request_example_of_the_schema_is_accepted_with_the_documented_answer_shape(client, acme):
    document = client.get("/api/schema/", headers={"Accept": "application/json"}).json()
    replayed = 0
    for path, name, body, documented in _example_requests(document):
        response = acme.post(path, body)
        assert response.status_code == 200, (path, name, response.content)
        for example in documented["content"]["application/json"]["examples"].values():
            assert_same_shape(response.json(), example["value"])
        replayed += 1
    assert replayed >= 4
