"""The Locate2u sandbox over HTTP: every endpoint of the Customer Integration API spec, plus the
controls tests and demos use (`_faults`, `_import_rate`, `_tick`).

Plain csrf-exempt JSON views with the sandbox's own bearer tokens (not the portal's partner
OAuth). Each endpoint first answers any injected fault, then checks its method and token; the
views parse, call one service and render. No input, however bad, reaches a 500.
"""
import base64
import binascii
import json
from dataclasses import asdict
from functools import wraps
from urllib.parse import unquote

from django.core.exceptions import SuspiciousOperation
from django.http import HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.views.decorators.csrf import csrf_exempt

from deliveries.sandbox.faults import fault_answer_status
from deliveries.spec import SpecError, SpecValidationError

from . import services, shapes
from .controls import faults_control_set, faults_in_force, import_rate, import_rate_set, sandbox_faults

MAX_BODY = 20 * 1024 * 1024  # bytes; a 10,000-stop import fits with room to spare
MAX_IDEMPOTENCY_KEY = 200


def _json(body, status: int = 200, headers: dict | None = None) -> JsonResponse:
    return JsonResponse(body, status=status, safe=False, headers=headers)


def _errors(status: int, errors: list[SpecError], headers: dict | None = None) -> JsonResponse:
    return _json(shapes.errors_body(errors), status, headers)


NO_STORE = {"Cache-Control": "no-store"}
REPLAYED = {"Idempotent-Replayed": "true"}  # a repeat: the first answer again, nothing created


def _fault_answer(status: int, faults) -> JsonResponse:
    headers = {"Retry-After": str(faults.retry_after)} if status == 429 and faults.retry_after else None
    return _errors(status, [SpecError("", f"Sandbox fault injected: answering {status}.")], headers)


def _bearer(request) -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def endpoint(*methods: str, auth: bool = True):
    """Faults first (as configured or set over `_faults`), then method, then token."""

    def decorate(view):
        @csrf_exempt
        @wraps(view)
        def run(request, *args, **kwargs):
            faults = sandbox_faults()
            status = fault_answer_status(faults)
            if status is not None:
                return _fault_answer(status, faults)
            if request.method not in methods:
                return _errors(405, [SpecError("", f"{request.method} is not allowed here.")],
                               {"Allow": ", ".join(methods)})
            if auth and not services.token_is_valid(token=_bearer(request)):
                return _errors(401, [SpecError("", "Missing, unknown or expired access token.")],
                               {"WWW-Authenticate": 'Bearer error="invalid_token"'})
            request.sandbox_faults = faults
            try:
                return view(request, *args, **kwargs)
            except SpecValidationError as exc:
                return _errors(getattr(exc, "status", 400), exc.errors)
            except services.SandboxNotFound as exc:
                return _errors(404, [SpecError(exc.field, exc.message)])

        return run

    return decorate


class _BodyTooLarge(SpecValidationError):
    status = 413


def _body(request):
    """The JSON body; anything that is not JSON is a 400 in the spec's error shape."""
    raw = request.read(MAX_BODY + 1)
    if len(raw) > MAX_BODY:
        raise _BodyTooLarge([SpecError("", f"The request body is larger than {MAX_BODY // 2**20} MB.")])

    if b"\x00" in raw or b"\\u0000" in raw:
        # No database stores a NUL in text; refusing it here keeps it from becoming a 500 there.
        raise SpecValidationError([SpecError("", "The request body contains a NUL character.")])

    def refuse_constant(name):
        raise ValueError(f"{name} is not a JSON number")

    try:
        return json.loads(raw, parse_constant=refuse_constant)
    except (ValueError, RecursionError) as exc:
        raise SpecValidationError([SpecError("", f"The request body is not valid JSON ({exc}).")]) from None


def _idempotency_key(request) -> str:
    key = request.headers.get("Idempotency-Key", "").strip()
    if len(key) > MAX_IDEMPOTENCY_KEY:
        raise SpecValidationError([SpecError("Idempotency-Key", f"At most {MAX_IDEMPOTENCY_KEY} characters.")])
    return key


# --- OAuth ---------------------------------------------------------------------------------------
def _client_credentials(request) -> tuple[str, str]:
    """From the form, or from HTTP Basic as RFC 6749 prefers."""
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "basic":
        try:
            client_id, _, secret = base64.b64decode(value.strip(), validate=True).decode().partition(":")
            return unquote(client_id), unquote(secret)
        except (binascii.Error, UnicodeDecodeError):
            return "", ""
    return request.POST.get("client_id", ""), request.POST.get("client_secret", "")


@endpoint("POST", auth=False)
def token(request):
    try:
        form = request.POST
    except (MultiPartParserError, SuspiciousOperation):
        return _json({"error": "invalid_request"}, 400, NO_STORE)
    client_id, client_secret = _client_credentials(request)
    try:
        answer = services.token_issue(
            client_id=client_id, client_secret=client_secret, grant_type=form.get("grant_type", ""),
            scope=form.get("scope", ""),
            lifetime=request.sandbox_faults.token_ttl or services.TOKEN_LIFETIME,
        )
    except services.TokenRefused as refused:
        return _json({"error": refused.error}, refused.status, NO_STORE)
    return _json(answer, 200, NO_STORE)


# --- Discovery -----------------------------------------------------------------------------------
@endpoint("GET")
def discovery_user(request):
    return _json(shapes.DISCOVERY_USER)


# --- Stops and batch delivery -------------------------------------------------------------------
@endpoint("POST")
def batch_delivery(request):
    batch, created = services.batch_delivery_accept(payload=_body(request), idempotency_key=_idempotency_key(request))
    return _json(shapes.batch_accepted(batch), headers=None if created else REPLAYED)


@endpoint("GET")
def import_status(request, batch_id: str):
    return _json(services.import_status_for_batch(batch_id=batch_id))


@endpoint("POST")
def stops_import(request):
    batch, created = services.stop_import_accept(payload=_body(request), idempotency_key=_idempotency_key(request))
    return _json(shapes.import_accepted(batch), headers=None if created else REPLAYED)


@endpoint("POST")
def stop_create(request):
    stop, created = services.stop_create(payload=_body(request), idempotency_key=_idempotency_key(request))
    return _json(shapes.ok(shapes.stop_body(stop)), headers=None if created else REPLAYED)


@endpoint("GET")
def stop_detail(request, stop_id: str):
    return _json(shapes.ok(shapes.stop_body(services.stop_for_id(stop_id=stop_id))))


# --- Webhooks ------------------------------------------------------------------------------------
@endpoint("GET")
def webhook_event_types(request):
    return _json(shapes.event_types_body())


@endpoint("GET", "POST")
def webhooks(request):
    if request.method == "POST":
        subscription = services.webhook_subscribe(payload=_body(request))
        return _json(shapes.webhook_body(subscription, with_secret=True))
    return _json([shapes.webhook_body(w) for w in services.webhooks_all()])


@endpoint("GET", "PUT", "DELETE")
def webhook_detail(request, webhook_id: str):
    if request.method == "PUT":
        return _json(shapes.webhook_body(services.webhook_update(webhook_id=webhook_id, payload=_body(request))))
    if request.method == "DELETE":
        services.webhook_unsubscribe(webhook_id=webhook_id)
        return HttpResponse(status=204)
    return _json(shapes.webhook_body(services.webhook_for_id(webhook_id=webhook_id)))


# --- controls (tests and demos) and everything else ---------------------------------------------
@csrf_exempt
def faults_control(request):
    """POST the fault text ("error_rate=1,error_status=500"; empty clears); `?count=N` limits it
    to the next N requests. GET shows the faults in force."""
    if request.method == "POST":
        count = request.GET.get("count")
        if count is not None and not count.isdigit():
            return _errors(400, [SpecError("count", "count must be a whole number of requests.")])
        try:
            faults = faults_control_set(text=request.body.decode("utf-8", "replace"),
                                        count=int(count) if count is not None else None)
        except (ValueError, TypeError) as exc:
            return _errors(400, [SpecError("", str(exc))])
        return _json(asdict(faults))
    if request.method == "GET":
        return _json(asdict(faults_in_force()))
    return _errors(405, [SpecError("", f"{request.method} is not allowed here.")], {"Allow": "GET, POST"})


@csrf_exempt
def import_rate_control(request):
    """POST a rate in stops per second for imports accepted from now on; empty resets it."""
    if request.method != "POST":
        return _json({"rate": import_rate()})
    text = request.body.decode("utf-8", "replace").strip()
    if not text:
        import_rate_set(rate=None)
        return _json({"rate": import_rate()})
    try:
        rate = float(text)
    except ValueError:
        rate = 0.0
    if not 0 < rate < 1e9:
        return _errors(400, [SpecError("rate", "The rate is a number of stops per second above 0.")])
    import_rate_set(rate=rate)
    return _json({"rate": rate})


@csrf_exempt
def tick_control(request):
    """POST: run one sandbox tick now (what beat does every few seconds)."""
    if request.method != "POST":
        return _errors(405, [SpecError("", f"{request.method} is not allowed here.")], {"Allow": "POST"})
    return _json(services.sandbox_tick())


@csrf_exempt
def not_found(request, path: str = ""):
    return _errors(404, [SpecError("", f"No such Locate2u endpoint: /{path}")])
