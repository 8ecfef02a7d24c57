"""Schemathesis against /api/schema/: the partner endpoints, called in-process (WSGI) with a valid
token, with data the schema allows and data it forbids, answer no 500 and nothing the schema does
not describe (status codes, content types, bodies). Bounded: a few examples per operation."""
import time

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = pytest.mark.django_db

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]
BUDGET_SECONDS = 60


def _keep_the_test_connection() -> None:
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)


@pytest.fixture
def partner_schema(db):
    """The schema, served and called in-process. A plain WSGI handler closes the database connection
    after each request, which would end the test's transaction; like Django's test client, the
    calls here keep it (the test client puts the closing back after each of its own requests)."""
    handler = get_wsgi_application()

    def app(environ, start_response):
        _keep_the_test_connection()
        return handler(environ, start_response)

    try:
        yield schemathesis.openapi.from_wsgi("/api/schema/", app).include(path_regex=r"^/v1/")
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.mark.parametrize("mode, examples", [(schemathesis.GenerationMode.POSITIVE, 40),
                                            (schemathesis.GenerationMode.NEGATIVE, 40)])
def test_the_partner_api_keeps_to_its_schema(partner_schema, acme, settings, mode, examples):
    settings.PARTNER_API_RATE_LIMIT = None  # the run is many requests in a few seconds
    headers = {"Authorization": f"Bearer {acme.token}"}
    operations = [result.ok() for result in partner_schema.get_all_operations()]
    assert len(operations) >= 13
    started = time.monotonic()
    tested = 0

    for operation in operations:
        @hypothesis_settings(max_examples=examples, deadline=None, database=None, derandomize=True,
                             suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy(generation_mode=mode))
        def call(case):
            case.headers = {**(case.headers or {}), **headers}
            response = case.call()
            case.validate_response(response, checks=CHECKS)

        try:
            call()
            tested += 1
        except Unsatisfiable:
            assert mode == schemathesis.GenerationMode.NEGATIVE  # nothing to get wrong (no parameters, no body)
    assert tested >= (13 if mode == schemathesis.GenerationMode.POSITIVE else 5)
    assert time.monotonic() - started < BUDGET_SECONDS



def test_every_answer_about_real_objects_keeps_to_the_schema(partner_schema, acme):
    """Random ids rarely name an object; here every read and write is made on objects that exist
    (a batch and a stop import in each import state, stops of each kind, a subscription with a
    failed delivery), and each answer is checked against the schema."""
    from deliveries.models import Batch, Stop
    from deliveries.services.partner_webhooks import partner_delivery_send, partner_event_emit
    from tests.spec.examples import SPEC_COMPLETE_EXAMPLE, stop

    def check(method: str, path: str, parameters: dict | None = None, body=None) -> None:
        kwargs = {"path_parameters": parameters or {}, "headers": {"Authorization": f"Bearer {acme.token}"}}
        if body is not None:
            kwargs.update(body=body, media_type="application/json")
        case = partner_schema[path][method].Case(**kwargs)
        response = case.call()
        assert response.status_code < 300, (method, path, response.status_code, response.text[:300])
        case.validate_response(response, checks=CHECKS)

    batch_id = acme.post("/v1/Logistics/batch-delivery", SPEC_COMPLETE_EXAMPLE).json()["data"]["batchId"]
    single = acme.post("/v1/Stops", stop(itemSourceReferences=["P-1"])).json()["data"]
    import_id = acme.post("/v1/Stops/import", {"stops": [stop(stopSourceReference="S-9")]}).json()["data"]["batchId"]
    hook = acme.post("/v1/Webhooks", {"eventType": "stop.assigned", "url": "http://127.0.0.1:9/h"}).json()
    event = partner_event_emit(customer=acme.partner.customer, event_type="stop.assigned", data={"stopId": 1})
    partner_delivery_send(delivery_id=event.deliveries.get().pk)

    check("GET", "/v1/Discovery/User")
    check("GET", "/v1/Webhooks/event-types")
    check("GET", "/v1/Webhooks")
    check("GET", "/v1/Webhooks/{id}", {"id": hook["id"]})
    check("GET", "/v1/Webhooks/{id}/deliveries", {"id": hook["id"]})
    check("PUT", "/v1/Webhooks/{id}", {"id": hook["id"]}, {"eventType": "stop.status-changed", "url": "https://x.example/h"})
    check("GET", "/v1/Stops/{id}", {"id": single["stopId"]})
    for stop_id in Stop.objects.filter(batch__batch_id=batch_id).values_list("pk", flat=True):
        check("GET", "/v1/Stops/{id}", {"id": stop_id})
    check("POST", "/v1/Logistics/batch-delivery", body=SPEC_COMPLETE_EXAMPLE)  # a repeat
    check("POST", "/v1/Stops", body=stop(stopSourceReference="S-10"))
    for state in (Batch.Status.QUEUED, Batch.Status.IMPORTING, Batch.Status.COMPLETED,
                  Batch.Status.PARTIALLY_COMPLETED, Batch.Status.FAILED, Batch.Status.REJECTED):
        for guid in (batch_id, import_id):
            Batch.objects.filter(batch_id=guid).update(status=state)
            Stop.objects.filter(batch__batch_id=guid).update(import_result=Stop.ImportResult.IMPORTED)
            Stop.objects.filter(batch__batch_id=guid, position=0).update(import_result=Stop.ImportResult.FAILED,
                                                                         error_stage="Save", error_messages=["x"])
            check("GET", "/v1/Stops/import/{batchId}/status", {"batchId": guid})
    check("DELETE", "/v1/Webhooks/{id}", {"id": hook["id"]})
