"""The spec's "Complete Example Request" (Batch Delivery API), verbatim, and a valid single stop."""
import copy

SPEC_COMPLETE_EXAMPLE = {
    "batchSourceReference": "BATCH-2024-001",
    "batchDescription": "Morning deliveries - North Region",
    "teamSourceReference": "TEAM-NORTH",
    "customerSourceReference": "CUST-123",
    "serviceDate": "2024-01-15",
    "items": [
        {
            "itemSourceReference": "ITEM-001",
            "barcode": "1234567890123",
            "description": "Large Package",
            "quantity": 1,
            "contents": {"isFragile": True},
            "load": {"weight": 10.5, "length": 50, "width": 40, "height": 30},
        },
        {
            "itemSourceReference": "ITEM-002",
            "barcode": "1234567890124",
            "description": "Small Package",
            "quantity": 2,
        },
    ],
    "pickups": [
        {
            "stopSourceReference": "PICKUP-001",
            "name": "Central Warehouse",
            "address": "100 Warehouse Road, Sydney NSW 2000",
            "contact": {"name": "Warehouse Manager", "phone": "+61400000001"},
            "tripDate": "2024-01-15T08:00:00",
            "timeWindowStart": "2024-01-15T07:00:00",
            "timeWindowEnd": "2024-01-15T10:00:00",
            "durationMinutes": 20,
            "itemSourceReferences": ["ITEM-001", "ITEM-002"],
            "warehouseSourceReference": "WH-CENTRAL",
        }
    ],
    "dropoffs": [
        {
            "stopSourceReference": "DROPOFF-001",
            "name": "Customer A",
            "address": "50 Main Street, Parramatta NSW 2150",
            "contact": {"name": "Alice Johnson", "phone": "+61400000002", "email": "[email protected]"},
            "tripDate": "2024-01-15T11:00:00",
            "timeWindowStart": "2024-01-15T10:00:00",
            "timeWindowEnd": "2024-01-15T12:00:00",
            "durationMinutes": 10,
            "notes": "Leave at front door if not home",
            "itemSourceReferences": ["ITEM-001"],
            "sequence": 1,
            "requireProofOfDelivery": True,
        },
        {
            "stopSourceReference": "DROPOFF-002",
            "name": "Customer B",
            "address": "75 Side Street, Chatswood NSW 2067",
            "contact": {"name": "Bob Smith", "phone": "+61400000003"},
            "tripDate": "2024-01-15T13:00:00",
            "timeWindowStart": "2024-01-15T12:00:00",
            "timeWindowEnd": "2024-01-15T14:00:00",
            "durationMinutes": 10,
            "itemSourceReferences": ["ITEM-002"],
            "sequence": 2,
            "requireProofOfDelivery": True,
        },
    ],
}

STOP = {
    "stopSourceReference": "STOP-001",
    "name": "Customer C",
    "address": "1 George Street, Sydney NSW 2000",
    "contact": {"name": "Carol", "phone": "+61400000004"},
    "location": {"latitude": -33.8688, "longitude": 151.2093},
    "tripDate": "2024-01-15T09:00:00",
    "appointmentTime": "09:30",
    "timeWindowStart": "2024-01-15T09:00:00",
    "timeWindowEnd": "2024-01-15T11:00:00",
    "durationMinutes": 5,
    "sequence": 1,
    "requireProofOfDelivery": False,
}


def batch(**changes) -> dict:
    """A fresh copy of the spec's complete example, with root fields changed."""
    payload = copy.deepcopy(SPEC_COMPLETE_EXAMPLE)
    payload.update(changes)
    return payload


def stop(**changes) -> dict:
    payload = copy.deepcopy(STOP)
    payload.update(changes)
    return payload


def big_batch(n: int) -> dict:
    """n items, one pickup collecting them all, n drop-offs delivering one each."""
    payload = batch()
    item, dropoff = payload["items"][0], payload["dropoffs"][0]
    payload["items"] = [dict(item, itemSourceReference=f"ITEM-{i:05d}") for i in range(n)]
    payload["pickups"][0]["itemSourceReferences"] = [f"ITEM-{i:05d}" for i in range(n)]
    payload["dropoffs"] = [
        dict(dropoff, stopSourceReference=f"DROP-{i:05d}", itemSourceReferences=[f"ITEM-{i:05d}"], sequence=i + 1)
        for i in range(n)
    ]
    return payload
