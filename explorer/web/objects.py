"""The object page (`/objects/<kind>/<namespace>/<name>`, `/objects/<kind>/<name>` for a
cluster-scoped kind): any watched object, live (explorer/viewmodels/objects/page.py).

A held pod or node goes to its own, richer page. An object this process no longer holds but
whose deletion the change log saw gets the object page, which says when it went; one nobody has
seen gets the not-found page, with links. Where this process does not hold the cluster's state
(the team install's web process) the page is served and the live view says which it is.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET

from explorer.lib.resources import Resource, resource_named
from explorer.lib.sources import is_frozen
from explorer.state.as_of import change_log_of
from explorer.state.store import UnknownCluster, watched
from explorer.streaming.frozen import FrozenUnavailable
from explorer.viewmodels.objects.page import CLUSTER_SCOPED

from .live_pages import cluster_of, live_page, not_found
from .sources import frozen_state

HELD, GONE, UNKNOWN = "held", "gone", "unknown"
RICHER_PAGES = {"Pod": "pod", "Node": "node"}


def whereabouts(cluster: str, kind: str, namespace: str, name: str) -> str | None:
    """HELD, GONE (not held; the change log saw it) or UNKNOWN, when this process watches the
    cluster or `cluster` names a snapshot or past moment; else None. The log is read outside the
    cluster's lock: it may be read from disk."""
    if is_frozen(cluster):
        try:
            held = frozen_state(cluster).get(kind, namespace, name) is not None
        except FrozenUnavailable:
            return None  # the page is served; its view says why there is nothing to show
        return HELD if held else UNKNOWN
    states = watched()
    if states is None:
        return None
    try:
        with states.read(cluster) as state:
            if state.get(kind, namespace, name) is not None:
                return HELD
            log = change_log_of(state)
    except UnknownCluster:
        return None
    if log is not None and log.last_of((kind, namespace, name)) is not None:
        return GONE
    return UNKNOWN


@require_GET
def object_page(request: HttpRequest, kind: str, name: str, namespace: str = "") -> HttpResponse:
    cluster = cluster_of(request)
    shown = f"{namespace}/{name}" if namespace else name
    resource = resource_named(kind)
    if resource is None:
        why = f"The explorer does not watch objects of kind {kind}."
        return not_found(request, f"{kind} {shown}", cluster, name, why)
    if resource.namespaced != bool(namespace):
        scope = "in a namespace" if resource.namespaced else "cluster-wide, in no namespace"
        why = f"A {resource.kind} lives {scope}."
        return not_found(request, f"{resource.kind} {shown}", cluster, name, why)
    if resource.kind != kind:
        return redirect(_with_query(request, _object_url(resource, namespace, name)))
    found = whereabouts(cluster, resource.kind, namespace, name)
    if found == HELD and resource.kind in RICHER_PAGES:
        args = [namespace, name] if namespace else [name]
        return redirect(_with_query(request, reverse(RICHER_PAGES[resource.kind], args=args)))
    if found == UNKNOWN:
        return not_found(request, f"{resource.kind} {shown}", cluster, name)
    return object_page_of(request, resource.kind, namespace, name)


def object_page_of(request: HttpRequest, kind: str, namespace: str, name: str) -> HttpResponse:
    """The object page itself, for a kind as the API names it."""
    params = {"kind": kind, "namespace": namespace or CLUSTER_SCOPED, "name": name}
    context = {"kind": kind, "namespace": namespace, "name": name}
    return live_page(request, "workloads/object.html", params, **context)


def _object_url(resource: Resource, namespace: str, name: str) -> str:
    if namespace:
        return reverse("object", args=[resource.kind, namespace, name])
    return reverse("object-cluster-scoped", args=[resource.kind, name])


def _with_query(request: HttpRequest, url: str) -> str:
    query = request.GET.urlencode()
    return f"{url}?{query}" if query else url
