"""The Locate2u client against the Locate2u sandbox, over real HTTP (live server): every endpoint
of the spec, its answers and its error shapes, and the faults the client must survive."""
import base64
import copy
import hashlib
import hmac
import json
import time
import uuid
from datetime import timedelta

import pytest
import requests
from django.utils import timezone

from deliveries.carriers.errors import (
    CarrierAuthError,
    CarrierNotFound,
    CarrierUnavailable,
    CarrierValidationError,
)
from deliveries.carriers.locate2u.schemas import ImportState
from deliveries.models import CarrierCall
from deliveries.sandbox.locate2u.models import SandboxImport, SandboxStop, SandboxToken
from deliveries.sandbox.locate2u.services import sandbox_tick
from deliveries.spec import validate_batch_delivery
from tests.carriers.scripted_server import Answer, ScriptedServer
from tests.spec.examples import batch, stop

pytestmark = pytest.mark.django_db(transaction=True)

FAST = 100_000.0  # stops per second: an import is done by the time anyone asks


@pytest.fixture
def fast_imports(settings):
    settings.SANDBOX_LOCATE2U_IMPORT_RATE = FAST


def control(sandbox_url: str, name: str, text: str = "", **params) -> requests.Response:
    response = requests.post(f"{sandbox_url}/{name}", data=text.encode(), params=params, timeout=5)
    assert response.status_code == 200, response.text
    return response


def age_import(batch_id: str, seconds: float) -> None:
    """Move an import's clock: it was accepted `seconds` earlier than it was."""
    row = SandboxImport.objects.get(batch_id=batch_id)
    row.created_at -= timedelta(seconds=seconds)
    row.save(update_fields=["created_at"])


# --- token ------------------------------------------------------------------------------------------
def test_the_configured_client_gets_a_bearer_token_stored_only_hashed(l2u, sandbox_url):
    answer = requests.post(f"{sandbox_url}/connect/token", timeout=5, data={
        "grant_type": "client_credentials", "client_id": l2u.config.client_id,
        "client_secret": l2u.config.client_secret, "scope": "integrations-api"}).json()

    assert answer["token_type"] == "Bearer" and answer["expires_in"] == 1800 and answer["scope"] == "integrations-api"
    assert l2u.token() != answer["access_token"]  # a fresh one per request
    stored = list(SandboxToken.objects.values_list("token_hash", flat=True))
    assert hashlib.sha256(answer["access_token"].encode()).hexdigest() in stored
    assert answer["access_token"] not in stored


def test_a_wrong_client_secret_is_401_invalid_client(make_client):
    with pytest.raises(CarrierAuthError) as refused:
        make_client(client_secret="wrong").discovery_user()

    assert refused.value.status_code == 401 and refused.value.body == {"error": "invalid_client"}


def test_a_scope_other_than_integrations_api_is_400_invalid_scope(make_client):
    with pytest.raises(CarrierAuthError) as refused:
        make_client(scope="integrations-api admin").discovery_user()

    assert refused.value.status_code == 400 and refused.value.body == {"error": "invalid_scope"}


@pytest.mark.parametrize("authorization", [None, "Bearer not-a-token", "Basic Zm9vOmJhcg=="])
def test_a_call_without_a_valid_token_is_401_in_the_error_shape(sandbox_url, authorization):
    headers = {"Authorization": authorization} if authorization else {}

    response = requests.get(f"{sandbox_url}/v1/Discovery/User", headers=headers, timeout=5)

    assert response.status_code == 401
    assert response.json()["success"] is False and response.json()["errors"][0]["field"] == ""
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_an_expired_token_is_401_and_the_client_refreshes_once(l2u):
    l2u.discovery_user()
    SandboxToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))  # expire it on the server

    assert l2u.discovery_user().user_id == 12345
    assert l2u.token_requests == 2
    statuses = list(CarrierCall.objects.filter(url__endswith="/Discovery/User").values_list("status_code", flat=True))
    assert sorted(statuses) == [200, 200, 401]


def test_token_ttl_fault_shortens_tokens_and_the_client_fetches_new_ones(l2u, sandbox_url):
    control(sandbox_url, "_faults", "token_ttl=5")

    l2u.discovery_user()
    l2u.discovery_user()

    # 5 s is inside the client's 60 s refresh margin: each call wants a fresh token.
    assert l2u.token_requests == 2
    token = SandboxToken.objects.latest("id")
    assert timedelta(seconds=3) < token.expires_at - token.created_at <= timedelta(seconds=6)


# --- discovery --------------------------------------------------------------------------------------
def test_discovery_user(l2u):
    user = l2u.discovery_user()

    assert (user.user_id, user.team_id, user.team_name) == (12345, 67890, "Sandbox Team")


# --- batch delivery and import status ---------------------------------------------------------------
def test_an_invalid_batch_is_400_with_every_field_message_of_the_spec_validation(l2u):
    payload = batch(serviceDate="2024-01-16")
    del payload["items"][0]["itemSourceReference"]
    payload["dropoffs"][0]["timeWindowEnd"] = "2024-01-15T09:00:00"

    with pytest.raises(CarrierValidationError) as refused:
        l2u.batch_delivery(payload, idempotency_key=str(uuid.uuid4()))

    expected = [(e.field, e.message) for e in validate_batch_delivery(payload)]
    assert refused.value.messages == expected
    assert ("items[0].itemSourceReference", "Item source reference is required.") in expected
    assert {"pickups[0].tripDate", "dropoffs[0].timeWindowEnd"} <= {f for f, _ in expected}
    assert refused.value.body["success"] is False and not SandboxImport.objects.exists()


def test_a_batch_is_accepted_and_its_import_completes_with_stop_ids(l2u, fast_imports):
    key = str(uuid.uuid4())

    accepted = l2u.batch_delivery(batch(), idempotency_key=key)
    status = l2u.import_status(accepted.batch_id)

    assert (accepted.batch_id, accepted.stops_created, accepted.items_processed) == (key, 3, 2)
    assert status.status == ImportState.COMPLETED and status.finished
    assert (status.total_count, status.success_count, status.failed_count, status.processed_count) == (3, 3, 0, 3)
    assert status.progress_percentage == 100.0 and status.errors == ()
    assert status.batch_source_reference == "BATCH-2024-001"
    assert status.created_date <= status.started_date <= status.completed_date
    assert [s.source_reference for s in status.successful_stops] == ["PICKUP-001", "DROPOFF-001", "DROPOFF-002"]
    dropoff = l2u.stop_get(status.successful_stops[1].stop_id)
    assert (dropoff.name, dropoff.status, dropoff.raw["stopType"], dropoff.raw["batchId"]) == (
        "Customer A", "Created", "Dropoff", key)


def test_import_status_progresses_from_queued_through_importing_to_completed(l2u, sandbox_url):
    control(sandbox_url, "_import_rate", "0.01")  # one stop per 100 s: the test moves the clock
    batch_id = l2u.batch_delivery(batch(), idempotency_key=str(uuid.uuid4())).batch_id

    queued = l2u.import_status(batch_id)
    age_import(batch_id, 2 + 150)  # past the queue, one and a half stops' time
    importing = l2u.import_status(batch_id)
    age_import(batch_id, 200)
    completed = l2u.import_status(batch_id)

    assert (queued.status, queued.processed_count, queued.started_date) == (ImportState.QUEUED, 0, None)
    assert (importing.status, importing.processed_count, importing.progress_percentage) == (
        ImportState.IMPORTING, 1, 33.33)
    assert importing.successful_stops is None and importing.completed_date is None
    assert (completed.status, completed.processed_count, completed.success_count) == (ImportState.COMPLETED, 3, 3)


def test_a_row_that_cannot_be_geocoded_makes_the_import_partially_completed(l2u, fast_imports):
    payload = batch()
    payload["dropoffs"][1]["address"] = "75 Side Street, Nowhere ZZ99 9ZZ"

    status = l2u.import_status(l2u.batch_delivery(payload, idempotency_key=str(uuid.uuid4())).batch_id)

    assert status.status == ImportState.PARTIALLY_COMPLETED
    assert (status.success_count, status.failed_count, status.processed_count) == (2, 1, 3)
    [error] = status.errors
    assert (error.row_number, error.source_reference, error.stage) == (3, "DROPOFF-002", "PreProcessing")
    assert "could not be found on the map" in error.messages[0]
    assert [s.source_reference for s in status.successful_stops] == ["PICKUP-001", "DROPOFF-001"]


def test_an_import_whose_every_row_fails_is_failed(l2u, fast_imports):
    payload = batch()
    for stop_ in payload["pickups"] + payload["dropoffs"]:
        stop_["address"] = "1 Nowhere Road"

    status = l2u.import_status(l2u.batch_delivery(payload, idempotency_key=str(uuid.uuid4())).batch_id)

    assert (status.status, status.failed_count, status.successful_stops) == (ImportState.FAILED, 3, ())


def test_a_repeated_batch_returns_the_same_batch_id_and_creates_nothing(l2u, fast_imports):
    key = str(uuid.uuid4())
    first = l2u.batch_delivery(batch(), idempotency_key=key)
    l2u.import_status(first.batch_id)

    again = l2u.batch_delivery(batch(), idempotency_key=key)  # a retried POST
    by_reference = l2u.batch_delivery(batch(), idempotency_key=str(uuid.uuid4()))  # the same batch re-posted

    assert first == again == by_reference
    assert SandboxImport.objects.count() == 1 and SandboxStop.objects.count() == 3


def test_the_same_batch_reference_with_another_body_is_refused_on_the_reference(l2u):
    l2u.batch_delivery(batch(), idempotency_key=str(uuid.uuid4()))

    with pytest.raises(CarrierValidationError) as refused:
        l2u.batch_delivery(batch(batchDescription="changed"), idempotency_key=str(uuid.uuid4()))

    assert [field for field, _ in refused.value.messages] == ["batchSourceReference"]


def test_a_retried_post_after_a_5xx_is_safe_thanks_to_the_batch_key(l2u, sandbox_url, fast_imports):
    l2u.token()
    control(sandbox_url, "_faults", "error_rate=1,error_status=502", count=1)

    accepted = l2u.batch_delivery(batch(), idempotency_key=str(uuid.uuid4()))

    assert accepted.stops_created == 3 and SandboxImport.objects.count() == 1


def test_import_status_of_an_unknown_batch_is_404_and_of_a_non_guid_400(l2u):
    with pytest.raises(CarrierNotFound):
        l2u.import_status(str(uuid.uuid4()))
    with pytest.raises(CarrierValidationError) as refused:
        l2u.import_status("batch-42")
    assert [field for field, _ in refused.value.messages] == ["batchId"]


# --- single stops and stop imports ------------------------------------------------------------------
def test_a_stop_is_created_and_read_back(l2u):
    created = l2u.stop_create(stop(), idempotency_key="stop-key-1")
    again = l2u.stop_create(stop(), idempotency_key="stop-key-1")
    read = l2u.stop_get(created.stop_id)

    assert created.stop_id == again.stop_id == read.stop_id
    assert (read.source_reference, read.name, read.trip_date, read.status) == (
        "STOP-001", "Customer C", "2024-01-15T09:00:00", "Created")
    assert read.raw["location"] == {"latitude": -33.8688, "longitude": 151.2093}


@pytest.mark.parametrize(
    "changes, field",
    [({"address": ""}, "address"), ({"address": "9 Nowhere Close"}, "address"), ({"tripDate": "soon"}, "tripDate"),
     ({"timeWindowEnd": "2024-01-15T08:00:00"}, "timeWindowEnd")],
)
def test_a_bad_stop_is_400_on_its_field(l2u, changes, field):
    with pytest.raises(CarrierValidationError) as refused:
        l2u.stop_create(stop(**changes))

    assert [f for f, _ in refused.value.messages] == [field]


def test_a_second_stop_with_the_same_source_reference_is_refused(l2u):
    l2u.stop_create(stop())

    with pytest.raises(CarrierValidationError) as refused:
        l2u.stop_create(stop(name="Someone else"))

    assert [f for f, _ in refused.value.messages] == ["stopSourceReference"]


@pytest.mark.parametrize("stop_id", [999999, "abc", "../Webhooks"])
def test_an_unknown_stop_is_404(l2u, stop_id):
    with pytest.raises(CarrierNotFound) as missing:
        l2u.stop_get(stop_id)

    assert missing.value.body["success"] is False


def test_a_stop_import_imports_good_rows_and_reports_bad_ones_by_stage(l2u, fast_imports):
    l2u.stop_create(stop(stopSourceReference="TAKEN"))
    rows = [stop(stopSourceReference="S-1"), stop(stopSourceReference="S-2", address=""),
            stop(stopSourceReference="TAKEN"), stop(stopSourceReference="S-4", address="Nowhere"),
            stop(stopSourceReference="S-1")]

    accepted = l2u.stops_import({"batchSourceReference": "IMPORT-1", "stops": rows}, idempotency_key="imp-1")
    status = l2u.import_status(accepted.batch_id)

    assert accepted.total_count == 5
    assert (status.status, status.success_count, status.failed_count) == (ImportState.PARTIALLY_COMPLETED, 1, 4)
    assert [(e.row_number, e.source_reference, e.stage) for e in status.errors] == [
        (2, "S-2", "Validation"), (3, "TAKEN", "Save"), (4, "S-4", "PreProcessing"), (5, "S-1", "Save")]
    assert status.errors[0].messages == ("Address is required.",)
    assert status.errors[1].messages == ("Duplicate sourceReference already exists",)
    assert [s.source_reference for s in status.successful_stops] == ["S-1"]
    assert l2u.stops_import({"batchSourceReference": "IMPORT-1", "stops": rows}, idempotency_key="imp-1") == accepted


def test_a_stop_import_without_stops_is_400(l2u):
    with pytest.raises(CarrierValidationError) as refused:
        l2u.stops_import({"stops": []})

    assert refused.value.messages == [("stops", "Add at least one stop.")]


# --- webhooks ---------------------------------------------------------------------------------------
def test_webhook_subscriptions_can_be_listed_created_read_updated_and_deleted(l2u):
    kinds = [k.name for k in l2u.webhook_event_types()]
    created = l2u.webhook_create("stop.status-changed", "https://example.test/hooks/l2u")
    listed = l2u.webhooks_list()
    read = l2u.webhook_get(created.id)
    updated = l2u.webhook_update(created.id, event_type="stop.assigned", url="https://example.test/v2", is_active=False)
    l2u.webhook_delete(created.id)

    assert "stop.status-changed" in kinds and "stop.assigned" in kinds
    assert created.secret.startswith("whsec_") and read.secret is None
    assert [w.id for w in listed] == [created.id]
    assert (read.event_type, read.url, read.is_active) == ("stop.status-changed", "https://example.test/hooks/l2u", True)
    assert (updated.event_type, updated.url, updated.is_active) == ("stop.assigned", "https://example.test/v2", False)
    assert l2u.webhooks_list() == []
    with pytest.raises(CarrierNotFound):
        l2u.webhook_get(created.id)
    with pytest.raises(CarrierNotFound):
        l2u.webhook_delete(created.id)


def test_a_bad_webhook_subscription_is_400_on_each_field(l2u):
    with pytest.raises(CarrierValidationError) as refused:
        l2u.webhook_create("stop.exploded", "ftp://example.test")

    assert [f for f, _ in refused.value.messages] == ["eventType", "url"]


def test_the_tick_sends_signed_stop_events_and_a_failing_subscriber_breaks_nothing(l2u, fast_imports):
    with ScriptedServer() as good, ScriptedServer() as bad:
        bad.queue("/hook", *[Answer(500)] * 10)
        assigned = l2u.webhook_create("stop.assigned", f"{good.url}/hook")
        l2u.webhook_create("stop.status-changed", f"{good.url}/hook")
        l2u.webhook_create("stop.status-changed", f"{bad.url}/hook")
        l2u.webhook_create("stop.status-changed", "http://127.0.0.1:9/closed")  # nobody listens
        status = l2u.import_status(l2u.batch_delivery(batch(), idempotency_key=str(uuid.uuid4())).batch_id)

        summary = sandbox_tick(now=timezone.now() + timedelta(seconds=11))

        events = [json.loads(call.body) for call in good.calls("/hook")]
        assert summary["stops_moved"] == 3 and summary["webhooks_sent"] == 6
        assert sorted(e["eventType"] for e in events) == ["stop.assigned"] * 3 + ["stop.status-changed"] * 3
        assert len({e["Id"] for e in events}) == 6
        changed = [e for e in events if e["eventType"] == "stop.status-changed"]
        assert {e["stopId"] for e in changed} == {s.stop_id for s in status.successful_stops}
        assert {(e["oldStatus"], e["newStatus"], e["tripDate"]) for e in changed} == {("Created", "Pending", "2024-01-15")}
        assert len(bad.calls("/hook")) == 3

        first = good.calls("/hook")[0]
        signed = f"{first.headers['webhook-id']}.{first.headers['webhook-timestamp']}.{first.body}"
        key = base64.b64decode(assigned.secret.removeprefix("whsec_") + "==")
        expected = base64.b64encode(hmac.new(key, signed.encode(), hashlib.sha256).digest()).decode()
        assert first.headers["webhook-signature"] == f"v1,{expected}"


# --- faults -----------------------------------------------------------------------------------------
def test_two_500s_then_an_answer_are_retried_through(l2u, sandbox_url):
    l2u.token()
    control(sandbox_url, "_faults", "error_rate=1,error_status=500", count=2)

    assert l2u.discovery_user().user_id == 12345
    calls = CarrierCall.objects.filter(url__endswith="/Discovery/User").order_by("id")
    assert [(c.status_code, c.attempt) for c in calls] == [(500, 1), (500, 2), (200, 3)]


def test_a_429_is_retried_after_the_retry_after_it_names(l2u, sandbox_url):
    l2u.token()
    control(sandbox_url, "_faults", "error_rate=1,error_status=429,retry_after=1", count=1)
    started = time.monotonic()

    l2u.webhook_event_types()

    assert time.monotonic() - started >= 1.0
    first = CarrierCall.objects.filter(url__endswith="/event-types").order_by("id").first()
    assert first.status_code == 429


def test_a_carrier_that_keeps_failing_is_unavailable_after_the_last_attempt(make_client, sandbox_url):
    client = make_client(max_attempts=2)
    client.token()
    control(sandbox_url, "_faults", "error_rate=1,error_status=503")

    with pytest.raises(CarrierUnavailable) as unavailable:
        client.webhooks_list()

    assert unavailable.value.status_code == 503
    assert CarrierCall.objects.filter(url__endswith="/v1/Webhooks").count() == 2


def test_the_faults_control_refuses_unknown_faults_and_clears_on_empty(sandbox_url):
    refused = requests.post(f"{sandbox_url}/_faults", data=b"explode=1", timeout=5)
    set_ = control(sandbox_url, "_faults", "latency_ms=1").json()
    cleared = control(sandbox_url, "_faults", "").json()

    assert refused.status_code == 400 and "unknown sandbox fault" in refused.json()["errors"][0]["message"]
    assert set_["latency_ms"] == 1 and cleared["latency_ms"] == 0


# --- bad requests never become a 500 ----------------------------------------------------------------
@pytest.mark.parametrize(
    "body, field",
    [(b"{not json", ""), (b"[1, 2]", ""), (b"NaN", ""), (b"\xff\xfe", ""), (b"[" * 100_000, ""), (b"", "")],
)
def test_a_body_that_is_not_a_json_object_is_400_in_the_error_shape(l2u, sandbox_url, body, field):
    response = requests.post(f"{sandbox_url}/v1/Logistics/batch-delivery", data=body, timeout=5,
                             headers={"Authorization": f"Bearer {l2u.token()}", "Content-Type": "application/json"})

    assert response.status_code == 400
    assert response.json()["success"] is False and response.json()["errors"][0]["field"] == field


def test_unknown_paths_and_methods_answer_json(l2u, sandbox_url):
    headers = {"Authorization": f"Bearer {l2u.token()}"}

    missing = requests.get(f"{sandbox_url}/v1/Nothing", headers=headers, timeout=5)
    wrong_method = requests.delete(f"{sandbox_url}/v1/Stops", headers=headers, timeout=5)

    assert missing.status_code == 404 and missing.json()["success"] is False
    assert wrong_method.status_code == 405 and wrong_method.headers["Allow"] == "POST"


def test_a_huge_batch_is_validated_and_accepted_quickly(l2u):
    payload = copy.deepcopy(batch())
    payload["items"] = [dict(payload["items"][1], itemSourceReference=f"I-{i}") for i in range(500)]
    payload["pickups"][0]["itemSourceReferences"] = [f"I-{i}" for i in range(500)]
    payload["dropoffs"] = [dict(payload["dropoffs"][1], stopSourceReference=f"D-{i}", itemSourceReferences=[f"I-{i}"])
                           for i in range(500)]
    started = time.monotonic()

    accepted = l2u.batch_delivery(payload, idempotency_key=str(uuid.uuid4()))

    assert accepted.stops_created == 501 and time.monotonic() - started < 2.0
