"""The carrier call log: every attempt is recorded, with secrets and tokens redacted."""
import json
import re
from urllib.parse import parse_qsl, urlencode

from deliveries.models import CarrierCall

SECRET_KEY = re.compile(r"secret|token|password|authorization|api[_-]?key", re.IGNORECASE)
REDACTED = "***"
MAX_BODY = 20_000


def redact(value):
    """A copy of a JSON value with every secret-looking key's value replaced."""
    if isinstance(value, dict):
        return {k: REDACTED if SECRET_KEY.search(str(k)) else redact(v) for k, v in value.items()}
    if isinstance(value, list):
        return [redact(v) for v in value]
    return value


def redact_text(text: str | bytes | None, content_type: str = "") -> str:
    if not text:
        return ""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    if "x-www-form-urlencoded" in content_type:
        pairs = [(k, REDACTED if SECRET_KEY.search(k) else v) for k, v in parse_qsl(text, keep_blank_values=True)]
        return urlencode(pairs)
    try:
        return json.dumps(redact(json.loads(text)))[:MAX_BODY]
    except ValueError:
        # Not JSON: keep it only if nothing in it looks like a secret.
        return text[:MAX_BODY] if not SECRET_KEY.search(text) else REDACTED


def call_record(
    *, carrier: str, method: str, url: str, status_code: int | None, outcome: str, attempt: int, duration_ms: int,
    request_body: str, request_content_type: str, response_body, response_content_type: str, object_ref: str,
    idempotency_key: str,
) -> CarrierCall:
    return CarrierCall.objects.create(
        carrier=carrier,
        method=method,
        url=url[:500],
        status_code=status_code,
        outcome=outcome,
        attempt=attempt,
        duration_ms=duration_ms,
        request_body=redact_text(request_body, request_content_type),
        response_body=redact_text(response_body, response_content_type),
        object_ref=object_ref[:100],
        idempotency_key=idempotency_key[:100],
    )
