"""The field tables of the Locate2u spec as data, and the one loop that checks an object against one.

A table is a tuple of `Field`s; `check_object` walks it and appends a `SpecError` per problem.
Checks return the parsed value (a date, a datetime, the text…) so the rules that compare fields
(dates, time windows, references) work on parsed values, or `INVALID` when the value was refused.

Kept framework-free and allocation-light: a batch of 2,000 items and 2,000 drop-offs is checked
field by field, so nothing here compiles a pattern or builds a path string unless it reports.
"""
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

from .errors import SpecError

INVALID = object()  # a value was present but refused; its error is already reported

Check = Callable[["Field", object, str, list[SpecError]], object]  # (field, value, prefix, errors)

INT32_MAX = 2**31 - 1

_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
# ISO 8601 as Locate2u (.NET) writes and reads it: a date, optionally T/space and a time with
# optional seconds, fraction (up to 7 digits, .NET's ticks) and offset. A bare date is midnight.
_DATETIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?(Z|z|[+-]\d{2}:?\d{2})?)?"
)
_HHMM = re.compile(r"(?:[01]\d|2[0-3]):[0-5]\d")


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    check: Check
    label: str
    required: bool = False
    max_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    fields: tuple["Field", ...] = ()  # the sub-table of an object field


def label_for(name: str) -> str:
    """camelCase → 'Camel case': the spec's own wording ("Item source reference is required.")."""
    words = re.sub(r"(?<!^)(?=[A-Z])", " ", name).lower()
    return words[:1].upper() + words[1:]


def field(name: str, check: Check, *, label: str = "", **rules) -> Field:
    return Field(name=name, check=check, label=label or label_for(name), **rules)


def check_object(obj: dict, table: tuple[Field, ...], prefix: str, errors: list[SpecError]) -> dict:
    """Check `obj` against a field table; return the accepted values by field name.

    A missing field and an explicit null are the same thing: absent (the carrier's JSON reader
    treats them alike). Fields not in the table are ignored, as the carrier ignores them."""
    parsed = {}
    get = obj.get
    for f in table:
        name = f.name
        value = get(name)
        if value is None:
            if f.required:
                errors.append(SpecError(prefix + name, f"{f.label} is required."))
            continue
        # The prefix, not the path: a path string is built only for a field that is reported.
        result = f.check(f, value, prefix, errors)
        if result is not INVALID:
            parsed[name] = result
    return parsed


# --- checks: (field, value, prefix, errors) -> parsed value or INVALID; the path is prefix + f.name --
def text(f: Field, value, prefix: str, errors: list[SpecError]):
    if not isinstance(value, str):
        errors.append(SpecError(prefix + f.name, f"{f.label} must be text."))
        return INVALID
    if f.required and not value.strip():
        errors.append(SpecError(prefix + f.name, f"{f.label} is required."))
        return INVALID
    if "\x00" in value:  # pasted binary; no database stores it in text
        errors.append(SpecError(prefix + f.name, f"{f.label} contains an invalid (NUL) character."))
        return INVALID
    if f.max_length is not None and len(value) > f.max_length:
        errors.append(SpecError(prefix + f.name, f"{f.label} must be at most {f.max_length} characters (it has {len(value)})."))
        return INVALID
    return value


def _number(x) -> str:
    if isinstance(x, float) and x.is_integer():
        x = int(x)
    return f"{x:,}"


def _range_message(f: Field, value) -> str:
    # INT32_MAX is the wire type's limit, not a rule a dispatcher needs to read about.
    low = f.minimum
    high = f.maximum if f.maximum != INT32_MAX else None
    if low is not None and high is not None:
        return f"{f.label} must be between {_number(low)} and {_number(high)}."
    if low is not None and value < low:
        return f"{f.label} must be at least {_number(low)}."
    return f"{f.label} must be at most {_number(f.maximum)}."


def _in_range(f: Field, number) -> bool:
    return (f.minimum is None or number >= f.minimum) and (f.maximum is None or number <= f.maximum)


def decimal(f: Field, value, prefix: str, errors: list[SpecError]):
    # bool is an int in Python, but `true` is not a number in JSON.
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        errors.append(SpecError(prefix + f.name, f"{f.label} must be a number."))
        return INVALID
    if (isinstance(value, float) and not math.isfinite(value)) or (isinstance(value, Decimal) and not value.is_finite()):
        errors.append(SpecError(prefix + f.name, f"{f.label} must be a number."))
        return INVALID
    if not _in_range(f, value):
        errors.append(SpecError(prefix + f.name, _range_message(f, value)))
        return INVALID
    return value


def integer(f: Field, value, prefix: str, errors: list[SpecError]):
    if isinstance(value, bool) or not isinstance(value, int):
        errors.append(SpecError(prefix + f.name, f"{f.label} must be a whole number."))
        return INVALID
    if not _in_range(f, value):
        errors.append(SpecError(prefix + f.name, _range_message(f, value)))
        return INVALID
    return value


def boolean(f: Field, value, prefix: str, errors: list[SpecError]):
    if not isinstance(value, bool):
        errors.append(SpecError(prefix + f.name, f"{f.label} must be true or false."))
        return INVALID
    return value


def date_only(f: Field, value, prefix: str, errors: list[SpecError]):
    parsed = parse_date(value) if isinstance(value, str) else None
    if parsed is None:
        errors.append(SpecError(prefix + f.name, f"{f.label} must be a date written YYYY-MM-DD, e.g. 2024-01-15."))
        return INVALID
    return parsed


def date_time(f: Field, value, prefix: str, errors: list[SpecError]):
    parsed = parse_datetime(value) if isinstance(value, str) else None
    if parsed is None:
        errors.append(SpecError(prefix + f.name, f"{f.label} must be a date and time, e.g. 2024-01-15T09:00:00."))
        return INVALID
    return parsed


def time_hhmm(f: Field, value, prefix: str, errors: list[SpecError]):
    if not isinstance(value, str) or not _HHMM.fullmatch(value):
        errors.append(SpecError(prefix + f.name, f"{f.label} must be a time written HH:mm, e.g. 09:30."))
        return INVALID
    return value


def obj(f: Field, value, prefix: str, errors: list[SpecError]):
    if not isinstance(value, dict):
        errors.append(SpecError(prefix + f.name, f"{f.label} must be an object with named fields."))
        return INVALID
    return check_object(value, f.fields, prefix + f.name + ".", errors)


def custom_fields(f: Field, value, prefix: str, errors: list[SpecError]):
    """Key-value pairs: each value one plain value (text, number, true/false or empty)."""
    if not isinstance(value, dict):
        errors.append(SpecError(prefix + f.name, f"{f.label} must be an object of name/value pairs."))
        return INVALID
    ok = True
    for key, item in value.items():
        if not str(key).strip():
            errors.append(SpecError(prefix + f.name, f"{f.label} must not have an empty name."))
            ok = False
        elif item is not None and not isinstance(item, (str, int, float, bool)):
            errors.append(SpecError(f"{prefix}{f.name}.{key}", f"Custom field '{key}' must be a single value, not a list or object."))
            ok = False
    return value if ok else INVALID


def text_list(f: Field, value, prefix: str, errors: list[SpecError]):
    """A list of non-empty texts, e.g. skills ["forklift"]."""
    if not isinstance(value, list):
        errors.append(SpecError(prefix + f.name, f"{f.label} must be a list."))
        return INVALID
    ok = True
    for i, entry in enumerate(value):
        if not isinstance(entry, str) or not entry.strip():
            errors.append(SpecError(f"{prefix}{f.name}[{i}]", f"Each entry of {f.label.lower()} must be non-empty text."))
            ok = False
        elif f.max_length is not None and len(entry) > f.max_length:
            errors.append(SpecError(f"{prefix}{f.name}[{i}]", f"Each entry of {f.label.lower()} must be at most {f.max_length} characters."))
            ok = False
    return value if ok else INVALID


# --- parsing ------------------------------------------------------------------------------------------
def parse_date(value: str) -> date | None:
    m = _DATE.fullmatch(value)
    if not m:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:  # 2024-02-30
        return None


def parse_datetime(value: str) -> datetime | None:
    """The datetime as written: its wall-clock date is the 'date portion' the spec compares."""
    m = _DATETIME.fullmatch(value)
    if not m:
        return None
    year, month, day, hour, minute, second, fraction, offset = m.groups()
    tz = None
    if offset:
        if offset in ("Z", "z"):
            tz = UTC
        else:
            digits = offset[1:].replace(":", "")
            delta = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
            if delta > timedelta(hours=14) or int(digits[2:]) > 59:
                return None
            tz = timezone(-delta if offset[0] == "-" else delta)
    try:
        return datetime(
            int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0),
            int((fraction or "0")[:6].ljust(6, "0")), tzinfo=tz,
        )
    except ValueError:
        return None


def not_before(end: datetime, start: datetime) -> bool:
    """end ≥ start. When only one of them names an offset, both are read as wall-clock times."""
    if (end.tzinfo is None) != (start.tzinfo is None):
        return end.replace(tzinfo=None) >= start.replace(tzinfo=None)
    return end >= start
