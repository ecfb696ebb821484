"""The workload pages: the hierarchy, a pod, a node (with its cgroup tree), the events timeline,
find anything, and a container's log tail.

Pages are live: they carry their parameters in data- attributes and their scripts
(static/js/workloads/) subscribe to the views over the tab's websocket. Where this process holds
the cluster's state (the embedded install) a pod or node that does not exist gets a 404 page at
once; elsewhere the live view says so.
"""

from __future__ import annotations

import orjson
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from explorer.kube.connections import client_of
from explorer.kube.pod_logs import LogError, read_log
from explorer.state.store import UnknownCluster, watched
from explorer.viewmodels.workloads import cgroup_tree, hierarchy

from .clusters import choose, known_clusters
from .login_required import json_error

MAX_QUERY = 253
TAIL_DEFAULT = 200


def _cluster(request: HttpRequest) -> str:
    found = choose(known_clusters(), request.GET.get("cluster"))
    return found["name"] if found else ""


def _exists(cluster: str, kind: str, namespace: str, name: str) -> bool | None:
    """Whether the object exists, when this process watches the cluster (else None)."""
    states = watched()
    if states is None:
        return None
    try:
        with states.read(cluster) as state:
            return state.get(kind, namespace, name) is not None
    except UnknownCluster:
        return None


def _page(request: HttpRequest, template: str, params: dict[str, str], **context) -> HttpResponse:
    cluster = _cluster(request)
    data = orjson.dumps({"cluster": cluster, **params}).decode()
    return render(request, template, {**context, "params": data, "cluster": cluster})


def _not_found(request: HttpRequest, what: str, cluster: str) -> HttpResponse:
    context = {"what": what, "cluster": cluster}
    return render(request, "workloads/not_found.html", context, status=404)


@require_GET
def hierarchy_page(request: HttpRequest) -> HttpResponse:
    namespace = request.GET.get("namespace", "").strip()[:MAX_QUERY] or hierarchy.ALL
    size = request.GET.get("size", "count")
    size = size if size in hierarchy.SIZES else "count"
    params = {"namespace": namespace, "size": size}
    return _page(
        request,
        "workloads/hierarchy.html",
        params,
        namespace=namespace,
        size=size,
        sizes=hierarchy.SIZES,
    )


@require_GET
def pod_page(request: HttpRequest, namespace: str, name: str) -> HttpResponse:
    cluster = _cluster(request)
    if _exists(cluster, "Pod", namespace, name) is False:
        return _not_found(request, f"pod {namespace}/{name}", cluster)
    params = {"namespace": namespace, "name": name}
    return _page(request, "workloads/pod.html", params, namespace=namespace, name=name)


@require_GET
def node_page(request: HttpRequest, name: str) -> HttpResponse:
    cluster = _cluster(request)
    if _exists(cluster, "Node", "", name) is False:
        return _not_found(request, f"node {name}", cluster)
    size = request.GET.get("size", "limit")
    size = size if size in cgroup_tree.SIZES else "limit"
    highlight = request.GET.get("cgroup", "")[:1024]
    params = {"name": name, "size": size}
    return _page(request, "workloads/node.html", params, name=name, size=size, highlight=highlight)


@require_GET
def events_page(request: HttpRequest) -> HttpResponse:
    namespace = request.GET.get("namespace", "").strip()[:MAX_QUERY] or "*"
    kind = request.GET.get("kind", "").strip()[:64]
    name = request.GET.get("name", "").strip()[:MAX_QUERY]
    obj = f"{kind}/{name}" if kind and name else "*"
    params = {"namespace": namespace, "object": obj}
    return _page(
        request, "workloads/events.html", params, namespace=namespace, kind=kind, name=name
    )


@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:MAX_QUERY]
    return _page(request, "workloads/search.html", {"q": query}, query=query)


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
