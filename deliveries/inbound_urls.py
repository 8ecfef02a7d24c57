"""Carrier webhooks and callbacks in (CONTRACT §5), mounted at the root."""
from django.urls import path

from deliveries.views.carrier_events import locate2u_webhook

urlpatterns: list = [
    path("webhooks/locate2u/<str:secret>/", locate2u_webhook, name="locate2u-webhook"),
    # LineTen: POST /callbacks/lineten/<secret>/ (see dispatch_portal/urls.py for now)
]
