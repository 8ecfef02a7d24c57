from django.urls import path

from . import views

urlpatterns = [
    path("", views.location_list, name="location-list"),
    path("map.json", views.location_map, name="location-map-points"),
    path("<int:location_id>/", views.location_detail, name="location-detail"),
    path("<int:location_id>/hours/", views.location_hours, name="location-hours"),
]
