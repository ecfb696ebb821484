"""Packet trace: the first packet of a connection, from a pod or a node to `ip:port/proto`,
walked through that node's nat table as the kernel would (explorer.collectors.kubeproxy.trace),
each possible outcome with its probability, ending at the pod (and node) that owns the address
the packet is rewritten to.

Parameters: `source` is `pod:<namespace>/<name>` (PREROUTING, from the pod's IP; a hostNetwork
pod is the node's own traffic: OUTPUT) or `node:<name>` (OUTPUT, from the node's IP);
`destination` is `ip:port/proto` (`[ipv6]:port/proto` for IPv6; proto defaults to tcp).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from explorer.collectors.kubeproxy.matches import Packet, Where
from explorer.collectors.kubeproxy.mode import IPTABLES
from explorer.collectors.kubeproxy.trace import trace
from explorer.lib.objects import spec_of, status_of
from explorer.state.cluster_state import ClusterState
from explorer.state.node_facts import NODE_FACTS_KIND
from explorer.state.parsed_facts import parsed_fact
from explorer.state.records import PodRecord, records

from ..base import Params, View
from .node_dumps import node_source
from .proxy_mode import node_modes


@dataclass(frozen=True)
class Source:
    node: str
    ip: str
    hook: str
    label: str


class TraceError(ValueError):
    """A source or destination that cannot be traced; str() says why."""


def _node_addresses(state: ClusterState, node: str) -> list[str]:
    found = state.get("Node", "", node) or {}
    addresses = status_of(found).get("addresses") or ()
    ordered = sorted(addresses, key=lambda a: a.get("type") != "InternalIP")
    return [a["address"] for a in ordered if a.get("type") in ("InternalIP", "ExternalIP")]


def parse_source(state: ClusterState, text: str) -> Source:
    kind, _, name = text.partition(":")
    if kind == "node":
        addresses = _node_addresses(state, name)
        if not addresses:
            raise TraceError(f"no node {name!r} with an address in this cluster")
        return Source(name, addresses[0], "OUTPUT", f"node {name}")
    if kind == "pod":
        namespace, _, pod_name = name.partition("/")
        pod = state.get("Pod", namespace, pod_name)
        if pod is None:
            raise TraceError(f"no pod {name!r} in this cluster")
        spec, status = spec_of(pod), status_of(pod)
        node, ip = spec.get("nodeName") or "", status.get("podIP") or ""
        if not node or not ip:
            raise TraceError(f"pod {name} has no node or no IP yet: it sends no packets")
        hook = "OUTPUT" if spec.get("hostNetwork") else "PREROUTING"
        return Source(node, ip, hook, f"pod {name}")
    raise TraceError("source must be pod:<namespace>/<name> or node:<name>")


def parse_destination(text: str) -> tuple[str, int, str]:
    address, _, protocol = text.partition("/")
    ip, _, port = address.rpartition(":")
    ip = ip.strip("[]")
    protocol = (protocol or "tcp").lower()
    if not ip or not port.isdigit() or not 0 < int(port) < 65536:
        raise TraceError("destination must be ip:port/proto, e.g. 10.96.0.1:443/tcp")
    if protocol not in ("tcp", "udp", "sctp"):
        raise TraceError(f"protocol must be tcp, udp or sctp, not {protocol[:10]!r}")
    return ip, int(port), protocol


def _listens(pod: dict, port: int) -> bool:
    for container in spec_of(pod).get("containers") or ():
        for declared in container.get("ports") or ():
            if port in (declared.get("containerPort"), declared.get("hostPort")):
                return True
        for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
            action = (container.get(probe) or {}).get("httpGet") or (
                container.get(probe) or {}
            ).get("tcpSocket")
            if action and action.get("port") == port:
                return True
    return False


def owner_of(state: ClusterState, address: str) -> dict[str, Any]:
    """Who answers at `ip:port`: the pod (from EndpointSlices, pod IPs, or a host-network pod
    that serves that port on its node) and its node, and the Services it is an endpoint of."""
    ip, _, port_text = address.rpartition(":")
    ip, port = ip.strip("[]"), int(port_text) if port_text.isdigit() else 0
    owner: dict[str, Any] = {"address": address, "pod": None, "node": None, "services": []}
    for eps in records(state, "EndpointSlice"):  # their records: none unpacked
        for endpoint in eps.endpoints:
            if ip in endpoint.addresses and port in eps.ports:
                owner["services"].append(f"{eps.namespace}/{eps.service}")
                if endpoint.target_kind == "Pod" and not owner["pod"]:
                    ref_namespace = endpoint.target_namespace or eps.namespace
                    owner["pod"] = f"{ref_namespace}/{endpoint.target_name}"
                owner["node"] = owner["node"] or endpoint.node
    host_network: list[PodRecord] = []
    for pod in records(state, "Pod"):  # by their records; only host-network ones unpacked
        if not pod.ips or pod.ips[0] != ip:  # its podIP, which the record's IPs start with
            continue
        if pod.host_network:
            host_network.append(pod)
        elif not owner["pod"]:
            owner["pod"] = f"{pod.namespace}/{pod.name}"
            owner["node"] = pod.node or None
    if not owner["pod"]:
        for held in host_network:
            serving = state.get("Pod", held.namespace, held.name)
            if serving is not None and _listens(serving, port):
                owner["pod"] = f"{held.namespace}/{held.name}"
                owner["node"] = spec_of(serving).get("nodeName")
                break
    if not owner["node"]:
        owner["node"] = next(
            (
                n["metadata"]["name"]
                for n in state.list("Node", "")
                if ip in _node_addresses(state, n["metadata"]["name"])
            ),
            None,
        )
    owner["services"] = sorted(set(owner["services"]))
    return owner


def packet_trace(state: ClusterState, source: str, destination: str) -> dict[str, Any]:
    model: dict[str, Any] = {"source": source, "destination": destination}
    try:
        origin = parse_source(state, source)
        ip, port, protocol = parse_destination(destination)
    except TraceError as error:
        return model | {"error": str(error)}
    mode = node_modes(state, origin.node).get(origin.node)
    model |= {"node": origin.node, "hook": origin.hook, "from": origin.label}
    model["mode"] = mode["mode"] if mode else "unknown"
    model["rules"] = node_source(state, origin.node, mode["data"] or "" if mode else "")
    if mode is None or mode["mode"] != IPTABLES or mode["data"] is None:
        why = mode["summary"] if mode else "the node is not known"
        missing = "its rules have not been collected" if mode and mode["mode"] == IPTABLES else ""
        return model | {
            "error": f"Node {origin.node} cannot be traced: {missing or why}. The packet "
            "trace reads iptables rules."
        }
    try:
        ruleset = parsed_fact(state, origin.node, mode["data"]).iptables
    except ValueError as error:
        return model | {"error": f"The recorded {mode['data']} could not be read: {error}"}
    where = Where(frozenset(_node_addresses(state, origin.node)))
    result = trace(ruleset, Packet(origin.ip, ip, port, protocol), origin.hook, where)
    outcomes = [
        {**outcome, "owner": _owner(state, outcome["action"], outcome["destination"])}
        for outcome in result["outcomes"]
    ]
    ends = [
        {
            "action": o["action"],
            "destination": o["destination"],
            "probability": o["probability"],
            "pod": (o["owner"] or {}).get("pod"),
            "node": (o["owner"] or {}).get("node"),
        }
        for o in outcomes
    ]
    return model | {"trace": {**result, "outcomes": outcomes}, "ends": ends}


def _owner(state: ClusterState, action: str, destination: str | None) -> dict[str, Any] | None:
    rewritten = destination is not None and action in ("DNAT", "REDIRECT")
    return owner_of(state, destination) if rewritten else None


def _build(state: ClusterState, params: Params, memo: None) -> dict[str, Any]:
    return packet_trace(state, params["source"], params["destination"])


VIEW = View(
    name="packet-trace",
    build=_build,
    kinds=frozenset({NODE_FACTS_KIND, "Node", "Pod", "EndpointSlice", "ConfigMap", "DaemonSet"}),
    params=("cluster", "source", "destination"),
)
