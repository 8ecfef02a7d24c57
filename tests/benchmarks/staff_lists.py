"""Staff lists (issue 8): the first page of a list as a signed-in dispatcher sees it (template
rendered, every query), on a big table against the same page when the table holds 50 rows.
Target ≤ 1.5× and the same number of queries.

- batch list, GET /batches/: 5,000 batches against 50 (the 50 are seeded first, measured, then
  the other 4,950 added);
- location list, GET /locations/: 50,000 locations (location search's, or seeded here when run
  alone) against 50 — every other location deleted inside a transaction that is rolled back
  (exactly 50 rows on SQLite; on PostgreSQL the deleted rows stay on the heap until the
  rollback, so the 50-row page is, if anything, a little slower than on a table of 50).
"""
import random
from datetime import date, timedelta

from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from tests.benchmarks.batch_intake import count_queries

N_BATCHES = 5000
N_LOCATIONS = 50_000
SMALL = 50
TARGET = 1.5


class _Rollback(Exception):
    pass


def _batches(start: int, stop: int) -> None:
    from deliveries.models import Batch

    rng = random.Random(start)
    statuses = [s for s, _ in Batch.Status.choices]
    day = date(2024, 1, 15)
    Batch.objects.bulk_create([
        Batch(created_via="bench", batch_source_reference=f"BENCH-LIST-{i:05d}", batch_description=f"Round {i}",
              team_source_reference=f"TEAM-{i % 7}", customer_source_reference="CUST-1",
              service_date=day + timedelta(days=i % 30), status=rng.choice(statuses), total_count=40,
              processed_count=20, success_count=19, failed_count=1, progress=50)
        for i in range(start, stop)], batch_size=1000)


def _page(client: Client, path: str, rows_marker: str):
    def get():
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        assert rows_marker in response.content.decode()
        return response
    return get


def _row(Row, *, name: str, path: str, rows: int, seconds: float, queries: int, small_seconds: float,
         small_queries: int, notes: str = ""):
    ratio = seconds / small_seconds
    constant = queries == small_queries
    return Row(
        scenario=name, measured=f"GET {path} first page, {rows:,} rows", seconds=seconds,
        baseline=f"the same page, {SMALL} rows", baseline_seconds=small_seconds, target=f"≤ {TARGET:g}×",
        ratio=ratio, passed=ratio <= TARGET and constant,
        notes=f"queries: {small_queries} at {SMALL} rows, {queries} at {rows:,} "
              f"({'constant' if constant else 'NOT constant'}){notes}",
    )


def _batch_list(client: Client, *, Row, best_of):
    from deliveries.models import Batch

    assert not Batch.objects.exists()
    get = _page(client, "/batches/", "BENCH-LIST-")
    _batches(0, SMALL)
    get()
    small_queries = count_queries(get)
    small = best_of(get, repeat=15)
    _batches(SMALL, N_BATCHES)
    get()
    queries = count_queries(get)
    return _row(Row, name="batch list", path="/batches/", rows=N_BATCHES, seconds=best_of(get, repeat=15),
                queries=queries, small_seconds=small, small_queries=small_queries)


def _location_list(client: Client, *, Row, best_of):
    from locations.models import Location
    from tests.benchmarks import location_search

    if Location.objects.count() < N_LOCATIONS:
        location_search.seed()
    total = Location.objects.count()
    get = _page(client, "/locations/", "Store ")
    get()
    big_queries = count_queries(get)
    big = best_of(get, repeat=15)
    # The map's markers are not in the page; their own request is timed for the notes.
    map_seconds = best_of(_page(client, "/locations/map.json", '"truncated": true'), repeat=5)
    kept = list(Location.objects.order_by("name", "id").values_list("pk", flat=True)[:SMALL])
    small = small_queries = None
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:  # foreign keys are checked at commit, which never comes
                cursor.execute(f"DELETE FROM {Location._meta.db_table} WHERE id NOT IN "
                               f"({', '.join(['%s'] * len(kept))})", kept)
            assert Location.objects.count() == SMALL
            get()
            small_queries = count_queries(get)
            small = best_of(get, repeat=15)
            raise _Rollback
    except _Rollback:
        pass
    assert Location.objects.count() == total
    return _row(Row, name="location list", path="/locations/", rows=total, seconds=big, queries=big_queries,
                small_seconds=small, small_queries=small_queries,
                notes=f"; map points fetched separately, not part of the page "
                      f"(GET /locations/map.json: {map_seconds * 1000:.0f} ms)")


def run(*, Row, best_of, CaptureQueriesContext):
    from django.contrib.auth import get_user_model

    from dispatch_portal.staff.roles import Role
    from tests.factories import UserFactory

    del CaptureQueriesContext  # queries are counted as they run (a request empties connection.queries)
    get_user_model().objects.filter(username="bench-dispatcher").delete()
    client = Client()
    client.force_login(UserFactory(username="bench-dispatcher", role=Role.DISPATCHER))
    timezone.activate(timezone.get_default_timezone())
    return [_batch_list(client, Row=Row, best_of=best_of), _location_list(client, Row=Row, best_of=best_of)]
