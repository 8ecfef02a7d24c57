"""The Locate2u Customer Integration API, served by the portal (CONTRACT §4).

A client written for Locate2u works by changing its base URL: same paths, bodies, status codes
and error shape. Every object belongs to the client's customer; another customer's is a 404.
Views parse, call one service or selector, and render (shapes.py); POSTs honour Idempotency-Key.
"""
import uuid

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework.response import Response

from deliveries.models import Batch, Stop
from deliveries.services.partner_stops import partner_stop_create, partner_stop_import_create
from deliveries.services.partner_webhooks import (
    EVENT_TYPES,
    webhook_subscribe,
    webhook_unsubscribe,
    webhook_update,
)
from deliveries.spec import SpecError

from . import discovery, schema, shapes
from .base import REPLAYED, Locate2uApiView
from .errors import Locate2uApiError, not_found
from .models import WebhookDelivery, WebhookSubscription
from .services import batch_accepted_body, partner_batch_deliver

RECENT_DELIVERIES = 50


class DiscoveryUserApi(discovery.DiscoveryUserApi, Locate2uApiView):
    """discovery.py's view, with this API's error shape and rate limit (and its own permissions:
    a client with no customer may still ask who it is)."""

    @extend_schema(
        tags=[schema.TAG_DISCOVERY],
        operation_id="discovery_user",
        summary="Retrieve information about the currently authenticated user.",
        responses={200: discovery.DiscoveryUserSerializer, **schema.error_responses(401, 403, 429)},
        examples=[OpenApiExample("Example API Response", response_only=True, value={
            "userId": 12345, "email": "[email protected]", "teamId": 67890, "teamName": "My Company"})],
    )
    def get(self, request):
        return super().get(request)


class BatchDeliveryCreateApi(Locate2uApiView):
    @extend_schema(
        tags=[schema.TAG_STOPS],
        operation_id="batch_delivery_create",
        summary="Create a delivery batch with items, pickup stops, and drop-off stops in a single call.",
        description="Validated with the spec's field tables and Validation Rules; every error in one 400, each "
        "with its field path. The same batchSourceReference with the same body again answers 200 with the same "
        "batchId and creates nothing; with another body it is a 400 on batchSourceReference. The batch is then "
        "sent on to Locate2u; follow it with GET /v1/Stops/import/{batchId}/status.",
        parameters=[schema.IDEMPOTENCY_KEY],
        request={"application/json": schema.BatchDeliveryRequestSerializer},
        responses={200: schema.BatchAcceptedEnvelopeSerializer, **schema.error_responses(400, 401, 403, 413, 422, 429)},
        examples=schema.BATCH_EXAMPLES,
    )
    def post(self, request):
        return self.idempotent(self._create)

    def _create(self) -> Response:
        batch, created = partner_batch_deliver(payload=self.json_object("The batch"), client=self.client)
        return Response(batch_accepted_body(batch), headers=None if created else REPLAYED)


class ImportStatusDetailApi(Locate2uApiView):
    @extend_schema(
        tags=[schema.TAG_STOPS],
        operation_id="stops_import_status",
        summary="Check the current status of a batch import operation.",
        description="For a batch delivery or a stop import of this client's customer. Status values: Queued, "
        "Importing, Completed, PartiallyCompleted, Failed. successfulStops is null until the import has finished; "
        "their stopId is the portal's, as GET /v1/Stops/{id} takes it.",
        parameters=[schema.BATCH_ID],
        responses={200: schema.ImportStatusEnvelopeSerializer, **schema.error_responses(400, 401, 403, 404, 429)},
        examples=schema.IMPORT_STATUS_EXAMPLES,
    )
    def get(self, request, batchId: str):
        batch_id = batchId
        try:
            wanted = uuid.UUID(batch_id)
        except ValueError:
            raise Locate2uApiError([SpecError("batchId", f"Batch id {batch_id[:100]!r} is not a GUID "
                                                         "(e.g. a1b2c3d4-e5f6-7890-abcd-ef1234567890).")]) from None
        batch = (Batch.objects.select_related("partner_stop_import")
                 .filter(customer=self.customer, batch_id=wanted).first())
        if batch is None:
            raise not_found("batchId", f"No batch import {wanted}.")
        return Response(shapes.import_status_body(batch))


class StopCreateApi(Locate2uApiView):
    @extend_schema(
        tags=[schema.TAG_STOPS],
        operation_id="stop_create",
        summary="Create a new stop with the provided details.",
        description="A drop-off stop on its own (the spec's drop-off fields; itemSourceReferences optional). It is "
        "sent on to Locate2u as an import of one stop: `batchId` in the answer is that import, followed with "
        "GET /v1/Stops/import/{batchId}/status. A stopSourceReference this customer already used is a 400.",
        parameters=[schema.IDEMPOTENCY_KEY],
        request={"application/json": schema.StopRequestSerializer},
        responses={200: schema.StopEnvelopeSerializer, **schema.error_responses(400, 401, 403, 413, 422, 429)},
        examples=schema.STOP_EXAMPLES,
    )
    def post(self, request):
        return self.idempotent(self._create)

    def _create(self) -> Response:
        stop = partner_stop_create(payload=self.json_object("The stop"), client=self.client)
        return Response(shapes.ok(shapes.stop_body(stop, container=True)))


class StopImportCreateApi(Locate2uApiView):
    @extend_schema(
        tags=[schema.TAG_STOPS],
        operation_id="stops_import",
        summary="Bulk import multiple stops in a single request.",
        description="`{\"batchSourceReference\"?, \"stops\": [stop, …]}`, each stop as for POST /v1/Stops. Every "
        "problem of every stop comes back in one 400 (`stops[3].tripDate`). Follow the import with "
        "GET /v1/Stops/import/{batchId}/status.",
        parameters=[schema.IDEMPOTENCY_KEY],
        request={"application/json": schema.StopImportRequestSerializer},
        responses={200: schema.StopImportAcceptedEnvelopeSerializer,
                   **schema.error_responses(400, 401, 403, 413, 422, 429)},
        examples=schema.STOP_IMPORT_EXAMPLES,
    )
    def post(self, request):
        return self.idempotent(self._create)

    def _create(self) -> Response:
        batch = partner_stop_import_create(payload=self.json_object(), client=self.client)
        return Response(shapes.ok({"batchId": str(batch.batch_id), "totalCount": batch.total_count}))


class StopDetailApi(Locate2uApiView):
    @extend_schema(
        tags=[schema.TAG_STOPS],
        operation_id="stop_retrieve",
        summary="Retrieve details of a specific stop by its ID.",
        description="Any stop of this customer: single, imported, or a pickup or drop-off of a batch delivery.",
        parameters=[schema.STOP_ID],
        responses={200: schema.StopEnvelopeSerializer, **schema.error_responses(401, 403, 404, 429)},
        examples=schema.STOP_DETAIL_EXAMPLES,
    )
    def get(self, request, id: str):
        stop_id = id
        stop = None
        if stop_id.isascii() and stop_id.isdigit() and len(stop_id) < 19:
            stop = (Stop.objects.select_related("batch").filter(batch__customer=self.customer, pk=int(stop_id))
                    .first())
        if stop is None:
            raise not_found("id", f"No stop {stop_id[:100]}.")
        return Response(shapes.ok(shapes.stop_body(stop, container=stop.batch.holds_partner_stops)))


class WebhookEventTypeListApi(Locate2uApiView):
    @extend_schema(
        tags=[schema.TAG_WEBHOOKS],
        operation_id="webhook_event_types",
        summary="List all available webhook event types.",
        responses={200: schema.WebhookEventTypeSerializer(many=True), **schema.error_responses(401, 403, 429)},
        examples=[schema.EVENT_TYPES_EXAMPLE],
    )
    def get(self, request):
        return Response([{"eventType": name, "description": text} for name, text in EVENT_TYPES.items()])


class WebhookListApi(Locate2uApiView):
    @extend_schema(
        tags=[schema.TAG_WEBHOOKS],
        operation_id="webhooks_list",
        summary="List all your subscribed webhooks.",
        description="The subscriptions of this client's customer.",
        responses={200: schema.WebhookSerializer(many=True), **schema.error_responses(401, 403, 429)},
        examples=[schema.WEBHOOK_LIST_EXAMPLE],
    )
    def get(self, request):
        subscriptions = WebhookSubscription.objects.filter(customer=self.customer).order_by("id")
        return Response([shapes.webhook_body(s) for s in subscriptions])

    @extend_schema(
        tags=[schema.TAG_WEBHOOKS],
        operation_id="webhooks_subscribe",
        summary="Subscribe to a webhook event.",
        description="Events of this client's customer only. Deliveries are POSTs signed with the Standard Webhooks "
        "headers (webhook-id, webhook-timestamp, webhook-signature) using `secret`, shown only in this answer; "
        "retried with back-off, and the subscription is switched off after repeated failures.",
        parameters=[schema.IDEMPOTENCY_KEY],
        request={"application/json": schema.WebhookRequestSerializer},
        responses={200: schema.WebhookCreatedSerializer, **schema.error_responses(400, 401, 403, 413, 422, 429)},
        examples=[schema.WEBHOOK_REQUEST_EXAMPLE, schema.WEBHOOK_CREATED_EXAMPLE],
    )
    def post(self, request):
        return self.idempotent(self._create)

    def _create(self) -> Response:
        subscription = webhook_subscribe(customer=self.customer, client=self.client, payload=self.json_body())
        return Response(shapes.webhook_body(subscription, with_secret=True))


class SubscriptionLookup:
    """The customer's subscription named in the path; anything else is a 404."""

    def subscription(self, webhook_id: str) -> WebhookSubscription:
        found = None
        if webhook_id.isascii() and webhook_id.isdigit() and len(webhook_id) < 19:
            found = WebhookSubscription.objects.filter(customer=self.customer, pk=int(webhook_id)).first()
        if found is None:
            raise not_found("id", f"No webhook subscription {webhook_id[:100]}.")
        return found


class WebhookDetailApi(SubscriptionLookup, Locate2uApiView):
    @extend_schema(
        tags=[schema.TAG_WEBHOOKS],
        operation_id="webhook_retrieve",
        summary="Retrieve details of a specific webhook subscription.",
        parameters=[schema.WEBHOOK_ID],
        responses={200: schema.WebhookSerializer, **schema.error_responses(401, 403, 404, 429)},
        examples=[schema.WEBHOOK_EXAMPLE],
    )
    def get(self, request, id: str):
        return Response(shapes.webhook_body(self.subscription(id)))

    @extend_schema(
        tags=[schema.TAG_WEBHOOKS],
        operation_id="webhook_update",
        summary="Update an existing webhook subscription.",
        description="The subscription becomes what the body says (isActive defaults to true); switching it on "
        "again clears the failures that switched it off.",
        parameters=[schema.WEBHOOK_ID],
        request={"application/json": schema.WebhookRequestSerializer},
        responses={200: schema.WebhookSerializer, **schema.error_responses(400, 401, 403, 404, 413, 429)},
        examples=[schema.WEBHOOK_REQUEST_EXAMPLE, schema.WEBHOOK_EXAMPLE],
    )
    def put(self, request, id: str):
        subscription = self.subscription(id)
        return Response(shapes.webhook_body(webhook_update(subscription=subscription, payload=self.json_body())))

    @extend_schema(
        tags=[schema.TAG_WEBHOOKS],
        operation_id="webhook_delete",
        summary="Unsubscribe from a webhook event.",
        parameters=[schema.WEBHOOK_ID],
        responses={204: None, **schema.error_responses(401, 403, 404, 429)},
    )
    def delete(self, request, id: str):
        webhook_unsubscribe(subscription=self.subscription(id))
        return Response(status=204)


class WebhookDeliveryListApi(SubscriptionLookup, Locate2uApiView):
    @extend_schema(
        tags=[schema.TAG_WEBHOOKS],
        operation_id="webhook_deliveries",
        summary="Recent deliveries of a webhook subscription, with every attempt (not in the spec).",
        description=f"The last {RECENT_DELIVERIES} events owed to this subscription: status (pending, delivered, "
        "failed), attempts with their time, HTTP status code, error and duration, and the next attempt's time.",
        parameters=[schema.WEBHOOK_ID],
        responses={200: schema.WebhookDeliverySerializer(many=True), **schema.error_responses(401, 403, 404, 429)},
        examples=[schema.DELIVERIES_EXAMPLE],
    )
    def get(self, request, id: str):
        subscription = self.subscription(id)
        deliveries = (WebhookDelivery.objects.filter(subscription=subscription).select_related("event")
                      .prefetch_related("attempt_log").order_by("-created_at", "-id")[:RECENT_DELIVERIES])
        return Response([shapes.delivery_body(d) for d in deliveries])
