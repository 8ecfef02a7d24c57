"""Courier jobs against the LineTen sandbox over real HTTP: quotes, one booking whatever the
clicks, cancellation rules, and callbacks stored first, deduplicated, applied forward only."""
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from deliveries.carriers.lineten.schemas import StoreLocation
from deliveries.models import CarrierEvent, Job, JobBooking, Outbox
from deliveries.sandbox.lineten.controls import controls_reset
from deliveries.sandbox.lineten.models import SandboxJob
from deliveries.sandbox.lineten.services import jobs_advance
from deliveries.services.job_request import quote_request_for_job
from deliveries.services.jobs import (
    JobRuleError,
    job_book,
    job_book_immediately,
    job_cancel,
    job_quotes_fetch,
    job_request_quotes,
)
from deliveries.services import lineten_callbacks
from deliveries.services.lineten_callbacks import callbacks_receive, events_apply, events_apply_pending
from deliveries.services.outbox import outbox_run
from tests.factories import LocationFactory

W12 = dict(pickup_company="LineTen", pickup_address1="Unit 1", pickup_postcode="W12 7FP", pickup_city="London",
           pickup_country="England", pickup_latitude=51.5134, pickup_longitude=-0.2278)
W14 = dict(delivery_address1="55 Woodsford Square", delivery_postcode="W14 8DS", delivery_city="London",
           delivery_country="England", delivery_latitude=51.5031, delivery_longitude=-0.2090,
           delivery_person={"first_name": "George", "last_name": "King", "phone": "07934123456"})


def make_job(ref="JOB-1", **fields) -> Job:
    values = {"client_ref": ref, "package_sizes": ["M", "M"], "transport_types": [],
              "requested_time": timezone.now() + timedelta(hours=2), **W12, **W14} | fields
    return Job.objects.create(**values)


@pytest.fixture
def sandbox(live_server, settings):
    url = f"{live_server.url}/sandbox/lineten"
    settings.LINETEN_BASE_URL, settings.LINETEN_TOKEN_URL = url, f"{url}/connect/token"
    settings.PUBLIC_BASE_URL = live_server.url
    controls_reset()
    yield url
    controls_reset()


def quoted(job: Job) -> Job:
    job_request_quotes(job=job)
    job_quotes_fetch(job_id=job.pk, round_=Job.objects.get(pk=job.pk).quote_rounds)
    return Job.objects.get(pk=job.pk)


def run_outbox(job: Job) -> None:
    for row in Outbox.objects.filter(key=job.client_ref).exclude(status=Outbox.Status.DONE):
        outbox_run(outbox_id=row.pk)


# --- the quote request ---------------------------------------------------------------------------------
@pytest.mark.django_db
def test_client_form_carries_the_pickup_address_and_quantity_as_repeated_items():
    request = quote_request_for_job(make_job(package_sizes=["M", "M", "L"]))

    assert request.pickup.location.address.postcode == "W12 7FP"
    assert [str(s) for s in request.delivery.package_sizes] == ["M", "M", "L"]
    assert request.delivery.location.geolocation.latitude == 51.5031


@pytest.mark.django_db
def test_store_form_names_our_store_by_its_ref():
    store = LocationFactory(ref="LDN-SOHO", latitude=51.51, longitude=-0.13)
    request = quote_request_for_job(make_job(pickup_store=store))

    assert request.pickup.location == StoreLocation("LDN-SOHO")


@pytest.mark.django_db
def test_a_requested_time_alone_means_a_60_minute_window_and_a_window_wins():
    at = timezone.now() + timedelta(hours=3)
    alone = quote_request_for_job(make_job(requested_time=at))
    both = quote_request_for_job(make_job(ref="J2", requested_time=at, window_from=at, window_to=at + timedelta(hours=2)))

    assert alone.delivery.requested_window.end - alone.delivery.requested_window.start == timedelta(minutes=60)
    assert both.delivery.requested_window.end - both.delivery.requested_window.start == timedelta(hours=2)


# --- quotes and booking --------------------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_quotes_arrive_from_several_couriers(sandbox):
    job = quoted(make_job())

    assert job.state == Job.State.QUOTED and job.lineten_job_id
    assert job.quotes.values("provider_name").distinct().count() >= 2
    assert all(q.price > 0 for q in job.quotes.all())  # the quoted price, not the 0 of FinalTotalAmount


@pytest.mark.django_db(transaction=True)
def test_a_refused_quote_request_shows_the_carriers_messages_and_can_be_retried(sandbox):
    job = quoted(make_job(pickup_store=LocationFactory(ref="UNKNOWN1", latitude=None, longitude=None),
                          **{k: "" for k in ("pickup_address1",)}))

    assert job.state == Job.State.QUOTE_FAILED and "LineTen refused" in job.last_error
    job_request_quotes(job=job)
    assert Job.objects.get(pk=job.pk).state == Job.State.QUOTING


@pytest.mark.django_db(transaction=True)
def test_booking_the_cheapest_twice_books_once(sandbox):
    job = quoted(make_job())
    cheapest = job.quotes.order_by("price").first()

    job_book(job=job, quote=cheapest)
    job_book(job=job, quote=cheapest)  # a double click
    run_outbox(job)

    job.refresh_from_db()
    assert job.state == Job.State.BOOKED and job.booking.quote == cheapest
    assert JobBooking.objects.filter(job=job).count() == 1
    assert Outbox.objects.filter(key=job.client_ref).count() == 1
    assert SandboxJob.objects.get(pk=job.lineten_job_id).status == "booked"


@pytest.mark.django_db(transaction=True)
def test_an_expired_quote_cannot_be_booked(sandbox):
    job = quoted(make_job())
    quote = job.quotes.first()
    job.quotes.update(expires_at=timezone.now() - timedelta(seconds=1))
    quote.refresh_from_db()

    with pytest.raises(JobRuleError, match="expired"):
        job_book(job=job, quote=quote)
    assert not JobBooking.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_immediate_booking_lets_lineten_pick(sandbox):
    job = make_job()

    job_book_immediately(job=job)
    run_outbox(job)

    job.refresh_from_db()
    assert job.state == Job.State.BOOKED and job.booking.immediate and job.booking.quote is not None


@pytest.mark.django_db(transaction=True)
def test_cancel_before_en_route_pickup_cancels(sandbox):
    job = quoted(make_job())
    job_book(job=job, quote=job.quotes.first())
    run_outbox(job)

    job_cancel(job=Job.objects.get(pk=job.pk))
    run_outbox(job)

    job.refresh_from_db()
    assert job.state == Job.State.CANCELLED and job.booking.cancellation_fee is not None


@pytest.mark.django_db
def test_cancel_after_en_route_pickup_is_refused_clearly_and_changes_nothing():
    job = make_job(state=Job.State.BOOKED, job_status="in_progress", delivery_status="at_pickup")

    with pytest.raises(JobRuleError, match="only until the driver is en route"):
        job_cancel(job=job)
    job.refresh_from_db()
    assert job.state == Job.State.BOOKED and not Outbox.objects.exists()


@pytest.mark.django_db
def test_cancelling_a_final_job_is_refused():
    job = make_job(state=Job.State.BOOKED, job_status="closed", delivery_status="delivered")

    with pytest.raises(JobRuleError, match="already closed"):
        job_cancel(job=job)


@pytest.mark.django_db(transaction=True)
def test_cancel_racing_a_callback_past_en_route_pickup_ends_booked_with_the_reason(sandbox):
    job = quoted(make_job())
    job_book(job=job, quote=job.quotes.first())
    run_outbox(job)
    job_cancel(job=Job.objects.get(pk=job.pk))  # allowed: the job has not moved yet
    # Meanwhile the courier reaches the pickup at LineTen.
    SandboxJob.objects.filter(pk=job.lineten_job_id).update(status="in_progress", delivery_status="at_pickup")

    run_outbox(job)

    job.refresh_from_db()
    assert job.state == Job.State.BOOKED and "refused the cancellation" in job.last_error


# --- callbacks -----------------------------------------------------------------------------------------
def event(event_id, job_id, job_status, delivery_status, minute, ref="JOB-1"):
    """A callback event as the spec shows it (Unix timestamps)."""
    return {"Id": event_id, "JobId": job_id, "ClientRef": ref, "JobStatus": job_status,
            "DeliveryStatus": delivery_status, "ProviderTimestamp": 1795860000 + 60 * minute}


def post(client, body, secret="dev-callback-secret"):
    return client.post(f"/callbacks/lineten/{secret}/", data=json.dumps(body), content_type="application/json")


def apply_stored():
    """What the worker's task does with the events a POST stored."""
    events_apply(event_ids=list(CarrierEvent.objects.values_list("pk", flat=True)))


@pytest.mark.django_db
def test_a_wrong_secret_is_404_and_stores_nothing(client):
    assert post(client, [event("e1", 1, "booked", "pending", 0)], secret="nope").status_code == 404
    assert not CarrierEvent.objects.exists()


@pytest.mark.django_db
def test_a_malformed_body_is_400_and_stores_nothing(client):
    response = post(client, [{"Id": "e1", "JobStatus": "teleported"}])

    assert response.status_code == 400
    assert not CarrierEvent.objects.exists()


@pytest.fixture
def sent_apply_tasks(monkeypatch):
    """The apply tasks the callbacks send, recorded instead of published (the worker drills send them)."""
    from django.core.cache import cache

    from deliveries.tasks import lineten_events_apply

    cache.clear()  # no window left open by an earlier test
    sent = []
    monkeypatch.setattr(lineten_events_apply, "apply_async", lambda **options: sent.append(options))
    yield sent
    cache.clear()  # nor one left open by this test, whose task was never sent


@pytest.mark.django_db
def test_a_repeated_event_is_stored_and_applied_once(client, sent_apply_tasks, django_capture_on_commit_callbacks):
    job = make_job(lineten_job_id=77, state=Job.State.BOOKED, job_status="booked", delivery_status="pending")
    body = [event("e1", 77, "in_progress", "driver_assigned", 1), event("e1", 77, "in_progress", "driver_assigned", 1)]

    with django_capture_on_commit_callbacks(execute=True):
        assert post(client, body).json() == {"received": 2}
        assert post(client, body).status_code == 200
    apply_stored()
    apply_stored()

    assert len(sent_apply_tasks) == 1
    assert CarrierEvent.objects.count() == 1
    assert job.status_changes.count() == 1


@pytest.mark.django_db
def test_a_burst_of_callbacks_sends_one_apply_task_due_after_its_window(client, sent_apply_tasks,
                                                                        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for minute in range(5):
            assert post(client, [event(f"e{minute}", 77, "in_progress", "driver_assigned", minute)]).status_code == 200

    assert sent_apply_tasks == [{"countdown": lineten_callbacks.APPLY_WINDOW_SECONDS}]
    assert CarrierEvent.objects.count() == 5


@pytest.mark.django_db
def test_a_callback_whose_task_cannot_be_sent_is_kept_for_the_sweep(client, monkeypatch,
                                                                    django_capture_on_commit_callbacks):
    from django.core.cache import cache

    from deliveries.tasks import lineten_events_apply

    cache.clear()
    job = make_job(lineten_job_id=77, state=Job.State.BOOKED, job_status="booked", delivery_status="pending")

    def broker_away(**options):
        raise ConnectionError("broker down")

    monkeypatch.setattr(lineten_events_apply, "apply_async", broker_away)
    with django_capture_on_commit_callbacks(execute=True):
        assert post(client, [event("e1", 77, "in_progress", "driver_assigned", 1)]).status_code == 200

    assert CarrierEvent.objects.filter(event_id="e1", applied_at=None).exists()
    assert cache.get(lineten_callbacks._APPLY_SCHEDULED_KEY) is None  # the next callback tries again
    lineten_events_apply()  # what beat's sweep runs

    job.refresh_from_db()
    assert job.delivery_status == "driver_assigned"


@pytest.mark.django_db
def test_applying_pending_events_takes_them_all_a_chunk_at_a_time(monkeypatch):
    monkeypatch.setattr(lineten_callbacks, "PENDING_CHUNK", 2)
    job = make_job(lineten_job_id=77, state=Job.State.BOOKED, job_status="booked", delivery_status="pending")
    statuses = ["driver_assigned", "en_route_pickup", "at_pickup", "en_route_delivery", "at_delivery"]
    callbacks_receive(body=[event(f"e{i}", 77, "in_progress", status, i) for i, status in enumerate(statuses)])

    assert events_apply_pending() == 5
    assert events_apply_pending() == 0

    job.refresh_from_db()
    assert job.delivery_status == "at_delivery"
    assert job.status_changes.filter(applied=True).count() == 5


@pytest.mark.django_db
def test_events_apply_in_order_and_never_move_a_job_back():
    job = make_job(lineten_job_id=77, state=Job.State.BOOKED, job_status="booked", delivery_status="pending")
    # Sent out of order in one POST: applied by when they happened.
    callbacks_receive(body=[event("e3", 77, "in_progress", "at_pickup", 3),
                            event("e2", 77, "in_progress", "en_route_pickup", 2)])
    apply_stored()
    # A late straggler from before: recorded, not applied.
    callbacks_receive(body=[event("e1", 77, "in_progress", "driver_assigned", 1)])
    apply_stored()

    job.refresh_from_db()
    assert (job.job_status, job.delivery_status) == ("in_progress", "at_pickup")
    timeline = list(job.status_changes.values_list("delivery_status", "applied"))
    assert timeline == [("driver_assigned", False), ("en_route_pickup", True), ("at_pickup", True)]
    assert CarrierEvent.objects.get(event_id="e1").outcome.startswith("ignored")


@pytest.mark.django_db
def test_an_event_for_an_unknown_job_is_kept_for_inspection():
    assert callbacks_receive(body=[event("e9", 999, "booked", "pending", 0, ref="NOBODY")]) == 1
    apply_stored()

    kept = CarrierEvent.objects.get(event_id="e9")
    assert kept.outcome.startswith("unknown job") and kept.body["JobId"] == 999


@pytest.mark.django_db(transaction=True)
def test_the_sandbox_callbacks_move_a_booked_job_forward(sandbox, client, settings):
    settings.SANDBOX_LINETEN_STEP_SECONDS = 0
    job = quoted(make_job())
    job_book(job=job, quote=job.quotes.first())
    run_outbox(job)

    for _ in range(3):
        jobs_advance(now=timezone.now() + timedelta(minutes=5))
    events_apply(event_ids=list(CarrierEvent.objects.values_list("pk", flat=True)))

    job.refresh_from_db()
    assert job.job_status == "in_progress" and job.status_changes.filter(applied=True).exists()
