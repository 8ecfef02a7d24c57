"""Mounted at /v1/: Locate2u's Customer Integration API paths, exactly (no trailing slashes).

"Stops/import" comes before "Stops/<id>" so it is never taken for a stop id; anything else under
/v1/ answers 404 in Locate2u's error shape.
"""
from django.urls import path, re_path

from .errors import unknown_path
from .views import (
    BatchDeliveryCreateApi,
    DiscoveryUserApi,
    ImportStatusDetailApi,
    StopCreateApi,
    StopDetailApi,
    StopImportCreateApi,
    WebhookDeliveryListApi,
    WebhookDetailApi,
    WebhookEventTypeListApi,
    WebhookListApi,
)

urlpatterns = [
    path("Discovery/User", DiscoveryUserApi.as_view(), name="l2u-discovery-user"),
    path("Logistics/batch-delivery", BatchDeliveryCreateApi.as_view(), name="l2u-batch-delivery"),
    path("Stops/import/<str:batchId>/status", ImportStatusDetailApi.as_view(), name="l2u-import-status"),
    path("Stops/import", StopImportCreateApi.as_view(), name="l2u-stops-import"),
    path("Stops", StopCreateApi.as_view(), name="l2u-stops"),
    path("Stops/<str:id>", StopDetailApi.as_view(), name="l2u-stop"),
    path("Webhooks/event-types", WebhookEventTypeListApi.as_view(), name="l2u-webhook-event-types"),
    path("Webhooks", WebhookListApi.as_view(), name="l2u-webhooks"),
    path("Webhooks/<str:id>", WebhookDetailApi.as_view(), name="l2u-webhook"),
    path("Webhooks/<str:id>/deliveries", WebhookDeliveryListApi.as_view(), name="l2u-webhook-deliveries"),
    re_path(r"^(?P<rest>.*)$", unknown_path),
]
