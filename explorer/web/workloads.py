"""The workload pages: the hierarchy, a pod, a node (with its cgroup tree), the events timeline,
scheduling as it happened, find anything, and a container's log tail.

Pages are live: they carry their parameters in data- attributes and their scripts
(static/js/workloads/) subscribe to the views over the tab's websocket. Where this process holds
the cluster's state (the embedded install) a pod or node that does not exist gets a 404 page at
once — or, when the change log saw it deleted, its object page that says when; elsewhere the live
view says so.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET

from explorer.kube.connections import client_of
from explorer.kube.pod_logs import LogError, read_log
from explorer.viewmodels.workloads import cgroup_tree, hierarchy

from .live_pages import cluster_of, live_page, not_found
from .login_required import json_error
from .objects import GONE, UNKNOWN, object_page_of, whereabouts

MAX_QUERY = 253
TAIL_DEFAULT = 200


@require_GET
def hierarchy_page(request: HttpRequest) -> HttpResponse:
    namespace = request.GET.get("namespace", "").strip()[:MAX_QUERY] or hierarchy.ALL
    size = request.GET.get("size", "count")
    size = size if size in hierarchy.SIZES else "count"
    params = {"namespace": namespace, "size": size}
    return live_page(
        request,
        "workloads/hierarchy.html",
        params,
        namespace=namespace,
        size=size,
        sizes=hierarchy.SIZES,
    )


@require_GET
def pod_page(request: HttpRequest, namespace: str, name: str) -> HttpResponse:
    cluster = cluster_of(request)
    found = whereabouts(cluster, "Pod", namespace, name)
    if found == GONE:
        return object_page_of(request, "Pod", namespace, name)
    if found == UNKNOWN:
        return not_found(request, f"pod {namespace}/{name}", cluster, name)
    params = {"namespace": namespace, "name": name}
    return live_page(request, "workloads/pod.html", params, namespace=namespace, name=name)


@require_GET
def node_page(request: HttpRequest, name: str) -> HttpResponse:
    cluster = cluster_of(request)
    found = whereabouts(cluster, "Node", "", name)
    if found == GONE:
        return object_page_of(request, "Node", "", name)
    if found == UNKNOWN:
        return not_found(request, f"node {name}", cluster, name)
    size = request.GET.get("size", "limit")
    size = size if size in cgroup_tree.SIZES else "limit"
    highlight = request.GET.get("cgroup", "")[:1024]
    params = {"name": name, "size": size}
    return live_page(
        request, "workloads/node.html", params, name=name, size=size, highlight=highlight
    )


@require_GET
def events_page(request: HttpRequest) -> HttpResponse:
    namespace = request.GET.get("namespace", "").strip()[:MAX_QUERY] or "*"
    kind = request.GET.get("kind", "").strip()[:64]
    name = request.GET.get("name", "").strip()[:MAX_QUERY]
    obj = f"{kind}/{name}" if kind and name else "*"
    params = {"namespace": namespace, "object": obj}
    return live_page(
        request, "workloads/events.html", params, namespace=namespace, kind=kind, name=name
    )


@require_GET
def scheduling_history_page(request: HttpRequest) -> HttpResponse:
    return live_page(request, "workloads/scheduling_history.html", {})


@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:MAX_QUERY]
    return live_page(request, "workloads/search.html", {"q": query}, query=query)


@require_GET
def log_tail(request: HttpRequest, cluster: str, namespace: str, name: str) -> JsonResponse:
    """The last lines of one container's log (the page follows it live over the websocket)."""
    client = client_of(cluster)
    if client is None:
        return json_error(404, "no_such_cluster", f"Cluster {cluster!r} is not watched here.")
    container = request.GET.get("container", "")[:MAX_QUERY]
    try:
        tail = max(0, min(int(request.GET.get("tail", TAIL_DEFAULT)), 5000))
    except ValueError:
        return json_error(400, "bad_request", "tail must be a number of lines.")
    try:
        lines = read_log(client, namespace, name, container, tail)
    except LogError as error:
        return json_error(400, "log_unavailable", str(error))
    return JsonResponse({"container": container, "lines": lines})
