"""The sandbox's courier market: who quotes what, for how much, and which quote wins.

Pure and deterministic: the same job always gets the same quotes, so tests and demos can rely
on the order of prices. Prices in GBP: base + per-km rate × road distance + a surcharge per large
item; road distance is the straight line (haversine) times a road factor.
"""
import math
import uuid
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

ROAD_FACTOR = 1.3  # roads are longer than the crow flies; 1.3 is typical for a city
CURRENCY = "GBP"
SIZES = ("S", "M", "L", "XL")
SIZE_SURCHARGE = {"S": Decimal("0"), "M": Decimal("0"), "L": Decimal("1.00"), "XL": Decimal("2.50")}
# Average door-to-door speed in town, km/h: what "fastest transport" means when prices tie.
SPEED_KMH = {"walker": 5, "bike": 16, "cargobike": 14, "motorbike": 32, "car": 28, "minivan": 26, "van": 24,
             "truck": 20}
TRANSPORT_TYPES = ("walker", "bike", "cargobike", "motorbike", "car", "van", "truck", "any", "minivan")
_NAMESPACE = uuid.UUID("6f1c3d1e-9a51-4b43-9a0e-3c7f6c1e10a0")


@dataclass(frozen=True)
class Offer:
    transport: str
    base: Decimal
    per_km: Decimal
    cancellation_fee: Decimal
    max_km: float
    max_size: str  # the biggest package it carries
    max_items: int


@dataclass(frozen=True)
class Provider:
    name: str
    minutes_to_pickup: int  # how soon a driver is usually at the pickup
    offers: tuple[Offer, ...]
    asap: bool = True  # False: quotes only when a delivery time or window is asked for (FAQ 4)

    @property
    def uuid(self) -> str:
        return str(uuid.uuid5(_NAMESPACE, self.name))


def _offer(transport, base, per_km, fee, max_km, max_size, max_items) -> Offer:
    return Offer(transport, Decimal(base), Decimal(per_km), Decimal(fee), max_km, max_size, max_items)


PROVIDERS: tuple[Provider, ...] = (
    Provider("Zoom Couriers", 8, (
        _offer("bike", "3.50", "1.10", "1.00", 8, "M", 2),
        _offer("motorbike", "4.20", "0.95", "1.50", 40, "M", 3),
    )),
    Provider("Stuart", 12, (
        _offer("car", "5.00", "0.90", "2.50", 80, "L", 10),
        _offer("van", "8.50", "1.20", "4.00", 200, "XL", 40),
    )),
    Provider("Gophr", 10, (
        _offer("cargobike", "4.00", "1.00", "1.50", 15, "L", 6),
        _offer("car", "5.40", "0.85", "2.00", 80, "L", 10),
    )),
    Provider("Parcel Express", 30, (
        _offer("van", "7.90", "1.05", "3.50", 300, "XL", 40),
        _offer("truck", "14.00", "1.60", "8.00", 500, "XL", 200),
    ), asap=False),
)
PROVIDERS_BY_NAME = {p.name.lower(): p for p in PROVIDERS}


@dataclass(frozen=True)
class PricedOffer:
    provider: Provider
    offer: Offer
    price: Decimal
    distance_km: float
    minutes_to_pickup: int
    minutes_to_deliver: int  # from booking to drop-off

    @property
    def speed_kmh(self) -> int:
        return SPEED_KMH.get(self.offer.transport, 0)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    r = 6371.0088
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


def road_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    return round(haversine_km(lat1, lon1, lat2, lon2) * ROAD_FACTOR, 3)


def price_offers(
    *, distance_km: float, package_sizes: list[str], transport_types: set[str], provider_names: set[str],
    asap: bool,
) -> list[PricedOffer]:
    """Every (provider, transport) pair that can and will take the job, cheapest first.

    transport_types / provider_names empty (or "any") mean no restriction."""
    wanted = set(transport_types) - {"any"}
    sizes = package_sizes or ["M"]  # a task without items still carries something
    largest = max(SIZES.index(s) for s in sizes)
    surcharge = sum((SIZE_SURCHARGE[s] for s in sizes), Decimal("0"))
    priced = []
    for provider in PROVIDERS:
        if provider_names and provider.name.lower() not in provider_names:
            continue
        if asap and not provider.asap:
            continue
        for offer in provider.offers:
            if wanted and offer.transport not in wanted:
                continue
            if distance_km > offer.max_km or largest > SIZES.index(offer.max_size) or len(sizes) > offer.max_items:
                continue
            price = (offer.base + offer.per_km * Decimal(str(distance_km)) + surcharge).quantize(
                Decimal("0.01"), ROUND_HALF_UP)
            ride = math.ceil(distance_km / SPEED_KMH[offer.transport] * 60)
            priced.append(PricedOffer(provider, offer, price, distance_km, provider.minutes_to_pickup,
                                      provider.minutes_to_pickup + 5 + ride))
    return sorted(priced, key=best_order)


def best_key(*, price: Decimal, transport: str, minutes_to_pickup: int, provider_name: str) -> tuple:
    """Immediate booking's rule: the cheapest; on a tie the fastest transport, then the earliest
    pickup, then the provider's name (so the choice never depends on database order)."""
    return price, -SPEED_KMH.get(transport, 0), minutes_to_pickup, provider_name


def best_order(offer: PricedOffer) -> tuple:
    return best_key(price=offer.price, transport=offer.offer.transport, minutes_to_pickup=offer.minutes_to_pickup,
                    provider_name=offer.provider.name)
