"""The LineTen sandbox over HTTP: the spec's endpoints and shapes, thin views over services.py.

Every endpoint first applies the injected faults (so a client sees them exactly as it would a
flaky carrier), then checks the method and the bearer token, then parses and calls one service.
"""
import base64
import binascii
import functools
import json
import time
from dataclasses import asdict

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from . import controls
from .envelope import endpoint_of, envelope
from .idempotency import Answer, with_idempotency
from .models import SandboxJob
from .services import (
    SandboxAuthError,
    SandboxError,
    job_book,
    job_cancel,
    job_immediate_booking,
    quotes_for_request,
    token_client,
    token_issue,
)
from .shapes import cancellation_json, job_json


def _fault_answer(request: HttpRequest, *, oauth: bool = False, started: float) -> HttpResponse | None:
    status, faults = controls.fault_status()
    if status is None:
        return None
    if oauth:
        response = JsonResponse({"error": "temporarily_unavailable"}, status=status)
    else:
        response = envelope(request, status=status, messages=[f"sandbox fault: injected {status}"], started=started)
    if status == 429 and faults.retry_after:
        response["Retry-After"] = str(faults.retry_after)
    return response


def _bearer(request: HttpRequest) -> str:
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


def _json_body(request: HttpRequest):
    try:
        return json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        raise SandboxError(400, ["body: is not JSON"]) from None


def _sandbox_root(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("sandbox-lineten-quote")).rsplit("/v2/", 1)[0]


def lineten_api(methods):
    """Faults, method, bearer token, then the view; a SandboxError becomes the spec's envelope.
    `methods` is a tuple, or a callable for endpoints whose methods can be switched at run time."""

    def decorate(view):
        @csrf_exempt
        @functools.wraps(view)
        def wrapper(request: HttpRequest, **kwargs):
            started = time.monotonic()
            faulty = _fault_answer(request, started=started)
            if faulty is not None:
                return faulty
            allowed = methods() if callable(methods) else methods
            if request.method not in allowed:
                message = f"method: {request.method} is not allowed here; use {', '.join(allowed)}"
                response = envelope(request, status=405, started=started, messages=[message])
                response["Allow"] = ", ".join(allowed)
                return response
            client_id = token_client(value=_bearer(request))
            if client_id is None:
                response = envelope(request, status=401, started=started,
                                    messages=["Authorization: a valid bearer token is required"])
                response["WWW-Authenticate"] = 'Bearer error="invalid_token"'
                return response
            try:
                answer = view(request, client_id=client_id, **kwargs)
            except SandboxError as exc:
                return envelope(request, status=exc.status, messages=exc.messages, started=started)
            return envelope(request, status=answer.status, payload=answer.payload, rows=answer.rows, started=started)

        return wrapper

    return decorate


def _idempotent(request: HttpRequest, client_id: str, run) -> Answer:
    return with_idempotency(client_id=client_id, endpoint=endpoint_of(request), body=request.body, run=run,
                            key=request.headers.get("Idempotency-Key", "").strip())


def _job_answer(request: HttpRequest, job: SandboxJob, status: int = 201) -> Answer:
    job = SandboxJob.objects.select_related("selected_quote").get(pk=job.pk)
    payload = job_json(job, base_url=_sandbox_root(request))
    return Answer(status, payload, len(payload["Quotes"]))


# --- auth ---------------------------------------------------------------------------------------------------
@csrf_exempt
def token(request: HttpRequest) -> HttpResponse:
    """POST connect/token: OAuth2 client credentials, form-encoded (or multipart, as the spec's
    header table says); the credentials in the body or in HTTP Basic."""
    started = time.monotonic()
    faulty = _fault_answer(request, oauth=True, started=started)
    if faulty is not None:
        return faulty
    if request.method != "POST":
        response = JsonResponse({"error": "invalid_request"}, status=405)
        response["Allow"] = "POST"
        return response
    client_id, client_secret = request.POST.get("client_id", ""), request.POST.get("client_secret", "")
    scheme, _, encoded = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "basic" and not client_id:
        try:
            client_id, _, client_secret = base64.b64decode(encoded).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return JsonResponse({"error": "invalid_client"}, status=401)
    if request.POST.get("grant_type") != "client_credentials":
        return JsonResponse({"error": "unsupported_grant_type"}, status=400)
    try:
        issued = token_issue(client_id=client_id, client_secret=client_secret,
                             ttl=controls.faults_current().token_ttl)
    except SandboxAuthError:
        return JsonResponse({"error": "invalid_client"}, status=401)
    expires_in = round((issued.expires_at - issued.created_at).total_seconds())
    return JsonResponse({"access_token": issued.value, "expires_in": expires_in, "token_type": "Bearer",
                         "scope": "nds"})


# --- jobs ---------------------------------------------------------------------------------------------------
@lineten_api(("POST",))
def quote(request: HttpRequest, *, client_id: str) -> Answer:
    body = _json_body(request)
    return _idempotent(request, client_id, lambda: _job_answer(
        request, quotes_for_request(client_id=client_id, body=body)))


@lineten_api(("POST",))
def booking(request: HttpRequest, *, client_id: str) -> Answer:
    body = _json_body(request)
    return _idempotent(request, client_id, lambda: _job_answer(request, job_book(client_id=client_id, body=body)))


@lineten_api(("POST",))
def immediate_booking(request: HttpRequest, *, client_id: str) -> Answer:
    body = _json_body(request)
    return _idempotent(request, client_id, lambda: _job_answer(
        request, job_immediate_booking(client_id=client_id, body=body)))


@lineten_api(controls.cancel_methods)
def cancel(request: HttpRequest, *, client_id: str, job_id: str) -> Answer:
    def run() -> Answer:
        job = job_cancel(client_id=client_id, job_id=job_id)
        payload = cancellation_json(job)
        return Answer(200, payload, len(payload))

    return _idempotent(request, client_id, run)


# --- tracking links (public, as a carrier's tracking page is) -----------------------------------------------
def track(request: HttpRequest, job_uuid) -> HttpResponse:
    job = SandboxJob.objects.select_related("selected_quote").filter(uuid=job_uuid).first()
    if job is None:
        return JsonResponse({"error": "not_found"}, status=404)
    payload = job_json(job, base_url=_sandbox_root(request))
    return JsonResponse({key: payload[key] for key in ("Id", "Status", "DeliveryStatus", "ProcessedDates",
                                                        "AssignedDriver", "Tracker")})


# --- controls for tests and demos ---------------------------------------------------------------------------
@csrf_exempt
def faults_control(request: HttpRequest) -> HttpResponse:
    """POST _faults with the fault text as the body ("error_rate=1,error_status=500"); an empty
    body goes back to SANDBOX_FAULTS_LINETEN. ?times=N stops the error answers after N."""
    if request.method == "POST":
        try:
            times = int(request.GET["times"]) if request.GET.get("times") else None
            faults = controls.faults_change(text=request.body.decode("utf-8", "replace"), times=times)
        except ValueError as exc:
            return JsonResponse({"error": str(exc)}, status=400)
    elif request.method == "GET":
        faults = controls.faults_current()
    else:
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    return JsonResponse({"faults": asdict(faults)})


@csrf_exempt
def cancel_methods_control(request: HttpRequest) -> HttpResponse:
    """POST _cancel_methods with "PUT", "POST" or "POST,PUT"; an empty body resets."""
    if request.method == "POST":
        try:
            methods = controls.cancel_methods_change(text=request.body.decode("utf-8", "replace"))
        except ValueError as exc:
            return JsonResponse({"error": str(exc)}, status=400)
    elif request.method == "GET":
        methods = controls.cancel_methods()
    else:
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    return JsonResponse({"methods": list(methods)})
