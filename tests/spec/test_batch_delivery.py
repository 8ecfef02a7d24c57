"""validate_batch_delivery: every field table and Validation Rule of the spec's Batch Delivery API."""
import re

import pytest

from deliveries.spec import SpecError, validate_batch_delivery
from tests.spec.examples import batch, big_batch

_SEGMENT = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _walk(payload, path):
    keys = [name if name else int(index) for name, index in _SEGMENT.findall(path)]
    parent = payload
    for key in keys[:-1]:
        if isinstance(parent, dict) and key not in parent:
            parent[key] = {}
        parent = parent[key]
    return parent, keys[-1]


def put(payload: dict, path: str, value) -> dict:
    parent, key = _walk(payload, path)
    parent[key] = value
    return payload


def drop(payload: dict, path: str) -> dict:
    parent, key = _walk(payload, path)
    del parent[key]
    return payload


def errors_on(payload) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for error in validate_batch_delivery(payload):
        found.setdefault(error.field, []).append(error.message)
    return found


# --- the example and the shape of the answer -------------------------------------------------------
def test_the_spec_complete_example_is_valid():
    assert validate_batch_delivery(batch()) == []


def test_errors_are_frozen_field_message_pairs():
    error = validate_batch_delivery(drop(batch(), "items[0].itemSourceReference"))[0]

    assert error == SpecError("items[0].itemSourceReference", "Item source reference is required.")
    assert error.as_dict() == {"field": "items[0].itemSourceReference", "message": "Item source reference is required."}
    with pytest.raises(AttributeError):
        error.field = "x"


@pytest.mark.parametrize("payload", [None, [], "batch", 42, [{"items": []}]])
def test_a_payload_that_is_not_an_object_is_one_error_on_the_body(payload):
    errors = validate_batch_delivery(payload)

    assert len(errors) == 1 and errors[0].field == ""
    assert "object" in errors[0].message


def test_every_problem_is_reported_at_once():
    payload = batch(serviceDate="15/01/2024", batchDescription="x" * 257)
    drop(payload, "teamSourceReference")
    put(payload, "items[1].quantity", 0)
    put(payload, "pickups[0].name", "")
    put(payload, "dropoffs[0].timeWindowEnd", "2024-01-15T09:00:00")
    put(payload, "dropoffs[1].itemSourceReferences", ["ITEM-009"])

    assert set(errors_on(payload)) == {
        "serviceDate", "batchDescription", "teamSourceReference", "items[1].quantity", "pickups[0].name",
        "dropoffs[0].timeWindowEnd", "dropoffs[1].itemSourceReferences[0]", "items[1].itemSourceReference",
    }


# --- required fields -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "path, message",
    [
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
    ],
)
@pytest.mark.parametrize("absent", ["missing", None, "", "   "])
def test_a_required_field_missing_null_or_blank_is_required(path, message, absent):
    payload = drop(batch(), path) if absent == "missing" else put(batch(), path, absent)

    found = errors_on(payload)

    if absent in ("", "   ") and path.endswith(("serviceDate", "tripDate")):
        assert path in found  # a blank date is a badly written date
    else:
        assert message in found[path]


@pytest.mark.parametrize(
    "path, noun",
    [("items", "item"), ("pickups", "pickup"), ("dropoffs", "drop-off")],
)
@pytest.mark.parametrize("absent", ["missing", None, []])
def test_at_least_one_item_pickup_and_dropoff(path, noun, absent):
    payload = drop(batch(), path) if absent == "missing" else put(batch(), path, absent)

    assert errors_on(payload)[path] == [f"Add at least one {noun}."]


@pytest.mark.parametrize("path", ["items", "pickups", "dropoffs"])
def test_the_root_lists_must_be_lists(path):
    assert "must be a list" in errors_on(put(batch(), path, {"a": 1}))[path][0]


@pytest.mark.parametrize("path", ["items[1]", "pickups[0]", "dropoffs[1]"])
def test_each_entry_of_a_root_list_must_be_an_object(path):
    assert "object" in errors_on(put(batch(), path, "ITEM-002"))[path][0]


# --- maximum lengths -------------------------------------------------------------------------------
MAX_LENGTHS = [
    ("batchSourceReference", 100),
    ("batchDescription", 256),
    ("teamSourceReference", 100),
    ("customerSourceReference", 100),
    ("items[0].barcode", 100),
    ("items[0].description", 256),
    ("items[0].productReference", 100),
    ("items[0].status", 100),
    ("pickups[0].stopSourceReference", 100),
    ("pickups[0].name", 250),
    ("pickups[0].address", 500),
    ("pickups[0].warehouseSourceReference", 100),
    ("dropoffs[0].stopSourceReference", 100),
    ("dropoffs[0].name", 250),
    ("dropoffs[0].address", 500),
]


@pytest.mark.parametrize("path, limit", MAX_LENGTHS)
def test_text_at_its_maximum_length_is_accepted(path, limit):
    assert path not in errors_on(put(batch(), path, "x" * limit))


@pytest.mark.parametrize("path, limit", MAX_LENGTHS)
def test_text_over_its_maximum_length_is_refused(path, limit):
    messages = errors_on(put(batch(), path, "x" * (limit + 1)))[path]

    assert messages == [messages[0]] and f"at most {limit} characters (it has {limit + 1})" in messages[0]


def test_an_item_reference_over_100_characters_is_refused_once_not_again_on_its_stops():
    long_ref = "I" * 101
    payload = put(batch(), "items[0].itemSourceReference", long_ref)
    put(payload, "pickups[0].itemSourceReferences", [long_ref, "ITEM-002"])
    put(payload, "dropoffs[0].itemSourceReferences", [long_ref])

    assert set(errors_on(payload)) == {"items[0].itemSourceReference"}


# --- types, ranges, enums and formats --------------------------------------------------------------
REFUSED_VALUES = [
    # root
    ("serviceDate", "15/01/2024", "YYYY-MM-DD"),
    ("serviceDate", "2024-1-15", "YYYY-MM-DD"),
    ("serviceDate", "2024-02-30", "YYYY-MM-DD"),
    ("serviceDate", "2024-01-15T00:00:00", "YYYY-MM-DD"),
    ("serviceDate", 20240115, "YYYY-MM-DD"),
    ("batchSourceReference", 123, "must be text"),
    ("batchDescription", ["x"], "must be text"),
    # item
    ("items[0].itemSourceReference", 7, "must be text"),
    ("items[0].quantity", "1", "must be a number"),
    ("items[0].quantity", True, "must be a number"),
    ("items[0].quantity", 0, "between 0.01 and 1,000,000"),
    ("items[0].quantity", -1, "between 0.01 and 1,000,000"),
    ("items[0].quantity", 0.009, "between 0.01 and 1,000,000"),
    ("items[0].quantity", 1_000_000.5, "between 0.01 and 1,000,000"),
    ("items[0].quantity", float("nan"), "must be a number"),
    ("items[0].productVariantId", 1.5, "whole number"),
    ("items[0].productVariantId", "12", "whole number"),
    ("items[0].serviceId", True, "whole number"),
    ("items[0].serviceId", 0, "at least 1"),
    ("items[0].contents", "fragile", "object"),
    ("items[0].contents.isFragile", "yes", "true or false"),
    ("items[0].contents.mustBeUpright", 1, "true or false"),
    ("items[0].load", [10], "object"),
    ("items[0].load.weight", "heavy", "must be a number"),
    ("items[0].load.volume", -5, "at least 0"),
    ("items[0].load.quantity", 1.5, "whole number"),
    ("items[0].customFields", ["a"], "name/value"),
    ("items[0].customFields.orderNumber", {"nested": 1}, "single value"),
    # stops
    ("pickups[0].tripDate", "15/01/2024 08:00", "date and time"),
    ("pickups[0].tripDate", "2024-01-15T25:00:00", "date and time"),
    ("pickups[0].tripDate", "2024-01-15T08:00:00+15:00", "date and time"),
    ("pickups[0].timeWindowStart", "tomorrow", "date and time"),
    ("dropoffs[0].timeWindowEnd", 1705312800, "date and time"),
    ("pickups[0].appointmentTime", "9am", "HH:mm"),
    ("pickups[0].appointmentTime", "24:00", "HH:mm"),
    ("dropoffs[0].appointmentTime", "09:30:00", "HH:mm"),
    ("pickups[0].durationMinutes", "20", "whole number"),
    ("pickups[0].durationMinutes", -1, "between 0 and 1,440"),
    ("dropoffs[0].durationMinutes", 1441, "between 0 and 1,440"),
    ("dropoffs[0].sequence", -1, "at least 0"),
    ("dropoffs[0].sequence", "1", "whole number"),
    ("dropoffs[0].requireProofOfDelivery", "true", "true or false"),
    ("pickups[0].requireAllItemsBeforeRelease", 1, "true or false"),
    ("pickups[0].contact", "John Smith", "object"),
    ("pickups[0].contact.phone", 61412345678, "must be text"),
    ("pickups[0].location.latitude", 91, "between -90 and 90"),
    ("pickups[0].location.longitude", -180.5, "between -180 and 180"),
    ("dropoffs[0].location.latitude", "-33.8", "must be a number"),
    ("dropoffs[0].skills", "forklift", "must be a list"),
    ("dropoffs[0].driverInstructions", "knock", "object"),
    ("dropoffs[0].driverInstructions.accessInstructions", 5, "must be text"),
    ("dropoffs[0].notes", 5, "must be text"),
    ("dropoffs[0].source", False, "must be text"),
    ("dropoffs[0].load.weight", "5kg", "must be a number"),
    ("dropoffs[0].customFields", "x=1", "name/value"),
]


@pytest.mark.parametrize("path, value, words", REFUSED_VALUES)
def test_a_value_of_the_wrong_type_range_or_format_is_refused_on_its_path(path, value, words):
    messages = errors_on(put(batch(), path, value))[path]

    assert len(messages) == 1 and words in messages[0], messages


def test_each_skill_is_non_empty_text():
    found = errors_on(put(batch(), "dropoffs[0].skills", ["forklift", " "]))

    assert found == {"dropoffs[0].skills[1]": ["Each entry of skills must be non-empty text."]}


ACCEPTED_VALUES = [
    ("items[0].quantity", 0.01),
    ("items[0].quantity", 1_000_000),
    ("items[0].productVariantId", 5),
    ("items[0].contents", {key: True for key in ("isAlcohol", "isGlass", "mustBeUpright", "isNotRotatable")}),
    ("items[0].customFields", {"orderNumber": "ORD-12345", "priority": 2, "gift": True, "note": None}),
    ("pickups[0].tripDate", "2024-01-15T08:00:00Z"),
    ("pickups[0].tripDate", "2024-01-15T08:00:00.1234567+10:00"),
    ("pickups[0].tripDate", "2024-01-15T08:00"),
    ("pickups[0].tripDate", "2024-01-15"),
    ("pickups[0].appointmentTime", "23:59"),
    ("pickups[0].durationMinutes", 0),
    ("pickups[0].location", {"latitude": -90, "longitude": 180}),
    ("pickups[0].skills", ["forklift", "tail-lift"]),
    ("pickups[0].driverInstructions", {"notes": "n", "accessInstructions": "a", "parkingInstructions": "p"}),
    ("pickups[0].requireAllItemsBeforeRelease", False),
    ("dropoffs[0].load", {"weight": 15.5, "length": 140, "width": 90, "height": 20, "volume": 0, "quantity": 3}),
    ("dropoffs[0].sequence", 0),
    ("dropoffs[0].contact", {"name": "Jane Doe", "phone": "+61498765432", "email": "[email protected]"}),
    ("dropoffs[0].barcode", None),  # an unknown field is ignored, as the carrier does
    ("batchDescription", None),  # null is the same as leaving it out
]


@pytest.mark.parametrize("path, value", ACCEPTED_VALUES)
def test_a_valid_value_is_accepted(path, value):
    assert validate_batch_delivery(put(batch(), path, value)) == []


# --- Validation Rules ------------------------------------------------------------------------------
def test_item_source_references_are_unique_within_the_batch():
    found = errors_on(put(batch(), "items[1].itemSourceReference", "ITEM-001"))

    assert found["items[1].itemSourceReference"] == [
        "Item source reference 'ITEM-001' is used more than once (also items[0])."]


def test_item_references_differing_only_in_case_or_spaces_are_duplicates():
    assert "items[1].itemSourceReference" in errors_on(put(batch(), "items[1].itemSourceReference", " item-001"))


def test_stop_source_references_are_unique_across_pickups_and_dropoffs():
    payload = put(batch(), "dropoffs[1].stopSourceReference", "PICKUP-001")

    message = ("Stop source reference 'PICKUP-001' is used more than once (also pickups[0]); "
               "every pickup and drop-off needs its own.")
    assert errors_on(payload) == {"dropoffs[1].stopSourceReference": [message]}


def test_stop_source_references_are_unique_within_the_dropoffs():
    assert "dropoffs[1].stopSourceReference" in errors_on(put(batch(), "dropoffs[1].stopSourceReference", "dropoff-001"))


@pytest.mark.parametrize("path", ["pickups[0].tripDate", "dropoffs[1].tripDate"])
def test_trip_dates_must_be_on_the_service_date(path):
    assert errors_on(put(batch(), path, "2024-01-16T08:00:00")) == {
        path: ["Trip date 2024-01-16 must be on the service date 2024-01-15."]}


def test_the_trip_date_is_compared_as_written_not_converted_to_utc():
    # 00:30 in Sydney is the previous day in UTC; the dispatcher wrote the 15th.
    assert validate_batch_delivery(put(batch(), "pickups[0].tripDate", "2024-01-15T00:30:00+11:00")) == []


def test_a_service_date_change_flags_every_trip_date():
    found = errors_on(batch(serviceDate="2024-01-16"))

    assert set(found) == {"pickups[0].tripDate", "dropoffs[0].tripDate", "dropoffs[1].tripDate"}


def test_every_item_must_be_collected_by_a_pickup():
    found = errors_on(put(batch(), "pickups[0].itemSourceReferences", ["ITEM-001"]))

    assert found == {"items[1].itemSourceReference": ["Item 'ITEM-002' is not collected by any pickup."]}


def test_every_item_must_be_delivered_by_a_dropoff():
    found = errors_on(put(batch(), "dropoffs[1].itemSourceReferences", ["ITEM-001"]))

    assert found == {"items[1].itemSourceReference": ["Item 'ITEM-002' is not delivered by any drop-off."]}


def test_an_item_in_no_stop_is_reported_for_both_missing_legs():
    payload = batch()
    payload["items"].append({"itemSourceReference": "ITEM-003"})

    assert errors_on(payload)["items[2].itemSourceReference"] == [
        "Item 'ITEM-003' is not collected by any pickup.", "Item 'ITEM-003' is not delivered by any drop-off."]


def test_stops_may_reference_only_items_of_the_batch():
    found = errors_on(put(batch(), "pickups[0].itemSourceReferences", ["ITEM-001", "ITEM-002", "ITEM-404"]))

    assert found == {"pickups[0].itemSourceReferences[2]": ["Item 'ITEM-404' is not in this batch's items."]}


def test_a_reference_differing_only_in_case_suggests_the_item():
    found = errors_on(put(batch(), "dropoffs[0].itemSourceReferences", ["item-001"]))

    assert found["dropoffs[0].itemSourceReferences[0]"] == [
        "Item 'item-001' is not in this batch's items. Did you mean 'ITEM-001'?"]


@pytest.mark.parametrize("kind, noun, verb", [("pickups", "pickup", "collects"), ("dropoffs", "drop-off", "delivers")])
@pytest.mark.parametrize("absent", ["missing", None, []])
def test_each_stop_names_at_least_one_item(kind, noun, verb, absent):
    path = f"{kind}[0].itemSourceReferences"
    payload = drop(batch(), path) if absent == "missing" else put(batch(), path, absent)

    assert errors_on(payload)[path] == [f"List at least one item this {noun} {verb}."]


@pytest.mark.parametrize("value, path", [("ITEM-001", "pickups[0].itemSourceReferences"),
                                         (["ITEM-001", 2], "pickups[0].itemSourceReferences[1]"),
                                         (["ITEM-001", ""], "pickups[0].itemSourceReferences[1]")])
def test_item_references_are_a_list_of_texts(value, path):
    assert path in errors_on(put(batch(), "pickups[0].itemSourceReferences", value))


@pytest.mark.parametrize("kind", ["pickups", "dropoffs"])
def test_time_window_end_must_not_be_before_its_start(kind):
    payload = put(batch(), f"{kind}[0].timeWindowEnd", "2024-01-15T06:59:59")

    assert errors_on(payload) == {
        f"{kind}[0].timeWindowEnd": ["Time window end must not be before the time window start."]}


def test_a_time_window_of_no_length_is_allowed():
    payload = put(batch(), "dropoffs[0].timeWindowEnd", "2024-01-15T10:00:00")

    assert validate_batch_delivery(payload) == []


def test_time_windows_with_offsets_are_compared_as_instants():
    payload = put(batch(), "dropoffs[0].timeWindowStart", "2024-01-15T10:00:00+10:00")
    put(payload, "dropoffs[0].timeWindowEnd", "2024-01-15T01:00:00Z")  # 11:00 in +10:00

    assert validate_batch_delivery(payload) == []


def test_a_time_window_with_only_one_offset_is_compared_on_the_clock():
    payload = put(batch(), "dropoffs[0].timeWindowStart", "2024-01-15T10:00:00Z")
    put(payload, "dropoffs[0].timeWindowEnd", "2024-01-15T09:00:00")

    assert "dropoffs[0].timeWindowEnd" in errors_on(payload)


def test_one_side_of_a_time_window_alone_is_fine():
    payload = drop(batch(), "dropoffs[0].timeWindowStart")

    assert validate_batch_delivery(payload) == []


# --- big batches (speed itself is measured by `make bench`, as a ratio, not in a timed test) -----
def test_two_thousand_items_and_drop_offs_are_valid():
    assert validate_batch_delivery(big_batch(2000)) == []


def test_a_big_batch_full_of_errors_reports_every_one():
    payload = big_batch(2000)
    for i, dropoff in enumerate(payload["dropoffs"]):
        dropoff["tripDate"] = "2024-01-16T10:00:00"
        dropoff["stopSourceReference"] = "SAME"
        dropoff["itemSourceReferences"] = [f"NOPE-{i}"]

    errors = validate_batch_delivery(payload)

    assert len(errors) == 2000 * 4 - 1
