"""One error type per kind of carrier failure, so callers decide without reading status codes."""


class CarrierError(Exception):
    kind = "error"

    def __init__(self, message: str, *, status_code: int | None = None, body=None):
        super().__init__(message)
        self.status_code = status_code
        self.body = body


class CarrierValidationError(CarrierError):
    """The carrier refused the request's content (400/422). `messages` are (field, message)."""

    kind = "validation"

    def __init__(self, message: str, *, messages: list[tuple[str, str]] | None = None, **kwargs):
        super().__init__(message, **kwargs)
        self.messages = messages or []


class CarrierAuthError(CarrierError):
    """Our credentials were refused (401 after one token refresh, 403, or a bad token request)."""

    kind = "auth"


class CarrierNotFound(CarrierError):
    kind = "not_found"


class CarrierConflict(CarrierError):
    """The carrier's state forbids the operation (409), e.g. cancelling a job already en route."""

    kind = "conflict"


class CarrierUnavailable(CarrierError):
    """No usable answer after the retries: connection errors, timeouts, 429 or 5xx. Try later."""

    kind = "unavailable"
