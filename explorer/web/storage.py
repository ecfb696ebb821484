"""The cluster's storage page: a live page whose script (static/js/storage.js) subscribes to the
"storage" view (explorer/viewmodels/storage/page.py), so it follows a live cluster and shows a
snapshot or a past moment alike."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from .live_pages import live_page


@require_GET
def storage_page(request: HttpRequest) -> HttpResponse:
    return live_page(request, "storage.html", {})
