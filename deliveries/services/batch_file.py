"""CSV and Excel import of a batch: one sheet, one row per item, pickup or drop-off.

The file format (the template at /batches/import/template.csv|.xlsx shows it):
- row 1 is the header; column names are matched ignoring case, spaces, "-" and "_"; any order;
- `record` says what a row is: `item`, `pickup` or `dropoff`; the other columns are the spec's
  fields, flattened (`contactName`, `latitude`, `loadWeight`, …), each used by some record kinds
  only (COLUMNS below) — a value in a column its row does not use is an error, not silently lost;
- lists (`itemSourceReferences`, `skills`, `contents`) are separated by `;` or `|`, custom fields
  are `name=value` pairs separated the same way;
- a date-time column may hold a time alone (`08:00`): it is taken on the service date;
- empty cells are absent fields; blank rows and rows whose first cell starts with `#` are skipped.
The batch header (reference, team, service date, …) comes from the upload form.

Validation is THE spec validation (deliveries.spec.validate_batch_delivery) on the payload the
file becomes; its paths (`dropoffs[1].tripDate`) are mapped back to the file's row (as a
spreadsheet numbers it: the header is row 1) and column. Nothing is saved while any row is bad,
unless the dispatcher asks for the good rows only: the bad rows are dropped, then the stops left
without items and the items left without a pickup or drop-off, and the rest is created only if
it is a valid batch.
"""
import csv
import io
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction

from deliveries.models import Batch
from deliveries.spec import validate_batch_delivery
from deliveries.spec.errors import SpecValidationError
from deliveries.spec.fields import parse_date
from deliveries.spec.tables import CONTENTS_FLAGS

from .batches import batch_create

logger = logging.getLogger(__name__)

MAX_ROWS = 5000  # data rows, header and blank rows not counted
MAX_BYTES = 5 * 1024 * 1024
MAX_COLUMNS = 256
EXTENSIONS = (".csv", ".xlsx")
SHEET_NAME = "Batch"  # the sheet read from a workbook (else its first sheet)

ITEM, PICKUP, DROPOFF = "item", "pickup", "dropoff"
STOPS = frozenset({PICKUP, DROPOFF})
ALL = frozenset({ITEM, PICKUP, DROPOFF})
LISTS = {ITEM: "items", PICKUP: "pickups", DROPOFF: "dropoffs"}
RECORD_NAMES = {"item": ITEM, "items": ITEM, "pickup": PICKUP, "pickups": PICKUP, "dropoff": DROPOFF,
                "dropoffs": DROPOFF}
HEADER_FIELDS = ("batchSourceReference", "batchDescription", "teamSourceReference", "customerSourceReference",
                 "serviceDate")
_SEPARATORS = re.compile(r"[;|]")
_TIME_ONLY = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")
_PATH = re.compile(r"(items|pickups|dropoffs)\[(\d+)\](?:\.(.*))?")
_INDEX = re.compile(r"\[\d+\]")


# --- problems ----------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class RowError:
    row: int | None  # the spreadsheet's row number (header = 1); None: the file as a whole
    column: str  # the column's name as the template spells it; "" when no column
    message: str

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"Row {self.row}")
        if self.column:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.message}" if where else self.message


def _sort_key(error: RowError) -> tuple:
    return (error.row or 0, COLUMN_ORDER.get(error.column, len(COLUMN_ORDER)), error.message)


# --- cell conversions: (value, context) -> converted value, or raises _CellError ----------------------
class _CellError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class _Context:
    service_date: date | None
    excel: bool


def _as_text(value, ctx: _Context):
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value)


def _as_number(value, ctx: _Context):
    """A number from a cell; text that is no number stays text, so the spec check reports it."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    if not isinstance(value, str):
        return _as_text(value, ctx)
    text = value.strip()
    try:
        number = Decimal(text)
    except InvalidOperation:
        return text
    if not number.is_finite():
        return text
    return int(number) if number == number.to_integral_value() else float(number)


_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0"}


def _as_boolean(value, ctx: _Context):
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    text = _as_text(value, ctx)
    if text.casefold() in _TRUE:
        return True
    if text.casefold() in _FALSE:
        return False
    return text  # the spec check says "must be true or false"


def _hhmm(t: time) -> str:
    return t.strftime("%H:%M:%S" if t.second else "%H:%M")


def _day_fraction(value: float) -> time | None:
    if not 0 <= value < 1:
        return None
    seconds = round(value * 86400)
    return (datetime.min + timedelta(seconds=seconds)).time() if seconds < 86400 else None


def _as_datetime(value, ctx: _Context):
    """ISO 8601 text, as the spec wants it. Excel's date cells become their date and time; a time
    alone (a time cell, or text like 08:00) is taken on the service date."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=None).isoformat(timespec="seconds")
    if isinstance(value, date):
        return f"{value.isoformat()}T00:00:00"
    if isinstance(value, (int, float)) and not isinstance(value, bool) and ctx.excel:
        if 0 <= value < 1:
            value = _day_fraction(value) or _as_text(value, ctx)
        else:
            from openpyxl.utils.datetime import from_excel

            try:
                return from_excel(value).replace(microsecond=0).isoformat(timespec="seconds")
            except (ValueError, OverflowError):
                return _as_text(value, ctx)
    if isinstance(value, time):
        if ctx.service_date is None:
            return _hhmm(value)  # reported: no date to put it on
        return datetime.combine(ctx.service_date, value.replace(microsecond=0, tzinfo=None)).isoformat()
    text = _as_text(value, ctx)
    m = _TIME_ONLY.fullmatch(text)
    if m and ctx.service_date is not None:
        hour, minute, second = int(m[1]), int(m[2]), int(m[3] or 0)
        if hour < 24 and minute < 60 and second < 60:
            return datetime.combine(ctx.service_date, time(hour, minute, second)).isoformat()
    return text


def _as_time(value, ctx: _Context):
    """HH:mm. Excel time cells, day fractions and 9:30 are written as 09:30."""
    if isinstance(value, datetime):
        return value.strftime("%H:%M")
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, float) and ctx.excel and (t := _day_fraction(value)) is not None:
        return t.strftime("%H:%M")
    text = _as_text(value, ctx)
    m = _TIME_ONLY.fullmatch(text)
    if m and not int(m[3] or 0):
        return f"{int(m[1]):02d}:{m[2]}"
    return text


def _as_minutes(value, ctx: _Context):
    if isinstance(value, timedelta):
        return int(value.total_seconds() // 60)
    if isinstance(value, time):
        return value.hour * 60 + value.minute
    return _as_number(value, ctx)


def _as_list(value, ctx: _Context):
    return [part.strip() for part in _SEPARATORS.split(_as_text(value, ctx)) if part.strip()]


_FLAGS = {flag.casefold(): flag for flag in CONTENTS_FLAGS}
_FLAGS.update({flag[2:].casefold(): flag for flag in CONTENTS_FLAGS if flag.startswith("is")})


def _as_contents(value, ctx: _Context):
    flags, unknown = {}, []
    for name in _as_list(value, ctx):
        flag = _FLAGS.get(re.sub(r"[\s_-]", "", name).casefold())
        if flag:
            flags[flag] = True
        else:
            unknown.append(name)
    if unknown:
        raise _CellError(f"Unknown contents {', '.join(repr(u) for u in unknown)}; use any of "
                         f"{', '.join(CONTENTS_FLAGS)}, separated by ; or |.")
    return flags


def _as_custom_fields(value, ctx: _Context):
    pairs = {}
    for part in _as_list(value, ctx):
        name, sep, text = part.partition("=")
        if not sep or not name.strip():
            raise _CellError(f"Write custom fields as name=value pairs separated by ; or | (not {part!r}).")
        pairs[name.strip()] = text.strip()
    return pairs


# --- the columns ---------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Column:
    name: str
    kinds: frozenset
    path: tuple[str, ...]  # where the value goes in the item / stop object
    convert: Callable
    help: str
    required: bool = False  # the column must be in the header


def _col(name, kinds, convert, help, path=None, required=False) -> Column:
    return Column(name=name, kinds=kinds, path=tuple(path or (name,)), convert=convert, help=help, required=required)


ITEMS_ONLY, PICKUPS_ONLY, DROPOFFS_ONLY = frozenset({ITEM}), frozenset({PICKUP}), frozenset({DROPOFF})
COLUMNS: tuple[Column, ...] = (
    _col("record", ALL, _as_text, "What the row is: item, pickup or dropoff.", path=(), required=True),
    # items
    _col("itemSourceReference", ITEMS_ONLY, _as_text, "The item's reference, unique in the batch (max 100).",
         required=True),
    _col("barcode", ITEMS_ONLY, _as_text, "Barcode (max 100)."),
    _col("description", ITEMS_ONLY, _as_text, "What the item is (max 256)."),
    _col("quantity", ITEMS_ONLY, _as_number, "0.01 to 1,000,000; empty means 1."),
    _col("productReference", ITEMS_ONLY, _as_text, "Product code (max 100)."),
    _col("productVariantId", ITEMS_ONLY, _as_number, "Whole number."),
    _col("serviceId", ITEMS_ONLY, _as_number, "Whole number."),
    _col("status", ITEMS_ONLY, _as_text, "The item's status, e.g. Ready (max 100)."),
    _col("contents", ITEMS_ONLY, _as_contents, "Flags such as isFragile;isGlass (any of: "
         + ", ".join(CONTENTS_FLAGS) + ")."),
    # stops
    _col("stopSourceReference", STOPS, _as_text, "The stop's reference, unique across pickups and drop-offs "
         "(max 100).", required=True),
    _col("name", STOPS, _as_text, "Place or recipient (max 250).", required=True),
    _col("address", STOPS, _as_text, "Full street address (max 500).", required=True),
    _col("contactName", STOPS, _as_text, "Contact person.", path=("contact", "name")),
    _col("contactPhone", STOPS, _as_text, "Contact phone.", path=("contact", "phone")),
    _col("contactEmail", STOPS, _as_text, "Contact email.", path=("contact", "email")),
    _col("latitude", STOPS, _as_number, "-90 to 90.", path=("location", "latitude")),
    _col("longitude", STOPS, _as_number, "-180 to 180.", path=("location", "longitude")),
    _col("tripDate", STOPS, _as_datetime, "When: 2024-01-15T09:00:00, or a time alone (09:00) on the service "
         "date. Must be on the service date.", required=True),
    _col("appointmentTime", STOPS, _as_time, "HH:mm, e.g. 09:30."),
    _col("timeWindowStart", STOPS, _as_datetime, "Like tripDate."),
    _col("timeWindowEnd", STOPS, _as_datetime, "Like tripDate; not before the window's start."),
    _col("durationMinutes", STOPS, _as_minutes, "Minutes at the stop, 0 to 1440."),
    _col("notes", STOPS, _as_text, "Special instructions for the driver."),
    _col("skills", STOPS, _as_list, "Driver skills needed, e.g. forklift;tail-lift."),
    _col("driverNotes", STOPS, _as_text, "Driver instructions: notes.", path=("driverInstructions", "notes")),
    _col("accessInstructions", STOPS, _as_text, "Driver instructions: access.",
         path=("driverInstructions", "accessInstructions")),
    _col("parkingInstructions", STOPS, _as_text, "Driver instructions: parking.",
         path=("driverInstructions", "parkingInstructions")),
    _col("source", STOPS, _as_text, "Source system."),
    _col("sourceReference", STOPS, _as_text, "Reference in the source system."),
    _col("itemSourceReferences", STOPS, _as_list, "The items collected or delivered here, separated by ; or |.",
         required=True),
    _col("warehouseSourceReference", PICKUPS_ONLY, _as_text, "Pickups: warehouse reference (max 100)."),
    _col("requireAllItemsBeforeRelease", PICKUPS_ONLY, _as_boolean, "Pickups: true or false (empty: true)."),
    _col("sequence", DROPOFFS_ONLY, _as_number, "Drop-offs: preferred order, a whole number."),
    _col("requireProofOfDelivery", DROPOFFS_ONLY, _as_boolean, "Drop-offs: true or false (empty: true)."),
    # both
    _col("loadWeight", ALL, _as_number, "Kilograms.", path=("load", "weight")),
    _col("loadLength", ALL, _as_number, "Centimetres.", path=("load", "length")),
    _col("loadWidth", ALL, _as_number, "Centimetres.", path=("load", "width")),
    _col("loadHeight", ALL, _as_number, "Centimetres.", path=("load", "height")),
    _col("loadVolume", ALL, _as_number, "Cubic centimetres.", path=("load", "volume")),
    _col("loadQuantity", ALL, _as_number, "Number of units, a whole number.", path=("load", "quantity")),
    _col("customFields", ALL, _as_custom_fields, "name=value pairs separated by ; or |, e.g. orderNumber=ORD-1."),
)
COLUMN_ORDER = {c.name: i for i, c in enumerate(COLUMNS)}
BY_PATH = {".".join(c.path): c.name for c in COLUMNS if c.path}
_KINDS_TEXT = {ITEMS_ONLY: "item rows", STOPS: "pickup and dropoff rows", PICKUPS_ONLY: "pickup rows",
               DROPOFFS_ONLY: "dropoff rows", ALL: "every row"}


def _key(name) -> str:
    return re.sub(r"[\s_\-]", "", str(name)).casefold()


BY_KEY = {_key(c.name): c for c in COLUMNS}


def column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


# --- reading a file into rows -----------------------------------------------------------------------------
@dataclass
class Sheet:
    header: list  # row 1's cells
    rows: list[tuple[int, list]] = field(default_factory=list)  # (row number, cells), blank rows left out
    excel: bool = False


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _file_error(message: str) -> tuple[None, list[RowError]]:
    return None, [RowError(None, "", message)]


def _too_many() -> str:
    return f"The file has more than {MAX_ROWS:,} rows; split it into several batches."


def _read_csv(content: bytes) -> tuple[Sheet | None, list[RowError]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        row = content[:exc.start].count(b"\n") + 1
        return _file_error(f"The file is not UTF-8 text (row {row} holds a character that is not UTF-8). In Excel, "
                           "save it as “CSV UTF-8 (Comma delimited)”, or upload the .xlsx workbook itself.")
    if "\x00" in text:
        return _file_error("The file is not a CSV text file (it holds binary data). Upload a .csv or .xlsx file.")
    first_line = text.split("\n", 1)[0]
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    delimiter = max(counts, key=counts.get) if any(counts.values()) else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    sheet: Sheet | None = None
    try:
        for number, cells in enumerate(reader, start=1):
            if sheet is None:
                sheet = Sheet(header=cells[:MAX_COLUMNS])
            elif any(not _blank(c) for c in cells):
                sheet.rows.append((number, cells))
                if len(sheet.rows) > MAX_ROWS:
                    return _file_error(_too_many())
    except csv.Error as exc:
        return _file_error(f"The CSV file cannot be read near row {reader.line_num}: {exc}.")
    if sheet is None:
        return _file_error("The file is empty: it needs a header row and one row per item, pickup and drop-off.")
    return sheet, []


def _read_xlsx(content: bytes) -> tuple[Sheet | None, list[RowError]]:
    import openpyxl

    unreadable = "The file is not a readable Excel workbook (.xlsx). Save it from Excel as .xlsx, or as CSV UTF-8."
    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # anything: the bytes are the uploader's, and any failure means "not a workbook"
        logger.info("unreadable xlsx upload", exc_info=True)
        return _file_error(unreadable)
    try:
        sheet_names = book.sheetnames
        if not sheet_names:
            return _file_error(unreadable)
        worksheet = book[SHEET_NAME] if SHEET_NAME in sheet_names else book[sheet_names[0]]
        if hasattr(worksheet, "reset_dimensions"):
            worksheet.reset_dimensions()  # some writers record wrong dimensions: read what is there
        sheet: Sheet | None = None
        for number, cells in enumerate(worksheet.iter_rows(values_only=True), start=1):
            cells = list(cells[:MAX_COLUMNS])
            if sheet is None:
                sheet = Sheet(header=cells, excel=True)
            elif any(not _blank(c) for c in cells):
                sheet.rows.append((number, cells))
                if len(sheet.rows) > MAX_ROWS:
                    return _file_error(_too_many())
    except Exception:
        logger.info("unreadable xlsx upload", exc_info=True)
        return _file_error(unreadable)
    finally:
        book.close()
    if sheet is None or all(_blank(c) for c in sheet.header):
        return _file_error("The workbook's first sheet is empty: it needs a header row and one row per item, "
                           "pickup and drop-off.")
    return sheet, []


def batch_file_read(*, filename: str, content: bytes) -> tuple[Sheet | None, list[RowError]]:
    """The rows of an uploaded .csv or .xlsx, or the file-level problems (nothing else is looked at)."""
    name = (filename or "").lower()
    if not name.endswith(EXTENSIONS):
        return _file_error(f"Upload a .csv or .xlsx file (this one is {filename or 'unnamed'!s}).")
    if len(content) > MAX_BYTES:
        return _file_error(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB; split it into several batches.")
    if not content:
        return _file_error("The file is empty: it needs a header row and one row per item, pickup and drop-off.")
    return _read_xlsx(content) if name.endswith(".xlsx") else _read_csv(content)


# --- rows into a batch-delivery payload ----------------------------------------------------------------
@dataclass
class _Record:
    row: int
    kind: str
    data: dict


@dataclass
class Parsed:
    """What a file became: its records with their row numbers, and the problems found so far."""
    records: list[_Record] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)  # file-level and row-level
    file_level: bool = False  # a problem with the file as a whole: no row can be imported
    rows: int = 0  # data rows, comments left out


def _header(sheet: Sheet) -> tuple[list[Column | None], list[RowError]]:
    columns: list[Column | None] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    header = list(sheet.header)
    while header and _blank(header[-1]):
        header.pop()  # Excel pads rows with empty cells
    if not header:
        return [], [RowError(1, "", "Row 1 holds no column names: it must be the header row (download the template).")]
    for index, cell in enumerate(header):
        if _blank(cell):
            columns.append(None)
            if any(index < len(cells) and not _blank(cells[index]) for _, cells in sheet.rows):
                errors.append(RowError(1, column_letter(index), "This column holds values but has no name in the "
                                                                "header row."))
            continue
        name = _as_text(cell, _Context(None, sheet.excel))
        column = BY_KEY.get(_key(name))
        if column is None:
            errors.append(RowError(1, name, "Unknown column. Use the columns of the template (download it below); "
                                            "remove or rename this one."))
        elif column.name in seen:
            errors.append(RowError(1, column.name, f"The column appears twice (also column "
                                                   f"{column_letter(seen[column.name])})."))
            column = None
        else:
            seen[column.name] = index
        columns.append(column)
    for column in COLUMNS:
        if column.required and column.name not in seen:
            errors.append(RowError(1, column.name, "This column is missing from the header row."))
    return columns, errors


def _put(target: dict, path: tuple[str, ...], value) -> None:
    if value in (None, "", [], {}):
        return
    for part in path[:-1]:
        target = target.setdefault(part, {})
    target[path[-1]] = value


def batch_file_parse(sheet: Sheet, *, service_date: date | None) -> Parsed:
    """The file's rows as items and stops in the spec's shape (not yet validated)."""
    parsed = Parsed()
    columns, errors = _header(sheet)
    if errors:
        parsed.errors, parsed.file_level = errors, True
        return parsed
    ctx = _Context(service_date=service_date, excel=sheet.excel)
    record_index = next(i for i, c in enumerate(columns) if c and c.name == "record")
    for number, cells in sheet.rows:
        first = next((c for c in cells if not _blank(c)), None)
        if isinstance(first, str) and first.strip().startswith("#"):
            continue  # a comment row
        parsed.rows += 1
        raw_kind = cells[record_index] if record_index < len(cells) else None
        kind = RECORD_NAMES.get(_key(_as_text(raw_kind, ctx))) if not _blank(raw_kind) else None
        if kind is None:
            message = ("Say what the row is: item, pickup or dropoff." if _blank(raw_kind) else
                       f"Unknown record type {_as_text(raw_kind, ctx)!r}: use item, pickup or dropoff.")
            parsed.errors.append(RowError(number, "record", message))
            continue
        if len(cells) > len(columns) and any(not _blank(c) for c in cells[len(columns):]):
            parsed.errors.append(RowError(number, column_letter(len(columns)),
                                          "The row has more values than the header has columns."))
        data: dict = {}
        for column, value in zip(columns, cells):
            if column is None or column.name == "record" or _blank(value):
                continue
            if kind not in column.kinds:
                parsed.errors.append(RowError(number, column.name, f"This column is for {_KINDS_TEXT[column.kinds]}; "
                                                                   f"leave it empty on {kind} rows."))
                continue
            try:
                _put(data, column.path, column.convert(value, ctx))
            except _CellError as exc:
                parsed.errors.append(RowError(number, column.name, str(exc)))
        parsed.records.append(_Record(row=number, kind=kind, data=data))
    return parsed


def _payload(header: dict, records: list[_Record]) -> tuple[dict, dict[str, list[int]]]:
    """The batch-delivery payload, and for each of its lists the row number of each entry."""
    payload = {name: header[name] for name in HEADER_FIELDS if header.get(name) not in (None, "")}
    rows: dict[str, list[int]] = {"items": [], "pickups": [], "dropoffs": []}
    for name in rows:
        payload[name] = []
    for record in records:
        name = LISTS[record.kind]
        payload[name].append(record.data)
        rows[name].append(record.row)
    return payload, rows


def _column_for(rest: str | None) -> str:
    """`contact.email` → contactEmail; `itemSourceReferences[2]` → itemSourceReferences."""
    if not rest:
        return ""
    parts = _INDEX.sub("", rest).split(".")
    for end in range(len(parts), 0, -1):
        name = BY_PATH.get(".".join(parts[:end]))
        if name:
            return name
    return parts[0]


def _rows_in_message(message: str, rows: dict[str, list[int]]) -> str:
    """"(also items[0])" → "(also row 2)": the file's words, not the payload's."""
    def replace(m: re.Match) -> str:
        index = int(m[2])
        numbers = rows.get(m[1], [])
        return f"row {numbers[index]}" if index < len(numbers) else m[0]

    return _PATH.sub(replace, message)


_EMPTY_LIST = {"items": "The file has no item rows (record item).",
               "pickups": "The file has no pickup rows (record pickup).",
               "dropoffs": "The file has no dropoff rows (record dropoff)."}


def _map_errors(spec_errors, rows) -> tuple[list[RowError], dict[str, list[str]]]:
    """Spec errors → row errors (file rows and columns) and header errors (by root field name)."""
    row_errors, header_errors = [], {}
    for error in spec_errors:
        m = _PATH.fullmatch(error.field)
        if m:
            index = int(m[2])
            numbers = rows[m[1]]
            row = numbers[index] if index < len(numbers) else None
            row_errors.append(RowError(row, _column_for(m[3]), _rows_in_message(error.message, rows)))
        elif error.field in _EMPTY_LIST:
            row_errors.append(RowError(None, "record", _EMPTY_LIST[error.field]))
        else:
            header_errors.setdefault(error.field or "", []).append(error.message)
    return row_errors, header_errors


# --- keeping only the good rows ---------------------------------------------------------------------------
def _good_records(records: list[_Record], bad_rows: set[int]) -> tuple[list[_Record], list[RowError]]:
    """Drop the bad rows, then what they leave hanging: stops whose items are all gone, items no
    pickup or no drop-off is left to carry. Returns the records kept and why others were left out."""
    kept = [_Record(r.row, r.kind, dict(r.data)) for r in records if r.row not in bad_rows]
    left_out: list[RowError] = []
    while True:
        refs = {r.data.get("itemSourceReference") for r in kept if r.kind == ITEM}
        changed = False
        for record in [r for r in kept if r.kind in STOPS]:
            wanted = record.data.get("itemSourceReferences") or []
            present = [ref for ref in wanted if ref in refs]
            if not present:
                kept.remove(record)
                left_out.append(RowError(record.row, "itemSourceReferences",
                                         f"Left out: none of its items ({'; '.join(wanted)}) is imported."))
                changed = True
            elif len(present) < len(wanted):
                record.data["itemSourceReferences"] = present
        collected = {ref for r in kept if r.kind == PICKUP for ref in r.data.get("itemSourceReferences") or []}
        delivered = {ref for r in kept if r.kind == DROPOFF for ref in r.data.get("itemSourceReferences") or []}
        for record in [r for r in kept if r.kind == ITEM]:
            ref = record.data.get("itemSourceReference")
            missing = [what for what, refs_ in (("collects", collected), ("delivers", delivered)) if ref not in refs_]
            if missing:
                kept.remove(record)
                verb = " or ".join(missing)
                left_out.append(RowError(record.row, "itemSourceReference",
                                         f"Left out: no imported stop {verb} item {ref!r}."))
                changed = True
        if not changed:
            return kept, left_out


# --- the import -------------------------------------------------------------------------------------------
@dataclass
class UploadOutcome:
    batch: Batch | None = None
    errors: list[RowError] = field(default_factory=list)  # what is wrong with the file (nothing saved)
    header_errors: dict[str, list[str]] = field(default_factory=dict)  # by spec field: the upload form's fields
    left_out: list[RowError] = field(default_factory=list)  # only-good-rows: the rows not imported, and why
    rows: int = 0  # data rows read (items, pickups, drop-offs and unreadable ones)
    bad_rows: int = 0
    good_rows_importable: int = 0  # rows "import only the good rows" would create (0: it cannot)
    file_level: bool = False  # the file itself is unusable (unreadable, wrong columns…): no row was checked

    @property
    def ok(self) -> bool:
        return self.batch is not None


def _service_date(header: dict) -> date | None:
    value = header.get("serviceDate")
    if isinstance(value, date):
        return value
    return parse_date(value) if isinstance(value, str) else None


def _reference_taken(header: dict) -> dict[str, list[str]]:
    ref = header.get("batchSourceReference")
    if isinstance(ref, str) and ref and Batch.objects.filter(customer__isnull=True, batch_source_reference=ref).exists():
        return {"batchSourceReference": [f"A batch with the reference {ref!r} already exists; choose another."]}
    return {}


def _header_errors(header: dict) -> dict[str, list[str]]:
    """The header's own problems, when the file gives no rows to check it with."""
    _, errors = _map_errors(validate_batch_delivery({**header, "items": [{}], "pickups": [{}], "dropoffs": [{}]}),
                            {"items": [], "pickups": [], "dropoffs": []})
    for name, messages in _reference_taken(header).items():
        errors.setdefault(name, []).extend(messages)
    return errors


def batch_file_check(*, filename: str, content: bytes, header: dict,
                     only_good_rows: bool = False) -> tuple[dict | None, UploadOutcome]:
    """Read, convert and validate an upload. Returns (payload ready for batch_create or None, outcome)."""
    header = dict(header)
    if isinstance(header.get("serviceDate"), date):
        header["serviceDate"] = header["serviceDate"].isoformat()
    outcome = UploadOutcome()
    sheet, file_errors = batch_file_read(filename=filename, content=content)
    if sheet is None:
        outcome.errors, outcome.header_errors, outcome.file_level = file_errors, _header_errors(header), True
        return None, outcome
    parsed = batch_file_parse(sheet, service_date=_service_date(header))
    outcome.rows = parsed.rows
    if parsed.file_level:
        outcome.errors, outcome.header_errors = sorted(parsed.errors, key=_sort_key), _header_errors(header)
        outcome.file_level = True
        return None, outcome

    payload, rows = _payload(header, parsed.records)
    row_errors, header_errors = _map_errors(validate_batch_delivery(payload), rows)
    for name, messages in _reference_taken(header).items():
        header_errors.setdefault(name, []).extend(messages)
    errors = sorted(parsed.errors + row_errors, key=_sort_key)
    outcome.header_errors = header_errors
    bad_rows = {e.row for e in errors if e.row is not None}
    outcome.bad_rows = len(bad_rows)
    whole_file = [e for e in errors if e.row is None]
    if not errors and not header_errors:
        return payload, outcome

    good, left_out = _good_records(parsed.records, bad_rows)
    good_payload, _ = _payload(header, good)
    good_errors = validate_batch_delivery(good_payload) if good else ["nothing left"]
    importable = not whole_file and not header_errors and not good_errors
    outcome.good_rows_importable = len(good) if importable else 0
    if only_good_rows and importable and errors:
        outcome.left_out = sorted(errors + left_out, key=_sort_key)
        return good_payload, outcome
    outcome.errors = errors
    return None, outcome


def batch_file_import(*, filename: str, content: bytes, header: dict, only_good_rows: bool = False,
                      by=None) -> UploadOutcome:
    """Create a draft batch from an uploaded file, or say what is wrong with it (nothing saved)."""
    payload, outcome = batch_file_check(filename=filename, content=content, header=header,
                                        only_good_rows=only_good_rows)
    if payload is None:
        return outcome
    try:
        with transaction.atomic():
            outcome.batch = batch_create(payload=payload, by=by, via=f"file {filename}"[:100])
    except SpecValidationError as exc:  # cannot happen after the check above; said plainly if it does
        outcome.errors, outcome.header_errors = _map_errors(exc.errors, _payload(header, [])[1])
    except IntegrityError:  # the reference was taken meanwhile
        outcome.header_errors = _reference_taken(header) or {
            "batchSourceReference": ["A batch with this reference already exists; choose another."]}
    return outcome


# --- the template ------------------------------------------------------------------------------------------
TEMPLATE_ROWS: list[dict] = [
    {"record": "item", "itemSourceReference": "ITEM-001", "barcode": "1234567890123", "description": "Large Package",
     "quantity": 1, "contents": "isFragile", "loadWeight": 10.5, "loadLength": 50, "loadWidth": 40, "loadHeight": 30,
     "customFields": "orderNumber=ORD-12345"},
    {"record": "item", "itemSourceReference": "ITEM-002", "barcode": "1234567890124", "description": "Small Package",
     "quantity": 2},
    {"record": "pickup", "stopSourceReference": "PICKUP-001", "name": "Central Warehouse",
     "address": "100 Warehouse Road, Sydney NSW 2000", "contactName": "Warehouse Manager",
     "contactPhone": "+61400000001", "tripDate": "08:00", "timeWindowStart": "07:00", "timeWindowEnd": "10:00",
     "durationMinutes": 20, "itemSourceReferences": "ITEM-001;ITEM-002", "warehouseSourceReference": "WH-CENTRAL",
     "requireAllItemsBeforeRelease": "true"},
    {"record": "dropoff", "stopSourceReference": "DROPOFF-001", "name": "Customer A",
     "address": "50 Main Street, Parramatta NSW 2150", "contactName": "Alice Johnson", "contactPhone": "+61400000002",
     "contactEmail": "alice@example.com", "latitude": -33.8150, "longitude": 151.0011, "tripDate": "11:00",
     "timeWindowStart": "10:00", "timeWindowEnd": "12:00", "durationMinutes": 10,
     "notes": "Leave at front door if not home", "itemSourceReferences": "ITEM-001", "sequence": 1,
     "requireProofOfDelivery": "true"},
    {"record": "dropoff", "stopSourceReference": "DROPOFF-002", "name": "Customer B",
     "address": "75 Side Street, Chatswood NSW 2067", "contactName": "Bob Smith", "contactPhone": "+61400000003",
     "tripDate": "13:00", "timeWindowStart": "12:00", "timeWindowEnd": "14:00", "durationMinutes": 10,
     "itemSourceReferences": "ITEM-002", "sequence": 2, "requireProofOfDelivery": "true", "skills": "tail-lift"},
]
TEMPLATE_NOTE = ("# One row per item, pickup or dropoff (column record). Times alone (08:00) are on the service "
                 "date. Separate lists with ; or |. Rows starting with # are skipped. Replace these example rows.")


def template_csv() -> bytes:
    """The template as CSV: UTF-8 with a byte-order mark, so Excel opens it as UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    names = [c.name for c in COLUMNS]
    writer.writerow(names)
    writer.writerow([TEMPLATE_NOTE])
    for row in TEMPLATE_ROWS:
        writer.writerow(["" if row.get(n) is None else row[n] for n in names])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def template_xlsx() -> bytes:
    """The template as a workbook: sheet "Batch" (header and example rows), sheet "Columns" (help)."""
    import openpyxl
    from openpyxl.styles import Font

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = SHEET_NAME
    names = [c.name for c in COLUMNS]
    sheet.append(names)
    for row in TEMPLATE_ROWS:
        sheet.append([row.get(n) for n in names])
    bold = Font(bold=True)
    for index, name in enumerate(names):
        sheet.cell(row=1, column=index + 1).font = bold
        sheet.column_dimensions[column_letter(index)].width = max(12, min(40, len(name) + 4))
        if name in ("barcode", "contactPhone", "itemSourceReference", "stopSourceReference"):
            for r in range(2, 2 + len(TEMPLATE_ROWS) + 500):  # text, so Excel keeps leading + and zeros
                sheet.cell(row=r, column=index + 1).number_format = "@"
    sheet.freeze_panes = "B2"

    help_sheet = book.create_sheet("Columns")
    help_sheet.append(["column", "rows", "required", "what to write"])
    for c in COLUMNS:
        help_sheet.append([c.name, _KINDS_TEXT[c.kinds], "yes" if c.required else "", c.help])
    for cell in help_sheet[1]:
        cell.font = bold
    for letter, width in zip("ABCD", (28, 24, 10, 90)):
        help_sheet.column_dimensions[letter].width = width
    help_sheet.append([])
    help_sheet.append([TEMPLATE_NOTE.lstrip("# ")])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def column_help() -> list[dict]:
    """The columns for the upload page's help table."""
    return [{"name": c.name, "rows": _KINDS_TEXT[c.kinds], "required": c.required, "help": c.help} for c in COLUMNS]
