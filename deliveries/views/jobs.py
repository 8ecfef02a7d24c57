"""Staff pages for courier jobs at LineTen: the list, a new job, and a job's page where quotes are
requested, one is booked and the booking followed or cancelled (CONTRACT §6).

The action views answer a plain form POST with a redirect to the job's page (and a message);
the page's script sends the same POSTs with `Accept: application/json` and gets the job's live
part back instead, so the page changes without a reload. `state.json` is what the page polls.
"""
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from deliveries.forms.jobs import JobFilterForm, JobForm, client_ref_new, initial_from_stop, stores_for_pickup
from deliveries.models import Job, Quote, Stop
from deliveries.selectors_jobs import (
    SHOW_CHOICES,
    job_dashboard_tiles,
    job_list_rows,
    job_page,
    jobs_listed,
    money,
    status_filter_choices,
)
from deliveries.services.jobs import (
    JobRuleError,
    job_book,
    job_book_immediately,
    job_cancel,
    job_request_quotes,
)

JOBS_PER_PAGE = 25


def _needs(permission: str):
    """Signed in first (anonymous users go to the login page), then the permission (403)."""

    def decorate(view):
        return login_required(permission_required(permission, raise_exception=True)(view))

    return decorate


# --- the list ---------------------------------------------------------------------------------------------
@require_GET
@_needs("deliveries.view_job")
def job_list(request):
    filters = JobFilterForm(request.GET, status_choices=status_filter_choices(), show_choices=SHOW_CHOICES)
    page = Paginator(jobs_listed(**filters.filters()), JOBS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "deliveries/job_list.html", {
        "filters": filters, "page": page, "rows": job_list_rows(page.object_list), "tiles": job_dashboard_tiles(),
        "may_add": request.user.has_perm("deliveries.add_job"),
    })


# --- a new job --------------------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@_needs("deliveries.add_job")
def job_new(request):
    stores = stores_for_pickup()
    stop = None
    if request.method == "POST":
        form = JobForm(request.POST, stores=stores)
        if form.is_valid():
            job = _job_create(form, by=request.user)
            messages.success(request, f"Job {job.client_ref} saved. Request quotes when you are ready.")
            return redirect("job-detail", job_id=job.pk)
        stop = form.cleaned_data.get("source_stop")
    else:
        initial = {}
        stop_id = request.GET.get("stop", "")
        if stop_id:
            stop = (Stop.objects.select_related("batch").filter(pk=stop_id, kind=Stop.Kind.DROPOFF).first()
                    if stop_id.isdigit() else None)
            if stop is None:
                raise Http404("No batch drop-off with that id.")
            initial = initial_from_stop(stop)
        form = JobForm(initial=initial, stores=stores)
    return render(request, "deliveries/job_new.html", {"form": form, "stop": stop,
                                                       "store_previews": form.store_previews()})


def _job_create(form: JobForm, *, by) -> Job:
    values = form.job_values()
    for _ in range(5):
        ref = values.get("client_ref") or client_ref_new()
        try:
            with transaction.atomic():
                return Job.objects.create(**(values | {"client_ref": ref}), created_by=by)
        except IntegrityError:
            if values.get("client_ref"):
                raise  # the dispatcher's own reference, taken between the check and the save
    raise IntegrityError("could not find a free job reference")


# --- one job --------------------------------------------------------------------------------------------------
def _page_or_404(job_id: int):
    try:
        return job_page(job_id)
    except Job.DoesNotExist:
        raise Http404("No such job.") from None


def _context(request, page) -> dict:
    return {"page": page, "job": page.job, "may_book": request.user.has_perm("deliveries.book_job")}


def _live_json(request, page, *, message: tuple[str, str] | None = None, status: int = 200) -> JsonResponse:
    context = _context(request, page)
    body = {
        "state": page.job.state, "stateLabel": page.job.get_state_display(), "signature": page.signature,
        "pollMs": page.poll_ms, "html": render_to_string("deliveries/job_live.html", context, request=request),
        "pills": render_to_string("deliveries/job_pills.html", context, request=request),
    }
    if message:
        body["message"] = {"level": message[0], "text": message[1]}
    return JsonResponse(body, status=status)


@require_GET
@_needs("deliveries.view_job")
def job_detail(request, job_id: int):
    page = _page_or_404(job_id)
    return render(request, "deliveries/job_detail.html", _context(request, page))


@require_GET
@_needs("deliveries.view_job")
def job_state(request, job_id: int):
    return _live_json(request, _page_or_404(job_id))


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _act(request, job_id: int, action) -> "JsonResponse | object":
    """Run one action on the job; its outcome becomes a message (JSON or the next page's)."""
    job = get_object_or_404(Job, pk=job_id)
    try:
        level, text = action(job)
    except JobRuleError as refusal:
        level, text = "error", str(refusal)
    if _wants_json(request):
        return _live_json(request, _page_or_404(job_id), message=(level, text), status=200 if level != "error" else 409)
    getattr(messages, level)(request, text)
    return redirect("job-detail", job_id=job_id)


@require_POST
@_needs("deliveries.book_job")
def job_request_quotes_view(request, job_id: int):
    def run(job):
        job_request_quotes(job=job, by=request.user)
        return "info", "Asking LineTen’s couriers for quotes…"

    return _act(request, job_id, run)


@require_POST
@_needs("deliveries.book_job")
def job_book_view(request, job_id: int):
    def run(job):
        quote_id = request.POST.get("quote", "")
        quote = Quote.objects.filter(pk=quote_id, job=job).first() if quote_id.isdigit() else None
        if quote is None:
            raise JobRuleError("That quote is not one of this job’s quotes; choose one on the board.")
        job = job_book(job=job, quote=quote, by=request.user)
        if job.booking.quote_id != quote.pk:
            return "warning", "This job is booked, or being booked, on another quote already; nothing changed."
        if job.state == Job.State.BOOKED:
            return "info", f"This job is booked with {quote.provider_name} already; nothing changed."
        return "info", f"Booking the {quote.provider_name} quote at {money(quote.price, quote.currency)}…"

    return _act(request, job_id, run)


@require_POST
@_needs("deliveries.book_job")
def job_book_immediately_view(request, job_id: int):
    def run(job):
        job_book_immediately(job=job, by=request.user)
        return "info", "LineTen is choosing the best quote and booking it…"

    return _act(request, job_id, run)


@require_POST
@_needs("deliveries.book_job")
def job_cancel_view(request, job_id: int):
    def run(job):
        job_cancel(job=job, by=request.user)
        return "info", "Cancelling the booking at LineTen…"

    return _act(request, job_id, run)
