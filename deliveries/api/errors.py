"""Locate2u's error shape, `{"success": false, "errors": [{"field", "message"}]}`, for every failure.

A client written for Locate2u reads only this shape (the spec's batch-delivery 400), so
authentication, scope, throttling, routing and unexpected failures are all answered in it.
`field` is the path of the field concerned (`items[0].itemSourceReference`), the header's name
(`Idempotency-Key`), or "" for the request as a whole.
"""
import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from deliveries.spec import SpecError, SpecValidationError

logger = logging.getLogger(__name__)

UNAUTHORIZED_MESSAGE = "Missing, unknown or expired access token."


class Locate2uApiError(exceptions.APIException):
    """One answer carrying every problem found."""

    status_code = status.HTTP_400_BAD_REQUEST

    def __init__(self, errors: list[SpecError], status_code: int | None = None, headers: dict | None = None):
        self.errors = list(errors)
        if status_code is not None:
            self.status_code = status_code
        self.headers = headers or {}
        super().__init__(detail="; ".join(e.message for e in self.errors))


def not_found(field: str, message: str) -> Locate2uApiError:
    return Locate2uApiError([SpecError(field, message)], status.HTTP_404_NOT_FOUND)


def errors_body(errors: list[SpecError]) -> dict:
    return {"success": False, "errors": [e.as_dict() for e in errors]}


def locate2u_exception_handler(exc, context) -> Response:
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    headers: dict[str, str] = {}
    if isinstance(exc, Locate2uApiError):
        status_code, errors = exc.status_code, exc.errors
        headers.update(exc.headers)
    elif isinstance(exc, SpecValidationError):
        status_code, errors = getattr(exc, "status", 400), exc.errors
    elif isinstance(exc, (exceptions.NotAuthenticated, exceptions.AuthenticationFailed)):
        status_code, errors = exc.status_code, [SpecError("", UNAUTHORIZED_MESSAGE)]
    elif isinstance(exc, exceptions.PermissionDenied):
        status_code, errors = exc.status_code, [SpecError("", _forbidden_message(exc, context))]
    elif isinstance(exc, exceptions.Throttled):
        wait = exc.wait
        status_code = exc.status_code
        errors = [SpecError("", "Too many requests for this client; try again "
                                + (f"in {max(1, round(wait))} seconds." if wait else "later."))]
    elif isinstance(exc, exceptions.MethodNotAllowed):
        status_code, errors = exc.status_code, [SpecError("", f"{context['request'].method} is not allowed here.")]
    elif isinstance(exc, exceptions.APIException):
        status_code, errors = exc.status_code, _flatten(exc.detail)
    else:
        # Never an HTML debug page for a partner; the traceback goes to the log.
        logger.exception("Partner API (Locate2u) failed", exc_info=exc)
        status_code, errors = status.HTTP_500_INTERNAL_SERVER_ERROR, [SpecError("", "Internal server error.")]

    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if isinstance(exc, exceptions.Throttled):
        headers["Retry-After"] = str(max(1, round(exc.wait or 1)))
    set_rollback()
    return Response(errors_body(errors), status=status_code, headers=headers)


def _forbidden_message(exc, context) -> str:
    detail = str(exc.detail)
    if detail and detail != exceptions.PermissionDenied.default_detail:
        return detail
    view = context.get("view")
    scopes = getattr(view, "required_scopes", None) if view is not None else None
    if scopes:
        return f"This access token lacks the {' and '.join(scopes)} scope."
    return "Forbidden."


def _flatten(detail, path: str = "") -> list[SpecError]:
    if isinstance(detail, dict):
        return [e for key, value in detail.items() for e in _flatten(value, f"{path}.{key}" if path else str(key))]
    if isinstance(detail, list):
        return [e for item in detail for e in _flatten(item, path)]
    return [SpecError("" if path == "non_field_errors" else path, str(detail))]


@csrf_exempt
def unknown_path(request, rest: str = ""):
    """Any other address under /v1/: a 404 in Locate2u's shape, not Django's HTML page."""
    body = errors_body([SpecError("", f"No such Locate2u endpoint: {request.path}")])
    return JsonResponse(body, status=404)
