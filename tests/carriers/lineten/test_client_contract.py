"""LineTenClient against the LineTen sandbox over real HTTP (live server): the contract both keep."""
from datetime import timedelta

import pytest
import requests
from django.utils import timezone

from deliveries.carriers.errors import CarrierAuthError, CarrierConflict, CarrierNotFound, CarrierValidationError
from deliveries.carriers.lineten.schemas import (
    Address,
    AddressLocation,
    GeoLocation,
    PackageSize,
    QuoteRequest,
    RequestedWindow,
)
from deliveries.models import CarrierCall
from deliveries.sandbox.lineten.models import SandboxJob, SandboxQuote
from deliveries.sandbox.lineten.services import jobs_advance
from tests.factories import LocationFactory

from .conftest import DROP_OFF, quote_request

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def fast_steps(settings):
    settings.SANDBOX_LINETEN_STEP_SECONDS = 0  # every tick is a step


def advance(steps: int) -> None:
    for _ in range(steps):
        jobs_advance()


# --- token ----------------------------------------------------------------------------------------------------
def test_the_configured_credentials_get_a_bearer_token(lineten):
    assert len(lineten.token()) > 20
    assert lineten.token_requests == 1


def test_a_wrong_secret_is_an_auth_error(lineten, sandbox_url):
    import dataclasses

    lineten.config = dataclasses.replace(lineten.config, client_secret="not-the-secret")
    with pytest.raises(CarrierAuthError) as exc:
        lineten.quote(quote_request())
    assert exc.value.body == {"error": "invalid_client"}


# --- quotes -----------------------------------------------------------------------------------------------------
def test_a_client_form_quote_gets_priced_quotes_from_several_couriers(lineten):
    answer = lineten.quote(quote_request())

    assert answer.status == "quoted" and answer.delivery_status == "idle" and answer.client_ref == "JOB-1"
    assert len(answer.quotes) >= 4
    assert {q.provider_name for q in answer.quotes} >= {"Zoom Couriers", "Stuart", "Gophr"}
    assert all(q.currency == "GBP" and q.quoted_price > 0 and q.quote_status == "quoted" for q in answer.quotes)
    assert all(q.expire_at > timezone.now() + timedelta(minutes=14) for q in answer.quotes)  # 15 min by default
    assert 2.0 < answer.quotes[0].distance < 4.0  # ~1.7 km apart, by road
    # Retries of this POST are safe: it carries our job reference as its idempotency key.
    call = CarrierCall.objects.get(url__endswith="/v2/nds/quote")
    assert call.idempotency_key == "lineten:JOB-1" and call.status_code == 201 and call.object_ref == "job:JOB-1"


def test_prices_grow_with_distance_and_differ_by_transport(lineten):
    near = lineten.quote(quote_request())
    far_drop = AddressLocation(Address("1 High St", "SE1 9SG", "London"), GeoLocation(51.5033, -0.0865))
    far = lineten.quote(quote_request(delivery=far_drop, client_ref="JOB-2"))

    def price(answer, provider, transport):
        return next(q.quoted_price for q in answer.quotes
                    if q.provider_name == provider and q.transport_types == (transport,))

    assert price(far, "Stuart", "car") > price(near, "Stuart", "car")
    assert price(near, "Stuart", "van") > price(near, "Stuart", "car")
    assert price(near, "Stuart", "car") == price(lineten.quote(quote_request(client_ref="JOB-3")), "Stuart", "car")


def test_a_scheduled_delivery_also_gets_couriers_that_do_not_take_asap_jobs(lineten):
    start = timezone.now() + timedelta(hours=3)
    asap = lineten.quote(quote_request())
    scheduled = lineten.quote(quote_request(client_ref="JOB-2",
                                            requested_window=RequestedWindow(start, start + timedelta(hours=2))))

    assert "Parcel Express" not in {q.provider_name for q in asap.quotes}
    assert "Parcel Express" in {q.provider_name for q in scheduled.quotes}


def test_transport_types_limit_the_quotes(lineten):
    answer = lineten.quote(quote_request(transport_types=("van",)))

    assert {q.transport_types for q in answer.quotes} == {("van",)}


def test_a_store_form_quote_picks_up_at_the_portal_location(lineten):
    store = LocationFactory(ref="ST042", name="Hammersmith store", street="1 King St", postcode="W6 9HR",
                            city="London", latitude=51.4927, longitude=-0.2248)

    answer = lineten.quote(QuoteRequest.store_form(ext_store_ref="ST042", delivery=DROP_OFF,
                                                   package_sizes=(PackageSize.M,), client_ref="JOB-7"))

    pickup = answer.raw["Tasks"][0]["Location"]
    assert pickup["ExtStoreRef"] == "ST042" and pickup["Address"]["Address1"] == "1 King St"
    assert pickup["GeoLocation"] == {"Latitude": 51.4927, "Longitude": -0.2248}
    assert answer.entity_id == store.pk  # booked for the store, not the client
    assert len(answer.quotes) >= 4


def test_an_unknown_store_is_a_validation_error_on_its_reference(lineten):
    with pytest.raises(CarrierValidationError) as exc:
        lineten.quote(QuoteRequest.store_form(ext_store_ref="NOPE", delivery=DROP_OFF, client_ref="JOB-8"))

    assert exc.value.status_code == 400
    assert [f for f, _ in exc.value.messages] == ["Tasks[0].Location.ExtStoreRef"]
    assert "NOPE" in exc.value.messages[0][1]


def test_invalid_requests_are_validation_errors_with_every_message(lineten):
    nowhere = AddressLocation(Address("1 Nowhere", "", "London"), GeoLocation(95.0, -0.2))

    with pytest.raises(CarrierValidationError) as exc:
        lineten.quote(quote_request(delivery=nowhere))

    assert dict(exc.value.messages) == {
        "Tasks[1].Location.Address.Postcode": "is required",
        "Tasks[1].Location.GeoLocation.Latitude": "must be between -90 and 90",
    }


def test_coordinates_are_required_as_the_faq_says(lineten):
    from deliveries.carriers.lineten.mapping import quote_request_to_json

    body = quote_request_to_json(quote_request())
    del body["Tasks"][1]["Location"]["GeoLocation"]

    with pytest.raises(CarrierValidationError) as exc:
        lineten.request("POST", "/v2/nds/quote", json=body, idempotency_key="raw-1")

    [(field, message)] = lineten.validation_messages(exc.value.body)
    assert field == "Tasks[1].Location.GeoLocation" and "required" in message


def test_the_same_idempotency_key_with_another_body_is_a_conflict(lineten):
    lineten.quote(quote_request())

    with pytest.raises(CarrierConflict, match="different request"):
        lineten.quote(quote_request(transport_types=("van",)))


def test_a_repeated_quote_with_the_same_key_answers_the_same_job(lineten):
    first = lineten.quote(quote_request())
    again = lineten.quote(quote_request())

    assert again.job_id == first.job_id and SandboxJob.objects.count() == 1


# --- booking ----------------------------------------------------------------------------------------------------
def test_booking_a_quote_books_the_job_on_it(lineten):
    answer = lineten.quote(quote_request())
    chosen = answer.quotes[1]

    booking = lineten.book(answer.job_id, chosen.quote_response_id, callback_url="http://127.0.0.1:9/cb")

    assert booking.job_id == answer.job_id
    assert (booking.status, booking.delivery_status) == ("booked", "pending")
    assert booking.booked_quote.quote_response_id == chosen.quote_response_id
    assert booking.booked_quote.quote_status == "booked" and booking.booked_quote.booked_time is not None
    assert {q.quote_status for q in booking.quotes if q != booking.booked_quote} == {"archived"}
    assert booking.callback_url == "http://127.0.0.1:9/cb"
    tracking = requests.get(booking.tracker.delivery, timeout=5).json()
    assert (tracking["Id"], tracking["Status"], tracking["DeliveryStatus"]) == (answer.job_id, "booked", "pending")


def test_booking_again_on_the_same_quote_is_the_same_booking_and_on_another_a_conflict(lineten):
    answer = lineten.quote(quote_request())
    first = lineten.book(answer.job_id, answer.quotes[0].quote_response_id)

    again = lineten.book(answer.job_id, answer.quotes[0].quote_response_id)
    assert again.booked_quote == first.booked_quote
    with pytest.raises(CarrierConflict, match="already booked"):
        lineten.book(answer.job_id, answer.quotes[1].quote_response_id)


def test_booking_an_expired_quote_is_a_conflict_that_says_so(lineten):
    answer = lineten.quote(quote_request())
    SandboxQuote.objects.filter(job_id=answer.job_id).update(expire_at=timezone.now() - timedelta(seconds=1))

    with pytest.raises(CarrierConflict, match="expired") as exc:
        lineten.book(answer.job_id, answer.quotes[0].quote_response_id)
    assert exc.value.status_code == 409


def test_booking_an_unknown_job_or_quote_is_not_found(lineten):
    answer = lineten.quote(quote_request())

    with pytest.raises(CarrierNotFound):
        lineten.book(answer.job_id + 1000, answer.quotes[0].quote_response_id)
    with pytest.raises(CarrierNotFound, match="not a quote of job"):
        lineten.book(answer.job_id, "00000000-0000-0000-0000-000000000000")


def test_immediate_booking_books_the_cheapest_quote(lineten):
    quoted = lineten.quote(quote_request(client_ref="JOB-Q"))

    booking = lineten.immediate_booking(quote_request(client_ref="JOB-I"))

    cheapest = min(quoted.quotes, key=lambda q: q.quoted_price)
    assert booking.status == "booked" and booking.client_ref == "JOB-I"
    assert booking.booked_quote.quoted_price == cheapest.quoted_price
    assert booking.booked_quote.transport_types == cheapest.transport_types
    assert booking.booked_quote.provider_name == cheapest.provider_name


def test_immediate_booking_retried_with_the_same_key_books_once(lineten):
    first = lineten.immediate_booking(quote_request())
    again = lineten.immediate_booking(quote_request())

    assert again.job_id == first.job_id
    assert SandboxJob.objects.filter(status="booked").count() == 1


# --- cancellation -------------------------------------------------------------------------------------------------
def test_a_booked_job_cancels_free_of_charge(lineten):
    booking = lineten.immediate_booking(quote_request())

    cancellation = lineten.cancel(booking.job_id)

    assert cancellation.job_id == booking.job_id and cancellation.cancellation_fee == 0
    assert [q.quote_status for q in cancellation.quotes] == ["cancelled"]
    assert cancellation.quotes[0].quote_response_id == booking.booked_quote.quote_response_id
    assert SandboxJob.objects.get(pk=booking.job_id).status == "cancelled"


def test_a_job_en_route_to_pickup_still_cancels_and_costs_the_fee(lineten, fast_steps):
    booking = lineten.immediate_booking(quote_request())
    advance(2)
    assert SandboxJob.objects.get(pk=booking.job_id).delivery_status == "en_route_pickup"

    cancellation = lineten.cancel(booking.job_id)

    assert cancellation.cancellation_fee == booking.booked_quote.cancellation_fee > 0


def test_a_job_past_en_route_pickup_cannot_be_cancelled(lineten, fast_steps):
    booking = lineten.immediate_booking(quote_request())
    advance(3)

    with pytest.raises(CarrierConflict, match="at_pickup; a job can be cancelled only up to en_route_pickup") as exc:
        lineten.cancel(booking.job_id)
    assert exc.value.status_code == 409
    assert SandboxJob.objects.get(pk=booking.job_id).status == "in_progress"


def test_a_cancelled_job_cannot_be_cancelled_again_without_the_same_key(lineten):
    booking = lineten.immediate_booking(quote_request())
    lineten.cancel(booking.job_id)

    assert lineten.cancel(booking.job_id).job_id == booking.job_id  # a retry: the key replays the answer
    with pytest.raises(CarrierConflict) as exc:
        lineten.request("POST", f"/v2/job/cancel/{booking.job_id}")  # no key: a second, separate cancel
    assert "already cancelled" in exc.value.body["info"]["errorMessages"][0]


def test_cancelling_an_unknown_job_is_not_found(lineten):
    with pytest.raises(CarrierNotFound):
        lineten.cancel(999999)


def _cancel_calls(job_id: int) -> list[tuple[str, int]]:
    calls = CarrierCall.objects.filter(url__endswith=f"/v2/job/cancel/{job_id}").order_by("id")
    return [(c.method, c.status_code) for c in calls]


def test_cancel_falls_back_to_put_when_post_is_not_allowed(lineten, sandbox_control):
    sandbox_control("_cancel_methods", "PUT")
    booking = lineten.immediate_booking(quote_request())

    cancellation = lineten.cancel(booking.job_id)

    assert cancellation.job_id == booking.job_id
    assert _cancel_calls(booking.job_id) == [("POST", 405), ("PUT", 200)]


def test_cancel_sends_post_only_where_post_is_accepted(lineten, sandbox_control):
    sandbox_control("_cancel_methods", "POST")
    booking = lineten.immediate_booking(quote_request())

    lineten.cancel(booking.job_id)

    assert _cancel_calls(booking.job_id) == [("POST", 200)]
