"""Mounted at /sandbox/lineten/ when SANDBOX_ENABLED: the spec's authUrl and apiUrl both point here."""
from django.urls import path

from . import views

urlpatterns = [
    path("connect/token", views.token, name="sandbox-lineten-token"),
    path("v2/nds/quote", views.quote, name="sandbox-lineten-quote"),
    path("v2/nds/booking", views.booking, name="sandbox-lineten-booking"),
    path("v2/nds/immediateBooking", views.immediate_booking, name="sandbox-lineten-immediate-booking"),
    path("v2/job/cancel/<str:job_id>", views.cancel, name="sandbox-lineten-cancel"),
    path("track/<uuid:job_uuid>", views.track, name="sandbox-lineten-track"),
    path("_faults", views.faults_control, name="sandbox-lineten-faults"),
    path("_cancel_methods", views.cancel_methods_control, name="sandbox-lineten-cancel-methods"),
]
