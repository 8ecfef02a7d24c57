"""Locate2u answers → schemas: the spec's shapes, wrapped or bare, and the error bodies we parse."""
from datetime import UTC, datetime

import pytest

from deliveries.carriers.locate2u import mapping
from deliveries.carriers.locate2u.schemas import ImportState

SPEC_PARTIAL = {
    "data": {
        "batchImportId": "a1b2c3d4-e5f6-7890-abcd-ef1234567890",
        "status": "PartiallyCompleted",
        "totalCount": 10, "successCount": 8, "failedCount": 2, "processedCount": 10, "progressPercentage": 100.00,
        "errors": [
            {"rowNumber": 3, "sourceReference": "STOP-003", "stage": "Validation",
             "messages": ["Invalid date format for tripDate"]},
            {"rowNumber": 7, "sourceReference": "STOP-007", "stage": "Save",
             "messages": ["Duplicate sourceReference already exists"]},
        ],
        "successfulStops": [{"stopId": 12350, "sourceReference": "STOP-001"},
                            {"stopId": 12351, "sourceReference": "STOP-002"}],
    }
}

SPEC_IN_PROGRESS = {
    "data": {
        "batchImportId": "a1b2c3d4-e5f6-7890-abcd-ef1234567890", "status": "Importing", "totalCount": 100,
        "successCount": 45, "failedCount": 5, "processedCount": 50, "progressPercentage": 50.00,
        "batchSourceReference": "BATCH-2024-001", "createdDate": "2024-01-15T08:00:00Z",
        "startedDate": "2024-01-15T08:00:05Z", "completedDate": None,
        "errors": [{"rowNumber": 12, "sourceReference": "STOP-012", "stage": "Validation",
                    "messages": ["Address is required"]}],
        "successfulStops": None,
    }
}


def test_the_spec_partially_completed_example_maps_to_an_import_status():
    status = mapping.import_status_from(SPEC_PARTIAL)

    assert status.status is ImportState.PARTIALLY_COMPLETED and status.finished
    assert (status.total_count, status.success_count, status.failed_count, status.progress_percentage) == (10, 8, 2, 100.0)
    assert [(e.row_number, e.source_reference, e.stage, e.messages) for e in status.errors] == [
        (3, "STOP-003", "Validation", ("Invalid date format for tripDate",)),
        (7, "STOP-007", "Save", ("Duplicate sourceReference already exists",))]
    assert [(s.stop_id, s.source_reference) for s in status.successful_stops] == [(12350, "STOP-001"), (12351, "STOP-002")]


def test_the_spec_in_progress_example_is_not_finished_and_has_no_stops_yet():
    status = mapping.import_status_from(SPEC_IN_PROGRESS)

    assert status.status is ImportState.IMPORTING and not status.finished
    assert status.successful_stops is None and status.completed_date is None
    assert status.started_date == datetime(2024, 1, 15, 8, 0, 5, tzinfo=UTC)
    assert status.batch_source_reference == "BATCH-2024-001"


def test_a_status_the_spec_does_not_list_is_kept_as_written():
    body = {"data": dict(SPEC_IN_PROGRESS["data"], status="Paused")}

    status = mapping.import_status_from(body)

    assert status.status == "Paused" and not status.finished


def test_answers_are_read_wrapped_or_bare():
    wrapped = mapping.batch_delivery_accepted_from({"success": True, "data": {"batchId": "b", "stopsCreated": 3,
                                                                               "itemsProcessed": 2}})
    bare = mapping.batch_delivery_accepted_from({"batchId": "b", "stopsCreated": 3, "itemsProcessed": 2})

    assert wrapped == bare and wrapped.stops_created == 3


def test_the_spec_discovery_example():
    user = mapping.discovery_user_from({"userId": 12345, "email": "x", "teamId": 67890, "teamName": "My Company"})

    assert (user.user_id, user.team_id, user.team_name) == (12345, 67890, "My Company")


@pytest.mark.parametrize("body", [{"data": {}}, {"batchId": 7}, [], "text", None])
def test_an_answer_without_its_required_values_is_a_shape_error(body):
    with pytest.raises(mapping.ShapeError):
        mapping.batch_delivery_accepted_from(body)


def test_event_types_may_be_names_or_objects():
    kinds = mapping.event_types_from(["stop.assigned", {"eventType": "stop.status-changed", "description": "d"},
                                      {"name": "note.created"}, 42])

    assert [(k.name, k.description) for k in kinds] == [
        ("stop.assigned", ""), ("stop.status-changed", "d"), ("note.created", "")]


@pytest.mark.parametrize(
    "body, expected",
    [
        ({"success": False, "errors": [{"field": "items[0].itemSourceReference",
                                        "message": "Item source reference is required."}]},
         [("items[0].itemSourceReference", "Item source reference is required.")]),
        ({"title": "One or more validation errors occurred.",
          "errors": {"$.Items[0].ItemSourceReference": ["Required.", "Too long."], "ServiceDate": "Bad date."}},
         [("items[0].itemSourceReference", "Required."), ("items[0].itemSourceReference", "Too long."),
          ("serviceDate", "Bad date.")]),
        ({"error": "invalid_scope"}, [("", "invalid_scope")]),
        ({"message": "Batch not found"}, [("", "Batch not found")]),
        ("Bad Request", [("", "Bad Request")]),
        (None, []),
    ],
)
def test_validation_messages_from_every_known_error_body(body, expected):
    assert mapping.validation_messages(body) == expected
