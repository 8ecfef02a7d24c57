"""What every Locate2u-compatible endpoint shares: the integrations-api scope, a client acting for
one customer, per-client rate limits, JSON bodies read strictly, Idempotency-Key on POSTs and
Locate2u's error shape."""
import hashlib
import json
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.utils import timezone
from rest_framework.parsers import BaseParser
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from deliveries.spec import SpecError
from dispatch_portal.partners.models import Customer, PartnerClient
from dispatch_portal.partners.permissions import PartnerTokenHasScope, partner_client_of

from .errors import Locate2uApiError, locate2u_exception_handler
from .models import IdempotencyRecord

SCOPE = "integrations-api"
DEFAULT_RATE = "600/min"  # settings.PARTNER_API_RATE_LIMIT overrides; None switches limits off
MAX_BODY = 20 * 1024 * 1024  # bytes: a 10,000-stop import fits with room to spare
MAX_IDEMPOTENCY_KEY = 255
IDEMPOTENCY_TTL = timedelta(hours=24)  # a key may be reused for anything after this
REPLAYED = {"Idempotent-Replayed": "true"}


class PartnerActsForCustomer(BasePermission):
    """Locate2u's API is scoped to one customer; a client linked to none may not use it."""

    message = "This client acts for no customer; ask for credentials linked to one."

    def has_permission(self, request, view) -> bool:
        return partner_client_of(request).customer_id is not None


class PartnerClientRateThrottle(SimpleRateThrottle):
    """Requests per partner client (not per address): `PARTNER_API_RATE_LIMIT`, e.g. "600/min"."""

    scope = "partner_api"

    def get_rate(self):
        return getattr(settings, "PARTNER_API_RATE_LIMIT", DEFAULT_RATE)

    def get_cache_key(self, request, view):
        partner = getattr(getattr(request.auth, "application", None), "partner", None)
        if partner is None:
            return None  # not a partner token: refused before throttling anyway
        return self.cache_format % {"scope": self.scope, "ident": partner.pk}


class RawBody(QueryDict):
    """The request body as received (`raw`), for json_body() to read. An empty QueryDict
    otherwise, so whoever reads request.POST (the OAuth2 check does) finds no form fields."""

    def __init__(self, raw: bytes):
        super().__init__("")
        self.raw = raw


class RawBodyParser(BaseParser):
    """Takes any body as bytes, so that whoever asks DRF for the body first (the OAuth2 check reads
    request.POST) neither consumes it nor refuses it: json_body() judges it, in Locate2u's shape.
    Whatever the Content-Type, a body that is JSON is read as JSON."""

    media_type = "*/*"

    def parse(self, stream, media_type=None, parser_context=None) -> RawBody:
        raw = stream.read(MAX_BODY + 1) if stream is not None else b""
        if len(raw) > MAX_BODY:
            raise Locate2uApiError([SpecError("", f"The request body is larger than {MAX_BODY // 2**20} MB.")], 413)
        return RawBody(raw)


class Locate2uApiView(APIView):
    permission_classes = [PartnerTokenHasScope, PartnerActsForCustomer]
    required_scopes = [SCOPE]
    throttle_classes = [PartnerClientRateThrottle]
    parser_classes = [RawBodyParser]  # the schema says application/json (extend_schema's request)

    def get_exception_handler(self):
        return locate2u_exception_handler

    @property
    def client(self) -> PartnerClient:
        return partner_client_of(self.request)

    @property
    def customer(self) -> Customer:
        return self.client.customer

    def via(self) -> str:
        return f"partner {self.client.name}"

    # --- the body -----------------------------------------------------------------------------------
    def raw_body(self) -> bytes:
        """The request's bytes (an empty body is parsed by nobody: b"")."""
        data = self.request.data
        return data.raw if isinstance(data, RawBody) else b""

    def json_body(self):
        """The parsed JSON body; anything that is not JSON is a 400 in Locate2u's shape."""
        if not hasattr(self, "_json_body"):
            self._json_body = parse_json(self.raw_body())
        return self._json_body

    def json_object(self, what: str = "The request body") -> dict:
        body = self.json_body()
        if not isinstance(body, dict):
            raise Locate2uApiError([SpecError("", f"{what} must be a JSON object with named fields.")])
        return body

    # --- Idempotency-Key ----------------------------------------------------------------------------
    def idempotent(self, handler) -> Response:
        """Run `handler` once per Idempotency-Key: the same key and body again → the stored answer
        (nothing new is made); the same key with another request → 422. Only successes are kept,
        so a refused request may be corrected and sent again under its key."""
        key = self.request.headers.get("Idempotency-Key")
        if key is None:
            return handler()
        key = key.strip()
        if not key or len(key) > MAX_IDEMPOTENCY_KEY:
            raise Locate2uApiError([SpecError("Idempotency-Key",
                                              f"Idempotency-Key must be 1 to {MAX_IDEMPOTENCY_KEY} characters.")])
        fingerprint = self._fingerprint()
        record = self._record(key)
        if record is not None:
            return self._replay(record, fingerprint)
        try:
            with transaction.atomic():
                response = handler()
                if 200 <= response.status_code < 300:
                    IdempotencyRecord.objects.create(
                        client=self.client, key=key, fingerprint=fingerprint, method=self.request.method,
                        path=self.request.path[:300], response_status=response.status_code,
                        response_body=response.data)
        except IntegrityError:
            record = self._record(key)  # the same key at the same moment: the other request won
            if record is None:
                raise
            return self._replay(record, fingerprint)
        return response

    def _fingerprint(self) -> str:
        try:
            body = json.dumps(self.json_body(), sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
        except Locate2uApiError:
            body = self.raw_body()
        digest = hashlib.sha256(f"{self.request.method} {self.request.path}\n".encode())
        digest.update(body)
        return digest.hexdigest()

    def _record(self, key: str) -> IdempotencyRecord | None:
        record = IdempotencyRecord.objects.filter(client=self.client, key=key).first()
        if record is not None and record.created_at < timezone.now() - IDEMPOTENCY_TTL:
            record.delete()
            return None
        return record

    def _replay(self, record: IdempotencyRecord, fingerprint: str) -> Response:
        if record.fingerprint != fingerprint:
            raise Locate2uApiError([SpecError("Idempotency-Key", "This Idempotency-Key was already used for a "
                                                                 "different request.")], 422)
        return Response(record.response_body, status=record.response_status, headers=REPLAYED)


def parse_json(raw: bytes):
    if b"\x00" in raw or b"\\u0000" in raw:
        # No database keeps a NUL in text; refusing it here keeps it from becoming a 500 there.
        raise Locate2uApiError([SpecError("", "The request body contains a NUL character.")])

    def refuse_constant(name):
        raise ValueError(f"{name} is not a JSON number")

    try:
        return json.loads(raw.decode("utf-8"), parse_constant=refuse_constant)
    except UnicodeDecodeError:
        raise Locate2uApiError([SpecError("", "The request body is not UTF-8 text.")]) from None
    except (ValueError, RecursionError) as exc:
        message = "The request body is empty; send a JSON object." if not raw.strip() else \
            f"The request body is not valid JSON ({exc})."
        raise Locate2uApiError([SpecError("", message)]) from None
