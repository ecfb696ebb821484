"""The headroom page: every node's allocatable against what its pods request (a heatmap, the
cluster over the flight recorder's window) and where a pod of a given size fits.

Live like the workload pages: the page carries its parameters in data-params and its script
(static/js/scheduling/headroom.js) subscribes to the views `headroom`, `headroom-history` and,
once the form is sent, `headroom-fit` (explorer/viewmodels/workloads/headroom*.py)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from explorer.viewmodels.workloads.headroom_fit import NONE

from .live_pages import live_page

MAX_FIELD = 253
FIELDS = ("cpu", "memory", "extended", "selector", "tolerate")


def _field(request: HttpRequest, name: str) -> str:
    return request.GET.get(name, "").strip()[:MAX_FIELD]


@require_GET
def headroom_page(request: HttpRequest) -> HttpResponse:
    form = {name: _field(request, name) for name in FIELDS}
    asked = bool(form["cpu"] or form["memory"] or form["extended"])
    params = {"fit": "1" if asked else ""}
    params.update(
        {name: form[name] or (NONE if name not in ("cpu", "memory") else "0") for name in FIELDS}
    )
    return live_page(request, "scheduling/headroom.html", params, form=form, asked=asked)
