"""OpenAPI description of the Locate2u-compatible API (drf-spectacular): the spec's shapes as
serializers (documentation only; the views validate with deliveries.spec and build JSON by hand)
and the spec's own examples."""
import copy

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse
from rest_framework import serializers

from deliveries.services.partner_webhooks import EVENT_TYPES

from .shapes import IMPORT_STATUS_VALUES

TAG_DISCOVERY, TAG_STOPS, TAG_WEBHOOKS = "Discovery", "Stops", "Webhooks"

DATETIME_HELP = "ISO 8601 date and time as written, e.g. 2024-01-15T09:00:00 (an offset or Z is allowed)."


# --- the request's parts -----------------------------------------------------------------------------
class ContactSerializer(serializers.Serializer):
    name = serializers.CharField(required=False)
    phone = serializers.CharField(required=False)
    email = serializers.CharField(required=False)


class CoordinatesSerializer(serializers.Serializer):
    latitude = serializers.FloatField(required=False, min_value=-90, max_value=90)
    longitude = serializers.FloatField(required=False, min_value=-180, max_value=180)


class LoadSerializer(serializers.Serializer):
    weight = serializers.FloatField(required=False, min_value=0, help_text="kg")
    length = serializers.FloatField(required=False, min_value=0, help_text="cm")
    width = serializers.FloatField(required=False, min_value=0, help_text="cm")
    height = serializers.FloatField(required=False, min_value=0, help_text="cm")
    volume = serializers.FloatField(required=False, min_value=0, help_text="cm³")
    quantity = serializers.IntegerField(required=False, min_value=0)


class ShipmentContentsSerializer(serializers.Serializer):
    isAlcohol = serializers.BooleanField(required=False)
    isTobacco = serializers.BooleanField(required=False)
    isPrescriptionMedication = serializers.BooleanField(required=False)
    isDangerousGoods = serializers.BooleanField(required=False)
    isMeat = serializers.BooleanField(required=False)
    isPork = serializers.BooleanField(required=False)
    isBeef = serializers.BooleanField(required=False)
    isFragile = serializers.BooleanField(required=False)
    isFlowers = serializers.BooleanField(required=False)
    isCake = serializers.BooleanField(required=False)
    isFood = serializers.BooleanField(required=False)
    isLiquid = serializers.BooleanField(required=False)
    isNotRotatable = serializers.BooleanField(required=False)
    isGlass = serializers.BooleanField(required=False)
    isBaked = serializers.BooleanField(required=False)
    mustBeUpright = serializers.BooleanField(required=False)


class DriverInstructionsSerializer(serializers.Serializer):
    notes = serializers.CharField(required=False)
    accessInstructions = serializers.CharField(required=False)
    parkingInstructions = serializers.CharField(required=False)


class CustomFieldsField(serializers.DictField):
    """Key-value pairs; each value a single text, number, true/false or null."""

    child = serializers.JSONField()


class ItemSerializer(serializers.Serializer):
    itemSourceReference = serializers.CharField(max_length=100)
    barcode = serializers.CharField(required=False, max_length=100)
    description = serializers.CharField(required=False, max_length=256)
    quantity = serializers.FloatField(required=False, min_value=0.01, max_value=1_000_000, help_text="Defaults to 1.")
    productReference = serializers.CharField(required=False, max_length=100)
    productVariantId = serializers.IntegerField(required=False)
    serviceId = serializers.IntegerField(required=False)
    status = serializers.CharField(required=False, max_length=100)
    contents = ShipmentContentsSerializer(required=False)
    load = LoadSerializer(required=False)
    customFields = CustomFieldsField(required=False)


class StopFieldsSerializer(serializers.Serializer):
    stopSourceReference = serializers.CharField(max_length=100, help_text="Unique across all stops of the request.")
    name = serializers.CharField(max_length=250)
    address = serializers.CharField(max_length=500)
    contact = ContactSerializer(required=False)
    location = CoordinatesSerializer(required=False)
    tripDate = serializers.DateTimeField(help_text=DATETIME_HELP + " Its date must be the serviceDate.")
    appointmentTime = serializers.RegexField(r"^([01][0-9]|2[0-3]):[0-5][0-9]$", required=False, help_text="HH:mm")
    timeWindowStart = serializers.DateTimeField(required=False, help_text=DATETIME_HELP)
    timeWindowEnd = serializers.DateTimeField(required=False, help_text=DATETIME_HELP + " Not before timeWindowStart.")
    durationMinutes = serializers.IntegerField(required=False, min_value=0, max_value=1440)
    notes = serializers.CharField(required=False)
    customFields = CustomFieldsField(required=False)
    load = LoadSerializer(required=False)
    skills = serializers.ListField(child=serializers.CharField(), required=False)
    driverInstructions = DriverInstructionsSerializer(required=False)
    source = serializers.CharField(required=False)
    sourceReference = serializers.CharField(required=False)


class PickupStopSerializer(StopFieldsSerializer):
    itemSourceReferences = serializers.ListField(child=serializers.CharField(), min_length=1)
    warehouseSourceReference = serializers.CharField(required=False, max_length=100)
    requireAllItemsBeforeRelease = serializers.BooleanField(required=False, help_text="Default: true.")


class DropoffStopSerializer(StopFieldsSerializer):
    itemSourceReferences = serializers.ListField(child=serializers.CharField(), min_length=1)
    sequence = serializers.IntegerField(required=False, min_value=0)
    requireProofOfDelivery = serializers.BooleanField(required=False, help_text="Default: true.")


class BatchDeliveryRequestSerializer(serializers.Serializer):
    batchSourceReference = serializers.CharField(max_length=100)
    batchDescription = serializers.CharField(required=False, max_length=256)
    teamSourceReference = serializers.CharField(max_length=100)
    customerSourceReference = serializers.CharField(required=False, max_length=100)
    serviceDate = serializers.DateField()
    items = ItemSerializer(many=True)
    pickups = PickupStopSerializer(many=True)
    dropoffs = DropoffStopSerializer(many=True)


class StopRequestSerializer(StopFieldsSerializer):
    """A stop on its own: a drop-off stop whose item references are optional."""

    itemSourceReferences = serializers.ListField(child=serializers.CharField(max_length=100), required=False)
    sequence = serializers.IntegerField(required=False, min_value=0)
    requireProofOfDelivery = serializers.BooleanField(required=False, help_text="Default: true.")


class StopImportRequestSerializer(serializers.Serializer):
    batchSourceReference = serializers.CharField(required=False, max_length=100)
    stops = StopRequestSerializer(many=True, help_text="1 to 10,000 stops.")


class WebhookRequestSerializer(serializers.Serializer):
    eventType = serializers.ChoiceField(choices=list(EVENT_TYPES), help_text="One of GET /v1/Webhooks/event-types.")
    url = serializers.URLField(max_length=2000)
    isActive = serializers.BooleanField(required=False, help_text="Default: true.")


# --- answers -----------------------------------------------------------------------------------------
class ErrorSerializer(serializers.Serializer):
    field = serializers.CharField(allow_blank=True, help_text="Path of the field, e.g. items[0].itemSourceReference; "
                                                              "empty for the request as a whole.")
    message = serializers.CharField()


class ErrorsSerializer(serializers.Serializer):
    success = serializers.BooleanField()
    errors = ErrorSerializer(many=True)


class BatchAcceptedSerializer(serializers.Serializer):
    batchId = serializers.CharField(help_text="The batch's GUID: what the import status takes.")
    stopsCreated = serializers.IntegerField()
    itemsProcessed = serializers.IntegerField()


class BatchAcceptedEnvelopeSerializer(serializers.Serializer):
    success = serializers.BooleanField()
    data = BatchAcceptedSerializer()


class ImportErrorSerializer(serializers.Serializer):
    rowNumber = serializers.IntegerField()
    sourceReference = serializers.CharField(allow_blank=True)
    stage = serializers.CharField(help_text="PreProcessing, Validation or Save")
    messages = serializers.ListField(child=serializers.CharField())


class ImportedStopSerializer(serializers.Serializer):
    stopId = serializers.IntegerField(help_text="The portal's stop id: what GET /v1/Stops/{id} takes.")
    sourceReference = serializers.CharField()


class ImportStatusSerializer(serializers.Serializer):
    batchImportId = serializers.CharField()
    # Plain text: an enum named after "status" would collide with the Location API's in the schema.
    status = serializers.CharField(help_text=", ".join(IMPORT_STATUS_VALUES))
    totalCount = serializers.IntegerField()
    successCount = serializers.IntegerField()
    failedCount = serializers.IntegerField()
    processedCount = serializers.IntegerField()
    progressPercentage = serializers.FloatField(min_value=0, max_value=100)
    batchSourceReference = serializers.CharField(allow_null=True)
    createdDate = serializers.DateTimeField()
    startedDate = serializers.DateTimeField(allow_null=True)
    completedDate = serializers.DateTimeField(allow_null=True)
    errors = ImportErrorSerializer(many=True)
    successfulStops = ImportedStopSerializer(many=True, allow_null=True, help_text="null until the import finished")


class ImportStatusEnvelopeSerializer(serializers.Serializer):
    success = serializers.BooleanField()
    data = ImportStatusSerializer()


class StopImportAcceptedSerializer(serializers.Serializer):
    batchId = serializers.CharField(help_text="The import's GUID: what the import status takes.")
    totalCount = serializers.IntegerField()


class StopImportAcceptedEnvelopeSerializer(serializers.Serializer):
    success = serializers.BooleanField()
    data = StopImportAcceptedSerializer()


class StopLocationSerializer(serializers.Serializer):
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)


class StopSerializer(StopFieldsSerializer):
    """The stop as submitted, plus what the portal adds."""

    # Echoed as written (2024-01-15T09:00, 2024-01-15 … are accepted), so plain text here.
    tripDate = serializers.CharField(help_text=DATETIME_HELP)
    appointmentTime = serializers.CharField(required=False, help_text="HH:mm")
    timeWindowStart = serializers.CharField(required=False, help_text=DATETIME_HELP)
    timeWindowEnd = serializers.CharField(required=False, help_text=DATETIME_HELP)

    itemSourceReferences = serializers.ListField(child=serializers.CharField(), required=False)
    warehouseSourceReference = serializers.CharField(required=False)
    requireAllItemsBeforeRelease = serializers.BooleanField(required=False)
    sequence = serializers.IntegerField(required=False)
    requireProofOfDelivery = serializers.BooleanField(required=False)
    stopId = serializers.IntegerField()
    stopRef = serializers.CharField()
    stopType = serializers.ChoiceField(choices=["Stop", "Pickup", "Dropoff"])
    status = serializers.CharField(help_text="Locate2u's (Created, Pending, Enroute, Arrived, Complete) once "
                                             "imported; Queued before, Failed if it could not be imported.")
    location = StopLocationSerializer()
    batchId = serializers.CharField(help_text="The batch or import holding the stop.")
    createdDate = serializers.DateTimeField()
    lastStatusChangeDate = serializers.DateTimeField()


class StopEnvelopeSerializer(serializers.Serializer):
    success = serializers.BooleanField()
    data = StopSerializer()


class WebhookSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    eventType = serializers.CharField()
    url = serializers.CharField()
    isActive = serializers.BooleanField()
    createdDate = serializers.DateTimeField()
    consecutiveFailures = serializers.IntegerField(help_text="Failed deliveries in a row (not in the spec).")
    disabledReason = serializers.CharField(allow_null=True, help_text="Why the portal switched it off (not in the "
                                                                      "spec); null unless it did.")


class WebhookCreatedSerializer(WebhookSerializer):
    secret = serializers.CharField(help_text="whsec_…: verifies the webhook-signature header. Shown only here.")


class WebhookEventTypeSerializer(serializers.Serializer):
    eventType = serializers.CharField()
    description = serializers.CharField()


class WebhookAttemptSerializer(serializers.Serializer):
    attempt = serializers.IntegerField()
    date = serializers.DateTimeField()
    statusCode = serializers.IntegerField(allow_null=True)
    error = serializers.CharField(allow_null=True)
    durationMs = serializers.IntegerField()


class WebhookDeliverySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    eventId = serializers.CharField()
    eventType = serializers.CharField()
    status = serializers.CharField(help_text="pending, delivered or failed")
    attempts = serializers.IntegerField()
    lastStatusCode = serializers.IntegerField(allow_null=True)
    lastError = serializers.CharField(allow_null=True)
    createdDate = serializers.DateTimeField()
    nextAttemptDate = serializers.DateTimeField(allow_null=True)
    deliveredDate = serializers.DateTimeField(allow_null=True)
    attemptLog = WebhookAttemptSerializer(many=True)


# --- shared responses, parameters ----------------------------------------------------------------------
ERROR_DESCRIPTIONS = {
    400: "Bad Request — every validation error of the request, each with its field path.",
    401: "Unauthorized — missing or invalid access token.",
    403: "Forbidden — the token lacks the integrations-api scope.",
    404: "Not Found — no such object for this client's customer.",
    413: "The request body is too large.",
    422: "The Idempotency-Key was already used for a different request.",
    429: "Too many requests for this client; see Retry-After.",
}


def error_responses(*codes: int) -> dict:
    return {code: OpenApiResponse(ErrorsSerializer, description=ERROR_DESCRIPTIONS[code]) for code in codes}


IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
    description="Optional. The same key and body again answer with the first response (header "
                "Idempotent-Replayed: true) and create nothing; the same key with another body is a 422. "
                "Kept for 24 hours.")
BATCH_ID = OpenApiParameter("batchId", OpenApiTypes.UUID, OpenApiParameter.PATH,
                            description="The GUID returned by the batch delivery or stop import.")
STOP_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The stop's id.")
WEBHOOK_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The subscription's id.")


# --- the spec's examples ---------------------------------------------------------------------------------
SPEC_BATCH_REQUEST = {
    "batchSourceReference": "BATCH-2024-001",
    "batchDescription": "Morning deliveries - North Region",
    "teamSourceReference": "TEAM-NORTH",
    "customerSourceReference": "CUST-123",
    "serviceDate": "2024-01-15",
    "items": [
        {"itemSourceReference": "ITEM-001", "barcode": "1234567890123", "description": "Large Package", "quantity": 1,
         "contents": {"isFragile": True}, "load": {"weight": 10.5, "length": 50, "width": 40, "height": 30}},
        {"itemSourceReference": "ITEM-002", "barcode": "1234567890124", "description": "Small Package", "quantity": 2},
    ],
    "pickups": [
        {"stopSourceReference": "PICKUP-001", "name": "Central Warehouse",
         "address": "100 Warehouse Road, Sydney NSW 2000",
         "contact": {"name": "Warehouse Manager", "phone": "+61400000001"},
         "tripDate": "2024-01-15T08:00:00", "timeWindowStart": "2024-01-15T07:00:00",
         "timeWindowEnd": "2024-01-15T10:00:00", "durationMinutes": 20,
         "itemSourceReferences": ["ITEM-001", "ITEM-002"], "warehouseSourceReference": "WH-CENTRAL"},
    ],
    "dropoffs": [
        {"stopSourceReference": "DROPOFF-001", "name": "Customer A", "address": "50 Main Street, Parramatta NSW 2150",
         "contact": {"name": "Alice Johnson", "phone": "+61400000002", "email": "[email protected]"},
         "tripDate": "2024-01-15T11:00:00", "timeWindowStart": "2024-01-15T10:00:00",
         "timeWindowEnd": "2024-01-15T12:00:00", "durationMinutes": 10, "notes": "Leave at front door if not home",
         "itemSourceReferences": ["ITEM-001"], "sequence": 1, "requireProofOfDelivery": True},
        {"stopSourceReference": "DROPOFF-002", "name": "Customer B", "address": "75 Side Street, Chatswood NSW 2067",
         "contact": {"name": "Bob Smith", "phone": "+61400000003"},
         "tripDate": "2024-01-15T13:00:00", "timeWindowStart": "2024-01-15T12:00:00",
         "timeWindowEnd": "2024-01-15T14:00:00", "durationMinutes": 10,
         "itemSourceReferences": ["ITEM-002"], "sequence": 2, "requireProofOfDelivery": True},
    ],
}
SPEC_BATCH_ACCEPTED = {"success": True, "data": {"batchId": "string", "stopsCreated": 3, "itemsProcessed": 2}}
SPEC_BATCH_ERROR = {"success": False, "errors": [{"field": "items[0].itemSourceReference",
                                                  "message": "Item source reference is required."}]}
SPEC_IMPORT_IN_PROGRESS = {"data": {
    "batchImportId": "a1b2c3d4-e5f6-...", "status": "Importing", "totalCount": 100, "successCount": 45,
    "failedCount": 5, "processedCount": 50, "progressPercentage": 50.00, "batchSourceReference": "BATCH-2024-001",
    "createdDate": "2024-01-15T08:00:00Z", "startedDate": "2024-01-15T08:00:05Z", "completedDate": None,
    "errors": [{"rowNumber": 12, "sourceReference": "STOP-012", "stage": "Validation",
                "messages": ["Address is required"]}],
    "successfulStops": None}}
SPEC_IMPORT_COMPLETED = {"data": {
    "batchImportId": "a1b2c3d4-e5f6-...", "status": "Completed", "totalCount": 50, "successCount": 50,
    "failedCount": 0, "processedCount": 50, "progressPercentage": 100.00, "createdDate": "2024-01-15T08:00:00Z",
    "startedDate": "2024-01-15T08:00:05Z", "completedDate": "2024-01-15T08:02:30Z", "errors": [],
    "successfulStops": [{"stopId": 12345, "sourceReference": "STOP-001"},
                        {"stopId": 12346, "sourceReference": "STOP-002"}]}}
SPEC_IMPORT_PARTIAL = {"data": {
    "batchImportId": "a1b2c3d4-e5f6-...", "status": "PartiallyCompleted", "totalCount": 10, "successCount": 8,
    "failedCount": 2, "processedCount": 10, "progressPercentage": 100.00,
    "errors": [{"rowNumber": 3, "sourceReference": "STOP-003", "stage": "Validation",
                "messages": ["Invalid date format for tripDate"]},
               {"rowNumber": 7, "sourceReference": "STOP-007", "stage": "Save",
                "messages": ["Duplicate sourceReference already exists"]}],
    "successfulStops": [{"stopId": 12350, "sourceReference": "STOP-001"},
                        {"stopId": 12351, "sourceReference": "STOP-002"}]}}
# The spec's "Example Drop-off Stop", as a stop on its own.
SPEC_DROPOFF = {
    "stopSourceReference": "DROPOFF-001", "name": "Customer ABC", "address": "456 Customer St, Melbourne VIC 3000",
    "contact": {"name": "Jane Doe", "phone": "+61498765432", "email": "[email protected]"},
    "location": {"latitude": -37.8136, "longitude": 144.9631},
    "tripDate": "2024-01-15T14:00:00", "timeWindowStart": "2024-01-15T13:00:00",
    "timeWindowEnd": "2024-01-15T17:00:00", "durationMinutes": 15, "notes": "Ring doorbell twice",
    "itemSourceReferences": ["ITEM-001"], "sequence": 1, "requireProofOfDelivery": True,
}


def _with_envelope(data: dict) -> dict:
    """The spec's import-status examples show only `data`; the portal (like the sandbox) also says success."""
    return {"success": True, **copy.deepcopy(data)}


def _stop_answer() -> dict:
    return {"success": True, "data": {**SPEC_DROPOFF, "stopId": 12345, "stopRef": "DP00012345", "stopType": "Stop",
                                      "status": "Queued", "batchId": "0f8fad5b-d9cb-469f-a165-70867728950e",
                                      "createdDate": "2024-01-15T08:00:00Z",
                                      "lastStatusChangeDate": "2024-01-15T08:00:00Z"}}


BATCH_EXAMPLES = [
    OpenApiExample("Complete Example Request", value=SPEC_BATCH_REQUEST, request_only=True),
    OpenApiExample("Success Response", value=SPEC_BATCH_ACCEPTED, response_only=True, status_codes=["200"]),
    OpenApiExample("Error Response", value=SPEC_BATCH_ERROR, response_only=True, status_codes=["400"]),
]
IMPORT_STATUS_EXAMPLES = [
    OpenApiExample("In Progress", value=_with_envelope(SPEC_IMPORT_IN_PROGRESS), response_only=True),
    OpenApiExample("Completed Successfully", value=_with_envelope(SPEC_IMPORT_COMPLETED), response_only=True),
    OpenApiExample("Partially Completed", value=_with_envelope(SPEC_IMPORT_PARTIAL), response_only=True),
    OpenApiExample("Not a GUID", response_only=True, status_codes=["400"], value={
        "success": False, "errors": [{"field": "batchId", "message": "Batch id 'abc' is not a GUID "
                                                                    "(e.g. a1b2c3d4-e5f6-7890-abcd-ef1234567890)."}]}),
]
STOP_EXAMPLES = [
    OpenApiExample("Example Drop-off Stop", value=SPEC_DROPOFF, request_only=True),
    OpenApiExample("Stop created", value=_stop_answer(), response_only=True, status_codes=["200"]),
    OpenApiExample("Invalid stop", response_only=True, status_codes=["400"], value={
        "success": False, "errors": [{"field": "tripDate", "message": "Trip date is required."},
                                     {"field": "timeWindowEnd", "message": "Time window end must not be before the "
                                                                          "time window start."}]}),
]
STOP_DETAIL_EXAMPLES = [OpenApiExample("A stop", value=_stop_answer(), response_only=True)]
STOP_IMPORT_EXAMPLES = [
    OpenApiExample("Stop import", request_only=True, value={
        "batchSourceReference": "IMPORT-2024-001",
        "stops": [SPEC_DROPOFF, {**SPEC_DROPOFF, "stopSourceReference": "DROPOFF-002", "sequence": 2}]}),
    OpenApiExample("Import accepted", response_only=True, status_codes=["200"], value={
        "success": True, "data": {"batchId": "0f8fad5b-d9cb-469f-a165-70867728950e", "totalCount": 2}}),
    OpenApiExample("Invalid stops", response_only=True, status_codes=["400"], value={
        "success": False, "errors": [{"field": "stops[1].address", "message": "Address is required."}]}),
]
WEBHOOK_REQUEST_EXAMPLE = OpenApiExample("Subscribe", request_only=True, value={
    "eventType": "stop.status-changed", "url": "https://partner.example.com/hooks/locate2u", "isActive": True})
_WEBHOOK = {"id": 7, "eventType": "stop.status-changed", "url": "https://partner.example.com/hooks/locate2u",
            "isActive": True, "createdDate": "2024-01-15T08:00:00Z", "consecutiveFailures": 0, "disabledReason": None}
WEBHOOK_CREATED_EXAMPLE = OpenApiExample("Subscribed", response_only=True, status_codes=["200"], value={
    **_WEBHOOK, "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"})
WEBHOOK_EXAMPLE = OpenApiExample("Subscription", response_only=True, status_codes=["200"], value=_WEBHOOK)
WEBHOOK_LIST_EXAMPLE = OpenApiExample("Subscriptions", response_only=True, status_codes=["200"], value=[_WEBHOOK])
EVENT_TYPES_EXAMPLE = OpenApiExample("Event types", response_only=True, value=[
    {"eventType": "stop.status-changed", "description": "Triggered when the status of a stop changes."}])
DELIVERIES_EXAMPLE = OpenApiExample("Deliveries", response_only=True, value=[{
    "id": 31, "eventId": "5f0c1d2e-3a4b-4c5d-8e9f-0a1b2c3d4e5f", "eventType": "stop.status-changed",
    "status": "pending", "attempts": 2, "lastStatusCode": 503, "lastError": "answered 503",
    "createdDate": "2024-01-15T08:00:00Z", "nextAttemptDate": "2024-01-15T08:02:30Z", "deliveredDate": None,
    "attemptLog": [
        {"attempt": 1, "date": "2024-01-15T08:00:00Z", "statusCode": 503, "error": "answered 503", "durationMs": 41},
        {"attempt": 2, "date": "2024-01-15T08:00:30Z", "statusCode": 503, "error": "answered 503", "durationMs": 38},
    ]}])
