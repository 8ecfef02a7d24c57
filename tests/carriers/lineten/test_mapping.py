"""Pure mapping between schemas and the spec's JSON: request building, answers, callbacks."""
import copy
import json
from datetime import datetime, timezone
from decimal import Decimal

import pytest

from deliveries.carriers.lineten.mapping import (
    error_messages,
    parse_callback_events,
    quote_request_to_json,
    quote_response_from_json,
)
from deliveries.carriers.lineten.schemas import Flag, PackageSize, QuoteRequest, RequestedWindow, Tag, TransportType
from deliveries.carriers.lineten.statuses import DeliveryStatus, JobStatus

from .conftest import DROP_OFF, PICKUP, quote_request

# The spec's callback sample, trimmed of its attachments.
SPEC_EVENT = {
    "Id": "5054f27a-e1fc-11ea-8315-0a9ef8d0da5c", "ProviderTimestamp": 1234123556, "SystemTimestamp": 1597828438,
    "ClientRef": "24596234", "JobId": 1, "QuoteId": 0, "TaskId": 1, "ItemId": 0, "TotalPickupCount": 0,
    "TotalDeliveryCount": 0, "TransportType": "CAR", "JobStatus": "booked", "QuoteStatus": "", "QuotePrice": "",
    "QuotePriceCancelled": "", "QuoteProviderJobId": "", "DeliveryStatus": "pending", "TaskStatus": "",
    "Driver": {"Id": "", "Name": "", "Phone": "", "Image": ""},
    "Vehicle": {"Id": "0", "Type": "", "Registration": "", "EnvironmentalImpact": "", "EngineType": ""},
    "Location": {"Latitude": 12.2345, "Longitude": 32.7825767, "Speed": 0, "Heading": 0, "Accuracy": 0,
                 "Moving": False, "Altitude": 0},
    "Timing": {"EstimatedPickup": 1234123556, "EstimatedDelivery": 1234123556, "PickupCount": 0,
               "DeliveryCount": 0, "EstimatedDelay": 0},
    "Attachments": [], "Origin": "",
}


def test_client_form_carries_the_full_pickup_address_and_coordinates():
    window = RequestedWindow(datetime(2020, 8, 19, 10, 30, tzinfo=timezone.utc),
                             datetime(2020, 8, 19, 13, 30, tzinfo=timezone.utc))
    request = quote_request(transport_types=(TransportType.MOTORBIKE, TransportType.CAR), requested_window=window,
                            pickup_flags=(Flag.SIGNATURE,), delivery_flags=(Flag.SCAN_BARCODE,), tags=(Tag.FRAGILE,),
                            callback_url="https://portal.example/callbacks/lineten/s3cret/")

    body = quote_request_to_json(request)

    assert body["TransportType"] == ["motorbike", "car"]
    assert body["ClientRef"] == "JOB-1" and body["CallbackUrl"].endswith("/s3cret/")
    pickup, delivery = body["Tasks"]
    assert pickup["Type"] == "pickup" and delivery["Type"] == "delivery"
    assert pickup["Location"]["Address"]["Postcode"] == "W12 7FP"
    assert pickup["Location"]["GeoLocation"] == {"Latitude": PICKUP.geolocation.latitude,
                                                 "Longitude": PICKUP.geolocation.longitude}
    assert pickup["Location"]["Persons"][0] == {"Phone": "07934123456", "FirstName": "John", "LastName": "Smith",
                                                "Email": "", "Notes": ""}
    assert pickup["Items"] == [{"Package": {"Size": "M"}}, {"Package": {"Size": "M"}}]  # quantity = repetition
    assert pickup["Flags"] == ["signature"] and delivery["Flags"] == ["scan_barcode"]
    assert delivery["Tags"] == ["fragile"]
    # London local time without an offset, as the spec writes it (August: BST, UTC+1).
    assert delivery["RequestedWindow"] == {"From": "2020-08-19T11:30:00", "To": "2020-08-19T14:30:00"}
    assert "RequestedWindow" not in pickup
    json.dumps(body)  # serialisable as is


def test_store_form_replaces_the_pickup_location_by_the_store_reference():
    request = QuoteRequest.store_form(ext_store_ref="ST042", delivery=DROP_OFF, package_sizes=(PackageSize.L,),
                                      client_ref="JOB-2")

    body = quote_request_to_json(request)

    assert request.is_store_form
    assert body["Tasks"][0]["Location"] == {"ExtStoreRef": "ST042"}
    assert body["Tasks"][1]["Location"]["Address"]["Address1"] == "55 Woodsford Square"
    assert "RequestedTime" not in body["Tasks"][1] and "DeliveryProvider" not in body


def test_a_store_form_needs_a_reference_and_tasks_come_in_order():
    with pytest.raises(ValueError, match="ExtStoreRef"):
        QuoteRequest.store_form(ext_store_ref="", delivery=DROP_OFF)
    swapped = quote_request()
    with pytest.raises(ValueError, match="pickup task and a delivery task"):
        QuoteRequest(pickup=swapped.delivery, delivery=swapped.pickup)


def _spec_quote_answer() -> dict:
    quote = {
        "Id": None, "QuoteResponseId": "0a3de489-d298-4d81-2f70-08d957fe03d3", "JobId": 30890, "ClientId": 5427,
        "EntityId": 5427, "TransportTypes": ["motorbike"], "QuoteStatus": "quoted", "DeliveryProviderId": None,
        "DeliveryProviderUuid": "366a0553-8d69-4332-aa44-791f4d9f2688", "DeliveryProviderCurrency": "GBP",
        "Distance": 28.826, "QuotedPrice": 7.05, "FinalTotalAmount": 0, "CancellationFee": 0,
        "ExpireAt": "2021-08-09T04:55:59", "BookedTime": "0000-00-00T00:00:00", "ProviderNotes": "",
    }
    car = quote | {"QuoteResponseId": "e0ebb20c-133d-4aa4-2f71-08d957fe03d3", "TransportTypes": ["car"],
                   "QuotedPrice": 9.5}
    return {"info": {"status": 201, "error": False, "errorMessages": []},
            "payload": {"Id": 30890, "JobUuid": "39d5d635-3134-4ae6-a7ff-4c481f8f9533", "Status": "quoted",
                        "DeliveryStatus": "pending", "ExpiresAt": "2021-08-23T03:56:01", "ClientRef": "",
                        "SelectedQuote": 0, "EntityId": 5427, "CallbackUrl": "", "Quotes": [quote, car]}}


def test_the_spec_quote_answer_parses_into_quotes_with_exact_money_and_aware_times():
    answer = quote_response_from_json(_spec_quote_answer())

    assert answer.job_id == 30890 and answer.status == "quoted" and answer.selected_quote is None
    first = answer.quotes[0]
    assert first.quoted_price == Decimal("7.05") and first.currency == "GBP" and first.id is None
    assert first.expire_at.isoformat() == "2021-08-09T04:55:59+01:00"  # London summer time
    assert first.booked_time is None  # "0000-00-00T00:00:00" is the spec's "not yet"
    assert answer.cheapest().transport_types == ("motorbike",)


def test_a_malformed_quote_answer_names_the_field():
    body = _spec_quote_answer()
    body["payload"]["Quotes"][1]["QuotedPrice"] = "lots"
    with pytest.raises(ValueError, match=r"payload.Quotes\[1\].QuotedPrice"):
        quote_response_from_json(body)
    with pytest.raises(ValueError, match="payload"):
        quote_response_from_json({"info": {}, "payload": None})


def test_the_spec_callback_array_parses():
    [event] = parse_callback_events([SPEC_EVENT])

    assert event.id == "5054f27a-e1fc-11ea-8315-0a9ef8d0da5c" and event.job_id == 1 and event.client_ref == "24596234"
    assert event.job_status == JobStatus.BOOKED and event.delivery_status == DeliveryStatus.PENDING
    assert event.transport_type == "car"  # the sample's "CAR"
    assert event.position.latitude == 12.2345
    assert event.system_timestamp == datetime(2020, 8, 19, 9, 13, 58, tzinfo=timezone.utc)
    assert event.quote_price is None and event.driver.name == ""


def test_callbacks_are_read_from_text_and_a_lone_event_is_an_array_of_one():
    assert [e.id for e in parse_callback_events(json.dumps([SPEC_EVENT, SPEC_EVENT | {"Id": "b"}]))] == [
        SPEC_EVENT["Id"], "b"]
    assert len(parse_callback_events(json.dumps(SPEC_EVENT).encode())) == 1


def test_statuses_in_callbacks_are_read_in_any_case():
    [event] = parse_callback_events([SPEC_EVENT | {"JobStatus": "IN_PROGRESS", "DeliveryStatus": "At_Pickup"}])
    assert event.state == (JobStatus.IN_PROGRESS, DeliveryStatus.AT_PICKUP)


@pytest.mark.parametrize("bad, message", [
    ({"JobStatus": "flying"}, r"event \[1\]\.JobStatus: 'flying' is not a LineTen job status"),
    ({"JobStatus": ""}, r"event \[1\]\.JobStatus: is required"),
    ({"DeliveryStatus": "lost"}, r"event \[1\]\.DeliveryStatus: 'lost'"),
    ({"Id": ""}, r"event \[1\]\.Id: is required"),
    ({"JobId": "abc"}, r"event \[1\]\.JobId: expected an integer"),
    ({"Location": {"Latitude": "north", "Longitude": 1}}, r"event \[1\]\.Location\.Latitude"),
    ({"Driver": "Bob"}, r"event \[1\]\.Driver: expected an object"),
    ({"ProviderTimestamp": "yesterday"}, r"event \[1\]\.ProviderTimestamp"),
])
def test_a_bad_element_is_a_value_error_naming_the_element_and_field(bad, message):
    events = [SPEC_EVENT, copy.deepcopy(SPEC_EVENT) | bad]
    with pytest.raises(ValueError, match=message):
        parse_callback_events(events)


@pytest.mark.parametrize("body, message", [
    ("{not json", "not JSON"), ([], "empty"), (42, "array of events"), (["x"], r"event \[0\]: expected an object"),
])
def test_a_body_that_is_not_an_event_array_is_a_value_error(body, message):
    with pytest.raises(ValueError, match=message):
        parse_callback_events(body)


def test_error_messages_are_split_into_field_and_message():
    body = {"info": {"errorMessages": ["Tasks[1].Location.GeoLocation: is required", "no courier today"]}}
    assert error_messages(body) == [("Tasks[1].Location.GeoLocation", "is required"), ("", "no courier today")]
    assert error_messages({"error": "invalid_client"}) == [("", "invalid_client")]
    assert error_messages("<html>") == []
