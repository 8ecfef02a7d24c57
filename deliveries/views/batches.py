"""The dispatchers' batch pages: list, builder (new and edit of a draft), a batch with its map
and live import progress, submit to Locate2u, look again at an import we stopped following, and
a new draft from the stops that failed."""
import math

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from deliveries.forms.batches import BatchBuilder, BatchFilterForm, pickups_fill_from_locations
from deliveries.models import Batch, Stop
from deliveries.selectors import (
    batch_builder_initial,
    batch_for_page,
    batch_list_rows,
    batch_page,
    batch_progress,
    batches_filtered,
    locations_for_pickups,
    pickup_locations_data,
)
from deliveries.services.batch_import import batch_follow_again
from deliveries.services.batches import batch_create, batch_from_failed_stops, batch_replace, batch_submit
from deliveries.spec.errors import SpecValidationError

BATCHES_PER_PAGE = 25
POLL_MILLISECONDS = 2000


def _staff(permission: str):
    """Sign in first (anonymous users go to the login page), then the role decides (403)."""
    def decorate(view):
        return login_required(permission_required(permission, raise_exception=True)(view))
    return decorate


def _upload_url() -> str | None:
    # The spreadsheet import is built alongside these pages; link to it once it exists.
    try:
        return reverse("batch-upload")
    except NoReverseMatch:
        return None


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' if n != 1 else ''}"


def _batch_or_404(batch_id) -> Batch:
    batch = batch_for_page(batch_id)
    if batch is None:
        raise Http404("No such batch.")
    return batch


# --- list ---------------------------------------------------------------------------------------
@require_GET
@_staff("deliveries.view_batch")
def batch_list(request):
    filters = BatchFilterForm(request.GET)
    page = Paginator(batches_filtered(**filters.filters()), BATCHES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "deliveries/batch_list.html", {
        "filters": filters, "page": page, "rows": batch_list_rows(page.object_list), "upload_url": _upload_url(),
    })


# --- builder ------------------------------------------------------------------------------------
def _builder(request, batch: Batch | None):
    initial, used = None, set()
    if batch is not None:
        payload, pickup_locations = batch_builder_initial(batch)
        initial = BatchBuilder.initial_from(payload, pickup_locations=pickup_locations)
        used = {i for i in pickup_locations.values() if i}
    locations = locations_for_pickups(also=used)
    if request.method == "POST":
        data = pickups_fill_from_locations(request.POST, {location.pk: location for location in locations})
        builder = BatchBuilder(data, locations=locations, new=batch is None)
        payload = builder.payload()
        builder.hours_warnings()
        if builder.check(payload) and _reference_free(builder, payload, batch):
            saved = _save(builder, payload, batch, request.user)
            if saved is not None:  # opening-hours warnings stay on the draft's page until it is sent
                messages.success(request, f"Draft {saved.batch_source_reference} saved. Submit it to Locate2u when it is ready.")
                return redirect("batch-detail", batch_id=saved.batch_id)
    else:
        builder = BatchBuilder(initial=initial, locations=locations, new=batch is None)
    return render(request, "deliveries/batch_builder.html", {
        "builder": builder,
        "batch": batch,
        "locations_data": pickup_locations_data(locations),
        "upload_url": _upload_url() if batch is None else None,
    })


def _reference_free(builder: BatchBuilder, payload: dict, batch: Batch | None) -> bool:
    """Our own batches' references are unique (the database says so too); say it on the field."""
    others = Batch.objects.filter(customer=None, batch_source_reference=payload.get("batchSourceReference"))
    if batch is not None:
        others = others.exclude(pk=batch.pk)
    if others.exists():
        builder.add_spec_error("batchSourceReference", "Another batch already has this reference; choose a new one.")
        return False
    return True


def _save(builder: BatchBuilder, payload: dict, batch: Batch | None, user) -> Batch | None:
    try:
        with transaction.atomic():
            if batch is None:
                saved = batch_create(payload=payload, by=user, via="staff builder")
            else:
                saved = batch_replace(batch=batch, payload=payload)
            chosen = builder.pickup_location_ids()
            if chosen:
                pickups = list(saved.stops.filter(kind=Stop.Kind.PICKUP, stop_source_reference__in=chosen))
                for stop in pickups:
                    stop.location_id = chosen[stop.stop_source_reference]
                Stop.objects.bulk_update(pickups, ["location"])
        return saved
    except SpecValidationError as error:
        builder.add_spec_errors(error.errors)
    except IntegrityError:  # the same reference saved a moment ago by someone else
        builder.add_spec_error("batchSourceReference", "Another batch already has this reference; choose a new one.")
    return None


@require_http_methods(["GET", "POST"])
@_staff("deliveries.add_batch")
def batch_new(request):
    return _builder(request, None)


@require_http_methods(["GET", "POST"])
@_staff("deliveries.change_batch")
def batch_edit(request, batch_id):
    batch = _batch_or_404(batch_id)
    if not batch.is_editable:
        messages.info(request, f"{batch.batch_source_reference} was submitted to Locate2u and can no longer be changed.")
        return redirect("batch-detail", batch_id=batch.batch_id)
    return _builder(request, batch)


# --- a batch ------------------------------------------------------------------------------------
@require_GET
@_staff("deliveries.view_batch")
def batch_detail(request, batch_id):
    batch = _batch_or_404(batch_id)
    context = batch_page(batch)
    context.update({
        "poll_ms": POLL_MILLISECONDS,
        "map_tiles": {"url": settings.MAP_TILE_URL, "attribution": settings.MAP_TILE_ATTRIBUTION},
    })
    return render(request, "deliveries/batch_detail.html", context)


@require_GET
@_staff("deliveries.view_batch")
def batch_progress_json(request, batch_id):
    batch = _batch_or_404(batch_id)
    response = JsonResponse(batch_progress(batch))
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@_staff("deliveries.submit_batch")
def batch_submit_view(request, batch_id):
    batch = _batch_or_404(batch_id)
    was_draft = batch.status == Batch.Status.DRAFT
    try:
        batch = batch_submit(batch=batch, by=request.user)
    except SpecValidationError as error:
        messages.error(request, f"{batch.batch_source_reference} cannot be submitted: {error}. Edit the draft first.")
    else:
        if was_draft and batch.status == Batch.Status.QUEUED:
            messages.success(request, f"{batch.batch_source_reference} submitted to Locate2u.")
        # A second click (or a second tab) finds it submitted already: nothing more to say.
    return redirect("batch-detail", batch_id=batch.batch_id)


@require_POST
@_staff("deliveries.submit_batch")
def batch_follow_again_view(request, batch_id):
    batch = _batch_or_404(batch_id)
    until = batch_follow_again(batch=batch)
    if until is not None:
        minutes = math.ceil((until - timezone.now()).total_seconds() / 60)
        messages.success(request, f"Following {batch.batch_source_reference} again for {_count(minutes, 'minute')}.")
    # A second click (or a stale tab) finds it followed again or finished: the page shows which.
    return redirect("batch-detail", batch_id=batch.batch_id)


@require_POST
@_staff("deliveries.add_batch")
def batch_retry_failed(request, batch_id):
    batch = _batch_or_404(batch_id)
    try:
        with transaction.atomic():
            draft = batch_from_failed_stops(batch=batch, by=request.user)
    except SpecValidationError as error:
        messages.error(request, f"No new draft: {error}")
        return redirect("batch-detail", batch_id=batch.batch_id)
    kinds = list(draft.stops.values_list("kind", flat=True))
    dropoffs = kinds.count(Stop.Kind.DROPOFF)
    pickups = len(kinds) - dropoffs
    messages.success(request, f"New draft {draft.batch_source_reference}: {_count(dropoffs, 'drop-off')} and "
                              f"{_count(pickups, 'pickup')} for the stops that failed. Correct them, save, then submit.")
    return redirect("batch-edit", batch_id=draft.batch_id)
