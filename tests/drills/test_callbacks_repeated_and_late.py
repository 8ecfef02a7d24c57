"""Fault drill: LineTen callbacks arriving twice (two deliveries at once) and out of order, over
HTTP to the portal, applied by a real worker: each event is stored and applied once, and the job
never moves back. (The rules themselves: tests/deliveries/test_jobs.py; this is the whole path.)

Real parts: the callback endpoint served by the live server, a worker process on the configured
broker applying the stored events, the test database.
"""
from concurrent.futures import ThreadPoolExecutor
from itertools import pairwise

import pytest
import requests
from django.conf import settings
from django.core.cache import cache

from deliveries.carriers.lineten.statuses import moves_forward
from deliveries.models import CarrierEvent, Job
from dispatch_portal.celery import app as celery_app
from tests.deliveries.test_jobs import event, make_job
from tests.drills.portal import Worker, wait_for


def applied(*event_ids: str) -> bool:
    return CarrierEvent.objects.filter(event_id__in=event_ids, applied_at__isnull=False).count() == len(event_ids)


@pytest.mark.django_db(transaction=True)
def test_a_repeated_and_a_late_callback_are_applied_once_and_never_move_the_job_back(live_server, tmp_path):
    celery_app.control.purge()
    cache.clear()  # the purge dropped any apply task an earlier test's open window is waiting on
    job = make_job(lineten_job_id=77, state=Job.State.BOOKED, job_status="booked", delivery_status="pending")
    url = f"{live_server.url}/callbacks/lineten/{settings.CALLBACK_SECRET}/"

    def post(*events) -> int:
        return requests.post(url, json=list(events), timeout=10).status_code

    worker = Worker(live_server, "callbacks", tmp_path / "worker.log")
    try:
        assert post(event("e1", 77, "in_progress", "driver_assigned", 1)) == 200
        wait_for(lambda: applied("e1"), 30, "the worker to apply e1")
        assert post(event("e3", 77, "in_progress", "at_pickup", 3)) == 200
        wait_for(lambda: applied("e3"), 30, "the worker to apply e3")
        # e2 happened before e3 but arrives after it; e3 arrives again, twice at once.
        assert post(event("e2", 77, "in_progress", "en_route_pickup", 2)) == 200
        with ThreadPoolExecutor(2) as pool:
            repeats = list(pool.map(lambda _: post(event("e3", 77, "in_progress", "at_pickup", 3)), range(2)))
        assert repeats == [200, 200]
        wait_for(lambda: applied("e1", "e2", "e3"), 30, "the worker to look at e2")
    finally:
        worker.stop()

    job.refresh_from_db()
    assert (job.job_status, job.delivery_status) == ("in_progress", "at_pickup")
    assert sorted(CarrierEvent.objects.values_list("event_id", flat=True)) == ["e1", "e2", "e3"]  # e3 stored once
    timeline = list(job.status_changes.order_by("id").values_list("event__event_id", "delivery_status", "applied"))
    assert timeline == [("e1", "driver_assigned", True), ("e3", "at_pickup", True), ("e2", "en_route_pickup", False)]
    assert CarrierEvent.objects.get(event_id="e2").outcome.startswith("ignored")
    moves = [("in_progress", d) for _, d, was_applied in timeline if was_applied]
    assert all(moves_forward(a, b) for a, b in pairwise(moves))
