"""The dispatchers' courier-job pages: the form and its checks, a job made from a batch drop-off,
the action buttons (each harmless when clicked twice), refusals shown as messages, who may do
what, and reads whose query count does not grow with the data."""
import json
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from deliveries.models import Batch, CarrierEvent, Item, Job, JobBooking, JobStatusChange, Outbox, Quote, Stop
from deliveries.selectors_jobs import job_dashboard_tiles, job_page
from deliveries.services.job_request import quote_request_for_job
from tests.factories import LocationFactory, UserFactory

pytestmark = pytest.mark.django_db

W12 = {"pickup_company": "LineTen", "pickup_address1": "Unit 1", "pickup_postcode": "W12 7FP",
       "pickup_city": "London", "pickup_latitude": 51.5134, "pickup_longitude": -0.2278}
W14 = {"delivery_address1": "55 Woodsford Square", "delivery_postcode": "W14 8DS", "delivery_city": "London",
       "delivery_latitude": 51.5031, "delivery_longitude": -0.2090}


def make_job(ref="JOB-T1", **fields) -> Job:
    values = {"client_ref": ref, "package_sizes": ["M"], **W12, **W14} | fields
    return Job.objects.create(**values)


def add_quotes(job: Job, prices, *, minutes=10, transport="car", round_=None) -> list[Quote]:
    round_ = round_ or job.quote_rounds or 1
    if job.quote_rounds != round_:
        Job.objects.filter(pk=job.pk).update(quote_rounds=round_)
        job.quote_rounds = round_
    return [
        Quote.objects.create(
            job=job, round=round_, quote_response_id=str(uuid.uuid4()), provider_name=f"Courier {i}",
            transport_types=[transport] if isinstance(transport, str) else transport[i], price=Decimal(price),
            currency="GBP", distance=4.2, cancellation_fee=Decimal("2.50"),
            expires_at=timezone.now() + timedelta(minutes=minutes))
        for i, price in enumerate(prices)
    ]


def add_timeline(job: Job, steps: int) -> None:
    """Callbacks in the order they were applied; every third one a late straggler (a step back)."""
    statuses = ["driver_assigned", "en_route_pickup", "at_pickup", "en_route_delivery", "at_delivery"]
    for i in range(steps):
        event = CarrierEvent.objects.create(source=CarrierEvent.Source.LINETEN, event_id=f"{job.pk}-{i}",
                                            event_type="in_progress", body={})
        straggler = i % 3 == 2
        JobStatusChange.objects.create(
            job=job, event=event, job_status="in_progress",
            delivery_status="driver_assigned" if straggler else statuses[i % len(statuses)],
            driver="Ayesha Khan · 07700 900001", vehicle="CAR · LT10 AAA", latitude=51.5, longitude=-0.2,
            occurred_at=timezone.now() + timedelta(minutes=i), applied=not straggler)


def form_data(**changes) -> dict:
    at = timezone.localtime() + timedelta(hours=3)
    data = {
        "pickup_kind": "address", "pickup_company": "LineTen", "pickup_address1": "Unit 1", "pickup_postcode": "W12 7FP",
        "pickup_city": "London", "pickup_latitude": "51.5134", "pickup_longitude": "-0.2278",
        "pickup_first_name": "John", "pickup_phone": "07934123456",
        "delivery_address1": "55 Woodsford Square", "delivery_postcode": "W14 8DS", "delivery_city": "London",
        "delivery_latitude": "51.5031", "delivery_longitude": "-0.2090", "delivery_first_name": "George",
        "delivery_last_name": "King", "qty_M": "2", "qty_L": "1", "transport_types": ["motorbike", "car"],
        "flags": ["signature"], "tags": ["fragile"], "requested_time": at.strftime("%Y-%m-%dT%H:%M"),
        "notes": "Ring twice",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def error_of(html: str, field: str) -> str:
    """The text of a field's error block (the one its input points at with aria-describedby)."""
    marker = f'id="{field}-error"'
    assert marker in html, f"no error shown for {field}"
    block = html.split(marker, 1)[1].split("</div>", 1)[0]
    return " ".join(part.split(">")[-1] for part in block.split("<") if ">" in part).strip()


@pytest.fixture
def signed_in(client, dispatcher):
    client.force_login(dispatcher)
    return client


# --- the form ---------------------------------------------------------------------------------------------------
def test_errors_are_shown_next_to_their_fields_and_nothing_is_saved(signed_in):
    start = timezone.localtime() + timedelta(hours=4)
    response = signed_in.post("/jobs/new/", form_data(
        delivery_latitude="", delivery_longitude="200", qty_M="0", qty_L="0", transport_types=["any", "van"],
        window_from=start.strftime("%Y-%m-%dT%H:%M"),
        window_to=(start - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Nothing was saved" in html
    assert "delivery’s latitude" in error_of(html, "delivery_latitude")
    assert "between -180 and 180" in error_of(html, "delivery_longitude")
    assert "at least one item" in error_of(html, "qty_M")
    assert "before it starts" in error_of(html, "window_to")
    assert "“Any” alone" in error_of(html, "transport_types")
    assert 'aria-invalid="true" aria-describedby="delivery_latitude-error"' in html
    assert not Job.objects.exists()


def test_a_store_without_coordinates_is_refused_before_any_call(signed_in):
    store = LocationFactory(ref="NOCOORD", name="Lost Store", latitude=None, longitude=None)

    response = signed_in.post("/jobs/new/", form_data(pickup_kind="store", pickup_store=str(store.pk)))

    assert "no coordinates on record" in error_of(response.content.decode(), "pickup_store")
    assert not Job.objects.exists()


def test_a_past_time_and_half_a_window_are_refused(signed_in):
    past = timezone.localtime() - timedelta(hours=1)
    html = signed_in.post("/jobs/new/", form_data(requested_time=past.strftime("%Y-%m-%dT%H:%M"),
                                                  window_from=(past + timedelta(hours=5)).strftime("%Y-%m-%dT%H:%M"))
                          ).content.decode()

    assert "has passed" in error_of(html, "requested_time")
    assert "end of the window" in error_of(html, "window_to")


def test_an_address_pickup_needs_its_address_and_coordinates(signed_in):
    html = signed_in.post("/jobs/new/", form_data(pickup_address1="", pickup_postcode="", pickup_latitude="",
                                                  pickup_longitude="91")).content.decode()

    assert "pickup’s first address line" in error_of(html, "pickup_address1")
    assert "pickup’s postcode" in error_of(html, "pickup_postcode")
    assert "pickup’s latitude" in error_of(html, "pickup_latitude")
    assert "between -180 and 180" not in html and "91" not in error_of(html, "pickup_latitude")


def test_an_address_pickup_saves_a_draft_with_items_as_repeated_sizes(signed_in, dispatcher):
    response = signed_in.post("/jobs/new/", form_data())

    job = Job.objects.get()
    assert response.status_code == 302 and response.url == f"/jobs/{job.pk}/"
    assert job.state == Job.State.DRAFT and job.created_by == dispatcher
    assert job.package_sizes == ["M", "M", "L"]
    assert job.client_ref.startswith("JOB-") and len(job.client_ref) == 10
    assert (job.transport_types, job.flags, job.tags) == (["motorbike", "car"], ["signature"], ["fragile"])
    assert job.pickup_person == {"first_name": "John", "phone": "07934123456"}
    request = quote_request_for_job(job)
    assert request.pickup.location.address.postcode == "W12 7FP"
    assert request.delivery.requested_window.end - request.delivery.requested_window.start == timedelta(minutes=60)


def test_a_store_pickup_is_sent_as_our_location_ref(signed_in):
    store = LocationFactory(ref="LDN-SOHO", name="Soho Store", latitude=51.5133, longitude=-0.1389)

    signed_in.post("/jobs/new/", form_data(pickup_kind="store", pickup_store=str(store.pk), client_ref="SOHO-42"))

    job = Job.objects.get(client_ref="SOHO-42")
    assert job.pickup_store == store and job.pickup_address1 == ""
    assert quote_request_for_job(job).is_store_form


def test_a_window_wins_over_a_time(signed_in):
    start = (timezone.localtime() + timedelta(days=1)).replace(hour=11, minute=30, second=0, microsecond=0)
    signed_in.post("/jobs/new/", form_data(window_from=start.strftime("%Y-%m-%dT%H:%M"),
                                           window_to=(start + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")))

    window = quote_request_for_job(Job.objects.get()).delivery.requested_window
    assert (window.start, window.end) == (start, start + timedelta(hours=3))


def test_a_reference_in_use_is_refused(signed_in):
    make_job(ref="JOB-TAKEN")

    html = signed_in.post("/jobs/new/", form_data(client_ref="job-taken")).content.decode()

    assert "reference of another job" in error_of(html, "client_ref")
    assert Job.objects.count() == 1


# --- from a batch drop-off ------------------------------------------------------------------------------------------
def test_a_job_from_a_batch_drop_off_is_prefilled_and_remembers_it(signed_in):
    warehouse = LocationFactory(ref="DC-DART", name="Dartford DC", type="WAREHOUSE", latitude=51.44, longitude=0.21)
    batch = Batch.objects.create(batch_source_reference="B-1", team_source_reference="T", service_date="2030-05-01")
    Stop.objects.create(batch=batch, kind=Stop.Kind.PICKUP, position=0, stop_source_reference="P1", name="Dartford",
                        address="Dartford", trip_date="2030-05-01T08:00:00", location=warehouse)
    stop = Stop.objects.create(
        batch=batch, kind=Stop.Kind.DROPOFF, position=0, stop_source_reference="D1", name="George King",
        address="55 Woodsford Square, London W14 8DS", contact_name="George King", contact_phone="07934123456",
        latitude=51.5031, longitude=-0.209, trip_date="2030-05-01T09:00:00",
        time_window_start="2030-05-01T11:30:00", time_window_end="2030-05-01T14:30:00")
    stop.items.add(Item.objects.create(batch=batch, position=0, item_source_reference="I1"),
                   through_defaults={})

    response = signed_in.get(f"/jobs/new/?stop={stop.pk}")

    form = response.context["form"]
    assert form.initial["delivery_address1"] == "55 Woodsford Square"
    assert form.initial["delivery_postcode"] == "W14 8DS" and form.initial["delivery_city"] == "London"
    assert (form.initial["delivery_latitude"], form.initial["delivery_first_name"]) == (51.5031, "George")
    assert form.initial["pickup_kind"] == "store" and form.initial["pickup_store"] == warehouse.pk
    assert timezone.localtime(form.initial["window_from"]).strftime("%H:%M") == "11:30"
    assert "Filled in from drop-off" in response.content.decode()

    data = form_data(pickup_kind="store", pickup_store=str(warehouse.pk), source_stop=str(stop.pk), requested_time="",
                     window_from="2030-05-01T11:30", window_to="2030-05-01T14:30")
    signed_in.post("/jobs/new/", data)
    assert Job.objects.get().source_stop == stop


def test_an_unknown_drop_off_is_404(signed_in):
    assert signed_in.get("/jobs/new/?stop=999999").status_code == 404


# --- quotes, booking, cancelling ---------------------------------------------------------------------------------------
def test_request_quotes_asks_once_however_often_it_is_clicked(signed_in, django_capture_on_commit_callbacks):
    job = make_job()

    with django_capture_on_commit_callbacks() as sent:
        first = signed_in.post(f"/jobs/{job.pk}/quotes/")
        second = signed_in.post(f"/jobs/{job.pk}/quotes/", HTTP_ACCEPT="application/json")

    job.refresh_from_db()
    assert first.status_code == 302 and first.url == f"/jobs/{job.pk}/"
    assert job.state == Job.State.QUOTING and job.quote_rounds == 1
    assert len(sent) == 1  # one task for the worker
    body = second.json()
    assert body["state"] == "quoting" and body["pollMs"] == 2000
    assert "Asking LineTen’s couriers for quotes" in body["html"]


def test_the_page_of_a_quoting_job_waits_and_polls(signed_in):
    job = make_job(state=Job.State.QUOTING, quote_rounds=1)

    html = signed_in.get(f"/jobs/{job.pk}/").content.decode()

    assert 'role="status"' in html and "Asking LineTen’s couriers for quotes" in html
    assert f'data-state-url="/jobs/{job.pk}/state.json"' in html and 'data-poll-ms="2000"' in html


def test_a_failed_quote_request_shows_the_carriers_messages_and_can_be_retried(signed_in):
    job = make_job(state=Job.State.QUOTE_FAILED, quote_rounds=1,
                   last_error="LineTen refused the request: Tasks[0].Location.ExtStoreRef: 'X' is not a store")

    html = signed_in.get(f"/jobs/{job.pk}/").content.decode()

    assert "The quote request failed." in html and "is not a store" in html
    assert ">Request quotes</button>" in html
    signed_in.post(f"/jobs/{job.pk}/quotes/")
    assert Job.objects.get(pk=job.pk).state == Job.State.QUOTING


def test_the_board_marks_the_cheapest_and_the_fastest_bookable_quote(signed_in):
    job = make_job(state=Job.State.QUOTED)
    expired, cheap_car, motorbike = add_quotes(job, ["5.00", "9.10", "12.30"], transport=[["car"], ["car"], ["motorbike"]])
    Quote.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(seconds=5))

    page = job_page(job.pk)

    marks = {row.quote.pk: (row.cheapest, row.fastest, row.expired) for row in page.quotes}
    assert marks == {expired.pk: (False, False, True), cheap_car.pk: (True, False, False),
                     motorbike.pk: (False, True, False)}
    html = signed_in.get(f"/jobs/{job.pk}/").content.decode()
    assert html.count(">Book</button>") == 2 and "Expired — request quotes again" in html
    assert "Price by provider" in html and "<svg" in html


def test_booking_twice_books_once(signed_in, django_capture_on_commit_callbacks):
    job = make_job(state=Job.State.QUOTED)
    quote = add_quotes(job, ["9.10", "12.30"])[0]

    with django_capture_on_commit_callbacks():
        first = signed_in.post(f"/jobs/{job.pk}/book/", {"quote": quote.pk})
        second = signed_in.post(f"/jobs/{job.pk}/book/", {"quote": quote.pk}, HTTP_ACCEPT="application/json")

    job.refresh_from_db()
    assert first.status_code == 302 and second.status_code == 200
    assert job.state == Job.State.BOOKING
    assert JobBooking.objects.filter(job=job).count() == 1 and job.booking.quote == quote
    assert Outbox.objects.filter(key=job.client_ref).count() == 1
    assert "Booking Courier 0" in second.json()["html"]


def test_an_expired_quote_is_refused_with_a_message(signed_in):
    job = make_job(state=Job.State.QUOTED)
    quote = add_quotes(job, ["9.10"], minutes=-1)[0]

    response = signed_in.post(f"/jobs/{job.pk}/book/", {"quote": quote.pk}, follow=True)

    assert "expired" in response.content.decode() and "Request quotes again" in response.content.decode()
    assert not JobBooking.objects.exists() and Job.objects.get(pk=job.pk).state == Job.State.QUOTED
    refused = signed_in.post(f"/jobs/{job.pk}/book/", {"quote": quote.pk}, HTTP_ACCEPT="application/json")
    assert refused.status_code == 409 and refused.json()["message"]["level"] == "error"


def test_a_quote_of_another_job_is_refused(signed_in):
    job, other = make_job(state=Job.State.QUOTED), make_job(ref="JOB-T2", state=Job.State.QUOTED)
    foreign = add_quotes(other, ["9.10"])[0]

    response = signed_in.post(f"/jobs/{job.pk}/book/", {"quote": foreign.pk}, follow=True)

    assert "not one of this job’s quotes" in response.content.decode()
    assert not JobBooking.objects.exists()


def test_immediate_booking_from_a_draft(signed_in, django_capture_on_commit_callbacks):
    job = make_job()

    with django_capture_on_commit_callbacks():
        signed_in.post(f"/jobs/{job.pk}/book-immediately/")
        signed_in.post(f"/jobs/{job.pk}/book-immediately/")

    job.refresh_from_db()
    assert job.state == Job.State.BOOKING and job.booking.immediate
    assert Outbox.objects.filter(key=job.client_ref).count() == 1


def booked(job: Job, **fields) -> Job:
    quote = add_quotes(job, ["9.10"])[0]
    JobBooking.objects.create(job=job, quote=quote, state=JobBooking.State.BOOKED, booked_at=timezone.now(),
                              tracker_pickup="https://track.example/p", tracker_delivery="https://track.example/d")
    Job.objects.filter(pk=job.pk).update(state=Job.State.BOOKED, lineten_job_id=30000 + job.pk, **fields)
    return Job.objects.get(pk=job.pk)


def test_a_booked_job_shows_its_quote_trackers_and_the_fee_before_cancelling(signed_in):
    job = booked(make_job(), job_status="booked", delivery_status="pending")

    html = signed_in.get(f"/jobs/{job.pk}/").content.decode()

    assert "Courier 0" in html and "£9.10" in html
    assert 'href="https://track.example/p"' in html and "Delivery tracker" in html
    assert "Cancellation fee: <strong>£2.50</strong>" in html and ">Cancel booking</button>" in html


def test_cancel_is_refused_after_the_pickup_with_the_message(signed_in):
    job = booked(make_job(), job_status="in_progress", delivery_status="at_pickup")

    html = signed_in.get(f"/jobs/{job.pk}/").content.decode()
    assert ">Cancel booking</button>" not in html and "only until the driver is en route" in html

    response = signed_in.post(f"/jobs/{job.pk}/cancel/", follow=True)

    assert "only until the driver is en route to the pickup" in response.content.decode()
    assert Job.objects.get(pk=job.pk).state == Job.State.BOOKED and not Outbox.objects.exists()


def test_cancelling_a_final_job_changes_nothing(signed_in):
    job = booked(make_job(), job_status="closed", delivery_status="delivered")

    response = signed_in.post(f"/jobs/{job.pk}/cancel/", HTTP_ACCEPT="application/json")

    assert response.status_code == 409 and "already closed" in response.json()["message"]["text"]
    assert Job.objects.get(pk=job.pk).state == Job.State.BOOKED and not Outbox.objects.exists()


def test_cancel_allowed_before_en_route_pickup_goes_to_the_outbox_once(signed_in, django_capture_on_commit_callbacks):
    job = booked(make_job(), job_status="in_progress", delivery_status="driver_assigned")

    with django_capture_on_commit_callbacks():
        signed_in.post(f"/jobs/{job.pk}/cancel/")
        signed_in.post(f"/jobs/{job.pk}/cancel/")

    assert Job.objects.get(pk=job.pk).state == Job.State.CANCELLING
    assert Outbox.objects.filter(key=job.client_ref, kind="lineten.cancel").count() == 1


def test_the_timeline_marks_callbacks_that_were_not_applied(signed_in):
    job = booked(make_job(), job_status="in_progress", delivery_status="at_delivery")
    # The booking's own callback repeats what the booking answer said: recorded, not applied.
    event = CarrierEvent.objects.create(source=CarrierEvent.Source.LINETEN, event_id="booked", body={})
    JobStatusChange.objects.create(job=job, event=event, job_status="booked", delivery_status="pending",
                                   occurred_at=timezone.now() - timedelta(minutes=1), applied=False)
    add_timeline(job, 3)

    html = signed_in.get(f"/jobs/{job.pk}/").content.decode()

    assert html.count("data-timeline-row") == 4
    assert html.count("not applied: would move back") == 1
    assert html.count("not applied: status already reached") == 1
    assert "Ayesha Khan" in html and "51.50000, -0.20000" in html


def test_state_json_changes_signature_when_the_job_moves(signed_in):
    job = booked(make_job(), job_status="booked", delivery_status="pending")
    before = signed_in.get(f"/jobs/{job.pk}/state.json").json()

    add_timeline(job, 1)
    after = signed_in.get(f"/jobs/{job.pk}/state.json").json()

    assert before["pollMs"] == 3000 and before["signature"] != after["signature"]
    assert "Driver assigned" in after["html"] and "Booked" in after["pills"]


# --- who may ----------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/jobs/", "/jobs/new/", "/jobs/{id}/", "/jobs/{id}/state.json"])
def test_pages_need_a_signed_in_user(client, path):
    job = make_job()

    response = client.get(path.format(id=job.pk))

    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


@pytest.mark.parametrize("method,path", [("get", "/jobs/"), ("get", "/jobs/new/"), ("get", "/jobs/{id}/"),
                                         ("get", "/jobs/{id}/state.json"), ("post", "/jobs/{id}/quotes/"),
                                         ("post", "/jobs/{id}/book/"), ("post", "/jobs/{id}/cancel/")])
def test_store_managers_are_refused(client, manager, method, path):
    job = make_job()
    client.force_login(manager)

    assert getattr(client, method)(path.format(id=job.pk)).status_code == 403
    assert Job.objects.get(pk=job.pk).state == Job.State.DRAFT


def test_a_reader_without_booking_rights_sees_no_buttons_and_cannot_post(client):
    reader = UserFactory(username="reader")
    reader.user_permissions.add(Permission.objects.get(codename="view_job"))
    job = make_job(state=Job.State.QUOTED)
    add_quotes(job, ["9.10"])
    client.force_login(reader)

    html = client.get(f"/jobs/{job.pk}/").content.decode()

    assert ">Book</button>" not in html and ">Request quotes</button>" not in html
    assert client.post(f"/jobs/{job.pk}/quotes/").status_code == 403
    assert client.get("/jobs/new/").status_code == 403


def test_superusers_may_do_everything(admin_client):
    job = make_job()

    assert admin_client.get("/jobs/new/").status_code == 200
    assert admin_client.post(f"/jobs/{job.pk}/book-immediately/").status_code == 302


# --- the list and the tiles --------------------------------------------------------------------------------------------
def test_the_list_shows_status_provider_and_price_and_filters(signed_in):
    booked(make_job(ref="JOB-A"), job_status="in_progress", delivery_status="at_pickup")
    quoted = make_job(ref="JOB-B", state=Job.State.QUOTED, delivery_postcode="SW1A 1AA")
    add_quotes(quoted, ["7.50", "9.00"])
    make_job(ref="JOB-C", state=Job.State.QUOTE_FAILED, last_error="no")

    html = signed_in.get("/jobs/").content.decode()
    assert all(ref in html for ref in ("JOB-A", "JOB-B", "JOB-C"))
    assert "At pickup" in html and "Courier 0" in html and "from £7.50" in html and "2 quotes" in html

    assert list(signed_in.get("/jobs/?state=quoted").context["page"]) == [quoted]
    assert [j.client_ref for j in signed_in.get("/jobs/?status=delivery:at_pickup").context["page"]] == ["JOB-A"]
    assert [j.client_ref for j in signed_in.get("/jobs/?q=sw1a").context["page"]] == ["JOB-B"]
    assert [j.client_ref for j in signed_in.get("/jobs/?show=problems").context["page"]] == ["JOB-C"]


def test_dashboard_tiles_count_booked_today_in_progress_and_problems():
    booked(make_job(ref="JOB-A"), job_status="in_progress", delivery_status="at_pickup")
    booked(make_job(ref="JOB-B"), job_status="closed", delivery_status="delivered")
    make_job(ref="JOB-C", state=Job.State.BOOKING_FAILED)
    make_job(ref="JOB-D", state=Job.State.QUOTED)

    tiles = {tile.title: tile for tile in job_dashboard_tiles()}

    assert tiles["Jobs booked today"].value == 2
    assert tiles["Jobs in progress"].value == 1 and tiles["Jobs in progress"].url == "/jobs/?show=in_progress"
    assert tiles["Job problems"].value == 1


# --- queries that do not grow ------------------------------------------------------------------------------------------
def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_a_job_page_and_its_state_take_the_same_queries_whatever_the_quotes_and_callbacks(signed_in):
    small = make_job(ref="JOB-S", state=Job.State.QUOTED)
    add_quotes(small, ["1"] * 2)
    big = make_job(ref="JOB-B", state=Job.State.QUOTED)
    add_quotes(big, ["1"] * 8)
    for url, most in (("/jobs/{}/", 8), ("/jobs/{}/state.json", 7)):
        signed_in.get(url.format(small.pk))  # warm the session and permission caches alike
        few = count_queries(signed_in, url.format(small.pk))
        assert few == count_queries(signed_in, url.format(big.pk)) and few <= most

    few, many = booked(make_job(ref="JOB-F")), booked(make_job(ref="JOB-M"))
    add_timeline(few, 2)
    add_timeline(many, 10)
    for url in ("/jobs/{}/", "/jobs/{}/state.json"):
        assert count_queries(signed_in, url.format(few.pk)) == count_queries(signed_in, url.format(many.pk))


def test_the_list_takes_the_same_queries_for_3_and_12_jobs(signed_in):
    for i in range(3):
        add_quotes(make_job(ref=f"JOB-{i}", state=Job.State.QUOTED), ["5", "6"])
    three = count_queries(signed_in, "/jobs/")
    for i in range(3, 12):
        booked(make_job(ref=f"JOB-{i}"), job_status="in_progress", delivery_status="at_pickup")

    assert count_queries(signed_in, "/jobs/") == three


def test_state_json_is_json_with_the_live_part(signed_in):
    job = make_job()

    body = json.loads(signed_in.get(f"/jobs/{job.pk}/state.json").content)

    assert set(body) >= {"state", "signature", "pollMs", "html", "pills"} and body["pollMs"] == 0


# --- prices on the board, through the LineTen sandbox ------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_the_board_shows_the_quoted_prices(live_server, settings, client, dispatcher):
    from deliveries.sandbox.lineten.controls import controls_reset
    from deliveries.services.jobs import job_quotes_fetch, job_request_quotes

    url = f"{live_server.url}/sandbox/lineten"
    settings.LINETEN_BASE_URL, settings.LINETEN_TOKEN_URL = url, f"{url}/connect/token"
    settings.PUBLIC_BASE_URL = live_server.url
    controls_reset()
    job = make_job(requested_time=timezone.now() + timedelta(hours=2))
    job_request_quotes(job=job)
    job_quotes_fetch(job_id=job.pk, round_=1)
    client.force_login(dispatcher)

    rows = client.get(f"/jobs/{job.pk}/").context["page"].quotes

    assert rows and all(row.quote.price > 0 for row in rows)
    assert len({row.quote.price for row in rows}) > 1  # cheapest means something
