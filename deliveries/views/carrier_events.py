"""POST /webhooks/locate2u/<CALLBACK_SECRET>/ — Locate2u's webhook events (CONTRACT §5)."""
import hmac

from django.conf import settings
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from deliveries import event_tasks  # noqa: F401  (registers the tasks wherever the URLs are loaded)
from deliveries.services.carrier_events import WebhookRefused, locate2u_webhook_receive


def _secret_ok(secret: str) -> bool:
    return hmac.compare_digest(secret.encode(), settings.CALLBACK_SECRET.encode())


@csrf_exempt
def locate2u_webhook(request, secret: str):
    """One event object or an array of them. 200 once stored (a repeat is stored and applied
    once); 400 for a body that is not events; 401 for a bad signature; 404 for a wrong secret."""
    if not _secret_ok(secret):
        raise Http404  # a wrong secret looks like no endpoint at all
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        received = locate2u_webhook_receive(body=request.body, headers=request.headers)
    except WebhookRefused as exc:
        return JsonResponse({"error": exc.message}, status=exc.status)
    return JsonResponse({"received": received.events, "new": len(received.new)})
