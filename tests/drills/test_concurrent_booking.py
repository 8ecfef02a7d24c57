"""Fault drill: two booking requests for one job at the same moment — a double click that got
through twice, or two dispatchers — each in its own request, thread and database connection:
one booking in the database, one outbox row, one booking at LineTen.

PostgreSQL only: the race is decided by row locks (SELECT … FOR UPDATE) and the one-booking-per-job
constraint. SQLite takes the write lock for the whole transaction (IMMEDIATE), so its requests never
overlap there: nothing to race. (Sequential double clicks: tests/deliveries/test_jobs.py.)
"""
import threading

import pytest
from django.db import connection, connections
from django.test import Client

from deliveries.models import Job, JobBooking, Outbox
from deliveries.sandbox.lineten.controls import controls_reset
from deliveries.sandbox.lineten.models import SandboxJob
from tests.deliveries.test_jobs import make_job, quoted, run_outbox

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql",
                                reason="a booking race needs row locks; SQLite serialises writers (PostgreSQL only)")


@pytest.fixture
def lineten(live_server, settings):
    url = f"{live_server.url}/sandbox/lineten"
    settings.LINETEN_BASE_URL, settings.LINETEN_TOKEN_URL = url, f"{url}/connect/token"
    settings.PUBLIC_BASE_URL = live_server.url
    controls_reset()
    yield url
    controls_reset()


def at_once(user, job: Job, quote_ids: list[int]) -> list[int]:
    """POST /jobs/<id>/book/ once per quote id, all released together; their status codes."""
    ready = threading.Barrier(len(quote_ids))
    statuses: list[int] = []

    def book(quote_id: int) -> None:
        try:
            client = Client()
            client.force_login(user)
            ready.wait(timeout=10)
            statuses.append(client.post(f"/jobs/{job.pk}/book/", {"quote": quote_id}).status_code)
        finally:
            connections.close_all()  # this thread's own connection

    threads = [threading.Thread(target=book, args=(quote_id,)) for quote_id in quote_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return statuses


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("which", ["the same quote twice", "two different quotes"])
def test_two_booking_requests_at_once_make_one_booking(lineten, dispatcher, which):
    job = quoted(make_job())
    quotes = list(job.quotes.order_by("price").values_list("pk", flat=True))
    chosen = [quotes[0], quotes[0]] if which == "the same quote twice" else quotes[:2]

    assert at_once(dispatcher, job, chosen) == [302, 302]  # both answered, neither failed

    assert JobBooking.objects.filter(job=job).count() == 1
    assert Outbox.objects.filter(key=job.client_ref).count() == 1
    run_outbox(job)
    job.refresh_from_db()
    assert job.state == Job.State.BOOKED and job.booking.quote_id in chosen
    assert SandboxJob.objects.get(pk=job.lineten_job_id).status == "booked"
