"""Login everywhere: pages redirect to the login form, JSON endpoints answer 401/403 as JSON.

Every view needs a logged-in user unless it is marked with Django's `login_not_required`
(the login form, the one-time link, /healthz). JSON endpoints live under API_PREFIX.
"""

from __future__ import annotations

from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, JsonResponse

API_PREFIX = "/api/"


def is_api_request(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def json_error(status: int, error: str, message: str) -> JsonResponse:
    return JsonResponse({"error": error, "message": message}, status=status)


class LoginEverywhereMiddleware(LoginRequiredMiddleware):
    """Django's LoginRequiredMiddleware, answering JSON endpoints with JSON instead of redirects."""

    def handle_no_permission(self, request: HttpRequest, view_func):
        if is_api_request(request):
            response = json_error(401, "not_authenticated", "Log in to use this endpoint.")
            response.headers["WWW-Authenticate"] = 'Session realm="cluster-explorer"'
            return response
        return super().handle_no_permission(request, view_func)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if isinstance(exception, PermissionDenied) and is_api_request(request):
            return json_error(403, "forbidden", str(exception) or "You may not use this endpoint.")
        return None
