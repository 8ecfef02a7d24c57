from django.contrib import messages
from django.contrib.auth.decorators import login_required, user_passes_test
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from .selectors import recent_pings, system_status
from .services import worker_ping_request


def _superuser(user) -> bool:
    if not user.is_superuser:
        raise PermissionDenied("The system page is for administrators.")
    return True


@login_required
@user_passes_test(_superuser)
def system_overview(request):
    return render(request, "system/overview.html", {"status": system_status(), "pings": recent_pings()})


@login_required
@user_passes_test(_superuser)
@require_POST
def worker_ping(request):
    worker_ping_request(by=request.user)
    messages.info(request, "Ping sent to the workers. Reload in a moment to see the answer.")
    return redirect("system-overview")
