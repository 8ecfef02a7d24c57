"""POST /callbacks/lineten/<CALLBACK_SECRET>/ — LineTen's status events (CONTRACT §5)."""
import hmac
import json

from django.conf import settings
from django.http import Http404, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from deliveries.services.lineten_callbacks import callbacks_receive


@csrf_exempt
@require_POST
def lineten_callbacks(request, secret: str):
    if not hmac.compare_digest(secret.encode(), settings.CALLBACK_SECRET.encode()):
        raise Http404  # a wrong secret looks like no endpoint at all
    try:
        body = json.loads(request.body)
        received = callbacks_receive(body=body)
    except (ValueError, UnicodeDecodeError) as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    return JsonResponse({"received": received})
