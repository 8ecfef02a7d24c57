"""Staff page /batches/import/: a batch from a CSV or Excel file, and the file's template."""
import base64
import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from deliveries.forms.batch_upload import BatchUploadForm
from deliveries.services.batch_file import (
    MAX_BYTES,
    MAX_ROWS,
    batch_file_import,
    column_help,
    template_csv,
    template_xlsx,
)

PENDING = "batch_upload_pending"  # session key: the last file that was not imported, for a re-submit
LISTED_ROWS = 20  # rows named in the "left out" message


def _dispatchers(view):
    # Sign in first (anonymous users go to the login page), then the role decides (403).
    return login_required(permission_required("deliveries.add_batch", raise_exception=True)(view))


def _pending_file(request, token: str) -> tuple[str, bytes] | None:
    pending = request.session.get(PENDING)
    if not pending or not token or not secrets.compare_digest(pending.get("token", ""), token):
        return None
    return pending["name"], base64.b64decode(pending["content"])


def _keep(request, name: str, content: bytes) -> str:
    token = secrets.token_urlsafe(16)
    request.session[PENDING] = {"token": token, "name": name, "content": base64.b64encode(content).decode()}
    return token


def _rows_named(rows: list[int]) -> str:
    named = ", ".join(str(r) for r in rows[:LISTED_ROWS])
    return named + (f" and {len(rows) - LISTED_ROWS} more" if len(rows) > LISTED_ROWS else "")


@require_http_methods(["GET", "POST"])
@_dispatchers
def batch_upload(request):
    form = BatchUploadForm(request.POST or None, request.FILES or None)
    outcome, kept_name = None, None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("file")
        source = None
        if upload is not None:
            if upload.size > MAX_BYTES:
                form.add_error("file", f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB; "
                                       "split it into several batches.")
            else:
                source = (upload.name, upload.read())
        else:
            source = _pending_file(request, form.cleaned_data.get("upload_token", ""))
            if source is None:
                form.add_error("file", "Choose a .csv or .xlsx file to import.")
        if source is not None:
            name, content = source
            outcome = batch_file_import(filename=name, content=content, header=form.header(),
                                        only_good_rows=request.POST.get("action") == "good_rows", by=request.user)
            if outcome.ok:
                request.session.pop(PENDING, None)
                batch = outcome.batch
                messages.success(request, f"Batch {batch.batch_source_reference} was created as a draft from "
                                          f"{name}: {batch.items.count()} items, {batch.total_count} stops.")
                if outcome.left_out:
                    rows = sorted({e.row for e in outcome.left_out if e.row is not None})
                    messages.warning(request, f"{len(rows)} rows of the file were left out: rows {_rows_named(rows)}.")
                return redirect(reverse("batch-detail", args=[batch.batch_id]))
            form.add_header_errors(outcome.header_errors)
            if outcome.file_level:
                request.session.pop(PENDING, None)  # unreadable, or wrong columns: it needs correcting
            else:
                # Kept, so "Import only the good rows", or a corrected header, needs no second upload.
                token = _keep(request, name, content)
                form.data = form.data.copy()
                form.data["upload_token"] = token
                kept_name = name
    return render(request, "deliveries/upload.html", {
        "form": form,
        "outcome": outcome,
        "kept_name": kept_name,
        "columns": column_help(),
        "max_rows": f"{MAX_ROWS:,}",
    })


@require_GET
@_dispatchers
def batch_upload_template(request, fmt: str):
    if fmt == "xlsx":
        response = HttpResponse(template_xlsx(),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    else:
        response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="batch-template.{fmt}"'
    return response
