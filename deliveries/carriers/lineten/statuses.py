"""LineTen's Job Status / Delivery Status table (spec: "Job & Delivery Status"), and the order
the portal holds them to: a job only ever moves forward.

The wire values are the spec's lower-case names; callbacks are matched case-insensitively
(the spec's own sample mixes cases, e.g. TransportType "CAR").
"""
from typing import NamedTuple

from django.db import models


class JobStatus(models.TextChoices):
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    PENDING = "pending", "Pending"
    IN_QUEUE = "in_queue", "In queue"
    PRE_QUOTE = "pre_quote", "Pre-quote"
    QUOTED = "quoted", "Quoted"
    BOOKED = "booked", "Booked"
    IN_PROGRESS = "in_progress", "In progress"
    CANCELLED = "cancelled", "Cancelled"
    EXPIRED = "expired", "Expired"
    ERROR = "error", "Error"
    REJECTED = "rejected", "Rejected"
    CLOSED = "closed", "Closed"


class DeliveryStatus(models.TextChoices):
    IDLE = "idle", "Idle"
    PENDING = "pending", "Pending"
    DRIVER_ASSIGNED = "driver_assigned", "Driver assigned"
    EN_ROUTE_PICKUP = "en_route_pickup", "En route to pickup"
    AT_PICKUP = "at_pickup", "At pickup"
    EN_ROUTE_DELIVERY = "en_route_delivery", "En route to delivery"
    AT_DELIVERY = "at_delivery", "At delivery"
    WAITING = "waiting", "Waiting"
    CANCELLED = "cancelled", "Cancelled"
    ERROR = "error", "Error"
    REJECTED = "rejected", "Rejected"
    DELIVERED = "delivered", "Delivered"


class QuoteStatus(models.TextChoices):
    """Statuses of one quote. The spec shows "quoted" and "archived"; the others are our reading."""

    QUOTED = "quoted", "Quoted"
    BOOKED = "booked", "Booked"
    ARCHIVED = "archived", "Archived"  # a sibling of the booked quote, or a quote of a cancelled job
    CANCELLED = "cancelled", "Cancelled"  # the booked quote of a cancelled job
    EXPIRED = "expired", "Expired"


# The spec's table: which delivery statuses go with each job status.
DELIVERY_STATUSES_FOR_JOB: dict[str, frozenset[str]] = {
    JobStatus.ACKNOWLEDGED: frozenset({DeliveryStatus.IDLE}),
    JobStatus.PENDING: frozenset({DeliveryStatus.IDLE}),
    JobStatus.IN_QUEUE: frozenset({DeliveryStatus.IDLE}),
    JobStatus.PRE_QUOTE: frozenset({DeliveryStatus.IDLE}),
    JobStatus.QUOTED: frozenset({DeliveryStatus.IDLE}),
    JobStatus.BOOKED: frozenset({DeliveryStatus.IDLE, DeliveryStatus.PENDING}),
    JobStatus.IN_PROGRESS: frozenset({
        DeliveryStatus.DRIVER_ASSIGNED, DeliveryStatus.EN_ROUTE_PICKUP, DeliveryStatus.AT_PICKUP,
        DeliveryStatus.EN_ROUTE_DELIVERY, DeliveryStatus.AT_DELIVERY, DeliveryStatus.WAITING,
    }),
    JobStatus.CANCELLED: frozenset({DeliveryStatus.CANCELLED}),
    JobStatus.EXPIRED: frozenset({DeliveryStatus.CANCELLED}),
    JobStatus.ERROR: frozenset({DeliveryStatus.ERROR}),
    JobStatus.REJECTED: frozenset({DeliveryStatus.REJECTED}),
    JobStatus.CLOSED: frozenset({DeliveryStatus.DELIVERED}),
}

FINAL_JOB_STATUSES = frozenset({
    JobStatus.CANCELLED, JobStatus.EXPIRED, JobStatus.ERROR, JobStatus.REJECTED, JobStatus.CLOSED,
})
FINAL_DELIVERY_STATUSES = frozenset({
    DeliveryStatus.CANCELLED, DeliveryStatus.ERROR, DeliveryStatus.REJECTED, DeliveryStatus.DELIVERED,
})

_FINAL = 100
_JOB_RANK = {
    JobStatus.ACKNOWLEDGED: 0, JobStatus.PENDING: 1, JobStatus.IN_QUEUE: 2, JobStatus.PRE_QUOTE: 3,
    JobStatus.QUOTED: 4, JobStatus.BOOKED: 5, JobStatus.IN_PROGRESS: 6,
    **{status: _FINAL for status in FINAL_JOB_STATUSES},
}
# "waiting" does not say whether the driver waits at the pickup or at the drop-off. It ranks just
# after driver_assigned so that it can never hide later progress: a "waiting" that arrives after
# at_pickup is recorded but does not change the status, whereas the opposite choice (ranking it
# last, as the spec lists it) would make every later step look like a step back.
_DELIVERY_RANK = {
    DeliveryStatus.IDLE: 0, DeliveryStatus.PENDING: 1, DeliveryStatus.DRIVER_ASSIGNED: 2,
    DeliveryStatus.WAITING: 2.5, DeliveryStatus.EN_ROUTE_PICKUP: 3, DeliveryStatus.AT_PICKUP: 4,
    DeliveryStatus.EN_ROUTE_DELIVERY: 5, DeliveryStatus.AT_DELIVERY: 6,
    **{status: _FINAL for status in FINAL_DELIVERY_STATUSES},
}


class JobState(NamedTuple):
    """Where a LineTen job is: the pair every callback carries. delivery may be None (not sent)."""

    job: str
    delivery: str | None = None

    @property
    def is_final(self) -> bool:
        return self.job in FINAL_JOB_STATUSES


# The path the sandbox walks a booked job along, one step per tick interval; also the order in
# which a real job normally reports itself.
PROGRESSION: tuple[JobState, ...] = (
    JobState(JobStatus.BOOKED, DeliveryStatus.PENDING),
    JobState(JobStatus.IN_PROGRESS, DeliveryStatus.DRIVER_ASSIGNED),
    JobState(JobStatus.IN_PROGRESS, DeliveryStatus.EN_ROUTE_PICKUP),
    JobState(JobStatus.IN_PROGRESS, DeliveryStatus.AT_PICKUP),
    JobState(JobStatus.IN_PROGRESS, DeliveryStatus.EN_ROUTE_DELIVERY),
    JobState(JobStatus.IN_PROGRESS, DeliveryStatus.AT_DELIVERY),
    JobState(JobStatus.CLOSED, DeliveryStatus.DELIVERED),
)


def job_status(value: str) -> JobStatus:
    """The JobStatus named by a wire value (any case); ValueError for an unknown one."""
    try:
        return JobStatus(str(value).strip().lower())
    except ValueError:
        raise ValueError(f"{value!r} is not a LineTen job status") from None


def delivery_status(value: str) -> DeliveryStatus:
    try:
        return DeliveryStatus(str(value).strip().lower())
    except ValueError:
        raise ValueError(f"{value!r} is not a LineTen delivery status") from None


def is_final(job: str) -> bool:
    return job in FINAL_JOB_STATUSES


def consistent(job: str, delivery: str | None) -> bool:
    """Whether the pair is one the spec's table allows (a missing delivery status is allowed)."""
    return delivery is None or delivery in DELIVERY_STATUSES_FOR_JOB.get(job, frozenset())


def _state(value: "JobState | tuple | str | None") -> JobState | None:
    if value is None:
        return None
    if isinstance(value, str):
        return JobState(value)
    return JobState(*value)


def _rank(state: JobState) -> tuple[float, float]:
    if state.job not in _JOB_RANK:
        raise ValueError(f"{state.job!r} is not a LineTen job status")
    if state.delivery is not None and state.delivery not in _DELIVERY_RANK:
        raise ValueError(f"{state.delivery!r} is not a LineTen delivery status")
    # A missing delivery status ranks below every known one: such an event never overtakes a
    # known step of the same job status (it is typically a location-only update).
    return _JOB_RANK[state.job], _DELIVERY_RANK.get(state.delivery, -1)


def moves_forward(current: "JobState | tuple | str | None", new: "JobState | tuple | str") -> bool:
    """True when `new` is a later state than `current`: the only kind of change to apply.

    Each argument is a JobState, a (job status, delivery status) pair or a bare job status.
    Nothing moves a job out of a final status; any non-final status may end in a final one
    (the carrier may cancel or reject at any point)."""
    before, after = _state(current), _state(new)
    if before is None:
        _rank(after)  # still refuse unknown values
        return True
    if before.is_final:
        _rank(after)
        return False
    return _rank(after) > _rank(before)


def cancellable(job: "JobState | tuple | str", delivery: str | None = None) -> bool:
    """Whether LineTen accepts a cancellation: "A job can be canceled up to EN ROUTE PICKUP",
    and never once it is final. Takes (job status, delivery status) or a JobState."""
    state = _state(job) if delivery is None else JobState(job, delivery)
    if state.is_final:
        return False
    if state.job != JobStatus.IN_PROGRESS:
        return True  # not under way yet: quoted, booked, or earlier
    # "waiting" (and a missing delivery status) may already be past the pickup: say no, and let
    # the carrier's answer stand should it be asked anyway.
    return state.delivery in (DeliveryStatus.DRIVER_ASSIGNED, DeliveryStatus.EN_ROUTE_PICKUP)
