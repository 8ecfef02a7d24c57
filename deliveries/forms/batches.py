"""The batch builder's forms: a header, and formsets of items, pickups and drop-offs.

The forms only turn what the browser sends into a batch-delivery payload. The spec's own check,
`validate_batch_delivery`, judges that payload, and each `SpecError` is shown on the field its
path names (`items[2].quantity` → row 2 of the items, field quantity). So the builder refuses
exactly what the partner API refuses, with the same words.

- Text goes into the payload as typed; an empty field is left out.
- A number field that reads as a number becomes one; anything else goes in as typed, so the
  spec says "must be a number" next to it.
- Rows the dispatcher removed (DELETE) and blank extra rows are left out; `BatchBuilder` keeps
  which form each payload entry came from, to put errors back on the right row.
"""
import json
import re
from decimal import Decimal, InvalidOperation
from typing import ClassVar

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS as NON_FIELD
from django.core.exceptions import ValidationError
from django.forms import formset_factory
from django.http import QueryDict

from deliveries.selectors import STATUS_FILTERS, pickup_hours_warning
from deliveries.spec import validate_batch_delivery
from deliveries.spec.errors import SpecError
from deliveries.spec.tables import CONTENTS_FLAGS
from locations.models import Location

# --- widgets ------------------------------------------------------------------------------------
_LOCAL_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?")


class DateInput(forms.TextInput):
    input_type = "date"


class DateTimeInput(forms.TextInput):
    """A date-time picker for what it can show; anything else (an offset such as +10:00 from a
    partner's draft) as plain text, so editing a draft never drops a value."""

    input_type = "datetime-local"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if value and not _LOCAL_DATETIME.fullmatch(str(value)):
            context["widget"]["type"] = "text"
        return context


class TimeInput(forms.TextInput):
    input_type = "time"


def _text(label: str, *, more: bool = False, **attrs) -> forms.CharField:
    field = forms.CharField(label=label, required=False, widget=forms.TextInput(attrs=attrs))
    field.more = more
    return field


def _number(label: str, *, more: bool = False, decimal: bool = True) -> forms.CharField:
    attrs = {"inputmode": "decimal" if decimal else "numeric", "autocomplete": "off"}
    return _text(label, more=more, **attrs)


def _area(label: str, *, more: bool = True, rows: int = 2, **attrs) -> forms.CharField:
    field = forms.CharField(label=label, required=False, widget=forms.Textarea(attrs={"rows": rows, **attrs}))
    field.more = more
    return field


def _flag(label: str, *, more: bool = True, initial: bool = True) -> forms.BooleanField:
    field = forms.BooleanField(label=label, required=False, initial=initial)
    field.more = more
    return field


# --- values -------------------------------------------------------------------------------------
def _put(target: dict, name: str, value) -> None:
    if value not in (None, "", [], {}):
        target[name] = value


def number_value(raw, *, whole: bool = False):
    """'12' → 12, '1.5' → 1.5; what does not read as a number stays as typed (the spec says why)."""
    text = (raw or "").strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return text
    if not value.is_finite():
        return text
    if value == value.to_integral_value() and "e" not in text.lower():
        return int(value)
    return text if whole else float(value)


def refs_value(raw: str) -> list[str]:
    """'ITEM-1, ITEM-2' (commas or new lines) → ['ITEM-1', 'ITEM-2'], each once."""
    return list(dict.fromkeys(part.strip() for part in re.split(r"[,\n]", raw or "") if part.strip()))


def refs_text(refs: list[str]) -> str:
    return ", ".join(refs)


def custom_fields_value(raw: str) -> dict:
    """One `name = value` (or `name: value`) a line, values as text; or a JSON object for values
    that are numbers or true/false. Raises ValidationError with words a dispatcher understands."""
    text = (raw or "").strip()
    if not text:
        return {}
    if text.startswith("{"):
        try:
            value = json.loads(text)
        except ValueError as error:
            raise ValidationError(f"This is not a valid JSON object ({error.msg} at line {error.lineno}).") from None
        if not isinstance(value, dict):
            raise ValidationError("Write one name = value a line, or a JSON object.")
        return value
    fields = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        match = re.match(r"\s*([^=:]+?)\s*[=:]\s*(.*?)\s*$", line)
        if not match:
            raise ValidationError(f"Line {number} has no name = value: “{line.strip()}”.")
        fields[match[1]] = match[2]
    return fields


def custom_fields_text(value: dict) -> str:
    if not value:
        return ""
    if all(isinstance(v, str) and "\n" not in v for v in value.values()) and not any(
            re.search(r"[=:\n]", str(k)) for k in value):
        return "\n".join(f"{k} = {v}" for k, v in value.items())
    return json.dumps(value, ensure_ascii=False)


def list_text(value) -> str:
    return ", ".join(str(v) for v in value or [])


def _str(value) -> str:
    return "" if value is None else str(value)


LOAD_PARTS = [("weight", "Weight (kg)", True), ("length", "Length (cm)", True), ("width", "Width (cm)", True),
              ("height", "Height (cm)", True), ("volume", "Volume (cm³)", True), ("quantity", "Units", False)]
DRIVER_PARTS = [("notes", "driver_notes"), ("accessInstructions", "access_instructions"),
                ("parkingInstructions", "parking_instructions")]
CONTACT_PARTS = [("name", "contact_name"), ("phone", "contact_phone"), ("email", "contact_email")]


def _flag_label(flag: str) -> str:
    words = re.sub(r"(?<!^)(?=[A-Z])", " ", flag.removeprefix("is")).lower().strip()
    return words[:1].upper() + words[1:]


CONTENTS_CHOICES = [(flag, _flag_label(flag)) for flag in CONTENTS_FLAGS]


class LoadFields:
    """The six load fields every row has (payload `load`)."""

    def _load(self, data: dict) -> dict:
        load: dict = {}
        for part, _label, decimal in LOAD_PARTS:
            _put(load, part, number_value(data.get(f"load_{part}"), whole=not decimal))
        return load

    @staticmethod
    def _load_initial(load: dict) -> dict:
        return {f"load_{part}": _str((load or {}).get(part)) for part, _label, _decimal in LOAD_PARTS}


def _load_fields() -> tuple:
    """load_weight, load_length, load_width, load_height, load_volume, load_quantity."""
    return tuple(_number(f"Load {label[0].lower()}{label[1:]}", more=True, decimal=decimal)
                 for _part, label, decimal in LOAD_PARTS)


# --- header -------------------------------------------------------------------------------------
class BatchHeaderForm(forms.Form):
    batch_source_reference = _text("Batch reference", autocomplete="off")
    batch_description = _text("Description")
    team_source_reference = _text("Team reference")
    customer_source_reference = _text("Customer reference")
    service_date = forms.CharField(label="Service date", required=False, widget=DateInput())

    SPEC_FIELDS: ClassVar[dict[str, str]] = {"batchSourceReference": "batch_source_reference", "batchDescription": "batch_description",
                   "teamSourceReference": "team_source_reference",
                   "customerSourceReference": "customer_source_reference", "serviceDate": "service_date"}

    def to_payload(self) -> dict:
        data = self.cleaned_data
        payload: dict = {}
        for spec, name in self.SPEC_FIELDS.items():
            _put(payload, spec, data.get(name) or None)
        return payload

    @classmethod
    def initial_from(cls, payload: dict) -> dict:
        return {name: _str(payload.get(spec)) for spec, name in cls.SPEC_FIELDS.items()}


class RowForm(forms.Form):
    """A row of a formset: knows its spec fields, which are tucked under "More", and its errors."""

    SPEC_FIELDS: ClassVar[dict[str, str]] = {}  # spec path (first one or two parts) → form field

    def more_fields(self):
        return [self[name] for name, field in self.fields.items() if getattr(field, "more", False)]

    @property
    def more_has_errors(self) -> bool:
        return any(bf.errors for bf in self.more_fields())

    @property
    def more_filled(self) -> int:
        """How many "More" fields have a value (shown on the closed <details>)."""
        count = 0
        for bf in self.more_fields():
            value = bf.value()
            if isinstance(bf.field, forms.BooleanField):
                count += bool(value) != bool(bf.field.initial)
            elif value not in (None, "", [], ()):
                count += 1
        return count

    def field_for(self, rest: str) -> str | None:
        """The form field of a spec path inside this row: 'load.weight', 'tripDate', 'skills[0]'."""
        parts = [re.sub(r"\[\d+\]$", "", part) for part in rest.split(".")]
        for length in (2, 1):
            name = self.SPEC_FIELDS.get(".".join(parts[:length]))
            if name:
                return name
        return None


class ItemForm(LoadFields, RowForm):
    item_source_reference = _text("Item reference", autocomplete="off")
    description = _text("Description")
    quantity = _number("Quantity")
    barcode = _text("Barcode", autocomplete="off")
    product_reference = _text("Product reference", more=True)
    product_variant_id = _number("Product variant id", more=True, decimal=False)
    service_id = _number("Service id", more=True, decimal=False)
    status = _text("Status", more=True)
    contents = forms.MultipleChoiceField(label="Contents", required=False, choices=CONTENTS_CHOICES,
                                         widget=forms.CheckboxSelectMultiple)
    contents.more = True
    custom_fields = _area("Custom fields", placeholder="orderNumber = ORD-12345")
    load_weight, load_length, load_width, load_height, load_volume, load_quantity = _load_fields()

    SPEC_FIELDS: ClassVar[dict[str, str]] = {"itemSourceReference": "item_source_reference", "barcode": "barcode",
                   "description": "description", "quantity": "quantity", "productReference": "product_reference",
                   "productVariantId": "product_variant_id", "serviceId": "service_id", "status": "status",
                   "contents": "contents", "customFields": "custom_fields", "load": "load_weight",
                   **{f"load.{part}": f"load_{part}" for part, _l, _d in LOAD_PARTS}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quantity"].initial = "1"

    def clean_custom_fields(self):
        return custom_fields_value(self.cleaned_data.get("custom_fields"))

    def to_payload(self) -> dict:
        data = self.cleaned_data
        item: dict = {}
        _put(item, "itemSourceReference", data.get("item_source_reference") or None)
        _put(item, "barcode", data.get("barcode"))
        _put(item, "description", data.get("description"))
        _put(item, "quantity", number_value(data.get("quantity")))
        _put(item, "productReference", data.get("product_reference"))
        _put(item, "productVariantId", number_value(data.get("product_variant_id"), whole=True))
        _put(item, "serviceId", number_value(data.get("service_id"), whole=True))
        _put(item, "status", data.get("status"))
        _put(item, "contents", {flag: True for flag in data.get("contents") or []})
        _put(item, "load", self._load(data))
        _put(item, "customFields", data.get("custom_fields") or {})
        return item

    @classmethod
    def initial_from(cls, item: dict) -> dict:
        return {
            "item_source_reference": _str(item.get("itemSourceReference")),
            "description": _str(item.get("description")), "quantity": _str(item.get("quantity", 1)),
            "barcode": _str(item.get("barcode")), "product_reference": _str(item.get("productReference")),
            "product_variant_id": _str(item.get("productVariantId")), "service_id": _str(item.get("serviceId")),
            "status": _str(item.get("status")),
            "contents": [flag for flag, on in (item.get("contents") or {}).items() if on],
            "custom_fields": custom_fields_text(item.get("customFields")),
            **cls._load_initial(item.get("load")),
        }


class StopForm(LoadFields, RowForm):
    """What pickups and drop-offs share."""

    stop_source_reference = _text("Stop reference", autocomplete="off")
    name = _text("Name")
    address = _text("Address")
    trip_date = forms.CharField(label="Trip date", required=False, widget=DateTimeInput())
    time_window_start = forms.CharField(label="Window from", required=False, widget=DateTimeInput())
    time_window_end = forms.CharField(label="Window to", required=False, widget=DateTimeInput())
    contact_name = _text("Contact name")
    contact_phone = _text("Contact phone", type="tel")
    contact_email = _text("Contact email", type="email")
    latitude = _number("Latitude")
    longitude = _number("Longitude")
    item_refs = forms.CharField(label="Items", required=False, widget=forms.TextInput(
        attrs={"placeholder": "Item references, separated by commas", "data-item-refs": ""}))
    appointment_time = forms.CharField(label="Appointment time", required=False, widget=TimeInput())
    appointment_time.more = True
    duration_minutes = _number("Duration (minutes)", more=True, decimal=False)
    notes = _area("Notes for the driver")
    driver_notes = _area("Driver instructions: notes")
    access_instructions = _area("Access instructions")
    parking_instructions = _area("Parking instructions")
    skills = _text("Skills", more=True, placeholder="forklift, two-person lift")
    custom_fields = _area("Custom fields", placeholder="gate = 4")
    source = _text("Source", more=True)
    source_reference = _text("Source reference", more=True)
    load_weight, load_length, load_width, load_height, load_volume, load_quantity = _load_fields()

    SPEC_FIELDS: ClassVar[dict[str, str]] = {
        "stopSourceReference": "stop_source_reference", "name": "name", "address": "address",
        "contact": "contact_name", "contact.name": "contact_name", "contact.phone": "contact_phone",
        "contact.email": "contact_email", "location": "latitude", "location.latitude": "latitude",
        "location.longitude": "longitude", "tripDate": "trip_date", "appointmentTime": "appointment_time",
        "timeWindowStart": "time_window_start", "timeWindowEnd": "time_window_end",
        "durationMinutes": "duration_minutes", "notes": "notes", "customFields": "custom_fields",
        "load": "load_weight", **{f"load.{part}": f"load_{part}" for part, _l, _d in LOAD_PARTS},
        "skills": "skills", "driverInstructions": "driver_notes",
        **{f"driverInstructions.{spec}": name for spec, name in DRIVER_PARTS},
        "source": "source", "sourceReference": "source_reference", "itemSourceReferences": "item_refs",
    }

    def clean_custom_fields(self):
        return custom_fields_value(self.cleaned_data.get("custom_fields"))

    def clean(self):
        data = super().clean()
        lat, lon = (data.get("latitude") or "").strip(), (data.get("longitude") or "").strip()
        if bool(lat) != bool(lon):
            self.add_error("longitude" if lat else "latitude", "Give both latitude and longitude, or neither.")
        return data

    def to_payload(self) -> dict:
        data = self.cleaned_data
        stop: dict = {}
        for spec, name in (("stopSourceReference", "stop_source_reference"), ("name", "name"),
                           ("address", "address")):
            _put(stop, spec, data.get(name) or None)
        contact: dict = {}
        for spec, name in CONTACT_PARTS:
            _put(contact, spec, data.get(name))
        _put(stop, "contact", contact)
        lat, lon = number_value(data.get("latitude")), number_value(data.get("longitude"))
        if lat is not None or lon is not None:
            location: dict = {}
            _put(location, "latitude", lat)
            _put(location, "longitude", lon)
            stop["location"] = location
        for spec, name in (("tripDate", "trip_date"), ("appointmentTime", "appointment_time"),
                           ("timeWindowStart", "time_window_start"), ("timeWindowEnd", "time_window_end")):
            _put(stop, spec, (data.get(name) or "").strip() or None)
        _put(stop, "durationMinutes", number_value(data.get("duration_minutes"), whole=True))
        _put(stop, "notes", data.get("notes"))
        _put(stop, "customFields", data.get("custom_fields") or {})
        _put(stop, "load", self._load(data))
        _put(stop, "skills", refs_value(data.get("skills")))
        driver: dict = {}
        for spec, name in DRIVER_PARTS:
            _put(driver, spec, data.get(name))
        _put(stop, "driverInstructions", driver)
        _put(stop, "source", data.get("source"))
        _put(stop, "sourceReference", data.get("source_reference"))
        stop["itemSourceReferences"] = refs_value(data.get("item_refs"))
        self._kind_payload(stop, data)
        return stop

    def _kind_payload(self, stop: dict, data: dict) -> None:
        raise NotImplementedError

    @classmethod
    def initial_from(cls, stop: dict) -> dict:
        contact, location, driver = stop.get("contact") or {}, stop.get("location") or {}, stop.get("driverInstructions") or {}
        return {
            "stop_source_reference": _str(stop.get("stopSourceReference")), "name": _str(stop.get("name")),
            "address": _str(stop.get("address")), "trip_date": _str(stop.get("tripDate")),
            "time_window_start": _str(stop.get("timeWindowStart")), "time_window_end": _str(stop.get("timeWindowEnd")),
            **{name: _str(contact.get(spec)) for spec, name in CONTACT_PARTS},
            "latitude": _str(location.get("latitude")), "longitude": _str(location.get("longitude")),
            "item_refs": refs_text(stop.get("itemSourceReferences") or []),
            "appointment_time": _str(stop.get("appointmentTime")),
            "duration_minutes": _str(stop.get("durationMinutes")), "notes": _str(stop.get("notes")),
            **{name: _str(driver.get(spec)) for spec, name in DRIVER_PARTS},
            "skills": list_text(stop.get("skills")), "custom_fields": custom_fields_text(stop.get("customFields")),
            "source": _str(stop.get("source")), "source_reference": _str(stop.get("sourceReference")),
            **cls._load_initial(stop.get("load")),
        }


class PickupForm(StopForm):
    location = forms.ChoiceField(label="From our locations", required=False)
    filled_from = forms.CharField(required=False, widget=forms.HiddenInput(attrs={"data-filled-from": ""}))
    warehouse_source_reference = _text("Warehouse reference")
    require_all_items_before_release = _flag("All items before release")

    SPEC_FIELDS: ClassVar[dict[str, str]] = StopForm.SPEC_FIELDS | {"warehouseSourceReference": "warehouse_source_reference",
                                          "requireAllItemsBeforeRelease": "require_all_items_before_release"}

    def __init__(self, *args, location_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].choices = [("", "— Not one of ours: type it below —"), *location_choices]
        self.fields["location"].widget.attrs["data-location-select"] = ""
        self.hours_warning = ""

    def _kind_payload(self, stop: dict, data: dict) -> None:
        _put(stop, "warehouseSourceReference", data.get("warehouse_source_reference"))
        stop["requireAllItemsBeforeRelease"] = bool(data.get("require_all_items_before_release"))

    @classmethod
    def initial_from(cls, stop: dict) -> dict:
        return super().initial_from(stop) | {
            "warehouse_source_reference": _str(stop.get("warehouseSourceReference")),
            "require_all_items_before_release": stop.get("requireAllItemsBeforeRelease", True),
        }

    @property
    def location_id(self) -> int | None:
        value = (self.cleaned_data if hasattr(self, "cleaned_data") else {}).get("location")
        return int(value) if value else None


class DropoffForm(StopForm):
    sequence = _number("Sequence", more=True, decimal=False)
    require_proof_of_delivery = _flag("Proof of delivery")

    SPEC_FIELDS: ClassVar[dict[str, str]] = StopForm.SPEC_FIELDS | {"sequence": "sequence", "requireProofOfDelivery": "require_proof_of_delivery"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("latitude", "longitude"):  # drop-offs are usually found by their address
            self.fields[name].more = True

    def _kind_payload(self, stop: dict, data: dict) -> None:
        _put(stop, "sequence", number_value(data.get("sequence"), whole=True))
        stop["requireProofOfDelivery"] = bool(data.get("require_proof_of_delivery"))

    @classmethod
    def initial_from(cls, stop: dict) -> dict:
        return super().initial_from(stop) | {
            "sequence": _str(stop.get("sequence")),
            "require_proof_of_delivery": stop.get("requireProofOfDelivery", True),
        }


MAX_ROWS = 5000  # a draft imported from a spreadsheet may be edited here too
_formset = {"can_delete": True, "max_num": MAX_ROWS, "absolute_max": MAX_ROWS}


# --- pickups from our locations -----------------------------------------------------------------
def location_address(location: Location) -> str:
    region = " ".join(part for part in (location.state, location.postcode) if part)
    return ", ".join(part for part in (location.street, location.city, region, location.country) if part)


def location_choices(locations) -> list:
    """Grouped choices for the pickup's location select: warehouses first, then stores."""
    groups: dict[str, list] = {}
    for location in locations:
        groups.setdefault(location.get_type_display() + "s", []).append((str(location.pk), f"{location.name} · {location.ref}"))
    return sorted(groups.items(), key=lambda group: group[0] != "Warehouses")


def location_fill_values(location: Location) -> dict:
    return {"name": location.name, "address": location_address(location),
            "latitude": _str(location.latitude), "longitude": _str(location.longitude),
            "warehouse_source_reference": location.ref}


def pickups_fill_from_locations(data: QueryDict, locations: dict[int, Location], prefix: str = "pickups") -> QueryDict:
    """What the builder's script does at once, done again on the server for browsers without it:
    a pickup whose location was chosen gets that location's name, address, coordinates and
    reference. The fields are filled when blank; when the location was changed since they were
    filled (`filled_from`), they are replaced."""
    data = data.copy()
    try:
        total = min(int(data.get(f"{prefix}-TOTAL_FORMS", 0)), MAX_ROWS)
    except ValueError:
        return data
    for i in range(total):
        key = f"{prefix}-{i}-"
        chosen = (data.get(key + "location") or "").strip()
        if not chosen.isdigit() or int(chosen) not in locations:
            continue
        filled_from = (data.get(key + "filled_from") or "").strip()
        if filled_from == chosen:
            continue
        for name, value in location_fill_values(locations[int(chosen)]).items():
            if filled_from or not (data.get(key + name) or "").strip():
                data[key + name] = value
        data[key + "filled_from"] = chosen
    return data


# --- the list's filters ---------------------------------------------------------------------
class BatchFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=100, label="Search",
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Reference, team or customer"}))
    status = forms.ChoiceField(required=False, label="Status",
                               choices=[("", "Any status"), *((k, label) for k, (label, _s) in STATUS_FILTERS.items())])
    service_date = forms.DateField(required=False, label="Service date",
                                   widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {"status": data.get("status") or None, "service_date": data.get("service_date"),
                "query": (data.get("q") or "").strip() or None}

    @property
    def is_filtered(self) -> bool:
        return self.is_valid() and any(self.cleaned_data.get(name) for name in self.fields)


# --- the whole builder --------------------------------------------------------------------------
ROW_PATH = re.compile(r"(items|pickups|dropoffs)\[(\d+)\](?:\.(.+))?")


class BatchBuilder:
    """The header form and three formsets, as one thing: a payload out, errors back in."""

    def __init__(self, data=None, *, initial: dict | None = None, locations=(), new: bool = True):
        initial = initial or {}
        extra = 1 if new else 0
        self.locations = list(locations)
        choices = location_choices(self.locations)
        self.header = BatchHeaderForm(data, prefix="batch", initial=initial.get("header"))
        self.items = formset_factory(ItemForm, extra=extra, **_formset)(
            data, prefix="items", initial=initial.get("items"))
        self.pickups = formset_factory(PickupForm, extra=extra, **_formset)(
            data, prefix="pickups", initial=initial.get("pickups"), form_kwargs={"location_choices": choices})
        self.dropoffs = formset_factory(DropoffForm, extra=extra, **_formset)(
            data, prefix="dropoffs", initial=initial.get("dropoffs"))
        self.formsets = {"items": self.items, "pickups": self.pickups, "dropoffs": self.dropoffs}
        self.non_field_errors: list[str] = []
        self.rows: dict[str, list[int]] = {}  # payload index → form index, per list
        self._unreadable: dict[int, set[str]] = {}  # fields the forms themselves refused

    @classmethod
    def initial_from(cls, payload: dict, *, pickup_locations: dict[str, int | None] | None = None) -> dict:
        pickup_locations = pickup_locations or {}
        pickups = []
        for stop in payload.get("pickups") or []:
            row = PickupForm.initial_from(stop)
            location_id = pickup_locations.get(stop.get("stopSourceReference"))
            if location_id:
                row["location"] = row["filled_from"] = str(location_id)
            pickups.append(row)
        return {
            "header": BatchHeaderForm.initial_from(payload),
            "items": [ItemForm.initial_from(item) for item in payload.get("items") or []],
            "pickups": pickups,
            "dropoffs": [DropoffForm.initial_from(stop) for stop in payload.get("dropoffs") or []],
        }

    # --- reading ----------------------------------------------------------------------------
    def _django_valid(self) -> bool:
        valid = self.header.is_valid()
        for formset in self.formsets.values():
            valid = formset.is_valid() and valid
        return valid

    def _kept(self, formset) -> list[tuple[int, forms.Form]]:
        """(form index, form) of the rows that make the payload: not removed, not blank extras."""
        kept = []
        for i, form in enumerate(formset.forms):
            if formset.can_delete and formset._should_delete_form(form):
                continue
            if i >= formset.initial_form_count() and not form.has_changed():
                continue
            kept.append((i, form))
        return kept

    def payload(self) -> dict | None:
        """The batch-delivery payload of what was typed (None when the formsets' own management
        data is unusable). Runs the forms' own checks first: custom fields that cannot be read."""
        self._django_valid()
        self._unreadable = {id(form): set(form.errors) for fs in self.formsets.values() for form in fs.forms}
        if any(not fs.management_form.is_valid() for fs in self.formsets.values()):
            self.non_field_errors.append("The form was damaged on its way here; reload the page and try again.")
            return None
        payload = self.header.to_payload() if hasattr(self.header, "cleaned_data") else {}
        for name, formset in self.formsets.items():
            kept = self._kept(formset)
            self.rows[name] = [i for i, _form in kept]
            payload[name] = [form.to_payload() for _i, form in kept]
        return payload

    @property
    def kept_pickups(self) -> list[PickupForm]:
        return [form for _i, form in self._kept(self.pickups)]

    def check(self, payload: dict | None) -> bool:
        """Put every problem of the payload on its field. True when there is none."""
        if payload is None:
            return False
        self.add_spec_errors(validate_batch_delivery(payload))
        return not self.has_errors

    @property
    def has_errors(self) -> bool:
        return bool(self.non_field_errors or self.header.errors or any(
            fs.non_form_errors() or any(f.errors for f in fs.forms) for fs in self.formsets.values()))

    def error_summary(self, limit: int = 12) -> dict:
        """Every problem in one list for the top of the page, each linking to its field."""
        entries = [{"href": "", "where": "", "message": message} for message in self.non_field_errors]

        def add(form, name: str, where: str) -> None:
            for message in form.errors.get(name, []):
                if name == NON_FIELD:
                    entries.append({"href": f"#{form.prefix}-errors", "where": where, "message": message})
                    continue
                field = form[name]
                # A group of checkboxes has no one input to go to: its message is the target.
                href = f"#{field.auto_id}_error" if name == "contents" else f"#{field.auto_id}"
                entries.append({"href": href, "where": f"{where} · {field.label}", "message": message})

        for name in self.header.errors:
            add(self.header, name, "Batch")
        for key, noun, nouns in (("items", "Item", "Items"), ("pickups", "Pickup", "Pickups"),
                                 ("dropoffs", "Drop-off", "Drop-offs")):
            formset = self.formsets[key]
            entries += [{"href": f"#{key}-errors", "where": nouns, "message": m} for m in formset.non_form_errors()]
            number = 0
            for form in formset.forms:
                if formset._should_delete_form(form):
                    continue
                number += 1  # as the page numbers the rows it shows
                if form.errors:
                    ref = (form.data.get(form.add_prefix(f"{'item' if key == 'items' else 'stop'}_source_reference"))
                           or "").strip()
                    where = f"{noun} {number}" + (f" ({ref})" if ref else "")
                    for name in form.errors:
                        add(form, name, where)
        return {"shown": entries[:limit], "more": max(0, len(entries) - limit), "count": len(entries)}

    def add_spec_errors(self, errors: list[SpecError]) -> None:
        for error in errors:
            self.add_spec_error(error.field, error.message)

    def add_spec_error(self, path: str, message: str) -> None:
        if path in BatchHeaderForm.SPEC_FIELDS:
            self._add(self.header, BatchHeaderForm.SPEC_FIELDS[path], message)
            return
        if path in self.formsets:
            self.formsets[path]._non_form_errors.append(message)
            return
        match = ROW_PATH.fullmatch(path)
        if match:
            name, index, rest = match[1], int(match[2]), match[3] or ""
            rows = self.rows.get(name, [])
            if index < len(rows):
                form = self.formsets[name].forms[rows[index]]
                self._add(form, form.field_for(rest) if rest else None, message)
                return
        self.non_field_errors.append(message)

    def _add(self, form: forms.Form, field: str | None, message: str) -> None:
        # A field the form could not read already says why; the spec's word on it would repeat it.
        if field and field in self._unreadable.get(id(form), ()):
            return
        if field and message in form.errors.get(field, []):
            return
        form.add_error(field, message)

    # --- warnings ---------------------------------------------------------------------------
    def hours_warnings(self) -> None:
        """Opening-hours warnings on pickups from our locations (they do not stop the save)."""
        by_id = {location.pk: location for location in self.locations}
        for form in self.pickups.forms:
            data = getattr(form, "cleaned_data", None) or {}
            chosen = data.get("location")
            if chosen and int(chosen) in by_id:
                form.hours_warning = pickup_hours_warning(
                    by_id[int(chosen)], trip_date=data.get("trip_date"), start=data.get("time_window_start"),
                    end=data.get("time_window_end")) or ""

    def pickup_location_ids(self) -> dict[str, int]:
        """stopSourceReference → our location, for the pickups chosen from one."""
        found = {}
        for form in self.kept_pickups:
            if form.location_id:
                found[form.cleaned_data.get("stop_source_reference") or ""] = form.location_id
        return found
