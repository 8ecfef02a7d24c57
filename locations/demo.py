"""Demo stores and warehouses for `load_demo_data` (idempotent: keyed on retailer + ref)."""
from .models import Location

DEMO_LOCATIONS = [
    # ref, name, type, time zone
    ("LDN-SOHO", "Soho Store", Location.Type.STORE, "Europe/London"),
    ("LDN-CAMD", "Camden Store", Location.Type.STORE, "Europe/London"),
    ("MAN-PICC", "Manchester Piccadilly Store", Location.Type.STORE, "Europe/London"),
    ("BHM-BULL", "Birmingham Bullring Store", Location.Type.STORE, "Europe/London"),
    ("EDI-PRIN", "Edinburgh Princes Street Store", Location.Type.STORE, "Europe/London"),
    ("DUB-GRAF", "Dublin Grafton Street Store", Location.Type.STORE, "Europe/Dublin"),
    ("WH-DART", "Dartford Distribution Centre", Location.Type.WAREHOUSE, "Europe/London"),
    ("WH-DAVE", "Daventry National Warehouse", Location.Type.WAREHOUSE, "Europe/London"),
]


def demo_locations_load() -> list[Location]:
    locations = []
    for ref, name, type_, tz in DEMO_LOCATIONS:
        location, _ = Location.objects.get_or_create(
            retailer="1", ref=ref, defaults={"name": name, "type": type_, "time_zone": tz}
        )
        locations.append(location)
    return locations
