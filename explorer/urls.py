from django.http import JsonResponse
from django.urls import path


def healthz(request):
    return JsonResponse({"ok": True})


urlpatterns = [
    path("healthz", healthz, name="healthz"),
]
