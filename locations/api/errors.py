"""Fluent's error shape, `{"errors": [{"code": "400", "message": "…"}]}`, for every failure.

Partners' Fluent clients read only this shape, so authentication, scope, routing and even
unexpected failures are all answered in it, with the HTTP status repeated as the code string.
"""
import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

logger = logging.getLogger(__name__)

# Fluent's own wording, which existing clients may match on.
UNAUTHORIZED_MESSAGE = "Invalid user, Authorization header value does not belong to a valid user"


class ApiError(exceptions.APIException):
    """One response carrying every message found (a 400 lists each problem of the body)."""

    status_code = status.HTTP_400_BAD_REQUEST

    def __init__(self, messages: list[str], status_code: int | None = None):
        self.messages = list(messages)
        if status_code is not None:
            self.status_code = status_code
        super().__init__(detail="; ".join(self.messages))


class InvalidRequest(ApiError):
    status_code = status.HTTP_400_BAD_REQUEST


def raise_problems(problems: list[tuple[str, str]]) -> None:
    """One 400 listing every (path, message) problem, each message starting with its path."""
    if problems:
        raise InvalidRequest([f"{path}: {message}" for path, message in problems])


class NotFound(ApiError):
    status_code = status.HTTP_404_NOT_FOUND


def location_not_found(location_id) -> NotFound:
    # Fluent names locations "Agent" in its not-found messages; PUT /eta's failures use it too.
    return NotFound([agent_not_found_message(location_id)])


def agent_not_found_message(location_id) -> str:
    return f"Object of type [Agent] was not found using id : [{location_id}]"


def errors_body(status_code: int, messages: list[str]) -> dict:
    return {"errors": [{"code": str(status_code), "message": message} for message in messages]}


def fluent_exception_handler(exc, context) -> Response:
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    headers = {}
    if isinstance(exc, ApiError):
        status_code, messages = exc.status_code, exc.messages
    elif isinstance(exc, (exceptions.NotAuthenticated, exceptions.AuthenticationFailed)):
        status_code, messages = exc.status_code, [UNAUTHORIZED_MESSAGE]
    elif isinstance(exc, exceptions.PermissionDenied):
        status_code, messages = exc.status_code, [_forbidden_message(context)]
    elif isinstance(exc, exceptions.APIException):
        status_code, messages = exc.status_code, _flatten(exc.detail)
    else:
        # Never let a partner see a Django debug page or an HTML 500; the traceback goes to the log.
        logger.exception("Location API failed", exc_info=exc)
        status_code, messages = status.HTTP_500_INTERNAL_SERVER_ERROR, ["Internal server error"]

    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = f"{exc.wait:.0f}"
    set_rollback()
    return Response(errors_body(status_code, messages), status=status_code, headers=headers)


def _forbidden_message(context) -> str:
    view = context.get("view")
    scopes = getattr(view, "required_scopes", None) if view is not None else None
    if scopes:
        return f"Forbidden: this operation needs the {' and '.join(scopes)} permission"
    return "Forbidden"


def _flatten(detail) -> list[str]:
    if isinstance(detail, dict):
        return [f"{key}: {message}" for key, value in detail.items() for message in _flatten(value)]
    if isinstance(detail, list):
        return [message for item in detail for message in _flatten(item)]
    return [str(detail)]


@csrf_exempt
def unknown_path(request, rest: str = ""):
    """Any other address under /api/v4.1/location: a 404 in the Fluent shape, not an HTML page."""
    return JsonResponse(errors_body(404, [f"No such resource: {request.path}"]), status=404)
