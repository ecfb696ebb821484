"""Service chain: how one node's kube-proxy rules carry a new connection from a Service port to a
pod, as a Plotly Sankey.

Columns, left to right (`service_chain_layout.py`): the Service port → how the connection came in
(its ClusterIP, a NodePort, a LoadBalancer or external IP) → kube-proxy's per-service chains
(KUBE-FW, then KUBE-EXT, then KUBE-SVC or KUBE-SVL) → one KUBE-SEP chain per endpoint → the
endpoint address it DNATs to → the pod owning the address → the pod's node (a node's own address
goes straight to the node). One box per thing: an address two Services send to is one box. Every
link between chains is a jump in the rules. Widths are each endpoint's share of new connections
(one connection through each way in), or the rules' packet counters when the dump has them
(`iptables-save -c`). A headless Service has no rules by design, and is explained instead.

`chain_model(analysis, owners, service)` builds the model from a parsed dump (pasted text or a
node's facts alike); `service_chains(state, params)` is the live entry point, reading the node's
recorded `iptables-save` (or `nft`) from the cluster state.

The model: `nodes` (box id → {label, hover, colour, column, order, service}) and `links` (link
id → {source, target, value, hover}), keyed so that a change is a small delta; `columns` (the
columns in use, left to right, with their headers); `services` (ns/name → its ports) for the
page's selector; `width_by` ("share" or "packets"); `notes`; `missing` (why there is nothing to
draw, or ""); `explained` (why a Service chosen has nothing to draw by design, or ""). Labels,
headers and hover text are Plotly pseudo-HTML with every dump or cluster string escaped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypedDict

from explorer.collectors.iptables.model import Rule
from explorer.collectors.iptables.services import Endpoint, ServicePort
from explorer.collectors.kubeproxy.node_rules import NFT_RULES, NodeRules
from explorer.lib import kubeproxy
from explorer.lib.objects import status_of
from explorer.state.as_of import state_as_of
from explorer.state.cluster_state import ClusterState
from explorer.state.node_facts import IP6TABLES, IPTABLES, NFT, NODE_FACTS_KIND, taken_moment
from explorer.state.parsed_facts import parsed_fact
from explorer.state.records import records

from ..base import Params, View
from ..plotly_text import hover_lines, plotly_text
from .headless import headless_services, not_drawn, why_no_rules
from .node_dumps import dump_source
from .service_chain_layout import arrange

ALL = "*"  # the `service` parameter for every Service of the dump
MAX_PORTS_ALL = 40  # Service ports drawn when all are asked for

COLOURS = {
    "service": "#4c78a8",
    "entry": "#72b7b2",
    kubeproxy.FIREWALL: "#b279a2",
    kubeproxy.EXTERNAL: "#9d755d",
    kubeproxy.EXTERNAL_LOCAL_LEGACY: "#9d755d",
    kubeproxy.SERVICE: "#f58518",
    kubeproxy.SERVICE_LOCAL: "#eeca3b",
    "sep": "#e45756",
    "endpoint": "#ff9da6",
    "pod": "#54a24b",
    "address": "#9ca3af",
    "node": "#bab0ac",
    "reject": "#b42318",
}


class Box(TypedDict):
    label: str
    hover: str
    colour: str
    column: str
    order: int  # top to bottom within the column
    service: str  # ns/name of the one Service the box belongs to, "" when shared


class Link(TypedDict):
    source: str
    target: str
    value: float
    hover: str


@dataclass(frozen=True)
class Owner:
    """Who holds an endpoint address: a pod (ns/name) on a node, or a node itself."""

    pod: str  # "" when the address is a node's (host network, or the API server)
    node: str


def port_label(port: ServicePort) -> str:
    name = port.name or "unnamed Service port"
    return f"{name} ({port.protocol})" if port.protocol else name


def port_key(port: ServicePort) -> str:
    """The port's label, made distinct by its address when the rules carry no name."""
    if port.name:
        return port_label(port)
    return f"{port_label(port)} {port.cluster_ip or '?'}:{port.port or '?'}"


def service_of(port: ServicePort) -> str:
    """ns/name of the Service a port belongs to."""
    return (port.name or "?").partition(":")[0]


def services_index(ports: list[ServicePort]) -> dict[str, list[str]]:
    """ns/name → the labels of its ports, for the page's selector."""
    found: dict[str, list[str]] = {}
    for port in ports:
        found.setdefault(service_of(port), []).append(port_label(port))
    return dict(sorted(found.items()))


@dataclass
class _Graph:
    boxes: dict[str, Box] = field(default_factory=dict)
    links: dict[str, Link] = field(default_factory=dict)
    packets: bool = False

    def box(
        self, box_id: str, label: str, hover: str, colour: str, column: str, service: str = ""
    ) -> str:
        if box_id not in self.boxes:
            self.boxes[box_id] = {
                "label": label,
                "hover": hover,
                "colour": colour,
                "column": column,
                "order": 0,
                "service": service,
            }
        return box_id

    def link(self, source: str, target: str, value: float, hover: str) -> None:
        key = f"{source} -> {target}"
        found = self.links.get(key)
        if found is None:
            self.links[key] = {"source": source, "target": target, "value": value, "hover": hover}
        else:
            found["value"] += value


class _Rules:
    """The nat rules of an iptables dump, for the rule text (and counters) behind each hop."""

    def __init__(self, analysis: NodeRules) -> None:
        self.chains = analysis.nat_rules()

    def jumps(self, chain: str, target: str) -> list[Rule]:
        return [rule for rule in self.chains.get(chain, ()) if rule.target == target]

    def dnat(self, chain: str) -> Rule | None:
        return next((r for r in self.chains.get(chain, ()) if r.target == "DNAT"), None)


def _rule_text(rule: Rule) -> str:
    counters = f"[{rule.counters[0]}:{rule.counters[1]}] " if rule.counters else ""
    return f"{counters}-A {rule.chain} {rule.spec}"


def _packets(rules: list[Rule]) -> int | None:
    counted = [rule.counters[0] for rule in rules if rule.counters is not None]
    return sum(counted) if counted else None


def _chain_colour(chain: str) -> str:
    for prefix in kubeproxy.PER_SERVICE_PREFIXES:
        if chain.startswith(prefix):
            return COLOURS[prefix]
    return COLOURS[kubeproxy.SERVICE]


@dataclass
class _Entry:
    kind: str  # ClusterIP, NodePort, LoadBalancer, externalIP
    address: str
    target: str | None  # the chain it jumps to (None: rejected, no endpoints)
    rules: list[Rule]


class _PortDrawer:
    def __init__(self, graph: _Graph, rules: _Rules, owners: dict[str, Owner]) -> None:
        self.graph, self.rules, self.owners = graph, rules, owners

    def draw(self, port: ServicePort) -> None:
        label, key, owner = port_label(port), port_key(port), service_of(port)
        service = self.graph.box(
            f"svc:{key}",
            plotly_text(label),
            hover_lines(
                f"Service port {label}",
                [
                    ("ClusterIP", f"{port.cluster_ip or '-'}:{port.port or '-'}"),
                    ("NodePort", port.node_port if port.node_port is not None else "none"),
                ],
            ),
            COLOURS["service"],
            "service",
            owner,
        )
        inflow: dict[str, float] = {}
        protocol = f"/{port.protocol}" if port.protocol else ""
        for entry in self._entries(port):
            way_in = f"{entry.kind} {entry.address}{protocol}"
            entry_id = self.graph.box(
                f"entry:{key}:{entry.kind}:{entry.address}",
                plotly_text(way_in),
                hover_lines(way_in, self._rule_rows(entry.rules)),
                COLOURS["entry"],
                "entry",
                owner,
            )
            value = self._value(entry.rules, 1.0)
            self.graph.link(service, entry_id, value, self._hop_hover(label, entry.rules))
            target = entry.target or self._rejected(port, key)
            self._chain_box(target, port)
            self.graph.link(entry_id, target, value, self._hop_hover(entry.kind, entry.rules))
            inflow[target] = inflow.get(target, 0.0) + value
        for chain in (port.firewall_chain, port.external_chain):
            if chain and chain in inflow and chain != port.local_chain:
                self._forward(port, chain, inflow)
        for chain, endpoints in (
            (port.chain, port.endpoints),
            (port.local_chain, port.local_endpoints),
        ):
            if chain and chain in inflow:
                self._balance(chain, endpoints, inflow[chain], port)

    def _entries(self, port: ServicePort) -> list[_Entry]:
        own = {port.chain, port.local_chain, port.external_chain, port.firewall_chain} - {None}
        entries: list[_Entry] = []
        if self.rules.chains and own:
            for rule in self.rules.chains.get("KUBE-SERVICES", ()):
                if rule.target in own:
                    entries.append(self._service_entry(port, rule))
            for rule in self.rules.chains.get("KUBE-NODEPORTS", ()):
                if rule.target in own:
                    dport = rule.value("--dport") or str(port.node_port or "?")
                    entries.append(_Entry("NodePort", f"(any node):{dport}", rule.target, [rule]))
            if entries:
                return entries
        # nftables, or a fragment without the entry rules: from what the analysis found.
        into = port.chain or port.local_chain
        outside = port.firewall_chain or port.external_chain or into
        if port.cluster_ip:
            entries.append(_Entry("ClusterIP", f"{port.cluster_ip}:{port.port}", into, []))
        if port.node_port is not None:
            entries.append(_Entry("NodePort", f"(any node):{port.node_port}", outside or into, []))
        for ip in port.load_balancer_ips:
            entries.append(_Entry("LoadBalancer", f"{ip}:{port.port}", outside, []))
        for ip in port.external_ips:
            entries.append(_Entry("externalIP", f"{ip}:{port.port}", outside, []))
        if not entries and into:
            entries.append(_Entry("entry", "not in this text", into, []))
        return entries

    def _service_entry(self, port: ServicePort, rule: Rule) -> _Entry:
        comment = " ".join(rule.comments)
        destination = (rule.value("-d") or "?").removesuffix("/32").removesuffix("/128")
        address = f"{destination}:{rule.value('--dport') or port.port or '?'}"
        if comment.endswith("loadbalancer IP") or destination in port.load_balancer_ips:
            kind = "LoadBalancer"
        elif comment.endswith("external IP") or destination in port.external_ips:
            kind = "externalIP"
        else:
            kind = "ClusterIP"
        return _Entry(kind, address, rule.target, [rule])

    def _rejected(self, port: ServicePort, key: str) -> str:
        why = port.no_endpoints or "no chain for this Service port on this node"
        return self.graph.box(
            f"reject:{key}",
            "no endpoints: rejected",
            hover_lines("No endpoints", [("rule", why)]),
            COLOURS["reject"],
            "chain",
            service_of(port),
        )

    def _chain_box(self, chain: str, port: ServicePort) -> None:
        if chain in self.graph.boxes or chain.startswith("reject:"):
            return
        rows = self._rule_rows([r for r in self.rules.chains.get(chain, ())])
        what = _CHAIN_ROLES.get(_prefix(chain), "per-Service chain")
        self.graph.box(
            chain,
            plotly_text(chain),
            hover_lines(f"{chain}: {what}", [("Service port", port_label(port)), *rows]),
            _chain_colour(chain),
            _chain_column(chain, port),
            service_of(port),
        )

    def _forward(self, port: ServicePort, chain: str, inflow: dict[str, float]) -> None:
        """KUBE-FW → KUBE-EXT → KUBE-SVC or KUBE-SVL: outside traffic takes the last jump (the
        earlier ones catch pods and the node itself, and say so in the chain's hover)."""
        own = {port.chain, port.local_chain, port.external_chain} - {None, chain}
        jumps = [r for r in self.rules.chains.get(chain, ()) if r.target in own]
        target = jumps[-1].target if jumps else (port.local_chain or port.chain)
        if chain == port.firewall_chain and not jumps:
            target = port.external_chain or target
        if not target:
            return
        self._chain_box(target, port)
        used = [r for r in jumps if r.target == target][-1:]
        value = self._value(used, inflow[chain])
        self.graph.link(chain, target, value, self._hop_hover(f"{chain} → {target}", used))
        inflow[target] = inflow.get(target, 0.0) + value

    def _balance(self, chain: str, endpoints: list[Endpoint], total: float, port: ServicePort):
        for endpoint in endpoints:
            jumps = self.rules.jumps(chain, endpoint.chain)
            dnat = self.rules.dnat(endpoint.chain)
            address = endpoint.address or "?"
            rows = [
                ("DNAT to", address),
                ("share of new connections", _percent(endpoint.probability)),
            ]
            sep = self.graph.box(
                endpoint.chain,
                plotly_text(endpoint.chain),
                hover_lines(endpoint.chain, rows + self._rule_rows([dnat] if dnat else [])),
                COLOURS["sep"],
                "sep",
                service_of(port),
            )
            value = self._value(jumps, total * endpoint.probability)
            hover = self._hop_hover(f"{_percent(endpoint.probability)} of new connections", jumps)
            self.graph.link(chain, sep, value, hover)
            value = self._value([dnat] if dnat else [], value)
            target = self._endpoint(endpoint)
            self.graph.link(sep, target, value, hover_lines("DNAT", [("to", address)]))
            self._owner(target, address, value)

    def _endpoint(self, endpoint: Endpoint) -> str:
        """The address a KUBE-SEP chain DNATs to: one box, whichever Services send to it."""
        address = endpoint.address
        return self.graph.box(
            f"endpoint:{address}" if address else f"endpoint:? ({endpoint.chain})",
            plotly_text(f"→ {address or '?'}"),
            hover_lines(f"endpoint {address or '(address not read)'}", []),
            COLOURS["endpoint"],
            "endpoint",
        )

    def _owner(self, endpoint: str, address: str, value: float) -> None:
        ip = address.rpartition(":")[0].strip("[]") or address
        owner = self.owners.get(ip)
        if owner is None:  # pasted text, or an address no pod or node has: the chain ends here
            return
        node = None
        if owner.node:
            node = self.graph.box(
                f"node:{owner.node}",
                plotly_text(owner.node),
                hover_lines(f"node {owner.node}", []),
                COLOURS["node"],
                "node",
            )
        if not owner.pod:  # the node's own address (host network, the API server)
            if node is not None:
                hover = hover_lines(f"address of node {owner.node}", [])
                self.graph.link(endpoint, node, value, hover)
            return
        pod = self.graph.box(
            f"pod:{owner.pod}",
            plotly_text(owner.pod.partition("/")[2]),
            hover_lines(f"pod {owner.pod}", [("IP", ip), ("node", owner.node or "?")]),
            COLOURS["pod"],
            "pod",
        )
        self.graph.link(endpoint, pod, value, hover_lines(f"address of pod {owner.pod}", []))
        if node is not None:
            self.graph.link(pod, node, value, hover_lines(f"on node {owner.node}", []))

    def _value(self, rules: list[Rule], share: float) -> float:
        if not self.graph.packets:
            return share
        packets = _packets(rules)
        return float(packets) if packets else MIN_PACKET_WIDTH

    def _hop_hover(self, title: str, rules: list[Rule]) -> str:
        return hover_lines(title, self._rule_rows(rules))

    def _rule_rows(self, rules: list[Rule]) -> list[tuple[str, object]]:
        shown = [("rule", _rule_text(rule)) for rule in rules[:MAX_HOVER_RULES]]
        if len(rules) > MAX_HOVER_RULES:
            shown.append(("…", f"{len(rules) - MAX_HOVER_RULES} more rules"))
        return shown


MAX_HOVER_RULES = 8
MIN_PACKET_WIDTH = 0.5  # a hop no packet took yet, still drawn (its hover says 0 packets)
_CHAIN_ROLES = {
    kubeproxy.SERVICE: "picks one endpoint at random (cluster-wide)",
    kubeproxy.SERVICE_LOCAL: "picks one of this node's own endpoints",
    kubeproxy.EXTERNAL: "traffic from outside the cluster",
    kubeproxy.FIREWALL: "load balancer source ranges",
    kubeproxy.EXTERNAL_LOCAL_LEGACY: "external traffic kept on this node (before 1.24)",
}


def _chain_column(chain: str, port: ServicePort) -> str:
    """Firewall, then external, then the chains that pick an endpoint (SVC, SVL, old XLB)."""
    if chain == port.firewall_chain:
        return "firewall"
    if chain == port.external_chain and chain != port.local_chain:
        return "external"
    return "chain"


def _prefix(chain: str) -> str:
    return next((p for p in kubeproxy.PER_SERVICE_PREFIXES if chain.startswith(p)), "")


def _percent(share: float) -> str:
    return f"{share * 100:.1f}%"


def chain_model(
    analysis: NodeRules | None,
    owners: dict[str, Owner] | None = None,
    service: str = ALL,
    source: dict[str, Any] | None = None,
    missing: str = "",
    limit: int = MAX_PORTS_ALL,
    headless: dict[str, list[str]] | None = None,
) -> dict[str, Any]:
    """The Sankey model of `service` (ns/name, or ALL: at most `limit` ports) in a parsed
    dump; `headless`: the cluster's headless Services and their pods' addresses."""
    model: dict[str, Any] = {
        "source": source or {},
        "service": service,
        "services": {},
        "width_by": "share",
        "columns": [],
        "nodes": {},
        "links": {},
        "notes": [],
        "missing": missing,
        "explained": "",
    }
    if analysis is None:
        return model
    headless = headless or {}
    if service in headless:
        model["explained"] = why_no_rules(service, headless[service])
        return model
    ports = analysis.ports
    model["services"] = services_index(ports)
    chosen = [p for p in ports if service == ALL or service_of(p) == service]
    if service == ALL and headless:
        model["notes"].append(not_drawn(list(headless)))
    if service != ALL and not chosen:
        model["missing"] = f"No rules for Service {service} in this dump."
        return model
    if service == ALL and len(chosen) > limit:
        model["notes"].append(
            f"{len(chosen)} Service ports: the first {limit} are drawn; pick a Service "
            "to see its own."
        )
        chosen = chosen[:limit]
    graph = _Graph(packets=analysis.has_counters)
    if graph.packets:
        model["width_by"] = "packets"
        model["notes"].append(
            "Widths are the rules' packet counters (the nat table sees the first packet of each "
            "connection); hops no packet has taken yet are drawn thin."
        )
    if analysis.kind == NFT_RULES:
        model["notes"].append(
            "nftables mode: kube-proxy's verdict maps play the part of KUBE-SERVICES, and "
            "numgen maps pick the endpoint."
        )
    drawer = _PortDrawer(graph, _Rules(analysis), owners or {})
    for port in chosen:
        drawer.draw(port)
    if not chosen:
        model["missing"] = "No kube-proxy Service rules in this dump."
    model["columns"] = arrange(graph.boxes, graph.links)
    model["nodes"], model["links"] = graph.boxes, graph.links
    return model


def endpoint_owners(state: ClusterState) -> dict[str, Owner]:
    """Endpoint address → its pod and node: EndpointSlices' targetRefs first (hostNetwork pods
    share their node's IP, so the IP alone is ambiguous), then pod IPs, then node addresses."""
    owners: dict[str, Owner] = {}
    for node in state.list("Node", ""):
        name = node["metadata"].get("name") or ""
        for address in status_of(node).get("addresses") or ():
            if address.get("type") in ("InternalIP", "ExternalIP") and address.get("address"):
                owners[address["address"]] = Owner("", name)
    for pod in records(state, "Pod"):  # their records: none unpacked
        if pod.host_network or not pod.ips:
            continue
        owner = Owner(f"{pod.namespace}/{pod.name}", pod.node)
        for ip in pod.ips:
            owners[ip] = owner
    for eps in records(state, "EndpointSlice"):  # their records: none unpacked
        for endpoint in eps.endpoints:
            if endpoint.target_kind != "Pod":
                continue
            owner = Owner(f"{eps.namespace}/{endpoint.target_name}", endpoint.node or "")
            for address in endpoint.addresses:
                owners[address] = owner
    return owners


def _build(state: ClusterState, params: Params, memo: None) -> dict[str, Any]:
    return service_chains(state, params["node"], params["service"])


def service_chains(state: ClusterState, node: str, service: str = ALL) -> dict[str, Any]:
    """The model for `service` from `node`'s recorded rules (iptables-save, else nft)."""
    found = dump_source(state, node, (IPTABLES, NFT, IP6TABLES))
    if found.text is None:
        return chain_model(None, source=found.source, missing=found.missing)
    try:
        analysis = parsed_fact(state, node, found.fact)
    except ValueError as error:
        why = f"The recorded {found.fact} of node {node} could not be read: {error}"
        return chain_model(None, source=found.source, missing=why)
    # the endpoints' pods as they were when the rules were taken, not as they are now
    moment = taken_moment(state.node_facts.get(node) or {})
    then = state_as_of(state, moment) if moment is not None else state
    owners, headless = endpoint_owners(then), headless_services(state)
    return chain_model(analysis, owners, service, found.source, headless=headless)


VIEW = View(
    name="service-chains",
    build=_build,
    kinds=frozenset({NODE_FACTS_KIND, "Pod", "EndpointSlice", "Node"}),
    params=("cluster", "node", "service"),
)
