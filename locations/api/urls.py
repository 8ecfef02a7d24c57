"""Mounted at `api/v4.1/location` with no trailing slash: partners call exactly Fluent's paths
(`/api/v4.1/location`, `/api/v4.1/location/71`, `/api/v4.1/location/eta` …).

The sub-paths hang under one `"/"` include instead of each starting with "/", which Django's
URL check (urls.W002) would warn about; the resulting URLs are the same.
"""
from django.urls import include, path, re_path

from .errors import unknown_path
from .views import (
    LocationAttributeListApi,
    LocationDetailApi,
    LocationEtaUpdateApi,
    LocationListApi,
    StorageAreaDetailApi,
)

location_patterns = [
    # Before the id patterns, so "eta" is never taken for a location.
    path("eta", LocationEtaUpdateApi.as_view(), name="fluent-location-eta"),
    path("<int:location_id>", LocationDetailApi.as_view(), name="fluent-location-detail"),
    path("<int:location_id>/attribute", LocationAttributeListApi.as_view(), name="fluent-location-attributes"),
    path(
        "<int:location_id>/storageArea/<str:storage_area_ref>",
        StorageAreaDetailApi.as_view(),
        name="fluent-location-storage-area",
    ),
    # Anything else under the prefix answers in the Fluent error shape, not Django's HTML 404.
    re_path(r"^(?P<rest>.*)$", unknown_path),
]

urlpatterns = [
    path("", LocationListApi.as_view(), name="fluent-location-list"),
    path("/", include(location_patterns)),
]
