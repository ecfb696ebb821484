"""Per-node facts recomputed from the objects: iptables-save, the kubepods cgroup tree, the
mount table and the kubelet's pod volume directories (`storage`), resolv.conf (the node's and
each pod's), the Corefile and container logs; on the control-plane node, kube-scheduler's
configuration file.

`node_facts(state, nodes=None)` computes every node, or only the named ones (cheap to call per
node at 1,000 nodes: services and slices are indexed once per call).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime

from explorer.lib.objects import spec_of
from explorer.state.cluster_state import ClusterState

from ..clock import parse_ts
from .cgroups import cgroup_tree
from .container_logs import container_logs
from .dns import node_resolv_conf, pod_resolv_conf
from .iptables import iptables_save
from .scheduler_config import scheduler_config
from .storage import storage_fact

CONTROL_PLANE = "node-role.kubernetes.io/control-plane"

DEFAULT_CLUSTER_CIDR = "10.244.0.0/16"


def _cluster_cidr(state: ClusterState) -> str:
    config = state.get("ConfigMap", "kube-system", "kube-proxy")
    text = ((config or {}).get("data") or {}).get("config.conf", "")
    for line in text.splitlines():
        if line.startswith("clusterCIDR:"):
            return line.split(":", 1)[1].strip()
    return DEFAULT_CLUSTER_CIDR


def _dns_ip(state: ClusterState) -> str:
    svc = state.get("Service", "kube-system", "kube-dns")
    return (svc or {}).get("spec", {}).get("clusterIP", "10.96.0.10")


def _corefile(state: ClusterState) -> str:
    config = state.get("ConfigMap", "kube-system", "coredns")
    return ((config or {}).get("data") or {}).get("Corefile", "")


def _when(state: ClusterState, node: str) -> datetime:
    lease = state.get("Lease", "kube-node-lease", node)
    renew = spec_of(lease).get("renewTime")
    return parse_ts(renew).replace(microsecond=0) if renew else datetime.now(UTC)


def node_facts(state: ClusterState, nodes: Iterable[str] | None = None) -> dict[str, dict]:
    """{node name: {"iptables-save", "cgroups", "storage", "resolv.conf", "pod-resolv.conf",
    "corefile", "logs"}} for the named nodes (default: all)."""
    return dict(each_node_facts(state, nodes))


def each_node_facts(
    state: ClusterState, nodes: Iterable[str] | None = None
) -> Iterator[tuple[str, dict]]:
    """(node name, its facts) one node after another: a caller can stop between two nodes —
    at 5,000 nodes a change every node's rules follow is minutes of work."""
    wanted = (
        list(nodes) if nodes is not None else [n["metadata"]["name"] for n in state.list("Node")]
    )
    services = list(state.list("Service"))
    slices: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for eps in state.list("EndpointSlice"):
        service = (eps["metadata"].get("labels") or {}).get("kubernetes.io/service-name")
        if service:
            slices[(eps["metadata"]["namespace"], service)].append(eps)
    cluster_cidr = _cluster_cidr(state)
    dns_ip = _dns_ip(state)
    corefile = _corefile(state)
    for name in wanted:
        node = state.get("Node", "", name)
        if node is None:
            continue
        pods = state.pods_on_node(name)
        logs: dict[str, str] = {}
        for pod in pods:
            logs.update(container_logs(pod))
        facts = {
            "iptables-save": iptables_save(
                services,
                slices,
                name,
                node["spec"].get("podCIDR", ""),
                cluster_cidr,
                _when(state, name),
            ),
            "cgroups": cgroup_tree(node, pods),
            "storage": storage_fact(state, name, pods),
            "resolv.conf": node_resolv_conf(),
            "pod-resolv.conf": {
                f"{p['metadata']['namespace']}/{p['metadata']['name']}": pod_resolv_conf(p, dns_ip)
                for p in pods
            },
            "corefile": corefile,
            "logs": logs,
        }
        if CONTROL_PLANE in (node["metadata"].get("labels") or {}):
            facts["scheduler-config"] = scheduler_config()
        yield name, facts
