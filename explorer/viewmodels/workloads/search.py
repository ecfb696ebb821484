"""Find anything: the things an engineer has in hand during an incident, to the object's page.

Params: `cluster`, `q`. The query is read, in this order, as:
- a cgroup path (it has a `/` and names kubepods): the pod by the UID in it, the container by
  its ID, and the node whose recorded cgroups hold it;
- `key=value`: objects with that label;
- a UID;
- an IP address: pods (podIP/podIPs), nodes (addresses), Services (clusterIPs);
- a container ID (8+ hex digits, a `containerd://` scheme allowed): the pod and container,
  or the pod sandbox from a node's recorded cgroups;
- a name: exact matches first, then names containing it (case-insensitive), each kind by
  namespace and name.
Pods are found by their records (explorer/state/records.py: by name, only the matches are
unpacked), but by a container ID: records hold no containerStatuses, so that reads every pod.
The model: `{"query", "results": [{kind, namespace, name, why, link}], "truncated"}`, at most
MAX_RESULTS; `link` (explorer/viewmodels/links.py) is the object's page: a pod's, a node's, or
the object page of any other kind; every string plain text.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any, TypedDict

from explorer.collectors.cgroups.paths import bare_container_id, meaning
from explorer.lib.objects import labels_of, meta_of, spec_of, status_of
from explorer.lib.resources import BY_KIND
from explorer.state.cluster_state import ClusterState
from explorer.state.node_facts import NODE_FACTS_KIND
from explorer.state.records import RECORDED, PodRecord, has_container_id, records

from ..base import Params, View
from ..links import Link, object_link
from .cgroup_tree import recorded_tree

MAX_RESULTS = 50
_HEX = re.compile(r"^[0-9a-f]{8,64}$")
_UID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


class Result(TypedDict):
    kind: str
    namespace: str
    name: str
    why: str
    link: Link


def _result(obj: dict, why: str, **extra: str) -> Result:
    meta = meta_of(obj)
    kind, ns, name = obj.get("kind") or "?", meta.get("namespace") or "", meta.get("name") or ""
    return {
        "kind": kind,
        "namespace": ns,
        "name": name,
        "why": why,
        "link": object_link(kind, ns, name, **extra),
    }


def _pod_result(pod: PodRecord, why: str) -> Result:
    """As `_result` of the pod the record is of (a held pod is always of kind Pod)."""
    return {
        "kind": "Pod",
        "namespace": pod.namespace,
        "name": pod.name,
        "why": why,
        "link": object_link("Pod", pod.namespace, pod.name),
    }


def search(state: ClusterState, params: Params, memo: Any = None) -> dict[str, Any]:
    query = params["q"].strip()
    results: list[Result] = []
    for finder in (_by_cgroup_path, _by_label, _by_uid, _by_ip, _by_container_id, _by_name):
        results = finder(state, query)
        if results:
            break
    return {
        "cluster": state.cluster,
        "query": query,
        "results": results[:MAX_RESULTS],
        "truncated": len(results) > MAX_RESULTS,
    }


def _by_cgroup_path(state: ClusterState, query: str) -> list[Result]:
    if "/" not in query or "kubepods" not in query:
        return []
    found = meaning(query)
    if found.role is None:
        return []
    results: list[Result] = []
    for node in state.node_facts:
        tree = recorded_tree(state, node)
        if tree is None:
            continue
        for pod_cgroup in tree.pods:
            if pod_cgroup.uid != found.uid:
                continue
            container = (
                pod_cgroup.container(found.container_id or "") if found.container_id else None
            )
            path = container.path if container else pod_cgroup.path
            results.append(
                {
                    "kind": "Node",
                    "namespace": "",
                    "name": node,
                    "why": f"cgroup {path} is on this node",
                    "link": object_link("Node", "", node, cgroup=path),
                }
            )
    pod = state.by_uid(found.uid or "")
    if pod is not None:
        results.append(_result(pod, f"the pod UID in the path ({found.uid})"))
    return results


def _by_label(state: ClusterState, query: str) -> list[Result]:
    key, sep, value = query.partition("=")
    key, value = key.strip(), value.strip()
    if not sep or not key or " " in key:
        return []
    why = f"label {key}={value}"
    results: list[Result] = []
    for kind in sorted(state.kinds(), key=_kind_rank):
        if kind == "Pod":
            pods = records(state, "Pod")
            results += [_pod_result(r, why) for r in pods if r.labels.get(key) == value]
        elif kind in RECORDED:  # packed: only those labelled so are unpacked
            found = [r for r in records(state, kind) if r.labels.get(key) == value]
            held = (state.get(kind, r.namespace, r.name) for r in found)
            results += [_result(obj, why) for obj in held if obj is not None]
        else:
            results += [
                _result(obj, why) for obj in state.list(kind) if labels_of(obj).get(key) == value
            ]
    return results


def _by_uid(state: ClusterState, query: str) -> list[Result]:
    if not _UID.match(query.lower()):
        return []
    uid = query.lower()
    obj = state.by_uid(uid)
    if obj is None:  # Events are not in the uid index: their records say their uid
        said = next((r for r in records(state, "Event") if r.uid == uid), None)
        obj = state.get("Event", said.namespace, said.name) if said is not None else None
    return [_result(obj, "UID")] if obj is not None else []


def _by_ip(state: ClusterState, query: str) -> list[Result]:
    try:
        ip = str(ipaddress.ip_address(query))
    except ValueError:
        return []
    results = []
    for node in state.list("Node", ""):
        for address in status_of(node).get("addresses") or ():
            if address.get("address") == ip:
                results.append(_result(node, f"node {address.get('type', 'address')} {ip}"))
    for pod in records(state, "Pod"):
        if ip in pod.ips:
            host = " (hostNetwork: the node's IP)" if pod.host_network else ""
            results.append(_pod_result(pod, f"pod IP {ip}{host}"))
    for service in state.list("Service"):
        spec = spec_of(service)
        if ip in (spec.get("clusterIPs") or [spec.get("clusterIP")]):
            results.append(_result(service, f"Service cluster IP {ip}"))
    return results


def _by_container_id(state: ClusterState, query: str) -> list[Result]:
    wanted = bare_container_id(query.strip()).lower()
    if not _HEX.match(wanted):
        return []
    results: list[Result] = []
    found = (r for r in records(state, "Pod") if has_container_id(r, wanted))
    for pod in filter(None, (state.get("Pod", r.namespace, r.name) for r in found)):
        status = status_of(pod)
        for field in ("initContainerStatuses", "containerStatuses", "ephemeralContainerStatuses"):
            for item in status.get(field) or ():
                cid = bare_container_id(item.get("containerID") or "")
                if cid and cid.startswith(wanted):
                    results.append(
                        _result(
                            pod,
                            f"container {item.get('name', '?')} has ID {cid}",
                            container=str(item.get("name", "")),
                        )
                    )
    if results:
        return results
    for node in state.node_facts:
        tree = recorded_tree(state, node)
        for pod_cgroup in tree.pods if tree else ():
            for container in pod_cgroup.containers:
                if container.id.startswith(wanted):
                    results.append(
                        {
                            "kind": "Node",
                            "namespace": "",
                            "name": node,
                            "why": f"cgroup {container.path} (no pod status names it: the sandbox)",
                            "link": object_link("Node", "", node, cgroup=container.path),
                        }
                    )
                    pod = state.by_uid(pod_cgroup.uid)
                    if pod is not None:
                        results.append(_result(pod, f"its sandbox (pause) is {container.id}"))
    return results


def _by_name(state: ClusterState, query: str) -> list[Result]:
    needle = query.lower()
    if not needle:
        return []
    exact: list[Result] = []
    partial: list[Result] = []
    for kind in sorted(state.kinds(), key=_kind_rank):
        if kind == "Event":
            continue
        # by namespace and name, not as the state happens to hold them (a snapshot read back
        # holds them in another order than the live cluster); names read from the state's keys,
        # not from the objects: at 360,000 objects that is most of the time find takes
        named = sorted(key for key in state.keys(kind) if needle in key[1].lower())
        for namespace, name in named:
            obj = state.get(kind, namespace, name)
            if obj is None:
                continue
            if name.lower() == needle:
                exact.append(_result(obj, "name"))
            elif len(partial) <= MAX_RESULTS:
                partial.append(_result(obj, "name contains it"))
    return exact + partial


def _kind_rank(kind: str) -> tuple[int, str]:
    first = ("Pod", "Node", "Deployment", "StatefulSet", "DaemonSet", "Service", "Job", "CronJob")
    return (
        first.index(kind) if kind in first else len(first) + (0 if kind in BY_KIND else 1),
        kind,
    )


VIEW = View(
    "search",
    search,
    frozenset({"Pod", "Node", "Service", NODE_FACTS_KIND}),
    params=("cluster", "q"),
)
