"""Demo stores and warehouses for `load_demo_data`: two retailers, several time zones, varied
hours (closed days, late nights, a 24-hour site). Idempotent: keyed on retailer + ref."""
from django.db import transaction

from .models import Location, LocationAttribute, LocationEta, LocationNetwork, Network, StorageArea

STD = {"mon": (900, 1800), "tue": (900, 1800), "wed": (900, 1800), "thu": (900, 2000),
       "fri": (900, 1800), "sat": (1000, 1700), "sun": (1100, 1600)}
CITY = {**STD, "mon": (800, 2000), "tue": (800, 2000), "wed": (800, 2000), "thu": (800, 2100), "fri": (800, 2000),
        "sat": (900, 1900), "sun": (1000, 1800)}
NO_SUNDAY = {**STD, "sun": (0, 0)}
WEEKDAYS = {**STD, "sat": (0, 0), "sun": (0, 0)}
ALL_DAY = {day: (0, 2400) for day in STD}
SHIFTS = {**{day: (600, 2200) for day in STD}, "sun": (800, 1600)}

# retailer, ref, name, type, time zone, street, city, state, postcode, country, lat, lon, hours, networks
DEMO_LOCATIONS = [
    ("1", "LDN-SOHO", "Soho Store", "STORE", "Europe/London", "12 Carnaby Street", "London", "", "W1F 9PS", "United Kingdom", 51.5133, -0.1389, CITY, ["UK-CC", "UK-HD"]),
    ("1", "LDN-CAMD", "Camden Store", "STORE", "Europe/London", "200 Camden High Street", "London", "", "NW1 8QP", "United Kingdom", 51.5390, -0.1426, CITY, ["UK-CC"]),
    ("1", "LDN-KENS", "Kensington Store", "STORE", "Europe/London", "99 Kensington High Street", "London", "", "W8 5SA", "United Kingdom", 51.5010, -0.1925, STD, ["UK-CC", "UK-CP"]),
    ("1", "LDN-CANW", "Canary Wharf Store", "STORE", "Europe/London", "Cabot Place", "London", "", "E14 4QT", "United Kingdom", 51.5048, -0.0195, WEEKDAYS, ["UK-CC"]),
    ("1", "LDN-STRA", "Stratford Store", "STORE", "Europe/London", "Westfield Stratford City", "London", "", "E20 1EJ", "United Kingdom", 51.5431, -0.0066, CITY, ["UK-CC", "UK-CP"]),
    ("1", "MAN-PICC", "Manchester Piccadilly Store", "STORE", "Europe/London", "Piccadilly Gardens", "Manchester", "", "M1 1RG", "United Kingdom", 53.4810, -2.2369, CITY, ["UK-CC", "UK-HD"]),
    ("1", "MAN-TRAF", "Trafford Centre Store", "STORE", "Europe/London", "The Trafford Centre", "Manchester", "", "M17 8AA", "United Kingdom", 53.4668, -2.3488, STD, ["UK-CC"]),
    ("1", "LIV-ONE", "Liverpool ONE Store", "STORE", "Europe/London", "5 Wall Street", "Liverpool", "", "L1 8JQ", "United Kingdom", 53.4036, -2.9867, STD, ["UK-CC"]),
    ("1", "LDS-TRIN", "Leeds Trinity Store", "STORE", "Europe/London", "27 Albion Street", "Leeds", "", "LS1 5AT", "United Kingdom", 53.7962, -1.5454, STD, ["UK-CC"]),
    ("1", "SHF-MEAD", "Meadowhall Store", "STORE", "Europe/London", "Meadowhall Centre", "Sheffield", "", "S9 1EP", "United Kingdom", 53.4146, -1.4125, NO_SUNDAY, ["UK-CC"]),
    ("1", "BHM-BULL", "Birmingham Bullring Store", "STORE", "Europe/London", "Bullring", "Birmingham", "", "B5 4BU", "United Kingdom", 52.4775, -1.8936, CITY, ["UK-CC", "UK-HD"]),
    ("1", "NOT-VICT", "Nottingham Victoria Store", "STORE", "Europe/London", "Victoria Centre", "Nottingham", "", "NG1 3QN", "United Kingdom", 52.9566, -1.1478, STD, ["UK-CC"]),
    ("1", "BRS-CAB", "Bristol Cabot Circus Store", "STORE", "Europe/London", "Glass House, Cabot Circus", "Bristol", "", "BS1 3BX", "United Kingdom", 51.4590, -2.5847, STD, ["UK-CC", "UK-CP"]),
    ("1", "CDF-QUEN", "Cardiff Queen Street Store", "STORE", "Europe/London", "68 Queen Street", "Cardiff", "", "CF10 2GR", "United Kingdom", 51.4816, -3.1743, NO_SUNDAY, ["UK-CC"]),
    ("1", "SOU-WQ", "Southampton WestQuay Store", "STORE", "Europe/London", "WestQuay", "Southampton", "", "SO15 1QF", "United Kingdom", 50.9049, -1.4060, STD, ["UK-CC"]),
    ("1", "BTN-CHUR", "Brighton Churchill Square Store", "STORE", "Europe/London", "Churchill Square", "Brighton", "", "BN1 2RG", "United Kingdom", 50.8226, -0.1462, STD, ["UK-CC"]),
    ("1", "OXF-WEST", "Oxford Westgate Store", "STORE", "Europe/London", "Westgate Centre", "Oxford", "", "OX1 1TR", "United Kingdom", 51.7504, -1.2599, STD, ["UK-CC"]),
    ("1", "CAM-GRAN", "Cambridge Grand Arcade Store", "STORE", "Europe/London", "Grand Arcade", "Cambridge", "", "CB2 3BJ", "United Kingdom", 52.2035, 0.1217, NO_SUNDAY, ["UK-CC"]),
    ("1", "NCL-ELD", "Newcastle Eldon Square Store", "STORE", "Europe/London", "Eldon Square", "Newcastle upon Tyne", "", "NE1 7JB", "United Kingdom", 54.9753, -1.6152, STD, ["UK-CC"]),
    ("1", "EDI-PRIN", "Edinburgh Princes Street Store", "STORE", "Europe/London", "104 Princes Street", "Edinburgh", "", "EH2 3AA", "United Kingdom", 55.9521, -3.1965, CITY, ["UK-CC"]),
    ("1", "GLA-BUCH", "Glasgow Buchanan Street Store", "STORE", "Europe/London", "220 Buchanan Street", "Glasgow", "", "G1 2GF", "United Kingdom", 55.8627, -4.2543, CITY, ["UK-CC"]),
    ("1", "BFS-VICT", "Belfast Victoria Square Store", "STORE", "Europe/London", "1 Victoria Square", "Belfast", "", "BT1 4QG", "United Kingdom", 54.5985, -5.9269, NO_SUNDAY, ["UK-CC"]),
    ("1", "DUB-GRAF", "Dublin Grafton Street Store", "STORE", "Europe/Dublin", "52 Grafton Street", "Dublin", "", "D02 YX88", "Ireland", 53.3414, -6.2600, CITY, ["IE-CC"]),
    ("1", "DUB-DUND", "Dundrum Store", "STORE", "Europe/Dublin", "Dundrum Town Centre", "Dublin", "", "D16 A0K7", "Ireland", 53.2866, -6.2417, STD, ["IE-CC"]),
    ("1", "CRK-PATR", "Cork Patrick Street Store", "STORE", "Europe/Dublin", "96 Patrick Street", "Cork", "", "T12 X7RP", "Ireland", 51.8985, -8.4727, NO_SUNDAY, ["IE-CC"]),
    ("1", "WH-DART", "Dartford Distribution Centre", "WAREHOUSE", "Europe/London", "Crossways Business Park", "Dartford", "Kent", "DA2 6QG", "United Kingdom", 51.4560, 0.2538, ALL_DAY, ["UK-HD"]),
    ("1", "WH-DAVE", "Daventry National Warehouse", "WAREHOUSE", "Europe/London", "DIRFT, Crick", "Daventry", "Northamptonshire", "NN6 7GZ", "United Kingdom", 52.3412, -1.1744, SHIFTS, ["UK-HD"]),
    ("1", "WH-BELL", "Bellshill Warehouse", "WAREHOUSE", "Europe/London", "Righead Industrial Estate", "Bellshill", "North Lanarkshire", "ML4 3LP", "United Kingdom", 55.8240, -4.0250, SHIFTS, ["UK-HD"]),
    ("1", "WH-DUBL", "Dublin Port Warehouse", "WAREHOUSE", "Europe/Dublin", "Alexandra Road", "Dublin", "", "D01 H4C6", "Ireland", 53.3476, -6.2100, WEEKDAYS, ["IE-CC"]),
    ("2", "SYD-PITT", "Sydney Pitt Street Store", "STORE", "Australia/Sydney", "188 Pitt Street", "Sydney", "NSW", "2000", "Australia", -33.8700, 151.2080, CITY, ["AU-CC", "AU-CP"]),
    ("2", "SYD-BOND", "Bondi Junction Store", "STORE", "Australia/Sydney", "500 Oxford Street", "Bondi Junction", "NSW", "2022", "Australia", -33.8918, 151.2504, STD, ["AU-CC"]),
    ("2", "F_GFD", "Gosford Imperial Centre Store", "STORE", "Australia/Sydney", "171 Mann St", "Gosford", "NSW", "2250", "Australia", -33.4193, 151.3439, NO_SUNDAY, ["AU-CC"]),
    ("2", "MEL-BOUR", "Melbourne Bourke Street Store", "STORE", "Australia/Melbourne", "299 Bourke Street", "Melbourne", "VIC", "3000", "Australia", -37.8136, 144.9631, CITY, ["AU-CC", "AU-CP"]),
    ("2", "MEL-CHAD", "Chadstone Store", "STORE", "Australia/Melbourne", "1341 Dandenong Road", "Chadstone", "VIC", "3148", "Australia", -37.8862, 145.0830, STD, ["AU-CC"]),
    ("2", "BNE-QSM", "Brisbane Queen Street Store", "STORE", "Australia/Brisbane", "101A Queen Street Mall", "Brisbane", "QLD", "4000", "Australia", -27.4697, 153.0257, STD, ["AU-CC"]),
    ("2", "PER-MURR", "Perth Murray Street Store", "STORE", "Australia/Perth", "200 Murray Street", "Perth", "WA", "6000", "Australia", -31.9523, 115.8613, NO_SUNDAY, ["AU-CC"]),
    ("2", "ADL-RUND", "Adelaide Rundle Mall Store", "STORE", "Australia/Adelaide", "100 Rundle Mall", "Adelaide", "SA", "5000", "Australia", -34.9228, 138.6020, STD, ["AU-CC"]),
    ("2", "AKL-QUEN", "Auckland Queen Street Store", "STORE", "Pacific/Auckland", "205 Queen Street", "Auckland", "", "1010", "New Zealand", -36.8485, 174.7633, STD, ["AU-CC"]),
    ("2", "WH-SYD", "Sydney Distribution Centre", "WAREHOUSE", "Australia/Sydney", "Wonderland Drive", "Eastern Creek", "NSW", "2766", "Australia", -33.8030, 150.8530, ALL_DAY, ["AU-HD"]),
    ("2", "WH-MEL", "Melbourne Distribution Centre", "WAREHOUSE", "Australia/Melbourne", "Palm Springs Road", "Ravenhall", "VIC", "3023", "Australia", -37.7640, 144.7480, SHIFTS, ["AU-HD"]),
    ("2", "WH-BNE", "Brisbane Warehouse", "WAREHOUSE", "Australia/Brisbane", "Pinnacle Road", "Richlands", "QLD", "4077", "Australia", -27.5960, 152.9540, WEEKDAYS, ["AU-HD"]),
]

DEMO_NETWORKS = [
    # retailer, ref, name, type
    ("1", "UK-CC", "UK Click & Collect", "CC"),
    ("1", "UK-HD", "UK Home Delivery", "HD"),
    ("1", "UK-CP", "UK Collection Points", "CP"),
    ("1", "IE-CC", "Ireland Click & Collect", "CC"),
    ("2", "AU-CC", "AU Click & Collect", "CC"),
    ("2", "AU-HD", "AU Home Delivery", "HD"),
    ("2", "AU-CP", "AU Collection Points", "CP"),
]


@transaction.atomic
def demo_locations_load() -> list[Location]:
    networks = {}
    for retailer, ref, name, type_ in DEMO_NETWORKS:
        networks[(retailer, ref)], _ = Network.objects.get_or_create(
            retailer=retailer, ref=ref, defaults={"name": name, "type": type_}
        )
    locations = []
    for retailer, ref, name, type_, tz, street, city, state, postcode, country, lat, lon, hours, nets in DEMO_LOCATIONS:
        location, created = Location.objects.get_or_create(
            retailer=retailer,
            ref=ref,
            defaults=dict(
                name=name, type=type_, time_zone=tz, street=street, city=city, state=state, postcode=postcode,
                country=country, latitude=lat, longitude=lon, business_name="Northwind" if retailer == "1" else "Southern Cross Home",
                email=f"{ref.lower().replace('_', '-')}@example.com", support_phone="+44 20 7946 0000" if retailer == "1" else "+61 2 9000 0000",
                pick_and_pack_time_limit=3 if type_ == "STORE" else 24,
                directions="Goods-in at the rear, via the service road." if type_ == "WAREHOUSE" else "",
            ),
        )
        if created:
            location.set_week(hours)
            location.save()
            for net in nets:
                network = networks[(retailer, net)]
                LocationNetwork.objects.create(location=location, network=network, role=LocationNetwork.Role.MEMBER)
                if network.type == Network.Type.HD:  # warehouses and flagships ship home deliveries
                    LocationNetwork.objects.create(
                        location=location, network=network, role=LocationNetwork.Role.INVENTORY_HOME_DELIVERY
                    )
            StorageArea.objects.create(location=location, ref="BACK", name="Back room", type="BACK_ROOM")
            if type_ == "STORE":
                StorageArea.objects.create(location=location, ref="COUNTER", name="Collection counter", type="SERVICE_COUNTER")
            LocationAttribute.objects.create(location=location, name="Loading bay", type="string",
                                             value="Yes" if type_ == "WAREHOUSE" else "No")
        locations.append(location)
    by_ref = {(loc.retailer, loc.ref): loc for loc in locations}
    for (retailer, warehouse), stores in {("1", "WH-DART"): ["LDN-SOHO", "LDN-CAMD", "LDN-KENS", "BTN-CHUR"],
                                          ("2", "WH-SYD"): ["SYD-PITT", "SYD-BOND", "F_GFD"]}.items():
        for minutes, store in enumerate(stores, start=1):
            LocationEta.objects.get_or_create(
                from_location=by_ref[(retailer, warehouse)], to_location=by_ref[(retailer, store)],
                defaults={"minutes": 40 + 15 * minutes},
            )
    return locations
