"""The one HTTP layer under every carrier client.

- OAuth2 client-credentials token, cached per credentials, refreshed a minute before expiry
  and once when the carrier answers 401.
- A timeout on every call.
- Bounded retries with exponential back-off and full jitter on connection errors, timeouts,
  429 (honouring Retry-After) and 5xx. A POST is retried only when it carries a stable
  idempotency key: without one, a retried POST could do the thing twice.
- Each failure kind raises its own error type (errors.py); every attempt is logged (calllog.py).
"""
import email.utils
import json as jsonlib
import random
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone

import requests

from .calllog import call_record
from .errors import (
    CarrierAuthError,
    CarrierConflict,
    CarrierError,
    CarrierNotFound,
    CarrierUnavailable,
    CarrierValidationError,
)

IDEMPOTENT_METHODS = {"GET", "HEAD", "PUT", "DELETE", "OPTIONS"}


@dataclass(frozen=True)
class CarrierConfig:
    carrier: str  # CarrierCall.Carrier value
    base_url: str
    token_url: str
    client_id: str
    client_secret: str
    scope: str = ""
    connect_timeout: float = 5.0
    read_timeout: float = 20.0
    max_attempts: int = 4
    backoff_base: float = 0.5  # seconds; doubles each retry, capped, with full jitter
    backoff_cap: float = 8.0
    max_retry_after: float = 30.0  # a longer Retry-After is handed back to the caller
    token_refresh_margin: float = 60.0


@dataclass
class _Token:
    value: str
    expires_at: float  # time.monotonic()


class TokenCache:
    """Access tokens per (token URL, client id, scope), shared by the clients of one process."""

    def __init__(self):
        self._tokens: dict[tuple, _Token] = {}
        self._lock = threading.Lock()

    def get(self, key: tuple, margin: float) -> str | None:
        with self._lock:
            token = self._tokens.get(key)
            if token and token.expires_at - margin > time.monotonic():
                return token.value
            return None

    def put(self, key: tuple, value: str, expires_in: float) -> None:
        with self._lock:
            self._tokens[key] = _Token(value, time.monotonic() + expires_in)

    def forget(self, key: tuple, value: str | None = None) -> None:
        with self._lock:
            if value is None or (key in self._tokens and self._tokens[key].value == value):
                self._tokens.pop(key, None)


TOKENS = TokenCache()


def retry_after_seconds(header: str | None) -> float | None:
    if not header:
        return None
    header = header.strip()
    if header.isdigit():
        return float(header)
    try:
        when = email.utils.parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


class CarrierHttp:
    def __init__(self, config: CarrierConfig, *, session: requests.Session | None = None, tokens: TokenCache = TOKENS):
        self.config = config
        self.session = session or requests.Session()
        self.tokens = tokens
        self.token_requests = 0  # for tests and the call log: how often this client asked for a token

    # --- hooks a carrier client may override -----------------------------------------------
    def validation_messages(self, body) -> list[tuple[str, str]]:
        """(field, message) pairs out of a carrier's 400 body."""
        return []

    # --- token ---------------------------------------------------------------------------------
    @property
    def _token_key(self) -> tuple:
        c = self.config
        return (c.token_url, c.client_id, c.scope)

    def token(self) -> str:
        cached = self.tokens.get(self._token_key, self.config.token_refresh_margin)
        if cached:
            return cached
        data = {"grant_type": "client_credentials", "client_id": self.config.client_id,
                "client_secret": self.config.client_secret}
        if self.config.scope:
            data["scope"] = self.config.scope
        response = self._send("POST", self.config.token_url, data=data, object_ref="token", idempotency_key="",
                              retryable=True)
        self.token_requests += 1
        if response.status_code in (400, 401, 403):
            raise CarrierAuthError(f"{self.config.carrier} refused our client credentials",
                                   status_code=response.status_code, body=_body(response))
        self._raise_for_status(response)
        body = _body(response)
        try:
            value, expires_in = body["access_token"], float(body.get("expires_in", 300))
        except (TypeError, KeyError, ValueError) as exc:
            raise CarrierError(f"{self.config.carrier} token answer has no access_token", body=body) from exc
        self.tokens.put(self._token_key, value, expires_in)
        return value

    # --- calls ---------------------------------------------------------------------------------
    def request(self, method: str, path: str, *, json=None, params=None, idempotency_key: str = "",
                object_ref: str = "") -> requests.Response:
        """Call the carrier; return the 2xx response or raise the error type of the failure."""
        method = method.upper()
        url = self.config.base_url.rstrip("/") + "/" + path.lstrip("/")
        retryable = method in IDEMPOTENT_METHODS or bool(idempotency_key)
        refreshed = False
        while True:
            token = self.token()
            headers = {"Authorization": f"Bearer {token}"}
            if idempotency_key:
                headers["Idempotency-Key"] = idempotency_key
            response = self._send(method, url, json=json, params=params, headers=headers, object_ref=object_ref,
                                  idempotency_key=idempotency_key, retryable=retryable)
            if response.status_code == 401 and not refreshed:
                # The token may have expired early or been revoked: one fresh token, one more try.
                self.tokens.forget(self._token_key, token)
                refreshed = True
                continue
            self._raise_for_status(response)
            return response

    def request_json(self, method: str, path: str, **kwargs):
        """`request`, answering the decoded JSON body (None for an empty answer such as a 204)."""
        response = self.request(method, path, **kwargs)
        if response.status_code == 204 or not response.content:
            return None
        try:
            return response.json()
        except ValueError as exc:
            raise CarrierError(f"{self.config.carrier} answered {method} {path} with a body that is not JSON",
                               status_code=response.status_code, body=response.text[:2000]) from exc

    def shaped(self, read, body):
        """An answer read into our schemas by `read`; a shape it cannot read is a CarrierError."""
        try:
            return read(body)
        except ValueError as exc:
            raise CarrierError(f"{self.config.carrier} answered in an unexpected shape: {exc}", body=body) from exc

    def _send(self, method, url, *, object_ref, idempotency_key, retryable, headers=None, json=None, data=None,
              params=None) -> requests.Response:
        """One logical call: retries transient failures; returns the last response."""
        c = self.config
        attempt = 0
        while True:
            attempt += 1
            started = time.monotonic()
            outcome, response, failure = "ok", None, None
            try:
                response = self.session.request(method, url, json=json, data=data, params=params, headers=headers,
                                                timeout=(c.connect_timeout, c.read_timeout))
                if response.status_code == 429 or response.status_code >= 500:
                    outcome = f"http_{response.status_code}"
                elif response.status_code >= 400:
                    outcome = f"http_{response.status_code}"
            except requests.Timeout as exc:
                outcome, failure = "timeout", exc
            except requests.ConnectionError as exc:
                outcome, failure = "connection_error", exc
            self._log(method, url, attempt, started, outcome, response, json, data, object_ref, idempotency_key)

            transient = failure is not None or response.status_code == 429 or response.status_code >= 500
            if not transient:
                return response
            if not retryable or attempt >= c.max_attempts:
                raise CarrierUnavailable(
                    f"{c.carrier} unavailable after {attempt} attempt(s): {outcome}",
                    status_code=response.status_code if response is not None else None,
                    body=_body(response) if response is not None else None,
                )
            wait = self._backoff(attempt)
            if response is not None and response.status_code == 429:
                asked = retry_after_seconds(response.headers.get("Retry-After"))
                if asked is not None:
                    if asked > c.max_retry_after:
                        error = CarrierUnavailable(f"{c.carrier} asks us to wait {asked:.0f} s", status_code=429)
                        error.retry_after = asked
                        raise error
                    wait = max(wait, asked)
            time.sleep(wait)

    def _backoff(self, attempt: int) -> float:
        c = self.config
        return random.uniform(0, min(c.backoff_cap, c.backoff_base * 2 ** (attempt - 1)))

    def _raise_for_status(self, response: requests.Response) -> None:
        status = response.status_code
        if status < 400:
            return
        body = _body(response)
        name = self.config.carrier
        if status in (400, 422):
            messages = self.validation_messages(body)
            text = "; ".join(f"{f}: {m}" if f else m for f, m in messages) or "request refused"
            raise CarrierValidationError(f"{name}: {text}", messages=messages, status_code=status, body=body)
        if status in (401, 403):
            raise CarrierAuthError(f"{name} refused our token ({status})", status_code=status, body=body)
        if status == 404:
            raise CarrierNotFound(f"{name}: not found", status_code=status, body=body)
        if status == 409:
            raise CarrierConflict(f"{name}: conflict", status_code=status, body=body)
        raise CarrierError(f"{name} answered {status}", status_code=status, body=body)

    def _log(self, method, url, attempt, started, outcome, response, json, data, object_ref, idempotency_key):
        if data is not None:
            request_body, request_type = _form(data), "application/x-www-form-urlencoded"
        else:
            request_body, request_type = (jsonlib.dumps(json) if json is not None else ""), "application/json"
        call_record(
            carrier=self.config.carrier, method=method, url=url,
            status_code=response.status_code if response is not None else None, outcome=outcome, attempt=attempt,
            duration_ms=int((time.monotonic() - started) * 1000), request_body=request_body,
            request_content_type=request_type, response_body=response.content if response is not None else "",
            response_content_type=response.headers.get("Content-Type", "") if response is not None else "",
            object_ref=object_ref, idempotency_key=idempotency_key,
        )


def _form(data: dict) -> str:
    from urllib.parse import urlencode

    return urlencode(data)


def _body(response: requests.Response | None):
    if response is None:
        return None
    try:
        return response.json()
    except ValueError:
        return response.text[:2000]
