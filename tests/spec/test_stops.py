"""validate_stop (POST /v1/Stops) and validate_stop_import (POST /v1/Stops/import)."""
import pytest

from deliveries.spec import SpecError, validate_stop, validate_stop_import, validate_stop_import_envelope
from tests.spec.examples import batch, stop


def test_a_drop_off_of_the_spec_example_is_a_valid_single_stop():
    assert validate_stop(batch()["dropoffs"][0]) == []
    assert validate_stop(stop()) == []


@pytest.mark.parametrize("name", ["stopSourceReference", "name", "address", "tripDate"])
def test_a_single_stop_needs_the_stop_required_fields(name):
    payload = stop()
    del payload[name]

    assert [e.field for e in validate_stop(payload)] == [name]


def test_a_single_stop_needs_no_item_references_but_they_must_be_texts():
    assert validate_stop(stop(itemSourceReferences=["A", "B"])) == []
    assert [e.field for e in validate_stop(stop(itemSourceReferences=["A", 3]))] == ["itemSourceReferences[1]"]


def test_a_single_stop_checks_its_time_window_and_field_table():
    errors = validate_stop(stop(timeWindowEnd="2024-01-15T08:00:00", name="x" * 251, sequence=-2))

    assert {e.field for e in errors} == {"timeWindowEnd", "name", "sequence"}


def test_the_path_prefixes_every_field():
    errors = validate_stop(stop(address="", contact={"phone": 5}), path="stops[4]")

    assert {e.field for e in errors} == {"stops[4].address", "stops[4].contact.phone"}


@pytest.mark.parametrize("payload", [None, [], "stop"])
def test_a_stop_that_is_not_an_object_is_one_error_on_its_path(payload):
    assert [e.field for e in validate_stop(payload, path="stops[0]")] == ["stops[0]"]
    assert [e.field for e in validate_stop(payload)] == [""]


def test_an_import_is_an_object_with_a_list_of_stops():
    assert validate_stop_import({"stops": [stop(), stop(stopSourceReference="STOP-002")]}) == []
    assert validate_stop_import({"batchSourceReference": "IMP-1", "stops": [stop()]}) == []


@pytest.mark.parametrize(
    "payload, field",
    [
        ([stop()], ""),
        ({}, "stops"),
        ({"stops": []}, "stops"),
        ({"stops": {"0": stop()}}, "stops"),
        ({"stops": [stop()], "batchSourceReference": "x" * 101}, "batchSourceReference"),
    ],
)
def test_a_bad_import_envelope_is_refused(payload, field):
    assert [e.field for e in validate_stop_import_envelope(payload)] == [field]


def test_an_import_reports_each_bad_stop_on_its_row_path():
    payload = {"stops": [stop(), stop(address=""), "not a stop", stop(tripDate="yesterday")]}

    assert validate_stop_import_envelope(payload) == []
    assert validate_stop_import(payload) == [
        SpecError("stops[1].address", "Address is required."),
        SpecError("stops[2]", "The stop must be an object with named fields."),
        SpecError("stops[3].tripDate", "Trip date must be a date and time, e.g. 2024-01-15T09:00:00."),
    ]


def test_an_import_has_an_upper_limit():
    errors = validate_stop_import_envelope({"stops": [{}] * 10_001})

    assert [e.field for e in errors] == ["stops"] and "at most 10,000" in errors[0].message
