"""Mounted at /sandbox/locate2u/ when SANDBOX_ENABLED: the spec's paths under the base URL, the
token endpoint at connect/token (LOCATE2U_TOKEN_URL's default), and the test/demo controls."""
from django.urls import path, re_path

from . import views

urlpatterns = [
    path("connect/token", views.token, name="sandbox-l2u-token"),
    path("v1/Discovery/User", views.discovery_user, name="sandbox-l2u-discovery-user"),
    path("v1/Logistics/batch-delivery", views.batch_delivery, name="sandbox-l2u-batch-delivery"),
    path("v1/Stops/import/<str:batch_id>/status", views.import_status, name="sandbox-l2u-import-status"),
    path("v1/Stops/import", views.stops_import, name="sandbox-l2u-stops-import"),
    path("v1/Stops", views.stop_create, name="sandbox-l2u-stops"),
    path("v1/Stops/<str:stop_id>", views.stop_detail, name="sandbox-l2u-stop"),
    path("v1/Webhooks/event-types", views.webhook_event_types, name="sandbox-l2u-webhook-event-types"),
    path("v1/Webhooks", views.webhooks, name="sandbox-l2u-webhooks"),
    path("v1/Webhooks/<str:webhook_id>", views.webhook_detail, name="sandbox-l2u-webhook"),
    path("_faults", views.faults_control, name="sandbox-l2u-faults"),
    path("_import_rate", views.import_rate_control, name="sandbox-l2u-import-rate"),
    path("_tick", views.tick_control, name="sandbox-l2u-tick"),
    re_path(r"^(?P<path>.*)$", views.not_found),
]
