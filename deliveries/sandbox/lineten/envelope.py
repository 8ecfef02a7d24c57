"""The spec's response envelope: {"info": {...}, "payload": ...} on every API answer."""
import time
import uuid

from django.http import HttpRequest, JsonResponse

from .shapes import TIMEZONE


def endpoint_of(request: HttpRequest) -> str:
    """The path as LineTen names it ("/v2/nds/quote"), whatever prefix the sandbox is mounted at."""
    path = request.path
    index = path.find("/v2/")
    return path[index:] if index >= 0 else path


def envelope(request: HttpRequest, *, status: int, payload=None, messages: list[str] | tuple = (),
             rows: int | None = None, started: float | None = None) -> JsonResponse:
    info = {
        "status": status,
        "requestId": str(uuid.uuid4()),
        "method": request.method,
        "endpoint": endpoint_of(request),
        "error": status >= 400,
        "errorMessages": list(messages),
        "timestamp": int(time.time()),
        "timezone": TIMEZONE,
        "timing": round((time.monotonic() - started) * 1000, 4) if started else 0.0,
        "rows": rows if rows is not None else (0 if payload is None else 1),
    }
    return JsonResponse({"info": info, "payload": payload}, status=status, safe=False)
