"""The batch import form: the batch header (the file holds the rows) and the file.

Field rules are the spec's (deliveries.spec), checked with the file's rows by the import service;
its messages come back onto these fields. Django checks only what it must parse (the date)."""
from django import forms

# spec root field → form field
HEADER_FIELDS = {
    "batchSourceReference": "batch_source_reference",
    "batchDescription": "batch_description",
    "teamSourceReference": "team_source_reference",
    "customerSourceReference": "customer_source_reference",
    "serviceDate": "service_date",
}


class BatchUploadForm(forms.Form):
    batch_source_reference = forms.CharField(
        label="Batch reference", required=False, widget=forms.TextInput(attrs={"maxlength": 100}),
        help_text="Your reference for this batch; unique.")
    team_source_reference = forms.CharField(
        label="Team reference", required=False, widget=forms.TextInput(attrs={"maxlength": 100}))
    service_date = forms.DateField(
        label="Service date", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Every stop's trip date is on this day.")
    batch_description = forms.CharField(
        label="Description", required=False, widget=forms.TextInput(attrs={"maxlength": 256}))
    customer_source_reference = forms.CharField(
        label="Customer reference", required=False, widget=forms.TextInput(attrs={"maxlength": 100}))
    file = forms.FileField(
        label="File (.csv or .xlsx)", required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv,"
                                                         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}))
    upload_token = forms.CharField(required=False, widget=forms.HiddenInput)

    def header(self) -> dict:
        """The batch header in the spec's names (empty fields left out)."""
        data = self.cleaned_data
        header = {}
        for spec_name, name in HEADER_FIELDS.items():
            value = data.get(name)
            if value not in (None, ""):
                header[spec_name] = value.isoformat() if spec_name == "serviceDate" else value.strip()
        return header

    def add_header_errors(self, errors: dict[str, list[str]]) -> None:
        for spec_name, messages in errors.items():
            name = HEADER_FIELDS.get(spec_name)
            for message in messages:
                self.add_error(name if name in self.fields else None, message)
