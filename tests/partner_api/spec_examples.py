"""Every JSON example of locate2u-customer-integration-api.txt, verbatim (the complete batch
request is tests/spec/examples.py's SPEC_COMPLETE_EXAMPLE)."""
from tests.spec.examples import SPEC_COMPLETE_EXAMPLE

TOKEN_RESPONSE = {
    "access_token": "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9...",
    "expires_in": 1800,
    "token_type": "Bearer",
    "scope": "integrations-api",
}

DISCOVERY_USER = {"userId": 12345, "email": "[email protected]", "teamId": 67890, "teamName": "My Company"}

EXAMPLE_ITEM = {
    "itemSourceReference": "ITEM-001",
    "barcode": "9876543210123",
    "description": "Electronics Package",
    "quantity": 1,
    "productReference": "ELEC-TV-55",
    "status": "Ready",
    "contents": {"isFragile": True},
    "load": {"weight": 15.5, "length": 140, "width": 90, "height": 20},
    "customFields": {"orderNumber": "ORD-12345"},
}

EXAMPLE_PICKUP = {
    "stopSourceReference": "PICKUP-001",
    "name": "Main Warehouse",
    "address": "123 Industrial Ave, Sydney NSW 2000",
    "contact": {"name": "John Smith", "phone": "+61412345678", "email": "[email protected]"},
    "location": {"latitude": -33.8688, "longitude": 151.2093},
    "tripDate": "2024-01-15T09:00:00",
    "timeWindowStart": "2024-01-15T08:00:00",
    "timeWindowEnd": "2024-01-15T12:00:00",
    "durationMinutes": 30,
    "notes": "Use loading dock B",
    "itemSourceReferences": ["ITEM-001", "ITEM-002"],
    "warehouseSourceReference": "WH-MAIN",
    "requireAllItemsBeforeRelease": True,
}

EXAMPLE_DROPOFF = {
    "stopSourceReference": "DROPOFF-001",
    "name": "Customer ABC",
    "address": "456 Customer St, Melbourne VIC 3000",
    "contact": {"name": "Jane Doe", "phone": "+61498765432", "email": "[email protected]"},
    "location": {"latitude": -37.8136, "longitude": 144.9631},
    "tripDate": "2024-01-15T14:00:00",
    "timeWindowStart": "2024-01-15T13:00:00",
    "timeWindowEnd": "2024-01-15T17:00:00",
    "durationMinutes": 15,
    "notes": "Ring doorbell twice",
    "itemSourceReferences": ["ITEM-001"],
    "sequence": 1,
    "requireProofOfDelivery": True,
}

COMPLETE_REQUEST = SPEC_COMPLETE_EXAMPLE

BATCH_SUCCESS = {"success": True, "data": {"batchId": "string", "stopsCreated": 3, "itemsProcessed": 2}}

BATCH_ERROR = {
    "success": False,
    "errors": [{"field": "items[0].itemSourceReference", "message": "Item source reference is required."}],
}

IMPORT_IN_PROGRESS = {
    "data": {
        "batchImportId": "a1b2c3d4-e5f6-...",
        "status": "Importing",
        "totalCount": 100,
        "successCount": 45,
        "failedCount": 5,
        "processedCount": 50,
        "progressPercentage": 50.00,
        "batchSourceReference": "BATCH-2024-001",
        "createdDate": "2024-01-15T08:00:00Z",
        "startedDate": "2024-01-15T08:00:05Z",
        "completedDate": None,
        "errors": [{"rowNumber": 12, "sourceReference": "STOP-012", "stage": "Validation",
                    "messages": ["Address is required"]}],
        "successfulStops": None,
    }
}

IMPORT_COMPLETED = {
    "data": {
        "batchImportId": "a1b2c3d4-e5f6-...",
        "status": "Completed",
        "totalCount": 50,
        "successCount": 50,
        "failedCount": 0,
        "processedCount": 50,
        "progressPercentage": 100.00,
        "createdDate": "2024-01-15T08:00:00Z",
        "startedDate": "2024-01-15T08:00:05Z",
        "completedDate": "2024-01-15T08:02:30Z",
        "errors": [],
        "successfulStops": [{"stopId": 12345, "sourceReference": "STOP-001"},
                            {"stopId": 12346, "sourceReference": "STOP-002"}],
    }
}

IMPORT_PARTIAL = {
    "data": {
        "batchImportId": "a1b2c3d4-e5f6-...",
        "status": "PartiallyCompleted",
        "totalCount": 10,
        "successCount": 8,
        "failedCount": 2,
        "processedCount": 10,
        "progressPercentage": 100.00,
        "errors": [
            {"rowNumber": 3, "sourceReference": "STOP-003", "stage": "Validation",
             "messages": ["Invalid date format for tripDate"]},
            {"rowNumber": 7, "sourceReference": "STOP-007", "stage": "Save",
             "messages": ["Duplicate sourceReference already exists"]},
        ],
        "successfulStops": [{"stopId": 12350, "sourceReference": "STOP-001"},
                            {"stopId": 12351, "sourceReference": "STOP-002"}],
    }
}

IMPORT_STATUS_VALUES = ["Queued", "Importing", "Completed", "PartiallyCompleted", "Failed"]
