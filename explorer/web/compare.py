"""The compare page: what changed from A to B, each a live cluster (now), a snapshot or a past
moment of the flight recorder (`?a=…&b=…`, the names of explorer/lib/sources.py; `node` and
`service` pick the chains drawn). The model is explorer/viewmodels/compare.py's; the two states
are read afresh for each request."""

from __future__ import annotations

import orjson
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from explorer.lib.sources import LIVE, parse_source
from explorer.streaming.frozen import FrozenUnavailable
from explorer.viewmodels.compare import build

from .live_pages import not_found
from .sources import describe, state_of_source

MAX_NAME = 300


@require_GET
def compare_page(request: HttpRequest) -> HttpResponse:
    a, b = (request.GET.get(side, "")[:MAX_NAME] for side in ("a", "b"))
    if not a or not b:
        why = (
            "Give two moments to compare: ?a=…&b=… (a cluster's name, snapshot:<id>, or a moment)."
        )
        return not_found(request, "a comparison", "", why=why)
    try:
        states = [state_of_source(a), state_of_source(b)]
    except FrozenUnavailable as error:
        return not_found(request, "a comparison", "", why=str(error))
    params = {key: request.GET.get(key, "")[:253] for key in ("node", "service")}
    model = build(*states, {k: v for k, v in params.items() if v})
    named_b = parse_source(b)
    context = {
        "model_json": orjson.dumps(model).decode(),
        "a_title": describe(a),
        "b_title": describe(b),
        "link_cluster": b if named_b is not None else "",
        "a_name": a,
        "b_name": b,
        "b_live": named_b is not None and named_b.kind == LIVE,
    }
    return render(request, "compare.html", context)
