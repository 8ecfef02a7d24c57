"""Staff pages for stores and warehouses: the list with its map, a location, its opening hours."""
from datetime import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from .forms import LocationFilterForm, WeekHoursForm
from .models import Location
from .selectors import (
    location_attribute_rows,
    location_clock,
    location_list_rows,
    location_map_points,
    location_network_roles,
    location_search,
    locations_in_network,
    locations_visible,
    locations_with_details,
    opening_hours_history,
)
from .services import may_edit_opening_hours, opening_hours_save

LOCATIONS_PER_PAGE = 50
EDITOR_NAME = "Opening-hours editor"  # how the history names changes made on this page


def _staff_who_read_locations(view):
    # Sign in first (anonymous users are sent to the login page), then the role decides (403).
    return login_required(permission_required("locations.view_location", raise_exception=True)(view))


def _filtered_locations(filters: LocationFilterForm, *, at: datetime) -> QuerySet[Location]:
    """The locations the list's filters pick. The table and its map both read them from here, so
    the map never shows other locations than the table lists."""
    locations = location_search(
        locations_visible(), **filters.search_filters(), open_at=at if filters.open_now_only else None
    )
    if filters.chosen_network is not None:
        locations = locations_in_network(locations, filters.chosen_network)
    return locations


@require_GET
@_staff_who_read_locations
def location_list(request):
    # The map's markers are not in the page: the script fetches them from location_map, so the
    # page costs the same however many locations the filters pick.
    filters = LocationFilterForm(request.GET)
    now = timezone.now()
    locations = _filtered_locations(filters, at=now)
    page = Paginator(locations, LOCATIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "locations/list.html",
        {
            "filters": filters,
            "page": page,
            "rows": location_list_rows(page.object_list, at=now),
            "map_tiles": {"url": settings.MAP_TILE_URL, "attribution": settings.MAP_TILE_ATTRIBUTION},
        },
    )


@require_GET
@_staff_who_read_locations
def location_map(request):
    """The list's map markers: every location the same filters pick, not just one page."""
    now = timezone.now()
    locations = _filtered_locations(LocationFilterForm(request.GET), at=now)
    return JsonResponse(location_map_points(locations, at=now))


@require_GET
@_staff_who_read_locations
def location_detail(request, location_id: int):
    location = get_object_or_404(locations_with_details(), pk=location_id)
    now = timezone.now()
    return render(
        request,
        "locations/detail.html",
        {
            "location": location,
            "clock": location_clock(location, at=now),
            "networks": location_network_roles(location),
            "attributes": location_attribute_rows(location),
            "history": opening_hours_history(location),
            "may_edit_hours": may_edit_opening_hours(request.user, location),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def location_hours(request, location_id: int):
    location = get_object_or_404(Location, pk=location_id)
    if not may_edit_opening_hours(request.user, location):
        raise PermissionDenied("Only the location's store managers and administrators edit its opening hours.")
    form = WeekHoursForm(request.POST if request.method == "POST" else None, location=location)
    if request.method == "POST" and form.is_valid():
        try:
            change = opening_hours_save(location=location, week=form.week(), by=request.user, via=EDITOR_NAME)
        except ValidationError as error:
            form.add_day_errors(error)
        else:
            if change is None:
                messages.info(request, f"The opening hours of {location.name} were already so; nothing changed.")
            else:
                messages.success(request, f"Opening hours of {location.name} saved.")
            return redirect("location-detail", location_id=location.pk)
    return render(request, "locations/hours.html", {"location": location, "form": form})
