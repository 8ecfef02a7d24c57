"""Typed shapes of the L10 Delivery V2 API, in our names (snake_case); mapping.py turns them into
the spec's JSON (PascalCase) and back. Money is Decimal, times are aware datetimes."""
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from .statuses import DeliveryStatus, JobState, JobStatus, QuoteStatus


class TransportType(StrEnum):
    WALKER = "walker"
    BIKE = "bike"
    CARGOBIKE = "cargobike"
    MOTORBIKE = "motorbike"
    CAR = "car"
    VAN = "van"
    TRUCK = "truck"
    MINIVAN = "minivan"
    ANY = "any"


class TaskType(StrEnum):
    PICKUP = "pickup"
    DELIVERY = "delivery"


class PackageSize(StrEnum):
    S = "S"
    M = "M"
    L = "L"
    XL = "XL"


class Flag(StrEnum):
    """Driver actions asked for."""

    SCAN_BARCODE = "scan_barcode"
    PHOTO_ITEM = "photo_item"
    C25 = "c25"
    SIGNATURE = "signature"
    C30 = "c30"


class Tag(StrEnum):
    """Item attributes."""

    HOT = "hot"
    FROZEN = "frozen"
    FRAGILE = "fragile"
    CONTROLLED_DRUG = "controlled_drug"
    REFRIGERATED = "refrigerated"


# --- the quote request ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Address:
    address1: str
    postcode: str
    city: str = ""
    company_name: str = ""
    address2: str = ""
    county: str = ""
    country: str = ""
    notes: str = ""


@dataclass(frozen=True)
class Person:
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    email: str = ""
    notes: str = ""


@dataclass(frozen=True)
class GeoLocation:
    latitude: float
    longitude: float


@dataclass(frozen=True)
class AddressLocation:
    """A place given in full. LineTen requires the coordinates (FAQ 3)."""

    address: Address
    geolocation: GeoLocation
    persons: tuple[Person, ...] = ()


@dataclass(frozen=True)
class StoreLocation:
    """A store LineTen knows by our reference: "When this field is present all the other
    Location fields are ignored"."""

    ext_store_ref: str


TaskLocation = AddressLocation | StoreLocation


@dataclass(frozen=True)
class RequestedWindow:
    start: datetime  # the spec's From
    end: datetime  # the spec's To


@dataclass(frozen=True)
class Task:
    type: TaskType
    location: TaskLocation
    package_sizes: tuple[PackageSize, ...] = ()  # one entry per item: quantity is repetition (FAQ 2)
    flags: tuple[Flag, ...] = ()
    tags: tuple[Tag, ...] = ()
    notes: str = ""
    transport_types: tuple[TransportType, ...] = ()
    # Only read on the delivery task (FAQ 4); a window wins over a time, a time means time + 60 min,
    # neither means ASAP (only providers that take ASAP bookings will quote).
    requested_time: datetime | None = None
    requested_window: RequestedWindow | None = None


@dataclass(frozen=True)
class QuoteRequest:
    """The body of a quote or an immediate booking: one pickup task and one delivery task."""

    pickup: Task
    delivery: Task
    transport_types: tuple[TransportType, ...] = ()
    client_ref: str = ""
    callback_url: str = ""
    notes: str = ""
    delivery_providers: tuple[str, ...] = ()
    flags: tuple[Flag, ...] = ()
    tags: tuple[Tag, ...] = ()

    def __post_init__(self):
        if self.pickup.type != TaskType.PICKUP or self.delivery.type != TaskType.DELIVERY:
            raise ValueError("a quote request needs a pickup task and a delivery task, in that order")

    @property
    def is_store_form(self) -> bool:
        return isinstance(self.pickup.location, StoreLocation)

    @classmethod
    def client_form(
        cls, *, pickup: AddressLocation, delivery: AddressLocation, package_sizes: tuple[PackageSize, ...] = (),
        pickup_flags: tuple[Flag, ...] = (), delivery_flags: tuple[Flag, ...] = (), tags: tuple[Tag, ...] = (),
        requested_window: RequestedWindow | None = None, requested_time: datetime | None = None,
        pickup_notes: str = "", delivery_notes: str = "", **job_fields,
    ) -> "QuoteRequest":
        """A quote made as the client: the pickup address given in full."""
        return cls(
            pickup=Task(TaskType.PICKUP, pickup, package_sizes, pickup_flags, notes=pickup_notes),
            delivery=Task(TaskType.DELIVERY, delivery, package_sizes, delivery_flags, tags, delivery_notes,
                          requested_time=requested_time, requested_window=requested_window),
            **job_fields,
        )

    @classmethod
    def store_form(
        cls, *, ext_store_ref: str, delivery: AddressLocation, **kwargs,
    ) -> "QuoteRequest":
        """A quote made on behalf of a store: LineTen takes the pickup address from its store record."""
        if not ext_store_ref:
            raise ValueError("a store quote needs the store's ExtStoreRef")
        return cls.client_form(pickup=StoreLocation(ext_store_ref), delivery=delivery, **kwargs)  # type: ignore[arg-type]


# --- answers ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Quote:
    quote_response_id: str  # what booking takes as QuoteResponseId
    job_id: int
    id: int | None
    transport_types: tuple[str, ...]
    quote_status: str  # QuoteStatus value; kept as text, LineTen may add statuses
    provider_uuid: str
    provider_name: str  # not in the spec's table; the sandbox sends DeliveryProviderName
    currency: str
    distance: float
    quoted_price: Decimal
    final_total_amount: Decimal
    cancellation_fee: Decimal
    expire_at: datetime | None
    booked_time: datetime | None = None
    provider_job_id: str = ""
    provider_notes: str = ""

    def expired(self, at: datetime) -> bool:
        return self.expire_at is not None and self.expire_at <= at


@dataclass(frozen=True)
class Tracker:
    pickup: str = ""
    delivery: str = ""
    complete: str = ""


@dataclass(frozen=True)
class JobPayload:
    """The job as the quote, booking and immediate booking endpoints return it."""

    job_id: int
    job_uuid: str
    status: str
    delivery_status: str
    quotes: tuple[Quote, ...]
    client_ref: str = ""
    callback_url: str = ""
    transaction_id: str = ""
    expires_at: datetime | None = None
    selected_quote: int | None = None
    entity_id: int | None = None
    tracker: Tracker = field(default_factory=Tracker)
    raw: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def state(self) -> JobState:
        return JobState(self.status, self.delivery_status or None)


@dataclass(frozen=True)
class QuoteResponse(JobPayload):
    def cheapest(self, *, at: datetime | None = None) -> Quote | None:
        live = [q for q in self.quotes if at is None or not q.expired(at)]
        return min(live, key=lambda q: q.quoted_price, default=None)


@dataclass(frozen=True)
class Booking(JobPayload):
    @property
    def booked_quote(self) -> Quote | None:
        """The quote the job is booked on: by SelectedQuote, else the one whose status says so."""
        if self.selected_quote:
            for quote in self.quotes:
                if quote.id == self.selected_quote:
                    return quote
        return next((q for q in self.quotes if q.quote_status == QuoteStatus.BOOKED), None)


@dataclass(frozen=True)
class Cancellation:
    job_id: int
    quotes: tuple[Quote, ...]

    @property
    def cancellation_fee(self) -> Decimal:
        """What the cancellation costs: the fee on the booked quote the answer lists (the spec's
        sample lists just that one); nothing when no listed quote was booked."""
        booked = [q for q in self.quotes
                  if q.quote_status in (QuoteStatus.CANCELLED, QuoteStatus.BOOKED) or q.booked_time is not None]
        if not booked and len(self.quotes) == 1:
            booked = list(self.quotes)
        return sum((q.cancellation_fee for q in booked), Decimal("0"))


# --- callbacks -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Driver:
    id: str = ""
    name: str = ""
    phone: str = ""
    image: str = ""


@dataclass(frozen=True)
class Vehicle:
    id: str = ""
    type: str = ""
    registration: str = ""
    environmental_impact: str = ""
    engine_type: str = ""


@dataclass(frozen=True)
class DriverPosition:
    latitude: float
    longitude: float
    speed: float = 0.0
    heading: float = 0.0
    accuracy: float = 0.0
    moving: bool = False
    altitude: float = 0.0


@dataclass(frozen=True)
class CallbackEvent:
    """One element of the callback array LineTen POSTs to a job's CallbackUrl."""

    id: str  # unique per event: the key callbacks are deduplicated on
    job_id: int
    job_status: JobStatus
    delivery_status: DeliveryStatus | None
    client_ref: str = ""
    quote_id: int = 0
    task_id: int = 0
    transport_type: str = ""
    task_status: str = ""
    quote_status: str = ""
    quote_price: Decimal | None = None
    quote_price_cancelled: Decimal | None = None
    provider_job_id: str = ""
    provider_timestamp: datetime | None = None
    system_timestamp: datetime | None = None
    driver: Driver = field(default_factory=Driver)
    vehicle: Vehicle = field(default_factory=Vehicle)
    position: DriverPosition | None = None
    estimated_pickup: datetime | None = None
    estimated_delivery: datetime | None = None
    raw: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def state(self) -> JobState:
        return JobState(self.job_status, self.delivery_status)

    @property
    def occurred_at(self) -> datetime | None:
        return self.provider_timestamp or self.system_timestamp
