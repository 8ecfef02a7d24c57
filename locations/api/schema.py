"""OpenAPI description of the Fluent Location API (drf-spectacular). These serializers only
document the shapes; the views build and read JSON by hand (see shapes.py and parsing.py)."""
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema_field
from rest_framework import serializers

from locations.models import Location, Network, StorageArea

from .errors import UNAUTHORIZED_MESSAGE
from .params import DEFAULT_COUNT, MAX_COUNT

TAGS = ["Locations"]


# --- fields that take more than one JSON type ---------------------------------------------------
@extend_schema_field({"oneOf": [{"type": "string", "example": "0900"}, {"type": "integer", "example": 900}]})
class HhmmField(serializers.JSONField):
    """A time as HHmm: "0900", "900" or 900."""


@extend_schema_field({"oneOf": [{"type": "number"}, {"type": "string"}], "nullable": True})
class CoordinateField(serializers.JSONField):
    pass


@extend_schema_field({"oneOf": [{"type": "string", "example": "1221"}, {"type": "integer", "example": 1221}]})
class IdField(serializers.JSONField):
    pass


@extend_schema_field(
    {"oneOf": [{"type": "integer", "minimum": 0}, {"type": "string", "example": "NULL"}], "nullable": True}
)
class SafetyStockField(serializers.JSONField):
    pass


# --- shared parts -------------------------------------------------------------------------------
class FluentErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="The HTTP status, e.g. \"400\".")
    message = serializers.CharField(help_text="For a 400, starts with the field path, e.g. \"address.latitude: …\".")


class FluentErrorsSerializer(serializers.Serializer):
    errors = FluentErrorSerializer(many=True)


class FluentAttributeSerializer(serializers.Serializer):
    name = serializers.CharField()
    type = serializers.CharField(allow_null=True, help_text="string, integer, address …")
    value = serializers.JSONField(allow_null=True)


class FluentStorageAreaSerializer(serializers.Serializer):
    ref = serializers.CharField()
    name = serializers.CharField()
    externalId = serializers.CharField(allow_null=True)
    # A plain string: a second enum named "status" would collide with the location's in the schema.
    status = serializers.CharField(help_text=" or ".join(StorageArea.Status.values))
    type = serializers.CharField(allow_null=True, help_text="e.g. SERVICE_COUNTER, BACK_ROOM")
    attributes = FluentAttributeSerializer(many=True)


@extend_schema_field(
    {"oneOf": [{"type": "string", "description": "ref and name"}, {"$ref": "#/components/schemas/FluentStorageArea"}]}
)
class StorageAreaInField(serializers.JSONField):
    pass


class FluentEtaSerializer(serializers.Serializer):
    fromLocation = serializers.IntegerField()
    toLocation = serializers.IntegerField()
    eta = serializers.IntegerField(min_value=0, help_text="Transit time in minutes.")


class FluentFailedEtaSerializer(serializers.Serializer):
    fromLocation = serializers.JSONField(help_text="As given in the request.")
    toLocation = serializers.JSONField(help_text="As given in the request.")
    error = serializers.CharField()


# --- list -----------------------------------------------------------------------------------------
class FluentDayHoursSerializer(serializers.Serializer):
    start = serializers.IntegerField(help_text="HHmm; 0/0 closed, 0/2400 open all day")
    end = serializers.IntegerField()


class FluentWeekHoursSerializer(serializers.Serializer):
    mon = FluentDayHoursSerializer()
    tue = FluentDayHoursSerializer()
    wed = FluentDayHoursSerializer()
    thu = FluentDayHoursSerializer()
    fri = FluentDayHoursSerializer()
    sat = FluentDayHoursSerializer()
    sun = FluentDayHoursSerializer()


class FluentLocationResultSerializer(serializers.Serializer):
    locationId = serializers.CharField()
    locationRef = serializers.CharField()
    alternateId = serializers.CharField(allow_null=True)
    name = serializers.CharField()
    city = serializers.CharField(allow_null=True)
    state = serializers.CharField(allow_null=True)
    country = serializers.CharField(allow_null=True)
    street = serializers.CharField(allow_null=True)
    postcode = serializers.CharField(allow_null=True)
    status = serializers.ChoiceField(choices=Location.Status.values)
    type = serializers.ChoiceField(choices=Location.Type.values)
    createdOn = serializers.DateField()
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)
    homeDeliverySafetyStock = serializers.IntegerField(allow_null=True)
    clickAndCollectSafetyStock = serializers.IntegerField(allow_null=True)
    distance = serializers.IntegerField(
        allow_null=True, help_text="Metres from the centre of the map area, when one is given."
    )
    phoneNumber = serializers.CharField(allow_null=True)
    openingHours = FluentWeekHoursSerializer()
    networkName = serializers.ListField(child=serializers.CharField())
    directions = serializers.CharField(allow_null=True)


class FluentLocationPageSerializer(serializers.Serializer):
    start = serializers.IntegerField(help_text="The 0-based offset asked for.")
    count = serializers.IntegerField(help_text="The number of results returned.")
    hasMore = serializers.BooleanField()
    results = FluentLocationResultSerializer(many=True)


# --- detail ---------------------------------------------------------------------------------------
class FluentAddressSerializer(serializers.Serializer):
    businessName = serializers.CharField(allow_null=True)
    name = serializers.CharField(allow_null=True)
    street = serializers.CharField(allow_null=True)
    city = serializers.CharField(allow_null=True)
    state = serializers.CharField(allow_null=True)
    postcode = serializers.CharField(allow_null=True)
    country = serializers.CharField(allow_null=True)
    latitude = serializers.CharField(allow_null=True, help_text="Decimal degrees, as a string.")
    longitude = serializers.CharField(allow_null=True, help_text="Decimal degrees, as a string.")


def _hours_fields(field_class, **kwargs) -> dict:
    days = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    return {f"{day}{edge}Min": field_class(**kwargs) for day in days for edge in ("Start", "End")}


FluentOpeningHoursSerializer = type(
    "FluentOpeningHoursSerializer",
    (serializers.Serializer,),
    {**_hours_fields(serializers.CharField, help_text="HHmm, e.g. \"900\""), "allHours": serializers.BooleanField()},
)


class FluentLocationSerializer(serializers.Serializer):
    locationId = serializers.CharField()
    locationRef = serializers.CharField()
    alternateId = serializers.CharField(allow_null=True)
    externalId = serializers.CharField(allow_null=True)
    retailerId = serializers.CharField()
    status = serializers.ChoiceField(choices=Location.Status.values)
    name = serializers.CharField()
    email = serializers.CharField(allow_null=True)
    supportPhone = serializers.CharField(allow_null=True)
    type = serializers.ChoiceField(choices=Location.Type.values)
    timeZone = serializers.CharField()
    pickAndPackTimeLimit = serializers.IntegerField(help_text="Hours.")
    homeDeliverySafetyStock = serializers.IntegerField(allow_null=True)
    clickAndCollectSafetyStock = serializers.IntegerField(allow_null=True)
    agentNetworks = serializers.ListField(child=serializers.CharField(), help_text="Network ids.")
    clickAndCollectNetworks = serializers.ListField(child=serializers.CharField())
    useInventoryForHomeDelivery = serializers.ListField(child=serializers.CharField())
    useInventoryForClickAndCollect = serializers.ListField(child=serializers.CharField())
    address = FluentAddressSerializer()
    openingHours = FluentOpeningHoursSerializer()
    storageAreas = FluentStorageAreaSerializer(many=True)
    attributes = FluentAttributeSerializer(many=True)
    etas = FluentEtaSerializer(many=True)
    directions = serializers.CharField(allow_null=True)
    createdOn = serializers.DateField()


class FluentLocationAttributesSerializer(serializers.Serializer):
    locationId = serializers.CharField()
    attributes = FluentAttributeSerializer(many=True)


# --- request bodies -----------------------------------------------------------------------------
class FluentAddressInSerializer(serializers.Serializer):
    businessName = serializers.CharField(required=False, allow_null=True)
    name = serializers.CharField(required=False, allow_null=True)
    street = serializers.CharField(required=False, allow_null=True)
    city = serializers.CharField(required=False, allow_null=True)
    state = serializers.CharField(required=False, allow_null=True)
    postcode = serializers.CharField(required=False, allow_null=True)
    country = serializers.CharField(required=False, allow_null=True)
    latitude = CoordinateField(required=False, help_text="-90 to 90; give both latitude and longitude, or neither.")
    longitude = CoordinateField(required=False, help_text="-180 to 180.")


FluentOpeningHoursInSerializer = type(
    "FluentOpeningHoursInSerializer",
    (serializers.Serializer,),
    {
        **_hours_fields(HhmmField, required=False),
        "allHours": serializers.BooleanField(required=False, help_text="true: open 00:00–24:00 every day."),
    },
)


class FluentLocationUpdateSerializer(serializers.Serializer):
    """Fields present replace the stored ones; absent fields are kept; lists are replaced whole."""

    locationRef = serializers.CharField(required=False, max_length=8)
    alternateId = serializers.CharField(required=False, allow_null=True, max_length=8)
    externalId = serializers.CharField(required=False, allow_null=True)
    retailerId = serializers.CharField(required=False, help_text="Defaults to the client's retailer, else \"1\".")
    status = serializers.ChoiceField(choices=Location.Status.values, required=False)
    name = serializers.CharField(required=False)
    email = serializers.EmailField(required=False, allow_null=True)
    supportPhone = serializers.CharField(required=False, allow_null=True, max_length=20)
    type = serializers.ChoiceField(choices=Location.Type.values, required=False)
    timeZone = serializers.CharField(
        required=False, help_text="IANA name, e.g. Australia/Sydney (default Europe/London)."
    )
    pickAndPackTimeLimit = serializers.IntegerField(required=False, min_value=1, help_text="Hours (default 3).")
    homeDeliverySafetyStock = SafetyStockField(required=False)
    clickAndCollectSafetyStock = SafetyStockField(required=False)
    directions = serializers.CharField(required=False, allow_null=True)
    address = FluentAddressInSerializer(required=False)
    openingHours = FluentOpeningHoursInSerializer(
        required=False, help_text="Also accepted: {\"mon\": {\"start\": 900, \"end\": 1800}, …}."
    )
    storageAreas = serializers.ListField(child=StorageAreaInField(), required=False)
    agentNetworks = serializers.ListField(
        child=IdField(), required=False, help_text="Network ids of the same retailer."
    )
    clickAndCollectNetworks = serializers.ListField(child=IdField(), required=False)
    useInventoryForHomeDelivery = serializers.ListField(child=IdField(), required=False)
    useInventoryForClickAndCollect = serializers.ListField(child=IdField(), required=False)
    attributes = FluentAttributeSerializer(many=True, required=False)


class FluentLocationCreateSerializer(FluentLocationUpdateSerializer):
    locationRef = serializers.CharField(max_length=8)
    name = serializers.CharField()
    type = serializers.ChoiceField(choices=Location.Type.values)


class FluentIdSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="The locationId.")


class FluentEtaUpdateSerializer(serializers.Serializer):
    etas = FluentEtaSerializer(many=True)


class FluentEtaResultSerializer(serializers.Serializer):
    updatedEtas = FluentEtaSerializer(many=True)
    failedEtas = FluentFailedEtaSerializer(many=True, required=False, help_text="Present when some failed.")


# --- parameters, responses, examples ----------------------------------------------------------------
LOCATION_ID = OpenApiParameter(
    "location_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The locationId assigned by the portal."
)
STORAGE_AREA_REF = OpenApiParameter(
    "storage_area_ref", OpenApiTypes.STR, OpenApiParameter.PATH, description="The ref or name of the storage area."
)
LIST_PARAMETERS = [
    OpenApiParameter("retailerId", OpenApiTypes.STR, description="Only this retailer's locations."),
    OpenApiParameter("agentNetwork", OpenApiTypes.STR, description="The name or ref of a network."),
    OpenApiParameter(
        "agentNetworkTypes", OpenApiTypes.STR, many=True, enum=Network.Type.values,
        description="Network types; repeat the parameter or separate with commas.",
    ),
    OpenApiParameter(
        "agentStatuses", OpenApiTypes.STR, many=True, enum=Location.Status.values,
        description="Location statuses; repeat the parameter or separate with commas.",
    ),
    *[
        OpenApiParameter(
            name, OpenApiTypes.DOUBLE,
            description=f"Corner of the map area ({'-90 to 90' if name.endswith('Lat') else '-180 to 180'}); "
            "give all four or none. southWestLon > northEastLon crosses the antimeridian.",
        )
        for name in ("northEastLat", "northEastLon", "southWestLat", "southWestLon")
    ],
    OpenApiParameter("query", OpenApiTypes.STR, description="Part of the locationRef or name, any case."),
    OpenApiParameter("start", {"type": "integer", "minimum": 0}, default=0, description="0-based offset."),
    OpenApiParameter(
        "count", {"type": "integer", "minimum": 0, "maximum": MAX_COUNT}, default=DEFAULT_COUNT,
        description=f"Page size, at most {MAX_COUNT}.",
    ),
]

UNAUTHORIZED_EXAMPLE = OpenApiExample(
    "Example Error Response",
    value={"errors": [{"code": "401", "message": UNAUTHORIZED_MESSAGE}]},
    response_only=True,
    status_codes=["401"],
)
INVALID_EXAMPLE = OpenApiExample(
    "Invalid body",
    value={
        "errors": [
            {"code": "400", "message": "locationRef: at most 8 characters (got 9)"},
            {
                "code": "400",
                "message": "openingHours.monEndMin: Closing time 08:00 is before opening time 09:00 on Monday.",
            },
        ]
    },
    response_only=True,
    status_codes=["400"],
)


def error_responses(*codes: int) -> dict:
    descriptions = {
        400: "Client Error - Invalid Request",
        401: "Authorization Error - Invalid Bearer Token / No permission",
        403: "Authorization Error - Forbidden",
        404: "Client Error - Not Found",
    }
    return {code: OpenApiResponse(FluentErrorsSerializer, description=descriptions[code]) for code in codes}


def _hours(start: str, end: str) -> dict:
    return {f"{day}{edge}Min": value for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
            for edge, value in (("Start", start), ("End", end))}


_CLOSED_WEEK = {day: {"start": 0, "end": 0} for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
LIST_EXAMPLE = OpenApiExample(
    "Response",
    response_only=True,
    status_codes=["200"],
    value={
        "start": 1, "count": 100, "hasMore": False,
        "results": [{
            "locationId": "71", "locationRef": "F_GFD", "alternateId": None,
            "name": "FC Fashion Imperial Centre Gosford",
            "city": "Gosford", "state": "NSW", "country": "Australia", "street": "171 Mann St", "postcode": "2250",
            "status": "ACTIVE", "type": "STORE", "createdOn": "2021-04-09",
            "latitude": -33.41933105522871, "longitude": 151.34394556084268,
            "homeDeliverySafetyStock": None, "clickAndCollectSafetyStock": None, "distance": None, "phoneNumber": None,
            "openingHours": _CLOSED_WEEK, "networkName": ["F_CC"], "directions": None,
        }],
    },
)
DETAIL_EXAMPLE = OpenApiExample(
    "Response",
    response_only=True,
    status_codes=["200"],
    value={
        "locationRef": "SHA108", "status": "ACTIVE", "name": "Seed Heritage Wintergarden",
        "email": "customercare@seedheritage.com", "supportPhone": "07 3012 7749", "type": "STORE",
        "timeZone": "Australia/Queensland", "pickAndPackTimeLimit": 15, "homeDeliverySafetyStock": 2,
        "clickAndCollectSafetyStock": 0, "clickAndCollectNetworks": [], "useInventoryForHomeDelivery": ["433"],
        "useInventoryForClickAndCollect": ["437"],
        "address": {"city": "Brisbane", "country": "Australia", "postcode": "4000", "state": "QLD",
                    "street": "TENANCY QSM 101A QUEENS ST MALL", "latitude": "-27.469712", "longitude": "153.02568"},
        "openingHours": _hours("900", "1000"),
        "storageAreas": [],
    },
)
ATTRIBUTES_EXAMPLE = OpenApiExample(
    "Response",
    response_only=True,
    status_codes=["200"],
    value={
        "locationId": "16567",
        "attributes": [
            {"name": "Safety instructions", "type": "string", "value": "Wear safety grear"},
            {"name": "Order code 2", "type": "string", "value": "124"},
            {"name": "Address", "type": "address",
             "value": {"Address 1": "46, Kipax Street", "Suburb": "Surry Hills", "Post code": "2010", "State": "NSW"}},
        ],
    },
)
STORAGE_AREA_EXAMPLE = OpenApiExample(
    "Response",
    response_only=True,
    status_codes=["200"],
    value={"ref": "SC1", "name": "Service counter", "externalId": "12345", "status": "ENABLED",
           "type": "SERVICE_COUNTER",
           "attributes": [{"name": "toTime", "type": None, "value": "2016-11-28 16:30:22"}]},
)
_ADDRESS = {"city": "Sydney", "country": "Australia", "postcode": "2000", "state": "NSW", "street": "46 kippax street"}
CREATE_EXAMPLE = OpenApiExample(
    "Request body",
    request_only=True,
    value={
        "locationRef": "Tes92909", "status": "ACTIVE", "name": "Test User", "email": "test@parcelpoint.com.au",
        "supportPhone": "123-567", "type": "STORE", "timeZone": "Australia/Sydney", "homeDeliverySafetyStock": None,
        "clickAndCollectSafetyStock": None, "directions": "directions to a location", "address": _ADDRESS,
        "openingHours": _hours("0900", "1800"), "storageAreas": ["AAA", "BBB"], "agentNetworks": ["1221", "4234"],
    },
)
UPDATE_EXAMPLE = OpenApiExample(
    "Request body",
    request_only=True,
    value={
        "locationRef": "Tes92909", "status": "ACTIVE", "name": "Test User", "email": "test@parcelpoint.com.au",
        "supportPhone": "123-567", "type": "STORE", "timeZone": "Australia/Sydney", "address": _ADDRESS,
        "openingHours": _hours("0900", "1800"), "storageAreas": ["G1", "G2"],
        "attributes": [{"name": "Location code 1", "type": "string", "value": "G334"}],
    },
)
ID_EXAMPLE = OpenApiExample("Example Success Response", value={"id": "65789"}, response_only=True, status_codes=["200"])
ETA_REQUEST_EXAMPLE = OpenApiExample(
    "Request body",
    request_only=True,
    value={"etas": [{"fromLocation": 538045, "toLocation": 538044, "eta": 45},
                    {"fromLocation": 538046, "toLocation": 538045, "eta": 57},
                    {"fromLocation": 8977, "toLocation": 538044, "eta": 10}]},
)
ETA_RESPONSE_EXAMPLE = OpenApiExample(
    "Example Response",
    response_only=True,
    status_codes=["200"],
    value={
        "updatedEtas": [{"fromLocation": 538045, "toLocation": 538044, "eta": 45},
                        {"fromLocation": 538046, "toLocation": 538045, "eta": 57}],
        "failedEtas": [{"fromLocation": 8977, "toLocation": 538044,
                        "error": "Object of type [Agent] was not found using id : [8977]"}],
    },
)
