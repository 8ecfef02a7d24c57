"""The spec's field tables (locate2u-customer-integration-api.txt, Batch Delivery API) as data.

Where the spec gives no limit, none is invented, except where a value would be nonsense for a
dispatcher: coordinates on the globe, non-negative loads and minutes, a stop shorter than a day,
positive ids. Those choices are marked "not in the spec".
"""
from .fields import (
    INT32_MAX,
    boolean,
    custom_fields,
    date_only,
    date_time,
    decimal,
    field,
    integer,
    obj,
    text,
    text_list,
    time_hhmm,
)

CONTACT = (
    field("name", text, label="Contact name"),
    field("phone", text, label="Contact phone"),
    # Text only, as the spec's table says: no format check, because the spec's own complete
    # example carries an address that is not well-formed ("[email protected]") and must pass.
    field("email", text, label="Contact email"),
)

COORDINATES = (  # ranges: not in the spec, but anything else is not on Earth
    field("latitude", decimal, minimum=-90, maximum=90),
    field("longitude", decimal, minimum=-180, maximum=180),
)

LOAD = (  # non-negative: not in the spec
    field("weight", decimal, label="Load weight (kg)", minimum=0),
    field("length", decimal, label="Load length (cm)", minimum=0),
    field("width", decimal, label="Load width (cm)", minimum=0),
    field("height", decimal, label="Load height (cm)", minimum=0),
    field("volume", decimal, label="Load volume (cm³)", minimum=0),
    field("quantity", integer, label="Load quantity", minimum=0, maximum=INT32_MAX),
)

CONTENTS_FLAGS = (
    "isAlcohol", "isTobacco", "isPrescriptionMedication", "isDangerousGoods", "isMeat", "isPork", "isBeef",
    "isFragile", "isFlowers", "isCake", "isFood", "isLiquid", "isNotRotatable", "isGlass", "isBaked",
    "mustBeUpright",
)
CONTENTS = tuple(field(name, boolean, label=f"Contents '{name}'") for name in CONTENTS_FLAGS)

DRIVER_INSTRUCTIONS = (
    field("notes", text, label="Driver notes"),
    field("accessInstructions", text),
    field("parkingInstructions", text),
)

ROOT = (
    field("batchSourceReference", text, label="Batch source reference", required=True, max_length=100),
    field("batchDescription", text, max_length=256),
    field("teamSourceReference", text, required=True, max_length=100),
    field("customerSourceReference", text, max_length=100),
    field("serviceDate", date_only, required=True),
)

ITEM = (
    field("itemSourceReference", text, required=True, max_length=100),
    field("barcode", text, max_length=100),
    field("description", text, max_length=256),
    field("quantity", decimal, minimum=0.01, maximum=1_000_000),
    field("productReference", text, max_length=100),
    field("productVariantId", integer, label="Product variant id", minimum=1, maximum=INT32_MAX),  # ≥ 1: not in the spec
    field("serviceId", integer, label="Service id", minimum=1, maximum=INT32_MAX),  # ≥ 1: not in the spec
    field("status", text, max_length=100),
    field("contents", obj, fields=CONTENTS),
    field("load", obj, fields=LOAD),
    field("customFields", custom_fields),
)

# Fields every stop has, pickup or drop-off. itemSourceReferences is checked by the batch rules,
# which know the items; a single stop (POST /v1/Stops) checks it as a plain list.
STOP = (
    field("stopSourceReference", text, required=True, max_length=100),
    field("name", text, required=True, max_length=250),
    field("address", text, required=True, max_length=500),
    field("contact", obj, fields=CONTACT),
    field("location", obj, fields=COORDINATES),
    field("tripDate", date_time, required=True),
    field("appointmentTime", time_hhmm),
    field("timeWindowStart", date_time),
    field("timeWindowEnd", date_time),
    # 0–1440: not in the spec; a stop lasting more than a day is a typing slip.
    field("durationMinutes", integer, label="Duration (minutes)", minimum=0, maximum=1440),
    field("notes", text),
    field("customFields", custom_fields),
    field("load", obj, fields=LOAD),
    field("skills", text_list),
    field("driverInstructions", obj, fields=DRIVER_INSTRUCTIONS),
    field("source", text),
    field("sourceReference", text),
)

PICKUP = STOP + (
    field("warehouseSourceReference", text, max_length=100),
    field("requireAllItemsBeforeRelease", boolean),
)

DROPOFF = STOP + (
    field("sequence", integer, minimum=0, maximum=INT32_MAX),  # ≥ 0: not in the spec
    field("requireProofOfDelivery", boolean),
)

# POST /v1/Stops: a drop-off on its own; item references optional (there is no items list to check).
SINGLE_STOP = DROPOFF + (field("itemSourceReferences", text_list, max_length=100),)

STOP_IMPORT = (field("batchSourceReference", text, max_length=100),)
