"""Forms of the staff location pages: the list's filters and the opening-hours editor.

The forms turn what the browser sends into values. A day's hours are judged by `day_errors`,
the rule `opening_hours_save` applies again before saving; its messages are shown on the day
they concern.
"""
from datetime import time

from django import forms
from django.core.exceptions import ValidationError

from .hours import ALL_DAY, CLOSED, DAY_NAMES, DayHours, day_errors
from .models import Location, Network


class LocationFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=200, label="Search",
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Ref or name"}))
    type = forms.ChoiceField(required=False, choices=[("", "All types"), *Location.Type.choices])
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *Location.Status.choices])
    network = forms.ModelChoiceField(required=False, queryset=Network.objects.order_by("name", "retailer"),
                                     empty_label="All networks")
    open_now = forms.BooleanField(required=False, label="Open now")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["network"].label_from_instance = lambda network: network.name

    def search_filters(self) -> dict:
        """Keyword arguments for `location_search`; a filter that did not parse is left out."""
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "query": (data.get("q") or "").strip() or None,
            "types": [data["type"]] if data.get("type") else None,
            "statuses": [data["status"]] if data.get("status") else None,
        }

    @property
    def chosen_network(self) -> Network | None:
        return self.cleaned_data.get("network") if self.is_valid() else None

    @property
    def open_now_only(self) -> bool:
        return bool(self.is_valid() and self.cleaned_data.get("open_now"))

    @property
    def is_filtered(self) -> bool:
        return self.is_valid() and any(self.cleaned_data.get(name) for name in self.fields)


def _hhmm(value: time) -> int:
    return value.hour * 100 + value.minute


def _time(hhmm: int) -> time:
    return time(hhmm // 100, hhmm % 100)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%H:%M")


class DayHoursForm(forms.Form):
    """One row of the week: opens, closes, or one of the two whole-day choices."""

    opens = forms.TimeField(required=False, widget=TimeInput, input_formats=["%H:%M", "%H:%M:%S"])
    closes = forms.TimeField(required=False, widget=TimeInput, input_formats=["%H:%M", "%H:%M:%S"])
    closed = forms.BooleanField(required=False, label="Closed")
    all_day = forms.BooleanField(required=False, label="24 hours")

    def __init__(self, *args, day: str, **kwargs):
        self.day = day
        self.day_name = DAY_NAMES[day]
        super().__init__(*args, prefix=day, **kwargs)

    @classmethod
    def initial_for(cls, hours: DayHours) -> dict:
        if hours.closed:
            return {"closed": True}
        if hours.all_day:
            return {"all_day": True}
        # 24:00 has no <input type="time"> value; a closing time of 00:00 stands for it.
        return {"opens": _time(hours.start), "closes": _time(hours.end % 2400)}

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if data.get("closed") and data.get("all_day"):
            raise ValidationError(f"Choose either Closed or 24 hours for {self.day_name}, not both.")
        if not data.get("closed") and not data.get("all_day"):
            if data.get("opens") is None or data.get("closes") is None:
                raise ValidationError(
                    f"Give an opening and a closing time for {self.day_name}, or mark it Closed or 24 hours."
                )
        # The same check `opening_hours_save` makes, here too so that every wrong day is shown at
        # once, not only those whose times parsed.
        messages = day_errors(self.day, *self._hours(data))
        if messages:
            raise ValidationError(messages)
        return data

    def hours(self) -> tuple[int, int]:
        return self._hours(self.cleaned_data)

    @staticmethod
    def _hours(data) -> tuple[int, int]:
        if data["closed"]:
            return CLOSED
        if data["all_day"]:
            return ALL_DAY
        start, end = _hhmm(data["opens"]), _hhmm(data["closes"])
        # Closing at 00:00 means midnight at the end of the day, the only way to say 24:00 here.
        return start, 2400 if end == 0 else end

    def add_error(self, field, error):
        super().add_error(field, error)
        # Whatever is wrong with the day, its times are marked and point at the day's messages.
        for name in ("opens", "closes"):
            self.fields[name].widget.attrs.update({"aria-invalid": "true", "aria-describedby": f"{self.day}-errors"})


class WeekHoursForm:
    """The seven days of a location's week, one `DayHoursForm` each (prefixes mon … sun)."""

    def __init__(self, data=None, *, location: Location):
        self.days = [
            DayHoursForm(data, day=hours.day, initial=DayHoursForm.initial_for(hours)) for hours in location.week()
        ]

    def __iter__(self):
        return iter(self.days)

    def is_valid(self) -> bool:
        # A list, not a generator: every day is checked, so all wrong days are shown at once.
        return all([form.is_valid() for form in self.days])

    def week(self) -> dict[str, tuple[int, int]]:
        return {form.day: form.hours() for form in self.days}

    def add_day_errors(self, error: ValidationError) -> None:
        """Put the service's messages (keyed by day) on the rows they concern."""
        by_day = {form.day: form for form in self.days}
        for day, messages in error.message_dict.items():
            form = by_day.get(day)
            if form is None:
                continue
            for message in messages:
                form.add_error(None, message)

    @property
    def has_errors(self) -> bool:
        return any(form.errors for form in self.days)

