"""Batch validation (issue 5/8): THE spec validation (validate_batch_delivery) of a batch of
2,000 items, 20 pickups and 2,000 drop-offs, every optional field filled, against json.loads of
the same body — the least any endpoint taking that body must spend on it."""
import json

N_ITEMS = 2000
N_PICKUPS = 20
N_DROPOFFS = 2000
TARGET = 5.0
SERVICE_DATE = "2024-01-15"


def big_payload(*, reference: str = "BENCH-BATCH-001", items: int = N_ITEMS, pickups: int = N_PICKUPS,
                dropoffs: int = N_DROPOFFS) -> dict:
    """A valid batch: each pickup collects an equal share of the items, each drop-off delivers one."""
    refs = [f"ITEM-{i:05d}" for i in range(items)]
    share = -(-items // pickups)
    return {
        "batchSourceReference": reference,
        "batchDescription": "Benchmark batch, every field filled",
        "teamSourceReference": "TEAM-NORTH",
        "customerSourceReference": "CUST-123",
        "serviceDate": SERVICE_DATE,
        "items": [{
            "itemSourceReference": ref, "barcode": f"{9300000000000 + i}", "description": f"Parcel {i}",
            "quantity": 1 + i % 3, "productReference": f"SKU-{i % 97:03d}", "productVariantId": 1 + i % 50,
            "serviceId": 7, "status": "Ready", "contents": {"isFragile": i % 2 == 0, "isLiquid": False},
            "load": {"weight": 2.5, "length": 40, "width": 30, "height": 20, "volume": 24000, "quantity": 1},
            "customFields": {"orderNumber": f"ORD-{i:06d}", "priority": i % 3},
        } for i, ref in enumerate(refs)],
        "pickups": [{
            "stopSourceReference": f"PICKUP-{p:03d}", "name": f"Warehouse {p}",
            "address": f"{p + 1} Industrial Ave, Sydney NSW 2000",
            "contact": {"name": "Warehouse Manager", "phone": "+61400000001", "email": "dock@example.com"},
            "location": {"latitude": -33.8688, "longitude": 151.2093},
            "tripDate": f"{SERVICE_DATE}T08:00:00", "appointmentTime": "08:00",
            "timeWindowStart": f"{SERVICE_DATE}T07:00:00", "timeWindowEnd": f"{SERVICE_DATE}T10:00:00",
            "durationMinutes": 30, "notes": "Use loading dock B", "skills": ["forklift"],
            "driverInstructions": {"notes": "Call ahead", "accessInstructions": "Gate 2"},
            "itemSourceReferences": refs[p * share:(p + 1) * share],
            "warehouseSourceReference": f"WH-{p:03d}", "requireAllItemsBeforeRelease": True,
        } for p in range(pickups)],
        "dropoffs": [{
            "stopSourceReference": f"DROPOFF-{d:05d}", "name": f"Customer {d}",
            "address": f"{d + 1} Main Street, Parramatta NSW 2150",
            "contact": {"name": f"Customer {d}", "phone": "+61400000002", "email": f"c{d}@example.com"},
            "location": {"latitude": -33.815 + d * 1e-5, "longitude": 151.0011},
            "tripDate": f"{SERVICE_DATE}T{9 + d % 8:02d}:00:00", "appointmentTime": f"{9 + d % 8:02d}:30",
            "timeWindowStart": f"{SERVICE_DATE}T{9 + d % 8:02d}:00:00",
            "timeWindowEnd": f"{SERVICE_DATE}T{10 + d % 8:02d}:00:00",
            "durationMinutes": 10, "notes": "Leave at front door", "customFields": {"gate": "B"},
            "itemSourceReferences": [refs[d % items]], "sequence": d + 1, "requireProofOfDelivery": True,
        } for d in range(dropoffs)],
    }


def run(*, Row, best_of_both):
    from deliveries.spec import validate_batch_delivery

    body = json.dumps(big_payload())
    payload = json.loads(body)
    errors = validate_batch_delivery(payload)
    assert not errors, errors[:3]

    measured, baseline = best_of_both(lambda: validate_batch_delivery(payload), lambda: json.loads(body), repeat=9)
    ratio = measured / baseline
    return Row(
        scenario="batch validation",
        measured=f"validate_batch_delivery, {N_ITEMS:,} items / {N_PICKUPS} pickups / {N_DROPOFFS:,} drop-offs",
        seconds=measured, baseline="json.loads of the same body", baseline_seconds=baseline,
        target=f"≤ {TARGET:g}×", ratio=ratio, passed=ratio <= TARGET,
        notes=f"body {len(body) / 1e6:.1f} MB, no queries",
    )
