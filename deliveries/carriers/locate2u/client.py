"""Locate2u Customer Integration API client: one method per endpoint of the spec, on CarrierHttp.

CarrierHttp does the token (client credentials, scope integrations-api), timeouts, retries, error
kinds and the call log. This module adds the paths, the idempotency keys and the mapping of the
answers to schemas. Retries of a POST happen only with an idempotency key: batch delivery always
carries one (the batch's own GUID), stop creation and import when the caller gives one; webhook
creation never, since a repeated subscription would deliver every event twice.
"""
from typing import Any
from urllib.parse import quote

import requests
from django.conf import settings

from deliveries.carriers.http import TOKENS, CarrierConfig, CarrierHttp, TokenCache

from . import mapping
from .schemas import (
    BatchDeliveryAccepted,
    BatchDeliveryRequest,
    DiscoveryUser,
    ImportStatus,
    Stop,
    StopImportAccepted,
    StopImportRequest,
    StopRequest,
    Webhook,
    WebhookEventType,
)

SCOPE = "integrations-api"


def _segment(value) -> str:
    """A path segment from a caller's id: never lets "../" or "?" change the URL."""
    return quote(str(value), safe="")


class Locate2uClient(CarrierHttp):
    def validation_messages(self, body) -> list[tuple[str, str]]:
        return mapping.validation_messages(body)

    def _call(self, method: str, path: str, *, json=None, idempotency_key: str = "", object_ref: str = "") -> Any:
        return self.request_json(method, path, json=json, idempotency_key=idempotency_key, object_ref=object_ref)

    # --- Discovery ---------------------------------------------------------------------------------
    def discovery_user(self) -> DiscoveryUser:
        return self.shaped(mapping.discovery_user_from, self._call("GET", "v1/Discovery/User"))

    # --- Stops -------------------------------------------------------------------------------------
    def stop_get(self, stop_id: int | str) -> Stop:
        body = self._call("GET", f"v1/Stops/{_segment(stop_id)}", object_ref=f"stop:{stop_id}")
        return self.shaped(mapping.stop_from, body)

    def stop_create(self, payload: StopRequest, *, idempotency_key: str = "") -> Stop:
        body = self._call("POST", "v1/Stops", json=payload, idempotency_key=idempotency_key,
                          object_ref=f"stop:{payload.get('stopSourceReference', '')}")
        return self.shaped(mapping.stop_from, body)

    def stops_import(self, payload: StopImportRequest, *, idempotency_key: str = "") -> StopImportAccepted:
        body = self._call("POST", "v1/Stops/import", json=payload, idempotency_key=idempotency_key,
                          object_ref=f"import:{payload.get('batchSourceReference', '')}")
        return self.shaped(mapping.stop_import_accepted_from, body)

    def batch_delivery(self, payload: BatchDeliveryRequest, *, idempotency_key: str) -> BatchDeliveryAccepted:
        """Submit a batch. `idempotency_key` is the batch's own GUID: a retried or repeated POST
        returns the same batchId and creates nothing twice."""
        if not idempotency_key:
            raise ValueError("batch_delivery needs the batch's GUID as idempotency_key")
        body = self._call("POST", "v1/Logistics/batch-delivery", json=payload, idempotency_key=idempotency_key,
                          object_ref=f"batch:{idempotency_key}")
        return self.shaped(mapping.batch_delivery_accepted_from, body)

    def import_status(self, batch_id: str) -> ImportStatus:
        body = self._call("GET", f"v1/Stops/import/{_segment(batch_id)}/status", object_ref=f"batch:{batch_id}")
        return self.shaped(mapping.import_status_from, body)

    # --- Webhooks ----------------------------------------------------------------------------------
    def webhook_event_types(self) -> list[WebhookEventType]:
        return self.shaped(mapping.event_types_from, self._call("GET", "v1/Webhooks/event-types"))

    def webhooks_list(self) -> list[Webhook]:
        return self.shaped(mapping.webhooks_from, self._call("GET", "v1/Webhooks"))

    def webhook_create(self, event_type: str, url: str, is_active: bool = True) -> Webhook:
        body = self._call("POST", "v1/Webhooks", json={"eventType": event_type, "url": url, "isActive": is_active},
                          object_ref=f"webhook:{event_type}")
        return self.shaped(mapping.webhook_from, body)

    def webhook_get(self, webhook_id: int | str) -> Webhook:
        body = self._call("GET", f"v1/Webhooks/{_segment(webhook_id)}", object_ref=f"webhook:{webhook_id}")
        return self.shaped(mapping.webhook_from, body)

    def webhook_update(self, webhook_id: int | str, *, event_type: str, url: str, is_active: bool = True) -> Webhook:
        """PUT replaces the subscription: every field is sent."""
        body = self._call("PUT", f"v1/Webhooks/{_segment(webhook_id)}",
                          json={"eventType": event_type, "url": url, "isActive": is_active},
                          object_ref=f"webhook:{webhook_id}")
        return self.shaped(mapping.webhook_from, body)

    def webhook_delete(self, webhook_id: int | str) -> None:
        self._call("DELETE", f"v1/Webhooks/{_segment(webhook_id)}", object_ref=f"webhook:{webhook_id}")


def locate2u_config(**overrides) -> CarrierConfig:
    """The Locate2u connection from settings (the sandbox unless LOCATE2U_* say otherwise)."""
    values = {
        "carrier": "locate2u",
        "base_url": settings.LOCATE2U_BASE_URL,
        "token_url": settings.LOCATE2U_TOKEN_URL,
        "client_id": settings.LOCATE2U_CLIENT_ID,
        "client_secret": settings.LOCATE2U_CLIENT_SECRET,
        "scope": SCOPE,
    }
    values.update(overrides)
    return CarrierConfig(**values)


def locate2u_client(*, config: CarrierConfig | None = None, tokens: TokenCache = TOKENS,
                    session: requests.Session | None = None) -> Locate2uClient:
    return Locate2uClient(config or locate2u_config(), tokens=tokens, session=session)
