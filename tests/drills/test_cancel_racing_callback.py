"""Fault drill: a dispatcher cancels a booked job while its courier is already on the way; LineTen's
callbacks saying so arrive between the click and the cancellation reaching LineTen. LineTen refuses;
the job ends booked, at the status the callbacks gave it, with the reason shown, and a second click
is refused in plain words. (The same rule with the sandbox set by hand: tests/deliveries/test_jobs.py;
this is the whole path, callbacks sent by the sandbox over HTTP.)

Real parts: the LineTen sandbox and the callback endpoint served by the live server, the portal's
carrier client and outbox in this process, the test database.
"""
import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from deliveries.models import CarrierEvent, Job
from deliveries.sandbox.lineten.controls import controls_reset
from deliveries.sandbox.lineten.models import SandboxJob
from deliveries.sandbox.lineten.services import jobs_advance
from deliveries.services.lineten_callbacks import events_apply
from tests.deliveries.test_jobs import make_job, quoted, run_outbox
from tests.drills.portal import wait_for


@pytest.fixture
def lineten(live_server, settings):
    url = f"{live_server.url}/sandbox/lineten"
    settings.LINETEN_BASE_URL, settings.LINETEN_TOKEN_URL = url, f"{url}/connect/token"
    settings.PUBLIC_BASE_URL = live_server.url  # where the sandbox sends its callbacks
    settings.SANDBOX_LINETEN_STEP_SECONDS = 0
    controls_reset()
    yield url
    controls_reset()


def courier_reaches_the_pickup(job: Job) -> None:
    """LineTen's side moves on, step by step, and calls back each step (over HTTP, to the portal)."""
    def at_pickup() -> bool:
        jobs_advance(now=timezone.now() + timedelta(minutes=5))
        return SandboxJob.objects.get(pk=job.lineten_job_id).delivery_status == "at_pickup"

    wait_for(at_pickup, 20, "the sandbox courier to reach the pickup", every=0)


@pytest.mark.django_db(transaction=True)
def test_a_cancel_overtaken_by_the_courier_is_refused_clearly_and_the_job_stays_consistent(lineten, dispatcher):
    job = quoted(make_job())
    cheapest = job.quotes.order_by("price").first()
    client = Client()
    client.force_login(dispatcher)
    client.post(f"/jobs/{job.pk}/book/", {"quote": cheapest.pk})
    run_outbox(job)
    assert Job.objects.get(pk=job.pk).state == Job.State.BOOKED

    answer = client.post(f"/jobs/{job.pk}/cancel/", HTTP_ACCEPT="application/json")  # allowed: not moving yet
    assert answer.status_code == 200 and Job.objects.get(pk=job.pk).state == Job.State.CANCELLING
    courier_reaches_the_pickup(job)
    events_apply(event_ids=list(CarrierEvent.objects.values_list("pk", flat=True)))  # the worker's part
    run_outbox(job)  # the cancellation reaches LineTen, too late

    job.refresh_from_db()
    assert job.state == Job.State.BOOKED and "refused the cancellation" in job.last_error
    assert (job.job_status, job.delivery_status) == ("in_progress", "at_pickup")  # as the callbacks said
    assert job.booking.cancellation_fee is None
    assert SandboxJob.objects.get(pk=job.lineten_job_id).status == "in_progress"  # not cancelled at LineTen
    assert job.status_changes.filter(applied=True).exists()

    again = client.post(f"/jobs/{job.pk}/cancel/", HTTP_ACCEPT="application/json")
    assert again.status_code == 409
    assert "only until the driver is en route" in json.dumps(again.json())
    assert Job.objects.get(pk=job.pk).state == Job.State.BOOKED
