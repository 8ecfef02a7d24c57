"""Every validation rule of the spec, through the API: one 400 in Locate2u's shape, every error
of the request at once, each on its field path, and nothing saved. The rules themselves are
deliveries.spec's (one implementation with the staff forms); these cases are tests/spec's."""
import json

import pytest

from deliveries.models import Batch, Item, Outbox, Stop
from tests.spec.examples import batch, stop
from tests.spec.test_batch_delivery import MAX_LENGTHS, REFUSED_VALUES, drop, put

from .conftest import errors_of

pytestmark = pytest.mark.django_db

BATCH = "/v1/Logistics/batch-delivery"


def refused(api, payload, path: str = BATCH) -> dict[str, list[str]]:
    response = api.post(path, payload)
    assert response.status_code == 400, response.content
    assert not (Batch.objects.exists() or Item.objects.exists() or Stop.objects.exists() or Outbox.objects.exists())
    return errors_of(response)


# --- the body itself ---------------------------------------------------------------------------------
@pytest.mark.parametrize("raw", [b"", b"{", b"not json", b"{'a': 1}", b'{"a": NaN}', b"\xff\xfe", b'{"a": "\\u0000"}'])
def test_a_body_that_is_not_json_is_a_400_on_the_body(acme, raw):
    response = acme.post(BATCH, raw=raw)

    assert response.status_code == 400
    assert list(errors_of(response)) == [""]
    assert not Batch.objects.exists()


def test_a_form_body_is_a_400_on_the_body_too(acme):
    response = acme.post(BATCH, raw="batchSourceReference=B1", content_type="application/x-www-form-urlencoded")

    assert response.status_code == 400 and list(errors_of(response)) == [""]


@pytest.mark.parametrize("body", [[], [batch()], "batch", 42, None, True])
def test_a_json_body_that_is_not_an_object_is_a_400_on_the_body(acme, body):
    assert list(refused(acme, body)) == [""]


def test_a_json_body_sent_as_text_plain_is_still_read(acme):
    response = acme.post(BATCH, raw=json.dumps(batch()), content_type="text/plain")

    assert response.status_code == 200


# --- required fields, minimums -------------------------------------------------------------------------
REQUIRED = [
    ("batchSourceReference", "Batch source reference is required."),
    ("teamSourceReference", "Team source reference is required."),
    ("serviceDate", "Service date is required."),
    ("items[0].itemSourceReference", "Item source reference is required."),
    ("pickups[0].stopSourceReference", "Stop source reference is required."),
    ("pickups[0].name", "Name is required."),
    ("pickups[0].address", "Address is required."),
    ("pickups[0].tripDate", "Trip date is required."),
    ("dropoffs[1].stopSourceReference", "Stop source reference is required."),
    ("dropoffs[1].name", "Name is required."),
    ("dropoffs[1].address", "Address is required."),
    ("dropoffs[1].tripDate", "Trip date is required."),
]


@pytest.mark.parametrize("path, message", REQUIRED)
def test_a_required_field_is_required(acme, path, message):
    assert message in refused(acme, drop(batch(), path))[path]


@pytest.mark.parametrize("path, noun", [("items", "item"), ("pickups", "pickup"), ("dropoffs", "drop-off")])
def test_at_least_one_item_pickup_and_drop_off(acme, path, noun):
    assert refused(acme, put(batch(), path, []))[path] == [f"Add at least one {noun}."]


@pytest.mark.parametrize("kind", ["pickups", "dropoffs"])
def test_each_stop_names_at_least_one_item(acme, kind):
    path = f"{kind}[0].itemSourceReferences"
    assert path in refused(acme, put(batch(), path, []))


# --- field tables: lengths, types, ranges, formats -----------------------------------------------------
@pytest.mark.parametrize("path, limit", MAX_LENGTHS)
def test_text_over_its_maximum_length_is_refused(acme, path, limit):
    messages = refused(acme, put(batch(), path, "x" * (limit + 1)))[path]

    assert f"at most {limit} characters" in messages[0]


JSON_REFUSED_VALUES = [case for case in REFUSED_VALUES if case[1] == case[1]]  # NaN is not JSON: see the body tests


@pytest.mark.parametrize("path, value, words", JSON_REFUSED_VALUES)
def test_a_value_of_the_wrong_type_range_or_format_is_refused_on_its_path(acme, path, value, words):
    messages = refused(acme, put(batch(), path, value))[path]

    assert len(messages) == 1 and words in messages[0], messages


# --- the spec's Validation Rules -----------------------------------------------------------------------
def test_item_source_references_are_unique_within_the_batch(acme):
    payload = put(batch(), "items[1].itemSourceReference", "ITEM-001")

    assert "used more than once" in refused(acme, payload)["items[1].itemSourceReference"][0]


def test_stop_source_references_are_unique_across_pickups_and_drop_offs(acme):
    payload = put(batch(), "dropoffs[0].stopSourceReference", "PICKUP-001")

    assert "used more than once" in refused(acme, payload)["dropoffs[0].stopSourceReference"][0]


def test_every_trip_date_is_on_the_service_date(acme):
    found = refused(acme, put(batch(), "dropoffs[1].tripDate", "2024-01-16T13:00:00"))

    assert "must be on the service date 2024-01-15" in found["dropoffs[1].tripDate"][0]


def test_every_item_is_collected_by_a_pickup(acme):
    found = refused(acme, put(batch(), "pickups[0].itemSourceReferences", ["ITEM-001"]))

    assert found["items[1].itemSourceReference"] == ["Item 'ITEM-002' is not collected by any pickup."]


def test_every_item_is_delivered_by_a_drop_off(acme):
    found = refused(acme, put(batch(), "dropoffs[1].itemSourceReferences", ["ITEM-001"]))

    assert found["items[1].itemSourceReference"] == ["Item 'ITEM-002' is not delivered by any drop-off."]


def test_stops_reference_only_items_of_the_batch(acme):
    found = refused(acme, put(batch(), "dropoffs[0].itemSourceReferences", ["ITEM-001", "ITEM-999"]))

    assert "not in this batch's items" in found["dropoffs[0].itemSourceReferences[1]"][0]


@pytest.mark.parametrize("kind", ["pickups", "dropoffs"])
def test_a_time_window_end_is_not_before_its_start(acme, kind):
    payload = put(batch(), f"{kind}[0].timeWindowEnd", "2024-01-15T06:00:00")

    assert refused(acme, payload)[f"{kind}[0].timeWindowEnd"] == [
        "Time window end must not be before the time window start."]


def test_every_error_of_the_request_comes_back_in_one_answer(acme):
    payload = batch()
    del payload["teamSourceReference"]
    payload["items"][0]["quantity"] = 0
    payload["pickups"][0]["tripDate"] = "2024-01-16T08:00:00"
    payload["dropoffs"][0]["timeWindowEnd"] = "2024-01-15T09:00:00"
    payload["dropoffs"][1]["contact"]["phone"] = 61400000003

    found = refused(acme, payload)

    assert set(found) == {"teamSourceReference", "items[0].quantity", "pickups[0].tripDate",
                          "dropoffs[0].timeWindowEnd", "dropoffs[1].contact.phone"}


# --- single stops and stop imports ----------------------------------------------------------------------
@pytest.mark.parametrize("name", ["stopSourceReference", "name", "address", "tripDate"])
def test_a_single_stop_needs_the_required_stop_fields(acme, name):
    payload = stop()
    del payload[name]

    assert name in refused(acme, payload, "/v1/Stops")


def test_a_single_stop_is_checked_against_the_drop_off_table_and_its_time_window(acme):
    found = refused(acme, stop(timeWindowEnd="2024-01-15T08:00:00", sequence=-1, appointmentTime="9am",
                               itemSourceReferences="ITEM-1"), "/v1/Stops")

    assert set(found) == {"timeWindowEnd", "sequence", "appointmentTime", "itemSourceReferences"}


def test_a_stop_reference_the_customer_already_used_is_refused(acme):
    assert acme.post("/v1/Stops", stop()).status_code == 200

    response = acme.post("/v1/Stops", stop(name="Someone else"))

    assert response.status_code == 400 and "already exists" in errors_of(response)["stopSourceReference"][0]


def test_an_import_reports_every_bad_stop_on_its_row_path(acme):
    payload = {"stops": [stop(), stop(stopSourceReference="S-2", address=""), "not a stop",
                         stop(stopSourceReference="S-4", tripDate="yesterday")]}

    found = refused(acme, payload, "/v1/Stops/import")

    assert set(found) == {"stops[1].address", "stops[2]", "stops[3].tripDate"}


@pytest.mark.parametrize("payload, field", [
    ({}, "stops"), ({"stops": []}, "stops"), ({"stops": {"0": {}}}, "stops"),
    ({"stops": [stop()], "batchSourceReference": "x" * 101}, "batchSourceReference"),
])
def test_a_bad_import_envelope_is_refused(acme, payload, field):
    assert list(refused(acme, payload, "/v1/Stops/import")) == [field]


def test_each_stop_of_an_import_needs_its_own_reference(acme):
    payload = {"stops": [stop(), stop(stopSourceReference="STOP-002"), stop(stopSourceReference=" stop-001")]}

    found = refused(acme, payload, "/v1/Stops/import")

    assert list(found) == ["stops[2].stopSourceReference"] and "also stops[0]" in found["stops[2].stopSourceReference"][0]


# --- webhook subscriptions -------------------------------------------------------------------------------
@pytest.mark.parametrize("body, fields", [
    ({}, {"eventType", "url"}),
    ({"eventType": "stop.exploded", "url": "https://x.example/h"}, {"eventType"}),
    ({"eventType": "stop.status-changed", "url": "ftp://x.example/h"}, {"url"}),
    ({"eventType": "stop.status-changed", "url": "/relative"}, {"url"}),
    ({"eventType": "stop.status-changed", "url": "http://[::1"}, {"url"}),
    ({"eventType": "stop.status-changed", "url": "https://x.example/" + "a" * 2000}, {"url"}),
    ({"eventType": "stop.status-changed", "url": "https://x.example/h", "isActive": "yes"}, {"isActive"}),
    ([], {""}),
])
def test_a_bad_subscription_is_refused_on_its_fields(acme, body, fields):
    response = acme.post("/v1/Webhooks", body)

    assert response.status_code == 400 and set(errors_of(response)) == fields
