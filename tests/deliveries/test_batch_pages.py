"""The dispatchers' batch pages: the builder saves what was typed or puts each problem next to
its field, pickups come from our locations, submitting is once, reads take a fixed number of
queries, and only dispatchers get in."""
import copy
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from deliveries.models import Batch, Outbox, Stop
from deliveries.services.batch_payload import batch_to_payload
from deliveries.services.batches import batch_create
from dispatch_portal.staff.selectors import dashboard_tiles
from tests.factories import LocationFactory
from tests.spec.examples import SPEC_COMPLETE_EXAMPLE

pytestmark = pytest.mark.django_db

SERVICE_DATE = "2030-06-03"  # a Monday
OPEN_9_TO_5 = {f"{d}_{e}": v for d in ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
               for e, v in (("start", 900), ("end", 1700))}


def form_data(header: dict, items: list[dict], pickups: list[dict], dropoffs: list[dict], *, initial=(0, 0, 0)) -> dict:
    """What the builder's form sends, from plain rows (field name → value)."""
    data = {f"batch-{name}": value for name, value in header.items()}
    for (prefix, rows), count in zip((("items", items), ("pickups", pickups), ("dropoffs", dropoffs)), initial):
        data[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
        data[f"{prefix}-INITIAL_FORMS"] = str(count)
        for i, row in enumerate(rows):
            for name, value in row.items():
                data[f"{prefix}-{i}-{name}"] = value
    return data


def valid_rows() -> tuple[dict, list, list, list]:
    header = {"batch_source_reference": "B-100", "batch_description": "Monday north", "team_source_reference": "TEAM-N",
              "customer_source_reference": "CUST-1", "service_date": SERVICE_DATE}
    items = [
        {"item_source_reference": "ITEM-1", "description": "Desk", "quantity": "2", "barcode": "4006381333931"},
        {"item_source_reference": "ITEM-2", "description": "Lamp", "quantity": "1.5", "contents": ["isFragile", "isGlass"],
         "load_weight": "10.5", "load_quantity": "3", "custom_fields": "orderNumber = ORD-1\ngate: 4",
         "product_variant_id": "77"},
    ]
    pickups = [{"stop_source_reference": "P-1", "name": "Main Warehouse", "address": "1 Dock Road, London",
                "trip_date": f"{SERVICE_DATE}T08:00", "item_refs": "ITEM-1, ITEM-2", "warehouse_source_reference": "WH1",
                "require_all_items_before_release": "on", "contact_name": "Sam", "latitude": "51.5", "longitude": "-0.12"}]
    dropoffs = [
        {"stop_source_reference": "D-1", "name": "Customer A", "address": "5 Main Street, Leeds",
         "trip_date": f"{SERVICE_DATE}T11:00", "time_window_start": f"{SERVICE_DATE}T10:00",
         "time_window_end": f"{SERVICE_DATE}T12:00", "item_refs": "ITEM-1", "require_proof_of_delivery": "on",
         "sequence": "1", "skills": "forklift, two-person lift", "driver_notes": "Ring twice", "duration_minutes": "15",
         "contact_phone": "+441130000000", "appointment_time": "11:00"},
        {"stop_source_reference": "D-2", "name": "Customer B", "address": "7 Side Street, York",
         "trip_date": f"{SERVICE_DATE}T13:00", "item_refs": "ITEM-2"},  # no proof of delivery
    ]
    return header, items, pickups, dropoffs


EXPECTED_PAYLOAD = {
    "batchSourceReference": "B-100", "batchDescription": "Monday north", "teamSourceReference": "TEAM-N",
    "customerSourceReference": "CUST-1", "serviceDate": SERVICE_DATE,
    "items": [
        {"itemSourceReference": "ITEM-1", "barcode": "4006381333931", "description": "Desk", "quantity": 2},
        {"itemSourceReference": "ITEM-2", "description": "Lamp", "quantity": 1.5, "productVariantId": 77,
         "contents": {"isFragile": True, "isGlass": True}, "load": {"weight": 10.5, "quantity": 3},
         "customFields": {"orderNumber": "ORD-1", "gate": "4"}},
    ],
    "pickups": [{"stopSourceReference": "P-1", "name": "Main Warehouse", "address": "1 Dock Road, London",
                 "contact": {"name": "Sam"}, "location": {"latitude": 51.5, "longitude": -0.12},
                 "tripDate": f"{SERVICE_DATE}T08:00", "itemSourceReferences": ["ITEM-1", "ITEM-2"],
                 "warehouseSourceReference": "WH1", "requireAllItemsBeforeRelease": True}],
    "dropoffs": [
        {"stopSourceReference": "D-1", "name": "Customer A", "address": "5 Main Street, Leeds",
         "contact": {"phone": "+441130000000"}, "tripDate": f"{SERVICE_DATE}T11:00", "appointmentTime": "11:00",
         "timeWindowStart": f"{SERVICE_DATE}T10:00", "timeWindowEnd": f"{SERVICE_DATE}T12:00", "durationMinutes": 15,
         "skills": ["forklift", "two-person lift"], "driverInstructions": {"notes": "Ring twice"},
         "itemSourceReferences": ["ITEM-1"], "sequence": 1, "requireProofOfDelivery": True},
        {"stopSourceReference": "D-2", "name": "Customer B", "address": "7 Side Street, York",
         "tripDate": f"{SERVICE_DATE}T13:00", "itemSourceReferences": ["ITEM-2"], "requireProofOfDelivery": False},
    ],
}


def errors_of(response, where: str, index: int | None = None) -> dict:
    builder = response.context["builder"]
    form = builder.header if where == "header" else getattr(builder, where).forms[index]
    return {name: list(messages) for name, messages in form.errors.items()}


def field_html(html: str, field_id: str) -> str:
    """The input (or select/textarea) tag with this id."""
    match = re.search(rf'<(?:input|select|textarea)[^>]*\bid="{re.escape(field_id)}"[^>]*>', html)
    assert match, f"no field {field_id}"
    return match[0]


def assert_error_next_to(html: str, field_id: str, message: str) -> None:
    tag = field_html(html, field_id)
    assert 'aria-invalid="true"' in tag and f'aria-describedby="{field_id}_error"' in tag, tag
    block = re.search(rf'id="{re.escape(field_id)}_error">(.*?)</div>', html, re.DOTALL)
    assert block and message in block[1], (field_id, block and block[1])


@pytest.fixture
def signed_in(client, dispatcher):
    client.force_login(dispatcher)
    return client


# --- builder: a valid batch ------------------------------------------------------------------------
def test_builder_saves_a_draft_with_exactly_what_was_typed(signed_in, dispatcher):
    response = signed_in.post("/batches/new/", form_data(*valid_rows()))

    batch = Batch.objects.get()
    assert response.status_code == 302 and response.url == f"/batches/{batch.batch_id}/"
    assert batch.status == Batch.Status.DRAFT and batch.created_by == dispatcher
    assert batch_to_payload(batch) == EXPECTED_PAYLOAD


def test_removed_and_blank_rows_are_left_out(signed_in):
    header, items, pickups, dropoffs = valid_rows()
    items = [{"item_source_reference": "GONE", "DELETE": "on"}, *items, {"quantity": "1"}]  # removed; blank extra
    dropoffs = [*dropoffs, {"require_proof_of_delivery": "on"}]

    response = signed_in.post("/batches/new/", form_data(header, items, pickups, dropoffs))

    assert response.status_code == 302
    assert batch_to_payload(Batch.objects.get()) == EXPECTED_PAYLOAD


def test_builder_page_has_one_row_of_each_kind_to_fill_without_javascript(signed_in):
    LocationFactory(ref="WH1", name="Dock Warehouse", type="WAREHOUSE")
    html = signed_in.get("/batches/new/").content.decode()

    for prefix in ("items", "pickups", "dropoffs"):
        assert f'name="{prefix}-TOTAL_FORMS" value="1"' in html
        assert f'name="{prefix}-0-' in html
        assert f'name="{prefix}-__prefix__-' in html  # the empty row the script copies
    assert "Dock Warehouse · WH1" in html
    assert 'id="pickup-locations"' in html  # the locations' data for the script
    assert "<details" in html and 'name="items-0-load_weight"' in html  # every spec field is reachable


# --- builder: errors next to their fields, nothing saved ------------------------------------------
def test_each_kind_of_problem_is_shown_next_to_its_field_and_nothing_is_saved(signed_in):
    header, items, pickups, dropoffs = valid_rows()
    header["team_source_reference"] = ""  # a root field
    items[0]["quantity"] = "lots"  # an item field
    dropoffs[0]["address"] = ""  # a stop field
    pickups[0]["trip_date"] = "2030-06-04T08:00"  # a cross rule: not on the service date
    dropoffs[1]["item_refs"] = "ITEM-1"  # ITEM-2 now reaches no drop-off

    response = signed_in.post("/batches/new/", form_data(header, items, pickups, dropoffs))

    assert response.status_code == 200
    assert not Batch.objects.exists()
    assert errors_of(response, "header") == {"team_source_reference": ["Team source reference is required."]}
    assert errors_of(response, "items", 0) == {"quantity": ["Quantity must be a number."]}
    assert errors_of(response, "dropoffs", 0) == {"address": ["Address is required."]}
    assert errors_of(response, "pickups", 0) == {
        "trip_date": ["Trip date 2030-06-04 must be on the service date 2030-06-03."]}
    assert errors_of(response, "items", 1) == {
        "item_source_reference": ["Item 'ITEM-2' is not delivered by any drop-off."]}
    html = response.content.decode()
    assert "Nothing was saved." in html
    assert_error_next_to(html, "id_batch-team_source_reference", "Team source reference is required.")
    assert_error_next_to(html, "id_items-0-quantity", "Quantity must be a number.")
    assert_error_next_to(html, "id_dropoffs-0-address", "Address is required.")
    assert_error_next_to(html, "id_pickups-0-trip_date", "must be on the service date 2030-06-03")
    assert_error_next_to(html, "id_items-1-item_source_reference", "is not delivered by any drop-off")
    assert 'value="lots"' in html  # what was typed stays


def test_errors_land_on_the_right_row_after_a_removed_one_and_open_more(signed_in):
    header, items, pickups, dropoffs = valid_rows()
    items.insert(0, {"item_source_reference": "OLD", "DELETE": "on"})
    items[2]["load_weight"] = "-4"  # payload items[1] is form row 2; the field is under "More"

    response = signed_in.post("/batches/new/", form_data(header, items, pickups, dropoffs))

    assert errors_of(response, "items", 2) == {"load_weight": ["Load weight (kg) must be at least 0."]}
    assert errors_of(response, "items", 0) == {} and errors_of(response, "items", 1) == {}
    html = response.content.decode()
    row = html[html.index('name="items-2-item_source_reference"'):]
    assert row.index('<details class="row-more" open>') < row.index('id="id_items-2-load_weight"')


def test_list_level_problems_stand_above_their_section(signed_in):
    header, items, pickups, _dropoffs = valid_rows()

    response = signed_in.post("/batches/new/", form_data(header, items, pickups, [{"require_proof_of_delivery": "on"}]))

    builder = response.context["builder"]
    assert list(builder.dropoffs.non_form_errors()) == ["Add at least one drop-off."]
    assert 'id="dropoffs-errors"' in response.content.decode()


def test_an_unknown_item_on_a_stop_and_unreadable_custom_fields(signed_in):
    header, items, pickups, dropoffs = valid_rows()
    dropoffs[0]["item_refs"] = "ITEM-1, item-2"
    items[0]["custom_fields"] = "just words"

    response = signed_in.post("/batches/new/", form_data(header, items, pickups, dropoffs))

    assert errors_of(response, "dropoffs", 0) == {
        "item_refs": ["Item 'item-2' is not in this batch's items. Did you mean 'ITEM-2'?"]}
    assert errors_of(response, "items", 0) == {"custom_fields": ['Line 1 has no name = value: “just words”.']}
    assert not Batch.objects.exists()


def test_a_damaged_form_is_refused_without_an_error_page(signed_in):
    response = signed_in.post("/batches/new/", {"batch-batch_source_reference": "B-1"})

    assert response.status_code == 200 and not Batch.objects.exists()
    assert "reload the page and try again" in response.content.decode()


def test_a_time_with_an_offset_is_edited_as_text_so_nothing_is_lost(signed_in):
    payload = copy.deepcopy(SPEC_COMPLETE_EXAMPLE)
    payload["dropoffs"][0]["tripDate"] = "2024-01-15T11:00:00+10:00"
    batch = batch_create(payload=payload)

    html = signed_in.get(f"/batches/{batch.batch_id}/edit/").content.decode()

    assert 'type="text" name="dropoffs-0-trip_date" value="2024-01-15T11:00:00+10:00"' in html
    assert 'type="datetime-local" name="dropoffs-1-trip_date" value="2024-01-15T13:00:00"' in html


def test_a_reference_already_used_is_refused_on_its_field(signed_in):
    batch_create(payload=copy.deepcopy(SPEC_COMPLETE_EXAMPLE) | {"batchSourceReference": "B-100"})
    response = signed_in.post("/batches/new/", form_data(*valid_rows()))

    assert errors_of(response, "header") == {
        "batch_source_reference": ["Another batch already has this reference; choose a new one."]}
    assert Batch.objects.count() == 1


# --- pickups from our locations -------------------------------------------------------------------
@pytest.fixture
def warehouse():
    return LocationFactory(ref="WH-DOCK", name="Dock Warehouse", type="WAREHOUSE", street="1 Dock Road", city="London",
                           postcode="E16 2QU", country="United Kingdom", latitude=51.5072, longitude=0.0295,
                           time_zone="Europe/London", **OPEN_9_TO_5)


def test_a_pickup_chosen_from_a_location_gets_its_name_address_coordinates_and_reference(signed_in, warehouse):
    header, items, pickups, dropoffs = valid_rows()
    pickups[0] = {"location": str(warehouse.pk), "stop_source_reference": "P-1", "trip_date": f"{SERVICE_DATE}T10:00",
                  "item_refs": "ITEM-1, ITEM-2", "require_all_items_before_release": "on"}

    response = signed_in.post("/batches/new/", form_data(header, items, pickups, dropoffs))

    assert response.status_code == 302
    stop = Stop.objects.get(kind=Stop.Kind.PICKUP)
    assert (stop.name, stop.address) == ("Dock Warehouse", "1 Dock Road, London, E16 2QU, United Kingdom")
    assert (stop.latitude, stop.longitude, stop.warehouse_source_reference) == (51.5072, 0.0295, "WH-DOCK")
    assert stop.location == warehouse
    # Editing the draft shows the location chosen, and a new choice replaces what it filled.
    other = LocationFactory(ref="WH-2", name="North Warehouse", type="WAREHOUSE", city="Leeds", latitude=53.8, longitude=-1.55)
    batch = Batch.objects.get()
    page = signed_in.get(f"/batches/{batch.batch_id}/edit/")
    assert page.context["builder"].pickups.forms[0].initial["location"] == str(warehouse.pk)
    pickups[0] |= {"location": str(other.pk), "filled_from": str(warehouse.pk), "name": "Dock Warehouse"}
    data = form_data(header, items, pickups, dropoffs, initial=(2, 1, 2))
    assert signed_in.post(f"/batches/{batch.batch_id}/edit/", data).status_code == 302
    stop = Stop.objects.get(kind=Stop.Kind.PICKUP)
    assert (stop.name, stop.address, stop.warehouse_source_reference, stop.location) == (
        "North Warehouse", "Leeds", "WH-2", other)


def test_typed_values_are_kept_when_the_location_fills_only_blanks(signed_in, warehouse):
    header, items, pickups, dropoffs = valid_rows()
    pickups[0] |= {"location": str(warehouse.pk), "name": "Dock Warehouse, gate 4", "latitude": "", "longitude": ""}

    signed_in.post("/batches/new/", form_data(header, items, pickups, dropoffs))

    stop = Stop.objects.get(kind=Stop.Kind.PICKUP)
    assert stop.name == "Dock Warehouse, gate 4" and stop.address == "1 Dock Road, London"
    assert (stop.latitude, stop.longitude) == (51.5072, 0.0295)


def test_a_pickup_window_outside_opening_hours_is_a_warning_not_an_error(signed_in, warehouse):
    header, items, pickups, dropoffs = valid_rows()
    pickups[0] |= {"location": str(warehouse.pk), "time_window_start": f"{SERVICE_DATE}T07:00",
                   "time_window_end": f"{SERVICE_DATE}T10:00"}
    warning = ("Dock Warehouse is open 09:00–17:00 on Mondays (Europe/London); "
               "the pickup window 07:00–10:00 is outside those hours.")

    # Shown next to the pickup while the batch still has problems …
    header["team_source_reference"] = ""
    html = signed_in.post("/batches/new/", form_data(header, items, pickups, dropoffs)).content.decode()
    assert f"Outside opening hours: {warning}" in html
    # … and does not stop the save; the draft's page repeats it.
    header["team_source_reference"] = "TEAM-N"
    response = signed_in.post("/batches/new/", form_data(header, items, pickups, dropoffs), follow=True)
    assert Batch.objects.get().status == Batch.Status.DRAFT
    assert warning in response.content.decode()


def test_a_window_inside_opening_hours_and_other_time_zones(warehouse):
    from deliveries.selectors import pickup_hours_warning

    assert pickup_hours_warning(warehouse, trip_date="2030-06-03T10:00", start="2030-06-03T09:00",
                                end="2030-06-03T17:00") is None
    # 08:30 in Sydney is 23:30 the day before in London: closed then.
    assert "open 09:00–17:00 on Sundays" in pickup_hours_warning(
        warehouse, trip_date="2030-06-03T08:30:00+10:00", start=None, end=None)
    warehouse.sun_start = warehouse.sun_end = 0
    assert pickup_hours_warning(warehouse, trip_date="2030-06-02T10:00", start=None, end=None) == (
        "Dock Warehouse is closed on Sundays (Europe/London); the pickup time 10:00 is outside its hours.")


# --- a draft: edit, submit once ------------------------------------------------------------------
@pytest.fixture
def draft(dispatcher) -> Batch:
    return batch_create(payload=copy.deepcopy(SPEC_COMPLETE_EXAMPLE), by=dispatcher)


def test_editing_a_draft_shows_it_and_saves_the_changes(signed_in, draft):
    page = signed_in.get(f"/batches/{draft.batch_id}/edit/")
    builder = page.context["builder"]
    assert builder.header.initial["batch_source_reference"] == "BATCH-2024-001"
    assert len(builder.items.forms) == 2 and len(builder.dropoffs.forms) == 2

    data = {}
    for name, form in [("batch", builder.header)]:
        data |= {f"batch-{k}": v for k, v in form.initial.items()}
    for prefix in ("items", "pickups", "dropoffs"):
        formset = getattr(builder, prefix)
        data[f"{prefix}-TOTAL_FORMS"] = data[f"{prefix}-INITIAL_FORMS"] = str(len(formset.forms))
        for i, form in enumerate(formset.forms):
            for key, value in form.initial.items():
                if value is True:
                    data[f"{prefix}-{i}-{key}"] = "on"
                elif value not in (False, None):
                    data[f"{prefix}-{i}-{key}"] = value
    data["dropoffs-1-DELETE"] = "on"
    data["dropoffs-0-item_refs"] = "ITEM-001, ITEM-002"

    response = signed_in.post(f"/batches/{draft.batch_id}/edit/", data)

    assert response.status_code == 302
    payload = batch_to_payload(Batch.objects.get(pk=draft.pk))
    expected = copy.deepcopy(SPEC_COMPLETE_EXAMPLE)
    expected["pickups"][0]["requireAllItemsBeforeRelease"] = True
    expected["dropoffs"] = [expected["dropoffs"][0] | {"itemSourceReferences": ["ITEM-001", "ITEM-002"]}]
    assert payload == expected


def test_submitting_twice_owes_one_push(signed_in, draft):
    for _ in range(2):
        response = signed_in.post(f"/batches/{draft.batch_id}/submit/")
        assert response.status_code == 302 and response.url == f"/batches/{draft.batch_id}/"

    assert Outbox.objects.filter(key=str(draft.batch_id)).count() == 1
    draft.refresh_from_db()
    assert draft.status == Batch.Status.QUEUED
    html = signed_in.get(f"/batches/{draft.batch_id}/").content.decode()
    assert "Submit to Locate2u" not in html and 'role="progressbar"' in html
    assert signed_in.get(f"/batches/{draft.batch_id}/edit/").status_code == 302  # no longer editable


def test_the_draft_page_offers_submit_and_no_progress(signed_in, draft):
    html = signed_in.get(f"/batches/{draft.batch_id}/").content.decode()

    assert "Submit to Locate2u" in html and "Edit draft" in html
    assert 'role="progressbar"' not in html
    assert "BATCH-2024-001" in html and "Central Warehouse" in html


# --- progress, results, failed stops ---------------------------------------------------------------
def test_progress_json_reports_counts_and_status(signed_in, draft):
    Batch.objects.filter(pk=draft.pk).update(status=Batch.Status.IMPORTING, processed_count=2, success_count=1,
                                             failed_count=1, progress=66.67, import_status="Importing")

    data = signed_in.get(f"/batches/{draft.batch_id}/progress.json").json()

    assert data | {"lastPolledAt": None} == {
        "batchId": str(draft.batch_id), "status": "importing", "statusLabel": "Importing", "tone": "info",
        "hint": "Locate2u is importing the stops…", "final": False, "followLapsed": False, "percent": 66, "total": 3,
        "processed": 2,
        "succeeded": 1, "failed": 1, "locate2uStatus": "Importing", "importError": "", "lastPolledAt": None}


def finish(batch: Batch, *, failed_refs=(), stage="PreProcessing") -> None:
    stops = list(batch.stops.all())
    for n, stop in enumerate(stops):
        if stop.stop_source_reference in failed_refs:
            stop.import_result, stop.error_stage = Stop.ImportResult.FAILED, stage
            stop.error_messages = [f"Address '{stop.address}' could not be geocoded"]
        else:
            stop.import_result, stop.locate2u_stop_id = Stop.ImportResult.IMPORTED, 9000 + n
    Stop.objects.bulk_update(stops, ["import_result", "error_stage", "error_messages", "locate2u_stop_id"])
    status = Batch.Status.PARTIALLY_COMPLETED if failed_refs else Batch.Status.COMPLETED
    Batch.objects.filter(pk=batch.pk).update(status=status, progress=100, processed_count=len(stops),
                                             failed_count=len(failed_refs), success_count=len(stops) - len(failed_refs))


def test_a_partially_completed_batch_lists_failed_stops_by_stage_and_starts_a_new_draft(signed_in, draft):
    finish(draft, failed_refs=["DROPOFF-002"])

    html = signed_in.get(f"/batches/{draft.batch_id}/").content.decode()
    assert "Partially completed" in html and 'aria-valuenow="100"' in html
    results = html[html.index('id="batch-results"'):html.index('id="facts-heading"')]
    assert "PreProcessing" in results and "DROPOFF-002" in results
    assert "Address &#x27;75 Side Street, Chatswood NSW 2067&#x27; could not be geocoded" in results
    assert "#9000" in html  # a stop Locate2u took, with its id
    assert "New draft from failed stops" in results

    response = signed_in.post(f"/batches/{draft.batch_id}/retry-failed/")

    retry = Batch.objects.exclude(pk=draft.pk).get()
    assert response.status_code == 302 and response.url == f"/batches/{retry.batch_id}/edit/"
    assert retry.status == Batch.Status.DRAFT
    assert [s["stopSourceReference"] for s in batch_to_payload(retry)["dropoffs"]] == ["DROPOFF-002"]


def test_failed_partner_stops_are_left_to_the_partner_not_redrafted(signed_in, draft):
    Batch.objects.filter(pk=draft.pk).update(created_via=Batch.PARTNER_STOPS_VIA)
    finish(draft, failed_refs=["DROPOFF-002"])

    html = signed_in.get(f"/batches/{draft.batch_id}/").content.decode()
    assert "New draft from failed stops" not in html
    assert "the partner corrects them and sends them again" in html

    response = signed_in.post(f"/batches/{draft.batch_id}/retry-failed/", follow=True)  # a stale page's form

    assert "sends corrected stops again" in response.content.decode()
    assert Batch.objects.count() == 1


def test_a_completed_batch_has_no_failed_stops_button(signed_in, draft):
    finish(draft)

    html = signed_in.get(f"/batches/{draft.batch_id}/").content.decode()

    assert "All 3 stops imported" in html and "New draft from failed stops" not in html


def test_a_rejected_batch_shows_why(signed_in, draft):
    Batch.objects.filter(pk=draft.pk).update(status=Batch.Status.REJECTED,
                                             import_error="Locate2u refused the batch: serviceDate: bad")

    html = signed_in.get(f"/batches/{draft.batch_id}/").content.decode()

    assert "Rejected by Locate2u" in html and "Locate2u refused the batch: serviceDate: bad" in html


# --- an import we stopped following -----------------------------------------------------------------
GAVE_UP = "Locate2u had not finished importing when we stopped following (10:00:00); its stops may still arrive."


def importing(batch: Batch, *, lapsed: bool, **changes) -> Batch:
    """Locate2u importing the batch; our following ended a minute ago (lapsed) or ends in a minute."""
    follow_until = timezone.now() + timedelta(minutes=-1 if lapsed else 1)
    Batch.objects.filter(pk=batch.pk).update(status=Batch.Status.IMPORTING, follow_until=follow_until, **changes)
    batch.refresh_from_db()
    return batch


def test_an_import_no_longer_followed_needs_attention_and_a_followed_one_does_not(signed_in):
    today = timezone.localdate()
    for reference, lapsed in (("LAPSED", True), ("FOLLOWED", False)):
        importing(batch_create(payload=copy.deepcopy(SPEC_COMPLETE_EXAMPLE) | {"batchSourceReference": reference}),
                  lapsed=lapsed, service_date=today)

    response = signed_in.get(f"/batches/?status=problems&service_date={today.isoformat()}")

    assert [row.batch.batch_source_reference for row in response.context["rows"]] == ["LAPSED"]
    html = response.content.decode()
    assert "Needs attention (failed, rejected, not followed)" in html
    assert "No longer followed" in html  # next to its Importing status
    tile = {tile.title: tile for tile in dashboard_tiles()}["Batch problems"]
    assert (tile.value, tile.detail, tile.tone) == (1, "1 import no longer followed", "bad")


def test_the_page_of_an_import_no_longer_followed_says_so_and_offers_to_look_again(signed_in, draft):
    batch = importing(draft, lapsed=True, import_error=GAVE_UP)
    stopped_at = f"{timezone.localtime(batch.follow_until):%H:%M}"

    html = signed_in.get(f"/batches/{draft.batch_id}/").content.decode()
    data = signed_in.get(f"/batches/{draft.batch_id}/progress.json").json()

    hint = f"We stopped following this import at {stopped_at}; Locate2u may still be importing."
    assert hint in html
    assert '<div class="notice notice-warn follow-lapsed" data-field-box="followLapsed">' in html  # shown
    assert f'action="/batches/{draft.batch_id}/follow/" data-once' in html and ">Look again</button>" in html
    assert 'data-field-box="importError" hidden' in html  # it would only repeat the hint
    assert data["followLapsed"] is True and data["hint"] == hint and data["importError"] == GAVE_UP


def test_a_followed_import_offers_no_look_again(signed_in, draft):
    importing(draft, lapsed=False)

    html = signed_in.get(f"/batches/{draft.batch_id}/").content.decode()

    assert 'data-field-box="followLapsed" hidden' in html and "Locate2u is importing the stops…" in html
    assert signed_in.get(f"/batches/{draft.batch_id}/progress.json").json()["followLapsed"] is False


def test_looking_again_follows_the_import_once_more_and_a_second_click_does_nothing(
        signed_in, draft, django_capture_on_commit_callbacks):
    importing(draft, lapsed=True, import_error=GAVE_UP)

    with django_capture_on_commit_callbacks() as callbacks:
        response = signed_in.post(f"/batches/{draft.batch_id}/follow/", follow=True)

    assert len(callbacks) == 1  # one follow task, sent after commit
    draft.refresh_from_db()
    assert draft.status == Batch.Status.IMPORTING and draft.import_error == "" and not draft.follow_lapsed
    assert timedelta(seconds=110) < draft.follow_until - timezone.now() <= timedelta(seconds=120)  # 2 min, 3 stops
    assert response.redirect_chain == [(f"/batches/{draft.batch_id}/", 302)]
    html = response.content.decode()
    assert "Following BATCH-2024-001 again for 2 minutes." in html and "Locate2u is importing the stops…" in html
    followed_until = draft.follow_until

    with django_capture_on_commit_callbacks() as callbacks:
        response = signed_in.post(f"/batches/{draft.batch_id}/follow/")

    assert response.status_code == 302 and response.url == f"/batches/{draft.batch_id}/"
    assert len(callbacks) == 0
    draft.refresh_from_db()
    assert draft.follow_until == followed_until


def test_looking_again_at_a_finished_import_changes_nothing(signed_in, draft, django_capture_on_commit_callbacks):
    importing(draft, lapsed=True)
    finish(draft)
    before = Batch.objects.get(pk=draft.pk)

    with django_capture_on_commit_callbacks() as callbacks:
        response = signed_in.post(f"/batches/{draft.batch_id}/follow/")

    assert response.status_code == 302 and response.url == f"/batches/{draft.batch_id}/"
    assert len(callbacks) == 0
    after = Batch.objects.get(pk=draft.pk)
    assert (after.status, after.follow_until, after.updated_at) == (Batch.Status.COMPLETED, before.follow_until,
                                                                    before.updated_at)


# --- fixed number of queries -----------------------------------------------------------------------
def batch_with_stops(n_dropoffs: int, reference: str) -> Batch:
    payload = copy.deepcopy(SPEC_COMPLETE_EXAMPLE)
    payload["batchSourceReference"] = reference
    payload["dropoffs"] = [dict(payload["dropoffs"][i % 2], stopSourceReference=f"D-{i}", sequence=i)
                           for i in range(n_dropoffs)]
    batch = batch_create(payload=payload)
    finish(batch, failed_refs=["D-1"])
    return batch


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_a_batch_page_and_its_progress_take_the_same_queries_for_3_or_60_stops(signed_in):
    small, big = batch_with_stops(2, "SMALL"), batch_with_stops(59, "BIG")
    assert (small.stops.count(), big.stops.count()) == (3, 60)

    for suffix in ("", "progress.json"):
        assert queries(signed_in, f"/batches/{small.batch_id}/{suffix}") == queries(signed_in, f"/batches/{big.batch_id}/{suffix}")
    assert queries(signed_in, f"/batches/{big.batch_id}/progress.json") <= 5  # session, user, permissions, batch
    assert queries(signed_in, f"/batches/{big.batch_id}/") <= 10  # … batch, items, stops, links, groups


def test_the_list_takes_the_same_queries_for_3_or_30_batches(signed_in):
    for i in range(3):
        batch_with_stops(2, f"A-{i}")
    few = queries(signed_in, "/batches/")
    for i in range(27):
        batch_with_stops(2, f"B-{i}")

    assert queries(signed_in, "/batches/") == few <= 8


# --- the list ------------------------------------------------------------------------------------
def test_the_list_filters_by_status_service_date_and_reference(signed_in):
    done = batch_with_stops(2, "NORTH-1")
    batch_create(payload=copy.deepcopy(SPEC_COMPLETE_EXAMPLE) | {"batchSourceReference": "SOUTH-1"})

    def listed(query: str) -> list[str]:
        return [row.batch.batch_source_reference for row in signed_in.get(f"/batches/?{query}").context["rows"]]

    assert listed("") == ["SOUTH-1", "NORTH-1"]
    assert listed("status=draft") == ["SOUTH-1"]
    assert listed("status=problems") == ["NORTH-1"]
    assert listed("q=north-") == ["NORTH-1"]  # by reference, case-insensitively
    assert listed("service_date=2024-01-15") == ["SOUTH-1", "NORTH-1"]
    assert listed("service_date=2024-01-16") == []
    html = signed_in.get("/batches/").content.decode()
    assert f'href="/batches/{done.batch_id}/"' in html and 'aria-valuenow="100"' in html
    assert "Partially completed" in html and 'href="/batches/new/"' in html


def test_the_list_pages_through_many_batches(signed_in):
    for i in range(30):
        batch_create(payload=copy.deepcopy(SPEC_COMPLETE_EXAMPLE) | {"batchSourceReference": f"B-{i:02d}"})

    first, second = signed_in.get("/batches/"), signed_in.get("/batches/?page=2")

    assert len(first.context["rows"]) == 25 and len(second.context["rows"]) == 5
    assert "Page 1 of 2" in first.content.decode()


# --- who may do what ----------------------------------------------------------------------------------
def urls(batch: Batch) -> list[tuple[str, str]]:
    base = f"/batches/{batch.batch_id}/"
    return [("get", "/batches/"), ("get", "/batches/new/"), ("get", base), ("get", base + "progress.json"),
            ("get", base + "edit/"), ("post", base + "submit/"), ("post", base + "follow/"),
            ("post", base + "retry-failed/")]


def test_store_managers_get_403_everywhere(client, manager, draft):
    client.force_login(manager)
    for method, url in urls(draft):
        assert getattr(client, method)(url).status_code == 403, url
    assert not Outbox.objects.exists()


def test_anonymous_users_are_sent_to_sign_in(client, draft):
    for method, url in urls(draft):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/?next="), url


def test_administrators_may_do_everything(admin_client, draft):
    assert admin_client.get(f"/batches/{draft.batch_id}/").status_code == 200
    assert admin_client.post(f"/batches/{draft.batch_id}/submit/").status_code == 302
    assert Outbox.objects.count() == 1


def test_an_unknown_batch_is_404(signed_in):
    assert signed_in.get("/batches/00000000-0000-0000-0000-000000000000/").status_code == 404


# --- dashboard tiles -------------------------------------------------------------------------------
def test_dashboard_tiles_count_todays_batches_by_state_importing_and_problems(signed_in):
    today = timezone.localdate()
    made = []
    for i, status in enumerate([Batch.Status.DRAFT, Batch.Status.IMPORTING, Batch.Status.COMPLETED,
                                Batch.Status.REJECTED, Batch.Status.PARTIALLY_COMPLETED]):
        batch = batch_create(payload=copy.deepcopy(SPEC_COMPLETE_EXAMPLE) | {"batchSourceReference": f"T-{i}"})
        Batch.objects.filter(pk=batch.pk).update(status=status, service_date=today, failed_count=1 if i == 4 else 0)
        made.append(batch)
    Batch.objects.filter(pk=made[0].pk).update(service_date=today + timedelta(days=1))  # not today's

    tiles = {tile.title: tile for tile in dashboard_tiles()}

    assert tiles["Batches today"].value == 4
    assert tiles["Batches today"].detail == "1 importing · 1 completed · 1 partially completed · 1 rejected"
    assert tiles["Batches today"].url == f"/batches/?service_date={today.isoformat()}"
    assert tiles["Importing now"].value == 1
    assert tiles["Batch problems"].value == 2 and tiles["Batch problems"].tone == "bad"
    assert "1 stop failed" in tiles["Batch problems"].detail
    html = signed_in.get("/").content.decode()
    assert "Batches today" in html and "Locations open now" in html


@pytest.mark.django_db
def test_each_drop_off_offers_a_courier_job_made_from_it(client, dispatcher):
    from deliveries.services.batches import batch_create
    from tests.spec.examples import SPEC_COMPLETE_EXAMPLE

    batch = batch_create(payload=copy.deepcopy(SPEC_COMPLETE_EXAMPLE))
    client.force_login(dispatcher)
    html = client.get(f"/batches/{batch.batch_id}/").content.decode()

    for stop in batch.stops.filter(kind="dropoff"):
        assert f"/jobs/new/?stop={stop.pk}" in html
