"""Booked jobs move through the spec's status table on the sandbox tick and call back each step."""
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from deliveries.carriers.lineten.mapping import parse_callback_events
from deliveries.carriers.lineten.statuses import PROGRESSION, moves_forward
from deliveries.sandbox.lineten.models import SandboxCallback, SandboxJob
from deliveries.sandbox.lineten.services import jobs_advance
from deliveries.sandbox.lineten.tasks import sandbox_tick
from tests.carriers.scripted_server import Answer

from .conftest import DROP_OFF, quote_request

pytestmark = pytest.mark.django_db(transaction=True)


def events_received(receiver) -> list:
    return [event for call in receiver.calls("/cb") for event in parse_callback_events(call.body)]


def test_a_booked_job_walks_the_status_table_and_calls_back_every_step(lineten, receiver, settings):
    settings.SANDBOX_LINETEN_STEP_SECONDS = 0
    booking = lineten.immediate_booking(quote_request(callback_url=f"{receiver.url}/cb"))

    for _ in range(len(PROGRESSION) + 1):  # one more than needed: a closed job stays closed
        sandbox_tick()

    events = events_received(receiver)
    assert [e.state for e in events] == list(PROGRESSION)
    assert all(moves_forward(a.state, b.state) for a, b in zip(events, events[1:]))
    assert len({e.id for e in events}) == len(events)  # every event its own Id
    assert {e.job_id for e in events} == {booking.job_id} and {e.client_ref for e in events} == {"JOB-1"}
    booked, assigned, *_, closed = events
    assert booked.driver.name == "" and assigned.driver.name and assigned.driver.phone.startswith("07700 900")
    assert assigned.vehicle.type.lower() == booking.booked_quote.transport_types[0]
    assert closed.position.latitude == pytest.approx(DROP_OFF.geolocation.latitude, abs=1e-5)  # at the drop-off
    assert closed.estimated_delivery > closed.estimated_pickup
    assert closed.quote_price == booking.booked_quote.quoted_price
    assert SandboxJob.objects.get(pk=booking.job_id).status == "closed"


def test_a_job_moves_one_step_per_step_interval(lineten, settings):
    settings.SANDBOX_LINETEN_STEP_SECONDS = 60
    booking = lineten.immediate_booking(quote_request())
    now = timezone.now()

    jobs_advance(now=now + timedelta(seconds=30))
    assert SandboxJob.objects.get(pk=booking.job_id).delivery_status == "pending"
    jobs_advance(now=now + timedelta(seconds=61))
    jobs_advance(now=now + timedelta(seconds=62))  # the next step is due a minute after the last
    assert SandboxJob.objects.get(pk=booking.job_id).delivery_status == "driver_assigned"


def test_a_failing_callback_url_is_retried_on_a_later_tick_in_order(lineten, receiver, settings):
    settings.SANDBOX_LINETEN_STEP_SECONDS = 0
    receiver.queue("/cb", Answer(500), Answer(500))
    lineten.immediate_booking(quote_request(callback_url=f"{receiver.url}/cb"))
    now = timezone.now()

    assert jobs_advance(now=now)["callbacks_failed"] == 2  # booked + driver_assigned, in one array
    assert jobs_advance(now=now + timedelta(seconds=1))["callbacks_sent"] == 0  # pausing after the failure
    report = jobs_advance(now=now + timedelta(seconds=20))  # the second attempt fails too; the job moves on
    assert (report["advanced"], report["callbacks_failed"]) == (1, 4)
    assert jobs_advance(now=now + timedelta(seconds=60))["callbacks_sent"] == 5

    delivered = json.loads(receiver.calls("/cb")[-1].body)
    assert [e["DeliveryStatus"] for e in delivered] == ["pending", "driver_assigned", "en_route_pickup",
                                                        "at_pickup", "en_route_delivery"]
    assert len(receiver.calls("/cb")) == 3
    assert SandboxCallback.objects.filter(sent_at__isnull=True).count() == 0


def test_an_unreachable_callback_url_never_breaks_the_tick(lineten, settings):
    settings.SANDBOX_LINETEN_STEP_SECONDS = 0
    lost = lineten.immediate_booking(quote_request(callback_url="http://127.0.0.1:9/cb"))
    other = lineten.immediate_booking(quote_request(client_ref="JOB-2"))

    report = jobs_advance()

    assert report["advanced"] == 2 and report["callbacks_failed"] == 2
    assert SandboxJob.objects.get(pk=lost.job_id).delivery_status == "driver_assigned"
    assert SandboxJob.objects.get(pk=other.job_id).delivery_status == "driver_assigned"
    assert "ConnectionError" in SandboxCallback.objects.filter(job_id=lost.job_id).first().last_error


def test_quotes_left_unbooked_expire_and_say_so(lineten, receiver):
    answer = lineten.quote(quote_request(callback_url=f"{receiver.url}/cb"))

    jobs_advance(now=timezone.now() + timedelta(minutes=16))

    job = SandboxJob.objects.get(pk=answer.job_id)
    assert (job.status, job.delivery_status) == ("expired", "cancelled")
    assert [e.state for e in events_received(receiver)] == [("expired", "cancelled")]


def test_a_cancelled_job_stops_moving_and_calls_back_once_more(lineten, receiver, settings):
    settings.SANDBOX_LINETEN_STEP_SECONDS = 0
    booking = lineten.immediate_booking(quote_request(callback_url=f"{receiver.url}/cb"))
    jobs_advance()
    lineten.cancel(booking.job_id)
    jobs_advance()
    jobs_advance()

    states = [e.state for e in events_received(receiver)]
    assert states == [PROGRESSION[0], PROGRESSION[1], ("cancelled", "cancelled")]
    assert events_received(receiver)[-1].quote_price_cancelled == booking.booked_quote.cancellation_fee
