"""Locate2u Customer Integration API shapes (locate2u-customer-integration-api.txt).

Requests are TypedDicts: they are the JSON we send, with the spec's own (camelCase) names.
Answers are frozen dataclasses with our (snake_case) names, built by mapping.py; callers never
read the carrier's JSON themselves.
"""
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import NotRequired, TypedDict


# --- requests ------------------------------------------------------------------------------------
class Contact(TypedDict, total=False):
    name: str
    phone: str
    email: str


class Coordinates(TypedDict, total=False):
    latitude: float
    longitude: float


class Load(TypedDict, total=False):
    weight: float  # kg
    length: float  # cm
    width: float
    height: float
    volume: float  # cm³
    quantity: int


class ShipmentContents(TypedDict, total=False):
    isAlcohol: bool
    isTobacco: bool
    isPrescriptionMedication: bool
    isDangerousGoods: bool
    isMeat: bool
    isPork: bool
    isBeef: bool
    isFragile: bool
    isFlowers: bool
    isCake: bool
    isFood: bool
    isLiquid: bool
    isNotRotatable: bool
    isGlass: bool
    isBaked: bool
    mustBeUpright: bool


class DriverInstructions(TypedDict, total=False):
    notes: str
    accessInstructions: str
    parkingInstructions: str


class Item(TypedDict):
    itemSourceReference: str
    barcode: NotRequired[str]
    description: NotRequired[str]
    quantity: NotRequired[float]
    productReference: NotRequired[str]
    productVariantId: NotRequired[int]
    serviceId: NotRequired[int]
    status: NotRequired[str]
    contents: NotRequired[ShipmentContents]
    load: NotRequired[Load]
    customFields: NotRequired[dict[str, str | int | float | bool | None]]


class _Stop(TypedDict):
    stopSourceReference: str
    name: str
    address: str
    tripDate: str  # ISO 8601; its date must be the batch's serviceDate
    contact: NotRequired[Contact]
    location: NotRequired[Coordinates]
    appointmentTime: NotRequired[str]  # HH:mm
    timeWindowStart: NotRequired[str]
    timeWindowEnd: NotRequired[str]
    durationMinutes: NotRequired[int]
    notes: NotRequired[str]
    customFields: NotRequired[dict[str, str | int | float | bool | None]]
    load: NotRequired[Load]
    skills: NotRequired[list[str]]
    driverInstructions: NotRequired[DriverInstructions]
    source: NotRequired[str]
    sourceReference: NotRequired[str]


class PickupStop(_Stop):
    itemSourceReferences: list[str]
    warehouseSourceReference: NotRequired[str]
    requireAllItemsBeforeRelease: NotRequired[bool]


class DropoffStop(_Stop):
    itemSourceReferences: list[str]
    sequence: NotRequired[int]
    requireProofOfDelivery: NotRequired[bool]


class BatchDeliveryRequest(TypedDict):
    batchSourceReference: str
    teamSourceReference: str
    serviceDate: str  # YYYY-MM-DD
    items: list[Item]
    pickups: list[PickupStop]
    dropoffs: list[DropoffStop]
    batchDescription: NotRequired[str]
    customerSourceReference: NotRequired[str]


class StopRequest(_Stop):
    """POST /v1/Stops: a drop-off-shaped stop on its own (the spec does not define the body)."""

    itemSourceReferences: NotRequired[list[str]]
    sequence: NotRequired[int]
    requireProofOfDelivery: NotRequired[bool]


class StopImportRequest(TypedDict):
    stops: list[StopRequest]
    batchSourceReference: NotRequired[str]


# --- answers -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DiscoveryUser:
    user_id: int
    email: str
    team_id: int | None
    team_name: str


@dataclass(frozen=True)
class BatchDeliveryAccepted:
    batch_id: str  # a GUID; what import_status takes
    stops_created: int
    items_processed: int


@dataclass(frozen=True)
class StopImportAccepted:
    batch_id: str
    total_count: int


class ImportState(StrEnum):
    QUEUED = "Queued"
    IMPORTING = "Importing"
    COMPLETED = "Completed"
    PARTIALLY_COMPLETED = "PartiallyCompleted"
    FAILED = "Failed"


FINISHED_STATES = frozenset({ImportState.COMPLETED, ImportState.PARTIALLY_COMPLETED, ImportState.FAILED})


@dataclass(frozen=True)
class ImportStopError:
    row_number: int | None
    source_reference: str
    stage: str  # PreProcessing, Validation or Save
    messages: tuple[str, ...]


@dataclass(frozen=True)
class ImportedStop:
    stop_id: int
    source_reference: str


@dataclass(frozen=True)
class ImportStatus:
    batch_import_id: str
    status: ImportState | str  # a state the spec does not list is kept as written
    total_count: int
    success_count: int
    failed_count: int
    processed_count: int
    progress_percentage: float
    batch_source_reference: str | None = None
    created_date: datetime | None = None
    started_date: datetime | None = None
    completed_date: datetime | None = None
    errors: tuple[ImportStopError, ...] = ()
    successful_stops: tuple[ImportedStop, ...] | None = None  # None while the import runs

    @property
    def finished(self) -> bool:
        """Stop polling: Completed, PartiallyCompleted or Failed."""
        return self.status in FINISHED_STATES


@dataclass(frozen=True)
class Stop:
    stop_id: int
    source_reference: str
    name: str
    address: str
    trip_date: str
    status: str
    raw: dict = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class WebhookEventType:
    name: str  # e.g. "stop.status-changed"
    description: str = ""


@dataclass(frozen=True)
class Webhook:
    id: int | str
    event_type: str
    url: str
    is_active: bool
    secret: str | None = field(default=None, repr=False)  # on creation only
