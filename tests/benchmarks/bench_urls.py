"""The portal's URLs plus the baseline of the callback-intake benchmark: a bare view behind the
same middleware that parses the JSON body and answers 200, storing nothing."""
import json

from django.http import JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt
def bare(request):
    body = json.loads(request.body)
    return JsonResponse({"received": len(body)})


urlpatterns = [
    path("_bench/bare/", bare),
    path("", include("dispatch_portal.urls")),
]
