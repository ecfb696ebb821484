"""What kube-proxy should program on one node, per Service port, from plain Service and
EndpointSlice dicts: the entry points (ClusterIP, NodePort, LoadBalancer ingress, external
IPs), the per-service chain names (hash rule of explorer.lib.kubeproxy) and the endpoints left
after kube-proxy's filtering (`CategorizeEndpoints`, topology hints aside): ready endpoints,
else serving-terminating ones; `internalTrafficPolicy`/`externalTrafficPolicy: Local` keep this
node's. Endpoints are sorted by `ip:port` as kube-proxy sorts them; each one's share is 1/n.

One implementation for everyone: the demo renders its iptables-save from this, and drift
compares a node's rules against it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from explorer.lib import kubeproxy
from explorer.lib.objects import meta_of, spec_of, status_of

SliceIndex = Mapping[tuple[str, str], list[dict]]  # (namespace, service name) -> EndpointSlices


@dataclass(frozen=True, order=True)
class Endpoint:
    """One EndpointSlice endpoint for one Service port, with its conditions."""

    address: str  # ip:port, the sort key kube-proxy uses
    ip: str
    node: str
    ready: bool
    serving: bool
    terminating: bool
    pod: str = field(default="", compare=False)  # ns/name of the targetRef Pod, "" if none


@dataclass
class Categorized:
    cluster: list[Endpoint]  # the cluster-policy chain's (KUBE-SVC)
    local: list[Endpoint]  # the local-policy chain's (KUBE-SVL)
    reachable: list[Endpoint]  # every endpoint that gets a KUBE-SEP chain
    any: bool  # whether any usable endpoint exists anywhere (else: REJECT)


def categorize(
    endpoints: list[Endpoint], node: str, internal_local: bool, external: bool, external_local: bool
) -> Categorized:
    """kube-proxy's CategorizeEndpoints (topology hints aside)."""
    uses_cluster = not internal_local or (external and not external_local)
    uses_local = internal_local or (external and external_local)
    cluster: list[Endpoint] = []
    local: list[Endpoint] = []
    has_any = False
    if uses_cluster:
        cluster = [e for e in endpoints if e.ready] or [
            e for e in endpoints if e.serving and e.terminating
        ]
        has_any = bool(cluster)
    if not uses_local:
        return Categorized(cluster, [], cluster, has_any)
    usable = [e for e in endpoints if e.ready or (e.serving and e.terminating)]
    has_any = has_any or bool(usable)
    local = [e for e in endpoints if e.node == node and e.ready] or [
        e for e in endpoints if e.node == node and e.serving and e.terminating
    ]
    if not uses_cluster:
        return Categorized([], local, local, has_any)
    return Categorized(cluster, local, sorted(set(cluster) | set(local)), has_any)


def slice_endpoints(port: dict, slices: Iterable[dict]) -> list[Endpoint]:
    """Every endpoint the slices list for this Service port (matched by port name and
    protocol), sorted and without duplicates."""
    found = []
    for eps in slices:
        number = next(
            (
                p.get("port")
                for p in eps.get("ports") or ()
                if (p.get("name") or "") == (port.get("name") or "")
                and p.get("protocol", "TCP") == port.get("protocol", "TCP")
            ),
            None,
        )
        if number is None:
            continue
        for endpoint in eps.get("endpoints") or ():
            addresses = endpoint.get("addresses") or ()
            if not addresses:
                continue
            conditions = endpoint.get("conditions") or {}
            ready = conditions.get("ready") is not False
            serving = conditions.get("serving", ready) is not False
            ip = addresses[0]
            ref = endpoint.get("targetRef") or {}
            pod = (
                f"{ref.get('namespace') or eps['metadata'].get('namespace', '')}/{ref['name']}"
                if ref.get("kind") == "Pod" and ref.get("name")
                else ""
            )
            found.append(
                Endpoint(
                    f"[{ip}]:{number}" if ":" in ip else f"{ip}:{number}",
                    ip,
                    endpoint.get("nodeName", ""),
                    ready,
                    serving,
                    bool(conditions.get("terminating")),
                    pod,
                )
            )
    return sorted(set(found))


@dataclass(frozen=True)
class ExpectedEndpoint:
    address: str  # ip:port the KUBE-SEP chain DNATs to
    ip: str
    node: str
    pod: str  # ns/name, "" when the slice names none
    chain: str  # KUBE-SEP-…
    share: float  # of the new connections of its balancing chain: 1/n
    rule_probability: str | None  # what kube-proxy writes (`0.3333333333`); None on the last


@dataclass
class ExpectedPort:
    """One Service port as kube-proxy (iptables mode) programs it on one node."""

    namespace: str
    service: str
    port_name: str  # the Service port's name, "" when unnamed
    name: str  # service port name: ns/name:port, or ns/name
    protocol: str  # lower case
    cluster_ip: str
    port: int
    node_port: int | None
    load_balancer_ips: list[str]
    external_ips: list[str]
    internal_local: bool
    external_local: bool
    chain: str  # KUBE-SVC-…
    local_chain: str  # KUBE-SVL-…
    external_chain: str  # KUBE-EXT-…
    firewall_chain: str  # KUBE-FW-…
    endpoints: Categorized
    cluster_endpoints: list[ExpectedEndpoint]  # what KUBE-SVC balances over
    local_endpoints: list[ExpectedEndpoint]  # what KUBE-SVL balances over ([] if unused)
    reachable: list[ExpectedEndpoint]  # one KUBE-SEP chain each

    @property
    def has_endpoints(self) -> bool:
        return self.endpoints.any

    @property
    def internal_chain(self) -> str:
        """Where KUBE-SERVICES sends ClusterIP traffic."""
        return self.local_chain if self.internal_local else self.chain

    @property
    def has_internal(self) -> bool:
        """ClusterIP traffic reaches endpoints (else REJECT, or DROP for Local without any)."""
        return self.has_endpoints and (bool(self.endpoints.local) if self.internal_local else True)

    @property
    def has_external(self) -> bool:
        return self.has_endpoints and (bool(self.endpoints.local) if self.external_local else True)

    @property
    def externally_accessible(self) -> bool:
        return bool(self.node_port or self.load_balancer_ips or self.external_ips)


def _balanced(name: str, protocol: str, endpoints: list[Endpoint]) -> list[ExpectedEndpoint]:
    count = len(endpoints)
    return [
        ExpectedEndpoint(
            e.address,
            e.ip,
            e.node,
            e.pod,
            kubeproxy.endpoint_chain(name, protocol, e.address),
            1.0 / count,
            kubeproxy.kube_proxy_probability(count - index) if index < count - 1 else None,
        )
        for index, e in enumerate(endpoints)
    ]


def _ingress_ips(svc: dict) -> list[str]:
    if spec_of(svc).get("type") != "LoadBalancer":
        return []
    ingress = (status_of(svc).get("loadBalancer") or {}).get("ingress") or ()
    return [i["ip"] for i in ingress if i.get("ip")]


def expected_port(svc: dict, port: dict, slices: Iterable[dict], node: str) -> ExpectedPort:
    meta, spec = svc["metadata"], spec_of(svc)
    name = kubeproxy.service_port_name(meta["namespace"], meta["name"], port.get("name", ""))
    protocol = port.get("protocol", "TCP").lower()
    node_port = port.get("nodePort") if spec.get("type") in ("NodePort", "LoadBalancer") else None
    lb_ips = _ingress_ips(svc)
    external_ips = list(spec.get("externalIPs") or ())
    internal_local = spec.get("internalTrafficPolicy") == "Local"
    external_local = spec.get("externalTrafficPolicy") == "Local"
    external = bool(node_port or lb_ips or external_ips)
    found = categorize(
        slice_endpoints(port, slices), node, internal_local, external, external_local
    )
    local_used = bool(found.local) and (internal_local or (external and external_local))
    reachable = _balanced(name, protocol, found.reachable)
    return ExpectedPort(
        namespace=meta["namespace"],
        service=meta["name"],
        port_name=port.get("name", "") or "",
        name=name,
        protocol=protocol,
        cluster_ip=spec.get("clusterIP", ""),
        port=int(port["port"]),
        node_port=node_port,
        load_balancer_ips=lb_ips,
        external_ips=external_ips,
        internal_local=internal_local,
        external_local=external_local,
        chain=kubeproxy.service_chain(name, protocol),
        local_chain=kubeproxy.service_chain(name, protocol, kubeproxy.SERVICE_LOCAL),
        external_chain=kubeproxy.service_chain(name, protocol, kubeproxy.EXTERNAL),
        firewall_chain=kubeproxy.service_chain(name, protocol, kubeproxy.FIREWALL),
        endpoints=found,
        cluster_endpoints=_balanced(name, protocol, found.cluster),
        local_endpoints=_balanced(name, protocol, found.local) if local_used else [],
        reachable=reachable,
    )


def proxied(svc: dict) -> bool:
    """kube-proxy programs Services with a ClusterIP; ExternalName and headless ones it skips."""
    spec = spec_of(svc)
    return spec.get("type") != "ExternalName" and spec.get("clusterIP") not in (None, "", "None")


def index_slices(slices: Iterable[dict]) -> dict[tuple[str, str], list[dict]]:
    """EndpointSlices by the (namespace, service) of their `kubernetes.io/service-name` label."""
    found: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for eps in slices:
        meta = meta_of(eps)
        service = (meta.get("labels") or {}).get("kubernetes.io/service-name")
        if service:
            found[(meta.get("namespace") or "", service)].append(eps)
    return found


def expected_ports(
    services: Iterable[dict], slices_by_service: SliceIndex, node: str
) -> list[ExpectedPort]:
    """Every Service port kube-proxy programs on `node`, Services in (namespace, name) order,
    ports in the Service's order (the order kube-proxy's rules come out in)."""
    ordered = sorted(
        (s for s in services if proxied(s)),
        key=lambda s: (s["metadata"]["namespace"], s["metadata"]["name"]),
    )
    found: list[ExpectedPort] = []
    for svc in ordered:
        meta = svc["metadata"]
        slices = slices_by_service.get((meta["namespace"], meta["name"]), [])
        for port in svc["spec"].get("ports") or ():
            found.append(expected_port(svc, port, slices, node))
    return found
