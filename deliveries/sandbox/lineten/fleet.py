"""Made-up drivers, vehicles and positions for sandbox jobs: deterministic per job, so a demo or a
test sees the same driver every time, and plausible enough to draw on a map."""
import math
from dataclasses import dataclass

from deliveries.carriers.lineten.statuses import DeliveryStatus

from .providers import SPEED_KMH

_NAMES = ("Ayesha Khan", "Tom Bell", "Marta Nowak", "Kwame Mensah", "Lucy Evans", "Dev Patel", "Sofia Rossi",
          "Jamie O'Neill")
_LETTERS = "ABCDEFGHJKLMNOPRSTUVWXY"
_MOTOR = {"motorbike", "car", "minivan", "van", "truck"}


@dataclass(frozen=True)
class Position:
    latitude: float
    longitude: float
    speed: float  # m/s
    heading: float  # degrees from north
    moving: bool


def driver_for(job_id: int) -> dict:
    name = _NAMES[job_id % len(_NAMES)]
    driver_id = 1000 + job_id % 997
    return {"Id": str(driver_id), "Name": name, "Phone": f"07700 900{job_id % 1000:03d}",  # Ofcom's drama range
            "Image": ""}


def vehicle_for(job_id: int, transport: str) -> dict:
    registration = ""
    if transport in _MOTOR:
        letters = "".join(_LETTERS[(job_id // 23 ** i) % len(_LETTERS)] for i in range(3))
        registration = f"LT{job_id % 90 + 10} {letters}"
    return {
        "Id": str(5000 + job_id % 4999),
        "Type": transport.upper(),
        "Registration": registration,
        "EnvironmentalImpact": "zero" if transport in ("walker", "bike", "cargobike") else "low",
        "EngineType": {"walker": "none", "bike": "human", "cargobike": "electric", "motorbike": "petrol",
                       "car": "hybrid", "minivan": "diesel", "van": "electric", "truck": "diesel"}.get(transport, ""),
    }


def _bearing(lat1, lon1, lat2, lon2) -> float:
    p1, p2, dl = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
    x = math.sin(dl) * math.cos(p2)
    y = math.cos(p1) * math.sin(p2) - math.sin(p1) * math.cos(p2) * math.cos(dl)
    return round((math.degrees(math.atan2(x, y)) + 360) % 360, 1)


def position_for(*, delivery_status: str, transport: str, pickup: tuple[float, float],
                 drop_off: tuple[float, float]) -> Position | None:
    """Where the driver is at a step: starting a little north-east of the pickup, then halfway,
    at the pickup, halfway to the drop-off, at the drop-off. None before a driver is assigned."""
    start = (pickup[0] + 0.009, pickup[1] + 0.014)  # about 1.4 km away
    speed = round(SPEED_KMH.get(transport, 20) / 3.6, 1)

    def between(a, b, moving):
        at = ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2) if moving else b
        return Position(round(at[0], 6), round(at[1], 6), speed if moving else 0.0, _bearing(*a, *b), moving)

    return {
        DeliveryStatus.DRIVER_ASSIGNED: lambda: Position(round(start[0], 6), round(start[1], 6), 0.0, 0.0, False),
        DeliveryStatus.EN_ROUTE_PICKUP: lambda: between(start, pickup, True),
        DeliveryStatus.AT_PICKUP: lambda: between(start, pickup, False),
        DeliveryStatus.EN_ROUTE_DELIVERY: lambda: between(pickup, drop_off, True),
        DeliveryStatus.AT_DELIVERY: lambda: between(pickup, drop_off, False),
        DeliveryStatus.DELIVERED: lambda: between(pickup, drop_off, False),
    }.get(delivery_status, lambda: None)()
