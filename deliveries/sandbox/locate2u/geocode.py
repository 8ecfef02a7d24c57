"""The sandbox's stand-in for Locate2u's geocoder: deterministic, offline, and with addresses that
fail on purpose so a demo or a test can show a partially completed import.

Fails: an address containing "Nowhere", or the postcode "ZZ99 9ZZ" (an invalid UK postcode).
"""
import hashlib
import re

_UNFINDABLE = re.compile(r"nowhere|\bZZ99\s*9ZZ\b", re.IGNORECASE)

# Stops without coordinates are put near Sydney (the spec's examples are Australian).
_ORIGIN = (-33.8688, 151.2093)


def address_is_unfindable(address: str) -> bool:
    return bool(_UNFINDABLE.search(address))


def coordinates_for(address: str) -> tuple[float, float]:
    """The same address always lands on the same spot, within about 20 km of the origin."""
    digest = hashlib.sha256(address.strip().casefold().encode()).digest()
    north = int.from_bytes(digest[:4], "big") / 2**32 - 0.5
    east = int.from_bytes(digest[4:8], "big") / 2**32 - 0.5
    return round(_ORIGIN[0] + north * 0.36, 6), round(_ORIGIN[1] + east * 0.44, 6)
