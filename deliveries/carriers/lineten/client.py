"""LineTen's L10 Delivery V2 API, on the shared carrier HTTP layer (token cache, retries, error
kinds, call log). One method per endpoint; bodies go through mapping.py.

Retries of a POST are only safe with an idempotency key (see http.py), so quote and immediate
booking send one: by default the request's ClientRef, our own job reference. A caller that
re-quotes the same job after its quotes expired must pass a new key (e.g. "<ref>/2"), or a
carrier that honours the key (as the sandbox does) answers with the first, expired, quotes.
"""
from django.conf import settings

from ..errors import CarrierConflict, CarrierError, CarrierNotFound
from ..http import TOKENS, CarrierConfig, CarrierHttp, TokenCache
from . import mapping
from .schemas import Booking, Cancellation, QuoteRequest, QuoteResponse

QUOTE_PATH = "/v2/nds/quote"
BOOKING_PATH = "/v2/nds/booking"
IMMEDIATE_BOOKING_PATH = "/v2/nds/immediateBooking"
CANCEL_PATH = "/v2/job/cancel/{job_id}"


class LineTenClient(CarrierHttp):
    def validation_messages(self, body) -> list[tuple[str, str]]:
        return mapping.error_messages(body)

    # --- endpoints -----------------------------------------------------------------------------------
    def quote(self, request: QuoteRequest, *, idempotency_key: str = "") -> QuoteResponse:
        """POST /v2/nds/quote → 201 with the job and its quotes."""
        key = self._key_for(request, idempotency_key)
        body = self._call("POST", QUOTE_PATH, json=mapping.quote_request_to_json(request), idempotency_key=key,
                          object_ref=_ref(request.client_ref))
        return self.shaped(mapping.quote_response_from_json, body)

    def book(self, job_id: int, quote_id: str, *, callback_url: str = "", client_ref: str = "") -> Booking:
        """POST /v2/nds/booking with the job id and the chosen quote's QuoteResponseId → 201."""
        body = mapping.booking_request_to_json(job_id=job_id, quote_response_id=quote_id, callback_url=callback_url,
                                               client_ref=client_ref)
        # Booking one job on one quote is the same booking however often it is asked for, so the
        # pair is a safe key: a retry after a lost answer cannot book twice.
        answer = self._call("POST", BOOKING_PATH, json=body, idempotency_key=f"lineten-book:{job_id}:{quote_id}",
                            object_ref=_ref(client_ref, job_id))
        return self.shaped(mapping.booking_from_json, answer)

    def immediate_booking(self, request: QuoteRequest, *, idempotency_key: str = "") -> Booking:
        """POST /v2/nds/immediateBooking: LineTen quotes and books its best quote in one call."""
        key = self._key_for(request, idempotency_key)
        body = self._call("POST", IMMEDIATE_BOOKING_PATH, json=mapping.quote_request_to_json(request),
                          idempotency_key=key, object_ref=_ref(request.client_ref))
        return self.shaped(mapping.booking_from_json, body)

    def cancel(self, job_id: int, *, client_ref: str = "") -> Cancellation:
        """Cancel a job that has not gone past en_route_pickup (else CarrierConflict).

        The spec's endpoint says POST while its sample answer says PUT: we send POST and, should
        the server answer 405 Method Not Allowed, the same request once as PUT."""
        path = CANCEL_PATH.format(job_id=int(job_id))
        # Cancelling is idempotent on LineTen's side (a job is cancelled once); the key lets the
        # shared layer retry a POST whose answer was lost.
        options = dict(idempotency_key=f"lineten-cancel:{job_id}", object_ref=_ref(client_ref, job_id))
        try:
            body = self._call("POST", path, **options)
        except CarrierError as exc:
            if exc.status_code != 405:
                raise
            body = self._call("PUT", path, **options)
        if isinstance(body, dict) and body.get("payload") is None:
            # The spec's "Unsuccessful Cancel Response" sample is a 2xx whose payload is null.
            raise CarrierError(f"lineten did not confirm the cancellation of job {job_id}", body=body)
        return self.shaped(lambda b: mapping.cancellation_from_json(b, job_id=int(job_id)), body)

    # --- helpers -------------------------------------------------------------------------------------------
    @staticmethod
    def _key_for(request: QuoteRequest, idempotency_key: str) -> str:
        key = idempotency_key or request.client_ref
        if not key:
            raise ValueError("a LineTen quote needs a ClientRef or an idempotency key, so that retries are safe")
        return f"lineten:{key}"

    def _call(self, method: str, path: str, *, json=None, idempotency_key: str, object_ref: str):
        try:
            return self.request_json(method, path, json=json, idempotency_key=idempotency_key, object_ref=object_ref)
        except (CarrierConflict, CarrierNotFound) as exc:
            # Keep the error kind, add LineTen's own words (why the conflict) to the message.
            words = "; ".join(m for _, m in mapping.error_messages(exc.body))
            if words:
                raise type(exc)(f"{exc}: {words}", status_code=exc.status_code, body=exc.body) from exc
            raise


def _ref(client_ref: str, job_id: int | None = None) -> str:
    # The call log files a call under the portal job (ClientRef is our job reference) when known.
    if client_ref:
        return f"job:{client_ref}"
    return f"lineten-job:{job_id}" if job_id is not None else ""


def lineten_config() -> CarrierConfig:
    return CarrierConfig(
        carrier="lineten",
        base_url=settings.LINETEN_BASE_URL,
        token_url=settings.LINETEN_TOKEN_URL,
        client_id=settings.LINETEN_CLIENT_ID,
        client_secret=settings.LINETEN_CLIENT_SECRET,
    )


def lineten_client(*, config: CarrierConfig | None = None, tokens: TokenCache = TOKENS) -> LineTenClient:
    return LineTenClient(config or lineten_config(), tokens=tokens)
