"""The etcd pages: /etcd/ (where the data comes from, the db's status, the key space, encryption
at rest, the live write rate) and /etcd/key?key=… (a key's value, envelope, history, diff, lease
and object); and their JSON, which the pages' scripts fetch (static/js/etcd/), so a page is drawn
at once and etcd is read off the event loop (explorer/web/etcd_reads.py).

Every string from the cluster goes out as JSON text: the scripts put it in the DOM as text and
hand Plotly the copies the view models escaped. A Secret's value is never in any answer: the
reader never hands it out.
"""

from __future__ import annotations

import orjson
from asgiref.sync import sync_to_async
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from explorer.viewmodels.etcd.object_keys import key_of

from .etcd_reads import EtcdPageError, key_page_of, object_facts, overview_of, prefix_for
from .live_pages import live_page
from .login_required import json_error
from .sources import Source, source_of

MAX_KEY = 4096  # bytes of a key asked for (kube-apiserver's are under 400)
MAX_NAME = 253
MAX_REVISION = 2**63 - 1


@require_GET
def etcd_page(request: HttpRequest) -> HttpResponse:
    return live_page(request, "etcd/index.html", {})


@require_GET
def key_page(request: HttpRequest) -> HttpResponse:
    key = request.GET.get("key", "")
    if not key or len(key.encode()) > MAX_KEY:
        # no key: the page says to pick one in the key space; one over the limit is refused
        response = live_page(request, "etcd/key.html", {"key": ""}, bad_key=True)
        response.status_code = 400 if key else 200
        return response
    params = {"key": key, "a": request.GET.get("a", ""), "b": request.GET.get("b", "")}
    return live_page(request, "etcd/key.html", params, key=key)


@require_GET
async def overview_api(request: HttpRequest) -> HttpResponse:
    source = await _source(request)
    if source is None:
        return _nothing()
    return _json(await overview_of(source))


@require_GET
async def key_api(request: HttpRequest) -> HttpResponse:
    source = await _source(request)
    if source is None:
        return _nothing()
    key = request.GET.get("key", "")
    if not key or len(key.encode()) > MAX_KEY:
        return json_error(400, "bad_key", f"Give a key of 1 to {MAX_KEY} bytes.")
    prefix = await prefix_for(source)
    if not key.startswith(prefix + "/"):
        return json_error(400, "bad_key", f"A key of this cluster starts with {prefix}/.")
    pair = _pair(request.GET.get("a", ""), request.GET.get("b", ""))
    try:
        return _json(await key_page_of(source, key, pair))
    except EtcdPageError as error:
        return json_error(502, "etcd_unreadable", str(error))


@require_GET
async def object_api(request: HttpRequest) -> HttpResponse:
    """An object's etcd key, size and revisions (the object pages fetch it lazily)."""
    source = await _source(request)
    if source is None:
        return _nothing()
    kind, namespace, name = (request.GET.get(k, "") for k in ("kind", "namespace", "name"))
    if not kind or not name or any(len(p) > MAX_NAME for p in (kind, namespace, name)):
        return json_error(400, "bad_object", "Give the object's kind, namespace and name.")
    if key_of(kind, namespace, name) is None:
        return json_error(404, "no_key", "No etcd key is known for that object.")
    return _json(await object_facts(source, kind, namespace, name))


async def _source(request: HttpRequest) -> Source | None:
    """What the request names; None when it names nothing shown here (the header would fall
    back to the first live cluster: an endpoint answers for what was asked, or not at all)."""
    found = await sync_to_async(source_of)(request)
    wanted = request.GET.get("cluster")
    return found if found is not None and (not wanted or found.name == wanted) else None


def _pair(a: str, b: str) -> tuple[int, int] | None:
    if not (a.isdigit() and b.isdigit()) or len(a) > 19 or len(b) > 19:
        return None
    first, second = int(a), int(b)
    if not (0 < first <= MAX_REVISION and 0 < second <= MAX_REVISION) or first == second:
        return None
    return first, second


def _json(model: object) -> HttpResponse:
    return HttpResponse(orjson.dumps(model), content_type="application/json")


def _nothing() -> HttpResponse:
    return json_error(404, "no_source", "No such cluster, snapshot or moment is shown here.")
