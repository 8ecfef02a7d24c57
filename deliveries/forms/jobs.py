"""The new-job form: every field of LineTen's quote request, checked before any call is made.

The form turns what the dispatcher typed into the values of a DRAFT `Job`; the quote request is
built from the job later (services/job_request.py). Each message names what is wrong in the
dispatcher's words and sits on the field it concerns.
"""
import re
import secrets
from datetime import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db.models import F
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from deliveries.carriers.lineten.schemas import Flag, PackageSize, Tag, TransportType
from deliveries.models import Job, Stop
from locations.models import Location

SIZES = [size.value for size in PackageSize]  # S, M, L, XL: the order items are sent in
SIZE_NAMES = {"S": "Small", "M": "Medium", "L": "Large", "XL": "Extra large"}
MAX_ITEMS = 99
TRANSPORT_LABELS = {
    "walker": "Walker", "bike": "Bike", "cargobike": "Cargo bike", "motorbike": "Motorbike", "car": "Car",
    "minivan": "Minivan", "van": "Van", "truck": "Truck", "any": "Any",
}
FLAG_LABELS = {
    "scan_barcode": "Scan barcode", "photo_item": "Photo of item", "signature": "Signature",
    "c25": "Challenge 25", "c30": "Challenge 30",
}
TAG_LABELS = {
    "hot": "Hot", "frozen": "Frozen", "fragile": "Fragile", "controlled_drug": "Controlled drug",
    "refrigerated": "Refrigerated",
}
REF_PREFIX = "JOB-"
_REF_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read out over the phone
_UK_POSTCODE = re.compile(r"\b([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})\b", re.IGNORECASE)
PICKUP_STORE, PICKUP_ADDRESS = "store", "address"


def client_ref_new() -> str:
    """A short reference such as JOB-7K3Q2M, not yet taken."""
    for _ in range(20):
        ref = REF_PREFIX + "".join(secrets.choice(_REF_ALPHABET) for _ in range(6))
        if not Job.objects.filter(client_ref=ref).exists():
            return ref
    return REF_PREFIX + secrets.token_hex(6).upper()  # 20 collisions in a row: make it longer


def _labels(enum, labels) -> list[tuple[str, str]]:
    return [(member.value, labels.get(member.value, member.value)) for member in enum]


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


def _coordinate(label: str, place: str, example: float, *, required: bool) -> forms.FloatField:
    return forms.FloatField(
        label=label, required=required, widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
        error_messages={"required": f"Give the {place}’s {label.lower()}: LineTen needs the coordinates.",
                        "invalid": f"Give the {label.lower()} as a decimal number, e.g. {example}."},
    )


def _text(label: str, max_length: int, *, required: bool = False, required_message: str = "",
          **attrs) -> forms.CharField:
    return forms.CharField(label=label, max_length=max_length, required=required,
                           error_messages={"required": required_message} if required_message else None,
                           widget=forms.TextInput(attrs=attrs) if attrs else None)


class PlaceFields:
    """The fields of one address with its geolocation and one person, under a prefix."""

    NAMES = ("company", "address1", "address2", "city", "county", "postcode", "country", "latitude", "longitude",
             "first_name", "last_name", "phone", "email", "notes")

    @staticmethod
    def make(place: str, *, required: bool) -> dict[str, forms.Field]:
        return {
            "company": _text("Company", 200, autocomplete="organization"),
            "address1": _text("Address line 1", 200, required=required, autocomplete="address-line1",
                              required_message=f"Give the {place}’s first address line."),
            "address2": _text("Address line 2", 200, autocomplete="address-line2"),
            "city": _text("City", 100, autocomplete="address-level2"),
            "county": _text("County", 100),
            "postcode": _text("Postcode", 20, required=required, autocomplete="postal-code",
                              required_message=f"Give the {place}’s postcode."),
            "country": _text("Country", 100, autocomplete="country-name"),
            "latitude": _coordinate("Latitude", place, 51.5134, required=required),
            "longitude": _coordinate("Longitude", place, -0.2278, required=required),
            "first_name": _text("First name", 100),
            "last_name": _text("Last name", 100),
            "phone": _text("Phone", 50, autocomplete="tel", inputmode="tel"),
            "email": forms.EmailField(label="Email", required=False, max_length=254,
                                      error_messages={"invalid": "Give an email address such as name@example.com."}),
            "notes": forms.CharField(label="Notes for the driver", required=False, max_length=2000,
                                     widget=forms.Textarea(attrs={"rows": 2})),
        }


class JobForm(forms.Form):
    # --- pickup ------------------------------------------------------------------------------------
    pickup_kind = forms.ChoiceField(
        label="Pick up from", widget=forms.RadioSelect, initial=PICKUP_STORE,
        choices=[(PICKUP_STORE, "One of our stores or warehouses"), (PICKUP_ADDRESS, "An address")],
        error_messages={"required": "Choose where the courier picks up."},
    )
    pickup_store = forms.TypedChoiceField(label="Store or warehouse", required=False, coerce=int, empty_value=None)
    # --- items and handling ----------------------------------------------------------------------------
    transport_types = forms.MultipleChoiceField(
        label="Transport types", required=False, widget=forms.CheckboxSelectMultiple,
        choices=_labels(TransportType, TRANSPORT_LABELS),
        help_text="None ticked: any transport.")
    flags = forms.MultipleChoiceField(label="Driver actions", required=False, widget=forms.CheckboxSelectMultiple,
                                      choices=_labels(Flag, FLAG_LABELS))
    tags = forms.MultipleChoiceField(label="Item attributes", required=False, widget=forms.CheckboxSelectMultiple,
                                     choices=_labels(Tag, TAG_LABELS))
    # --- when ----------------------------------------------------------------------------------------------
    requested_time = forms.DateTimeField(
        label="Deliver at", required=False, widget=DateTimeLocalInput,
        help_text="Alone it means a 60-minute window from this time.",
        error_messages={"invalid": "Give a date and time, e.g. 2025-03-14 11:30."})
    window_from = forms.DateTimeField(label="Window from", required=False, widget=DateTimeLocalInput,
                                      error_messages={"invalid": "Give a date and time, e.g. 2025-03-14 11:30."})
    window_to = forms.DateTimeField(label="Window to", required=False, widget=DateTimeLocalInput,
                                    error_messages={"invalid": "Give a date and time, e.g. 2025-03-14 14:30."})
    # --- the job -------------------------------------------------------------------------------------------
    client_ref = forms.CharField(
        label="Client reference", required=False, max_length=64,
        help_text="Left blank: one is made, such as JOB-7K3Q2M.",
        validators=[RegexValidator(r"^[A-Za-z0-9][A-Za-z0-9._/-]*$",
                                   "Use letters, digits and . _ / - only, starting with a letter or digit.")])
    notes = forms.CharField(label="Notes for the job", required=False, max_length=2000,
                            widget=forms.Textarea(attrs={"rows": 2}))
    source_stop = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, stores=None, **kwargs):
        super().__init__(*args, **kwargs)
        for prefix, required in (("pickup", False), ("delivery", True)):
            for name, field in PlaceFields.make(prefix, required=required).items():
                self.fields[f"{prefix}_{name}"] = field
        for size in SIZES:
            self.fields[f"qty_{size}"] = forms.IntegerField(
                label=f"{SIZE_NAMES[size]} ({size})", required=False, min_value=0, max_value=MAX_ITEMS,
                widget=forms.NumberInput(attrs={"min": 0, "max": MAX_ITEMS, "inputmode": "numeric"}),
                error_messages={"min_value": "Give 0 or more.", "max_value": f"At most {MAX_ITEMS}.",
                                "invalid": "Give a whole number."})
        self.stores = {store.pk: store for store in (stores if stores is not None else stores_for_pickup())}
        by_type: dict[str, list] = {}
        for store in self.stores.values():
            by_type.setdefault(store.get_type_display() + "s", []).append((store.pk, f"{store.name} · {store.ref}"))
        self.fields["pickup_store"].choices = [("", "Choose a store or warehouse…"), *by_type.items()]

    def full_clean(self):
        super().full_clean()
        # A field in error is marked and points at its message (the template's id "<name>-error").
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs.update({"aria-invalid": "true", "aria-describedby": f"{name}-error"})

    # --- groups the template lays out ----------------------------------------------------------------------
    def place(self, prefix: str) -> dict[str, forms.BoundField]:
        return {name: self[f"{prefix}_{name}"] for name in PlaceFields.NAMES}

    @property
    def pickup(self):
        return self.place("pickup")

    @property
    def delivery(self):
        return self.place("delivery")

    @property
    def quantities(self) -> list[forms.BoundField]:
        return [self[f"qty_{size}"] for size in SIZES]

    def store_previews(self) -> dict[str, dict]:
        """What the page shows under the store list about the chosen store (json_script)."""
        return {
            str(store.pk): {
                "address": ", ".join(filter(None, [store.street, store.city, store.postcode])) or "No address on record",
                "coordinates": (f"{store.latitude:.4f}, {store.longitude:.4f}" if store.latitude is not None else ""),
                "ref": store.ref,
            }
            for store in self.stores.values()
        }

    # --- checks ----------------------------------------------------------------------------------------------
    def _invalid(self, name: str, message: str) -> None:
        if name not in self.errors:
            self.add_error(name, message)

    def clean_client_ref(self):
        ref = self.cleaned_data["client_ref"].strip()
        if ref and Job.objects.filter(client_ref__iexact=ref).exists():
            raise ValidationError(f"{ref} is the reference of another job; choose another or leave it blank.")
        return ref

    def clean_pickup_store(self):
        store_id = self.cleaned_data.get("pickup_store")
        if store_id is not None and store_id not in self.stores:
            raise ValidationError("Choose one of the active stores or warehouses in the list.")
        return self.stores.get(store_id)

    def clean_source_stop(self):
        stop_id = self.cleaned_data.get("source_stop")
        if stop_id is None:
            return None
        stop = Stop.objects.filter(pk=stop_id, kind=Stop.Kind.DROPOFF).first()
        if stop is None:
            raise ValidationError("The batch drop-off this job was started from no longer exists.")
        return stop

    def clean(self):
        data = super().clean()
        self._clean_pickup(data)
        self._clean_place("delivery", data)
        self._clean_items(data)
        self._clean_when(data)
        transport = data.get("transport_types") or []
        if "any" in transport and len(transport) > 1:
            self._invalid("transport_types", "Tick “Any” alone, or only the transport types you accept.")
        pickup_at = (data.get("pickup_latitude"), data.get("pickup_longitude"))
        store = data.get("pickup_store")
        if data.get("pickup_kind") == PICKUP_STORE and store is not None:
            pickup_at = (store.latitude, store.longitude)
        delivery_at = (data.get("delivery_latitude"), data.get("delivery_longitude"))
        if None not in pickup_at and pickup_at == delivery_at:
            self._invalid("delivery_latitude", "The delivery is at the pickup’s coordinates; check both places.")
        return data

    def _clean_pickup(self, data) -> None:
        if data.get("pickup_kind") == PICKUP_STORE:
            store = data.get("pickup_store")
            if store is None:
                self._invalid("pickup_store", "Choose the store or warehouse the courier picks up from.")
            elif store.latitude is None or store.longitude is None:
                self._invalid("pickup_store", f"{store.name} ({store.ref}) has no coordinates on record, and LineTen "
                                              "needs them. Add them to the location, or pick up from an address.")
        elif data.get("pickup_kind") == PICKUP_ADDRESS:
            for name, message in (("address1", "Give the pickup’s first address line."),
                                  ("postcode", "Give the pickup’s postcode."),
                                  ("latitude", "Give the pickup’s latitude: LineTen needs the coordinates."),
                                  ("longitude", "Give the pickup’s longitude: LineTen needs the coordinates.")):
                value = data.get(f"pickup_{name}")
                if (value is None or value == "") and f"pickup_{name}" not in self.errors:
                    self._invalid(f"pickup_{name}", message)
            self._clean_place("pickup", data)

    def _clean_place(self, prefix: str, data) -> None:
        latitude, longitude = data.get(f"{prefix}_latitude"), data.get(f"{prefix}_longitude")
        if latitude is not None and not -90 <= latitude <= 90:
            self._invalid(f"{prefix}_latitude", f"A latitude lies between -90 and 90; {latitude:g} does not.")
        if longitude is not None and not -180 <= longitude <= 180:
            self._invalid(f"{prefix}_longitude", f"A longitude lies between -180 and 180; {longitude:g} does not.")
        if latitude == 0 and longitude == 0:
            self._invalid(f"{prefix}_latitude", "0, 0 is in the Gulf of Guinea: give the address’s real coordinates.")

    def _clean_items(self, data) -> None:
        counts = [data.get(f"qty_{size}") or 0 for size in SIZES]
        if any(f"qty_{size}" in self.errors for size in SIZES):
            return
        total = sum(counts)
        if total == 0:
            self._invalid("qty_M", "Give at least one item: how many packages of each size.")
        elif total > MAX_ITEMS:
            self._invalid("qty_M", f"{total} items is more than one courier job takes here (at most {MAX_ITEMS}).")

    def _clean_when(self, data) -> None:
        now = timezone.now()
        start, end, at = data.get("window_from"), data.get("window_to"), data.get("requested_time")
        if start and not end:
            self._invalid("window_to", "Give the end of the window too, or clear its start.")
        if end and not start:
            self._invalid("window_from", "Give the start of the window too, or clear its end.")
        if start and end and end <= start:
            self._invalid("window_to", f"The window ends at {_hm(end)}, before it starts at {_hm(start)}.")
        if end and end <= now:
            self._invalid("window_to", "The window is over already; give one in the future.")
        if at and at <= now and not (start and end):
            self._invalid("requested_time", f"{_hm(at)} has passed; give a time in the future, or leave it blank "
                                            "for as soon as possible.")

    # --- the result ----------------------------------------------------------------------------------------------
    def package_sizes(self) -> list[str]:
        """Quantity as repetition (LineTen FAQ 2): M × 2, L × 1 → ["M", "M", "L"]."""
        return [size for size in SIZES for _ in range(self.cleaned_data.get(f"qty_{size}") or 0)]

    def job_values(self) -> dict:
        """The fields of the new DRAFT job (without client_ref when it is to be made up)."""
        data = self.cleaned_data
        values = {
            "transport_types": list(data.get("transport_types") or []),
            "flags": list(data.get("flags") or []),
            "tags": list(data.get("tags") or []),
            "notes": data.get("notes", ""),
            "package_sizes": self.package_sizes(),
            "requested_time": data.get("requested_time"),
            "window_from": data.get("window_from"),
            "window_to": data.get("window_to"),
            "source_stop": data.get("source_stop"),
            **_place_values("delivery", data),
        }
        if data["pickup_kind"] == PICKUP_STORE:
            values["pickup_store"] = data["pickup_store"]
            values["pickup_notes"] = data.get("pickup_notes", "")
        else:
            values |= _place_values("pickup", data)
        if data.get("client_ref"):
            values["client_ref"] = data["client_ref"]
        return values


def _place_values(prefix: str, data) -> dict:
    values = {f"{prefix}_{name}": (data.get(f"{prefix}_{name}") or "").strip()
              for name in ("company", "address1", "address2", "city", "county", "postcode", "country", "notes")}
    values[f"{prefix}_latitude"] = data.get(f"{prefix}_latitude")
    values[f"{prefix}_longitude"] = data.get(f"{prefix}_longitude")
    values[f"{prefix}_person"] = {name: (data.get(f"{prefix}_{name}") or "").strip()
                                  for name in ("first_name", "last_name", "phone", "email")
                                  if (data.get(f"{prefix}_{name}") or "").strip()}
    return values


def _hm(value: datetime) -> str:
    return timezone.localtime(value).strftime("%d %b %H:%M")


def stores_for_pickup():
    return list(Location.objects.filter(status=Location.Status.ACTIVE).order_by("type", "name", "pk"))


# --- a job from a batch drop-off ----------------------------------------------------------------------------
def _when(value: str) -> datetime | None:
    try:
        parsed = parse_datetime(value.strip()) if value else None
    except ValueError:
        return None
    if parsed is None:
        return None
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


def initial_from_stop(stop: Stop) -> dict:
    """The form's starting values for a courier job to a batch drop-off: its address, person and
    times, and the batch's pickup (our store when the pickup names one)."""
    initial = {"source_stop": stop.pk, "delivery_notes": stop.notes[:2000]}
    address = stop.address.strip()
    postcode = _UK_POSTCODE.search(address)
    if postcode:
        initial["delivery_postcode"] = f"{postcode.group(1)} {postcode.group(2)}".upper()
        address = (address[:postcode.start()] + address[postcode.end():]).strip(" ,")
    lines = [part.strip() for part in address.split(",") if part.strip()]
    initial["delivery_address1"] = (lines[0] if lines else stop.address)[:200]
    if len(lines) > 2:
        initial["delivery_address2"] = ", ".join(lines[1:-1])[:200]
    if len(lines) > 1:
        initial["delivery_city"] = lines[-1][:100]
    if stop.name and stop.name != stop.contact_name:
        initial["delivery_company"] = stop.name[:200]
    first, _, last = (stop.contact_name or "").strip().partition(" ")
    initial |= {"delivery_first_name": first, "delivery_last_name": last, "delivery_phone": stop.contact_phone,
                "delivery_email": stop.contact_email}
    if stop.latitude is not None and stop.longitude is not None:
        initial |= {"delivery_latitude": stop.latitude, "delivery_longitude": stop.longitude}
    start, end = _when(stop.time_window_start), _when(stop.time_window_end)
    if start and end and end > start:
        initial |= {"window_from": start, "window_to": end}
    elif stop.appointment_time and stop.trip_date:
        initial["requested_time"] = _when(f"{stop.trip_date[:10]}T{stop.appointment_time}:00")
    items = stop.items.count()
    initial["qty_M"] = max(1, items)
    pickup = (stop.batch.stops.filter(kind=Stop.Kind.PICKUP).select_related("location")
              .order_by(F("location_id").asc(nulls_last=True), "position").first())
    if pickup is not None and pickup.location is not None:
        initial |= {"pickup_kind": PICKUP_STORE, "pickup_store": pickup.location.pk}
    elif pickup is not None and pickup.latitude is not None:
        initial |= {"pickup_kind": PICKUP_ADDRESS, "pickup_company": pickup.name[:200],
                    "pickup_address1": pickup.address[:200], "pickup_latitude": pickup.latitude,
                    "pickup_longitude": pickup.longitude, "pickup_phone": pickup.contact_phone}
        pickup_postcode = _UK_POSTCODE.search(pickup.address)
        if pickup_postcode:
            initial["pickup_postcode"] = f"{pickup_postcode.group(1)} {pickup_postcode.group(2)}".upper()
    return initial


class JobFilterForm(forms.Form):
    """The job list's filters; a value that does not parse is left out."""

    q = forms.CharField(required=False, max_length=200, label="Search",
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Ref, postcode, store, provider"}))
    state = forms.ChoiceField(required=False, label="State", choices=[("", "Any state"), *Job.State.choices])
    status = forms.ChoiceField(required=False, label="LineTen status")
    show = forms.ChoiceField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, status_choices=(), show_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = list(status_choices)
        self.fields["show"].choices = [("", ""), *show_choices]
        self.show_labels = dict(show_choices)

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {"query": data.get("q") or "", "state": data.get("state") or "", "status": data.get("status") or "",
                "show": data.get("show") or ""}

    @property
    def is_filtered(self) -> bool:
        return any(self.filters().values())

    @property
    def show_label(self) -> str:
        return self.show_labels.get(self.filters()["show"], "")
