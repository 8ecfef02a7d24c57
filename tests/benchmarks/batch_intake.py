"""Batch intake (issue 8): POST /v1/Logistics/batch-delivery of 2,000 items, 20 pickups and 2,000
drop-offs as a partner sends it — OAuth2 token check, scope and rate limit, JSON read, THE
validation, the rows saved in bulk, the push to Locate2u owed through the outbox — against
json.loads of the same body and plain bulk_create of the same rows, no validation. Each run is
rolled back, so both start alike. Peak memory is Python's allocations at their peak during one
request (tracemalloc), against the same for the baseline."""
import json

from django.db import connection
from django.test import Client

from tests.benchmarks.batch_save import _rolled_back, plain_bulk_create
from tests.benchmarks.batch_validation import N_DROPOFFS, N_ITEMS, N_PICKUPS, big_payload

TARGET = 3.0
PATH = "/v1/Logistics/batch-delivery"


def count_queries(fn) -> int:
    """Queries fn runs, counted as they go (a request empties connection.queries when it starts, so
    CaptureQueriesContext around a test-client request can miss them)."""
    count = 0

    def counted(execute, sql, params, many, context):
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counted):
        fn()
    return count


def partner_headers(client: Client) -> dict:
    from dispatch_portal.partners.services import partner_client_create

    issued = partner_client_create(name="Bench intake", scopes=["integrations-api"], customer_ref="BENCH")
    response = client.post("/connect/token", {"grant_type": "client_credentials", "client_id": issued.client.client_id,
                                              "client_secret": issued.client_secret})
    assert response.status_code == 200, response.content[:300]
    return {"HTTP_AUTHORIZATION": f"Bearer {response.json()['access_token']}"}


def run(*, Row, best_of_both, peak_memory):
    from deliveries.models import Batch, Outbox, StopItem

    body = json.dumps(big_payload(reference="BENCH-INTAKE-001"))
    client = Client()
    headers = partner_headers(client)
    answers = []

    def post():
        response = client.post(PATH, data=body, content_type="application/json", **headers)
        assert response.status_code == 200, response.content[:500]
        answers.append(response)

    def whole():  # checked once, inside the rollback: the batch, its links and its push are all there
        post()
        batch = Batch.objects.get(batch_id=answers[-1].json()["data"]["batchId"])
        assert batch.status == Batch.Status.QUEUED and batch.total_count == N_PICKUPS + N_DROPOFFS
        assert StopItem.objects.filter(stop__batch=batch).count() == N_ITEMS + N_DROPOFFS
        assert Outbox.objects.filter(key=str(batch.batch_id)).exists()

    measured_run, baseline_run = _rolled_back(post), _rolled_back(lambda: plain_bulk_create(body))
    _rolled_back(whole)()
    measured_run()  # warm both before timing
    baseline_run()
    queries = count_queries(measured_run)
    measured, baseline = best_of_both(measured_run, baseline_run, repeat=5)
    _, peak = peak_memory(measured_run)
    _, baseline_peak = peak_memory(baseline_run)
    assert not Batch.objects.exists()
    ratio = measured / baseline
    return Row(
        scenario="batch intake",
        measured=f"POST {PATH} (token, validation, save, outbox), {N_ITEMS:,} items / {N_PICKUPS} pickups / "
                 f"{N_DROPOFFS:,} drop-offs",
        seconds=measured, baseline="json.loads + bulk_create of the same rows", baseline_seconds=baseline,
        target=f"≤ {TARGET:g}×", ratio=ratio, passed=ratio <= TARGET,
        notes=f"body {len(body) / 1e6:.1f} MB, {queries} queries; baseline peak memory {baseline_peak:,.0f} MB",
        peak_memory_mb=peak,
    )
