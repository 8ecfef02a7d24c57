from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from dispatch_portal.system.selectors import system_status

from .selectors import dashboard_tile_groups, recent_activity


@login_required
def dashboard(request):
    return render(
        request,
        "staff/dashboard.html",
        {"tile_groups": dashboard_tile_groups(), "activity": recent_activity(), "status": system_status()},
    )
