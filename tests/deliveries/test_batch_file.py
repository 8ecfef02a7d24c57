"""CSV and Excel import of a batch (issue 5): the template round-trips, every bad row is reported
with its row and column, nothing is saved until the file is clean or the dispatcher keeps only
the good rows, and unreadable files get a clear answer, never a 500."""
import csv
import io
import uuid
import zipfile
from datetime import date, datetime, time

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import NoReverseMatch, path, reverse

from deliveries.models import Batch, Item, Stop
from deliveries.services import batch_file
from deliveries.services.batch_file import COLUMNS, RowError, batch_file_check
from deliveries.services.batch_payload import batch_to_payload

pytestmark = pytest.mark.django_db

URL = "/batches/import/"
HEADER = {"batch_source_reference": "FILE-001", "team_source_reference": "TEAM-NORTH",
          "service_date": "2024-01-15", "batch_description": "From a file"}
SPEC_HEADER = {"batchSourceReference": "FILE-001", "teamSourceReference": "TEAM-NORTH", "serviceDate": "2024-01-15"}


# --- a stand-in for the batch page while it is being built elsewhere ------------------------------------
def _detail_stub(request, batch_id):
    from django.http import HttpResponse

    return HttpResponse(f"batch {batch_id}")


def _urlpatterns():
    from dispatch_portal.urls import urlpatterns

    try:
        reverse("batch-detail", args=[uuid.uuid4()])
        return list(urlpatterns)
    except NoReverseMatch:
        return list(urlpatterns) + [path("batches/<uuid:batch_id>/", _detail_stub, name="batch-detail")]


urlpatterns = _urlpatterns()


@pytest.fixture(autouse=True)
def _urls(settings):
    settings.ROOT_URLCONF = __name__


# --- helpers ------------------------------------------------------------------------------------------
def csv_bytes(rows: list[dict], *, encoding="utf-8", columns=None) -> bytes:
    names = columns or [c.name for c in COLUMNS if any(c.name in r for r in rows) or c.required]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(names)
    for row in rows:
        writer.writerow(["" if row.get(n) is None else row[n] for n in names])
    return out.getvalue().encode(encoding)


def upload(client, content: bytes, name="batch.csv", **fields):
    data = {**HEADER, **fields}
    if content is not None:
        data["file"] = SimpleUploadedFile(name, content)
    return client.post(URL, data)


@pytest.fixture
def dispatcher_client(client, dispatcher):
    client.force_login(dispatcher)
    return client


def item(ref, **fields):
    return {"record": "item", "itemSourceReference": ref, **fields}


def pickup(ref, refs, **fields):
    return {"record": "pickup", "stopSourceReference": ref, "name": f"Warehouse {ref}",
            "address": "100 Warehouse Road, Sydney NSW 2000", "tripDate": "2024-01-15T08:00:00",
            "itemSourceReferences": refs, **fields}


def dropoff(ref, refs, **fields):
    return {"record": "dropoff", "stopSourceReference": ref, "name": f"Customer {ref}",
            "address": "50 Main Street, Parramatta NSW 2150", "tripDate": "2024-01-15T11:00:00",
            "itemSourceReferences": refs, **fields}


# --- access ---------------------------------------------------------------------------------------------
def test_the_page_needs_a_signed_in_dispatcher(client, manager):
    assert client.get(URL).status_code == 302
    client.force_login(manager)
    assert client.get(URL).status_code == 403
    assert client.get(URL + "template.csv").status_code == 403
    assert client.post(URL, {}).status_code == 403


def test_the_page_shows_the_form_the_columns_and_the_templates(dispatcher_client):
    response = dispatcher_client.get(URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="file"' in html and 'name="service_date"' in html
    assert reverse("batch-upload-template", args=["csv"]) in html
    assert reverse("batch-upload-template", args=["xlsx"]) in html
    assert "itemSourceReferences" in html and "style=" not in html and "<script" not in html


# --- the template ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_template_downloads_and_uploads_as_a_valid_batch(dispatcher_client, fmt):
    download = dispatcher_client.get(reverse("batch-upload-template", args=[fmt]))
    assert download.status_code == 200
    assert f"batch-template.{fmt}" in download["Content-Disposition"]

    response = upload(dispatcher_client, download.content, name=f"batch-template.{fmt}")

    batch = Batch.objects.get()
    assert response.status_code == 302 and response.url == f"/batches/{batch.batch_id}/"
    assert batch.status == Batch.Status.DRAFT and batch.created_by.username == "dispatcher1"
    payload = batch_to_payload(batch)
    assert [i["itemSourceReference"] for i in payload["items"]] == ["ITEM-001", "ITEM-002"]
    assert payload["items"][0]["contents"] == {"isFragile": True}
    assert payload["items"][0]["load"] == {"weight": 10.5, "length": 50, "width": 40, "height": 30}
    assert payload["items"][0]["customFields"] == {"orderNumber": "ORD-12345"}
    assert payload["pickups"][0]["tripDate"] == "2024-01-15T08:00:00"  # a time alone: on the service date
    assert payload["pickups"][0]["itemSourceReferences"] == ["ITEM-001", "ITEM-002"]
    assert [d["stopSourceReference"] for d in payload["dropoffs"]] == ["DROPOFF-001", "DROPOFF-002"]
    assert payload["dropoffs"][1]["skills"] == ["tail-lift"]
    assert payload["batchDescription"] == "From a file"


def test_the_excel_template_documents_every_column():
    book = openpyxl.load_workbook(io.BytesIO(batch_file.template_xlsx()))

    assert book.sheetnames == ["Batch", "Columns"]
    assert [c.value for c in book["Batch"][1]] == [c.name for c in COLUMNS]
    documented = [row[0] for row in book["Columns"].iter_rows(min_row=2, values_only=True) if row[0]]
    assert documented[:len(COLUMNS)] == [c.name for c in COLUMNS]


# --- every kind of error, with its row and column ----------------------------------------------------------
def bad_file_rows() -> list[dict]:
    return [
        item("I-1"),                                   # row 2  good
        item("I-2", quantity="abc"),                   # row 3  bad number
        item("I-3", quantity="0"),                     # row 4  out of range
        item("I-4", description="x" * 300),            # row 5  too long
        item("I-1"),                                   # row 6  duplicate item reference
        item("I-5"),                                   # row 7  collected, never delivered
        item("", barcode="123"),                       # row 8  missing required reference
        {"record": "parcel", "itemSourceReference": "I-9"},  # row 9  unknown record type
        item("I-6"),                                   # row 10 good row, but delivered by a bad row only
        pickup("P-1", "I-1;I-2;I-3;I-4;I-5;I-6"),      # row 11 good
        dropoff("D-1", "I-1"),                         # row 12 good
        dropoff("D-2", "I-6", tripDate="2024-13-45T10:00"),  # row 13 bad date
        dropoff("D-3", "I-3", tripDate="2024-01-16T10:00:00"),  # row 14 not on the service date
        dropoff("D-4", "I-4", timeWindowStart="2024-01-15T12:00:00", timeWindowEnd="2024-01-15T11:00:00"),  # 15
        dropoff("D-1", "I-1"),                         # row 16 duplicate stop reference
        dropoff("D-6", "I-99"),                        # row 17 names an unknown item
        dropoff("D-7", "I-1", name=""),                # row 18 missing required name
        dropoff("D-8", "I-2|I-3"),                     # row 19 good row, its items are all bad
        dropoff("D-9", "I-1", latitude="95", longitude="151"),  # row 20 latitude out of range
    ]


EXPECTED = {
    (3, "quantity"), (4, "quantity"), (5, "description"), (6, "itemSourceReference"), (7, "itemSourceReference"),
    (8, "itemSourceReference"), (9, "record"), (13, "tripDate"), (14, "tripDate"), (15, "timeWindowEnd"),
    (16, "stopSourceReference"), (17, "itemSourceReferences"), (18, "name"), (20, "latitude"),
}


def test_every_bad_row_is_reported_with_its_row_and_column_and_nothing_is_saved(dispatcher_client):
    response = upload(dispatcher_client, csv_bytes(bad_file_rows()))

    assert response.status_code == 200
    outcome = response.context["outcome"]
    assert {(e.row, e.column) for e in outcome.errors} == EXPECTED
    messages = {(e.row, e.column): e.message for e in outcome.errors}
    assert messages[(3, "quantity")] == "Quantity must be a number."
    assert "between 0.01 and 1,000,000" in messages[(4, "quantity")]
    assert "at most 256 characters" in messages[(5, "description")]
    assert "also row 2" in messages[(6, "itemSourceReference")]  # the file's row, not items[0]
    assert "not delivered" in messages[(7, "itemSourceReference")]
    assert "required" in messages[(8, "itemSourceReference")]
    assert "'parcel'" in messages[(9, "record")]
    assert "date and time" in messages[(13, "tripDate")]
    assert "service date 2024-01-15" in messages[(14, "tripDate")]
    assert "not be before" in messages[(15, "timeWindowEnd")]
    assert "also row 12" in messages[(16, "stopSourceReference")]
    assert "'I-99'" in messages[(17, "itemSourceReferences")]
    assert "required" in messages[(18, "name")]
    assert "between -90 and 90" in messages[(20, "latitude")]
    assert not (Batch.objects.exists() or Item.objects.exists() or Stop.objects.exists())

    html = response.content.decode()
    assert "Nothing was saved" in html and "Import only the good rows" in html
    assert "<td class=\"num\">13</td><td>tripDate</td>" in html


def test_a_row_error_reads_row_column_message():
    assert str(RowError(3, "quantity", "Quantity must be a number.")) == "Row 3, column quantity: Quantity must be a number."
    assert str(RowError(None, "", "The file is empty.")) == "The file is empty."


def test_import_only_the_good_rows_drops_the_bad_ones_and_what_they_leave_hanging(dispatcher_client):
    first = upload(dispatcher_client, csv_bytes(bad_file_rows()))
    token = first.context["form"]["upload_token"].value()
    assert token and first.context["outcome"].good_rows_importable == 3

    response = upload(dispatcher_client, None, upload_token=token, action="good_rows")  # the same upload again

    batch = Batch.objects.get()
    assert response.status_code == 302 and response.url == f"/batches/{batch.batch_id}/"
    payload = batch_to_payload(batch)
    assert [i["itemSourceReference"] for i in payload["items"]] == ["I-1"]  # I-6's only drop-off was bad
    assert payload["pickups"][0]["itemSourceReferences"] == ["I-1"]
    assert [d["stopSourceReference"] for d in payload["dropoffs"]] == ["D-1"]  # D-8 carried only bad items
    notices = [str(m) for m in get_messages(response.wsgi_request)]  # shown on the batch's page
    assert any("created as a draft" in n for n in notices)
    assert any("16 rows of the file were left out: rows 3, 4, 5" in n for n in notices), notices


def test_only_good_rows_reports_what_it_left_out():
    content = csv_bytes(bad_file_rows())
    payload, outcome = batch_file_check(filename="b.csv", content=content, header=SPEC_HEADER, only_good_rows=True)

    assert payload is not None and not outcome.errors
    left_out = {e.row for e in outcome.left_out}
    assert left_out == {r for r, _ in EXPECTED} | {10, 19}  # plus I-6 and D-8, left hanging
    hanging = {e.row: e.message for e in outcome.left_out if e.message.startswith("Left out")}
    assert "I-6" in hanging[10] and "none of its items" in hanging[19]


def test_good_rows_are_not_offered_when_nothing_valid_would_remain(dispatcher_client):
    rows = [item("I-1", quantity="x"), pickup("P-1", "I-1"), dropoff("D-1", "I-1")]

    response = upload(dispatcher_client, csv_bytes(rows))

    assert response.context["outcome"].good_rows_importable == 0
    assert "Import only the good rows" not in response.content.decode()
    again = upload(dispatcher_client, None, upload_token=response.context["form"]["upload_token"].value(),
                   action="good_rows")
    assert again.status_code == 200 and not Batch.objects.exists()


# --- the header comes from the form ----------------------------------------------------------------------
def test_header_problems_are_shown_next_to_their_fields_and_the_file_is_kept(dispatcher_client):
    content = batch_file.template_csv()
    response = upload(dispatcher_client, content, team_source_reference="", service_date="",
                      batch_source_reference="R" * 101)

    form = response.context["form"]
    assert "Team source reference is required." in form.errors["team_source_reference"]
    assert "Service date is required." in form.errors["service_date"]
    assert "at most 100 characters" in form.errors["batch_source_reference"][0]
    assert not Batch.objects.exists()

    token = form["upload_token"].value()
    fixed = upload(dispatcher_client, None, upload_token=token)  # no second upload needed
    assert fixed.status_code == 302 and Batch.objects.count() == 1


def test_a_reference_already_used_is_refused_on_its_field(dispatcher_client):
    assert upload(dispatcher_client, batch_file.template_csv()).status_code == 302

    again = upload(dispatcher_client, batch_file.template_csv())

    assert "already exists" in again.context["form"].errors["batch_source_reference"][0]
    assert Batch.objects.count() == 1


def test_a_service_date_the_trip_dates_do_not_match_is_reported_on_the_rows(dispatcher_client):
    rows = [item("I-1"), pickup("P-1", "I-1"), dropoff("D-1", "I-1")]

    response = upload(dispatcher_client, csv_bytes(rows), service_date="2024-02-01")

    assert {(e.row, e.column) for e in response.context["outcome"].errors} == {(3, "tripDate"), (4, "tripDate")}


# --- Excel: real dates, times, numbers and booleans ----------------------------------------------------------
def test_excel_cells_with_real_dates_times_numbers_and_booleans_are_converted(dispatcher_client):
    book = openpyxl.Workbook()
    sheet = book.active
    names = ["Record", "Item Source Reference", "barcode", "quantity", "stop_source_reference", "name", "address",
             "tripDate", "timeWindowStart", "timeWindowEnd", "appointmentTime", "latitude", "longitude",
             "itemSourceReferences", "requireProofOfDelivery", "sequence"]
    sheet.append(names)
    sheet.append(["item", 1001, 1234567890123, 2.0] + [None] * 12)
    sheet.append(["pickup", None, None, None, "P-1", "Depot", "1 Depot Road", datetime(2024, 1, 15, 7, 30),
                  time(7, 0), time(9, 0), None, None, None, "1001", None, None])
    sheet.append(["dropoff", None, None, None, "D-1", "Alice", "2 Main Street", datetime(2024, 1, 15, 11, 0),
                  datetime(2024, 1, 15, 10, 0), datetime(2024, 1, 15, 12, 0), time(11, 15), -33.815, 151.0011,
                  1001, False, 3])
    sheet["H3"].number_format = "yyyy-mm-dd hh:mm"
    sheet["I3"].number_format = "hh:mm"
    out = io.BytesIO()
    book.save(out)

    response = upload(dispatcher_client, out.getvalue(), name="Batch.XLSX")

    assert response.status_code == 302, response.context["outcome"].errors
    batch = Batch.objects.get()
    only_item = batch.items.get()
    assert only_item.item_source_reference == "1001" and only_item.barcode == "1234567890123"
    assert only_item.quantity == 2
    pick = batch.stops.get(kind=Stop.Kind.PICKUP)
    assert (pick.trip_date, pick.time_window_start, pick.time_window_end) == (
        "2024-01-15T07:30:00", "2024-01-15T07:00:00", "2024-01-15T09:00:00")
    drop = batch.stops.get(kind=Stop.Kind.DROPOFF)
    assert drop.trip_date == "2024-01-15T11:00:00" and drop.appointment_time == "11:15"
    assert (drop.latitude, drop.longitude, drop.sequence) == (-33.815, 151.0011, 3)
    assert drop.require_proof_of_delivery is False
    assert list(drop.items.values_list("item_source_reference", flat=True)) == ["1001"]


def test_an_excel_date_on_another_day_is_reported_with_its_cell(dispatcher_client):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["record", "itemSourceReference", "stopSourceReference", "name", "address", "tripDate",
                  "itemSourceReferences"])
    sheet.append(["item", "I-1"])
    sheet.append(["pickup", None, "P-1", "Depot", "1 Depot Road", datetime(2024, 1, 15, 8), "I-1"])
    sheet.append(["dropoff", None, "D-1", "Alice", "2 Main Street", date(2024, 1, 16), "I-1"])
    out = io.BytesIO()
    book.save(out)

    response = upload(dispatcher_client, out.getvalue(), name="b.xlsx")

    [error] = response.context["outcome"].errors
    assert (error.row, error.column) == (4, "tripDate") and "2024-01-16" in error.message


# --- files that are not what they should be ------------------------------------------------------------------
def test_a_csv_that_is_not_utf8_gets_a_clear_error(dispatcher_client):
    rows = [item("I-1", description="Crème brûlée"), pickup("P-1", "I-1"), dropoff("D-1", "I-1")]

    response = upload(dispatcher_client, csv_bytes(rows, encoding="cp1252"))

    assert response.status_code == 200
    [error] = response.context["outcome"].errors
    assert "not UTF-8" in error.message and "row 2" in error.message and "CSV UTF-8" in error.message
    assert not Batch.objects.exists()


def test_a_semicolon_separated_csv_from_excel_is_read(dispatcher_client):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    for row in list(csv.reader(io.StringIO(batch_file.template_csv().decode("utf-8-sig")))):
        writer.writerow(row)

    assert upload(dispatcher_client, out.getvalue().encode()).status_code == 302


def _zip_without_a_workbook() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("hello.txt", "not a workbook")
    return out.getvalue()


@pytest.mark.parametrize("name, content, words", [
    ("batch.xlsx", b"\x00\x01garbage\xff" * 50, "not a readable Excel workbook"),
    ("batch.xlsx", _zip_without_a_workbook(), "not a readable Excel workbook"),
    ("batch.csv", b"record,itemSourceReference\x00\x00\x01", "not a CSV text file"),
    ("batch.pdf", b"%PDF-1.4", "Upload a .csv or .xlsx file"),
    ("batch.csv", b"\xef\xbb\xbf\r\n", "no column names"),
])
def test_garbage_files_get_a_clear_error_and_no_500(dispatcher_client, name, content, words):
    response = upload(dispatcher_client, content, name=name)

    assert response.status_code == 200
    [error] = response.context["outcome"].errors
    assert words in error.message
    assert words in response.content.decode()
    assert not Batch.objects.exists()


def test_no_file_or_an_empty_one_is_an_error_on_the_file_field(dispatcher_client):
    response = upload(dispatcher_client, None)
    assert "Choose a .csv or .xlsx file" in response.context["form"].errors["file"][0]

    response = upload(dispatcher_client, b"")
    assert "empty" in response.context["form"].errors["file"][0]


def test_unknown_duplicate_and_missing_columns_are_reported_on_the_header_row(dispatcher_client):
    content = b"record,itemSourceReference,ItemSourceReference,colour\nitem,I-1,I-1,red\n"

    response = upload(dispatcher_client, content)

    errors = {(e.row, e.column) for e in response.context["outcome"].errors}
    assert {(1, "colour"), (1, "itemSourceReference"), (1, "stopSourceReference"), (1, "name"), (1, "address"),
            (1, "tripDate"), (1, "itemSourceReferences")} == errors


def test_a_value_in_a_column_the_row_does_not_use_is_an_error(dispatcher_client):
    rows = [item("I-1", sequence="1"), pickup("P-1", "I-1", requireProofOfDelivery="no"), dropoff("D-1", "I-1")]

    response = upload(dispatcher_client, csv_bytes(rows))

    errors = {(e.row, e.column): e.message for e in response.context["outcome"].errors}
    assert set(errors) == {(2, "sequence"), (3, "requireProofOfDelivery")}
    assert "dropoff rows" in errors[(2, "sequence")] and "item rows" in errors[(2, "sequence")]


def test_more_than_5000_rows_is_refused(dispatcher_client):
    rows = [item(f"I-{i}") for i in range(5001)]

    response = upload(dispatcher_client, csv_bytes(rows + [pickup("P", "I-0"), dropoff("D", "I-0")]))

    [error] = response.context["outcome"].errors
    assert "more than 5,000 rows" in error.message


def test_blank_and_comment_rows_are_skipped_and_row_numbers_still_match_the_sheet():
    content = csv_bytes([item("I-1"), {}, {"record": "# a note"}, pickup("P-1", "I-1"),
                         dropoff("D-1", "I-1", durationMinutes="2000")])

    _, outcome = batch_file_check(filename="b.csv", content=content, header=SPEC_HEADER)

    [error] = outcome.errors
    assert (error.row, error.column) == (6, "durationMinutes")
