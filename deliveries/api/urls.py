from django.urls import path

from .discovery import DiscoveryUserApi

urlpatterns = [
    path("Discovery/User", DiscoveryUserApi.as_view(), name="l2u-discovery-user"),
]
