"""Carrier webhooks and callbacks in (CONTRACT §5), mounted at the root."""
from django.urls import path

from deliveries.views.carrier_events import locate2u_webhook
from deliveries.views.lineten_callbacks import lineten_callbacks

urlpatterns = [
    path("webhooks/locate2u/<str:secret>/", locate2u_webhook, name="locate2u-webhook"),
    path("callbacks/lineten/<str:secret>/", lineten_callbacks, name="lineten-callbacks"),
]
