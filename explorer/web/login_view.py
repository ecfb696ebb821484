"""The login form, with failed logins slowed down (explorer/web/login_throttle.py)."""

from __future__ import annotations

from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse

from . import login_throttle
from .client_address import client_address


class ThrottledLoginView(LoginView):
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        self.username = str(request.POST.get("username", ""))[:150]
        self.address = client_address(request)
        wait = login_throttle.wait_seconds(self.username, self.address)
        if wait:
            context = self.get_context_data(form=self.get_form(), throttled=wait)
            response = self.render_to_response(context, status=429)
            response.headers["Retry-After"] = str(wait)
            return response
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form) -> HttpResponse:
        login_throttle.failed(self.username, self.address)
        return super().form_invalid(form)

    def form_valid(self, form) -> HttpResponse:
        login_throttle.succeeded(self.username, self.address)
        return super().form_valid(form)
