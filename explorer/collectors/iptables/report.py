"""The `analyze iptables --json` contract, and its readable text form.

`{"services": [...], "tables": {...}}`, and `leftover_chains` (sorted chain names) only when
the rules hold per-service chains that belong to no Service port (explorer.collectors.iptables
.services). Each service item has exactly: name, protocol, cluster_ip, port, chain, node_port,
endpoints (the KUBE-SVC chain's). Only when the rules have them: local_chain + local_endpoints
(KUBE-SVL, or the pre-1.24 KUBE-XLB), load_balancer_ips, external_ips.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NotRequired, TypedDict

from .model import Ruleset
from .services import Endpoint, ServicePort, read_services


class EndpointItem(TypedDict):
    address: str | None
    chain: str
    probability: float


class ServiceItem(TypedDict):
    name: str | None
    protocol: str | None
    cluster_ip: str | None
    port: int | None
    chain: str | None
    node_port: int | None
    endpoints: list[EndpointItem]
    local_chain: NotRequired[str]
    local_endpoints: NotRequired[list[EndpointItem]]
    load_balancer_ips: NotRequired[list[str]]
    external_ips: NotRequired[list[str]]


class TableCounts(TypedDict):
    chains: int
    rules: int


class IptablesReport(TypedDict):
    services: list[ServiceItem]
    tables: dict[str, TableCounts]
    leftover_chains: NotRequired[list[str]]


def _endpoints(endpoints: list[Endpoint]) -> list[EndpointItem]:
    return [
        {"address": e.address, "chain": e.chain, "probability": e.probability} for e in endpoints
    ]


def service_item(port: ServicePort) -> ServiceItem:
    item: ServiceItem = {
        "name": port.name,
        "protocol": port.protocol,
        "cluster_ip": port.cluster_ip,
        "port": port.port,
        "chain": port.chain,
        "node_port": port.node_port,
        "endpoints": _endpoints(port.endpoints),
    }
    if port.local_chain:
        item["local_chain"] = port.local_chain
        item["local_endpoints"] = _endpoints(port.local_endpoints)
    if port.load_balancer_ips:
        item["load_balancer_ips"] = list(port.load_balancer_ips)
    if port.external_ips:
        item["external_ips"] = list(port.external_ips)
    return item


def contract(
    ports: list[ServicePort], tables: dict[str, dict[str, int]], leftovers: Sequence[str] = ()
) -> IptablesReport:
    counts: dict[str, TableCounts] = {
        name: {"chains": table["chains"], "rules": table["rules"]} for name, table in tables.items()
    }
    found: IptablesReport = {"services": [service_item(p) for p in ports], "tables": counts}
    if leftovers:
        found["leftover_chains"] = list(leftovers)
    return found


def report(ruleset: Ruleset) -> IptablesReport:
    read = read_services(ruleset)
    return contract(read.ports, ruleset.summary(), read.leftovers)


def _share(value: float) -> str:
    return f"{value * 100:.1f}%"


def _endpoint_lines(endpoints: list[Endpoint]) -> list[str]:
    return [f"    -> {e.address or '?'}  {_share(e.probability)}  {e.chain}" for e in endpoints]


def _heading(port: ServicePort) -> str:
    entry = f"{port.cluster_ip or '-'}:{port.port if port.port is not None else '-'}"
    extras = [f"nodePort {port.node_port}"] if port.node_port is not None else []
    extras += [f"LB {ip}" for ip in port.load_balancer_ips]
    extras += [f"external {ip}" for ip in port.external_ips]
    suffix = f"  ({', '.join(extras)})" if extras else ""
    return f"{port.name or '?'}  {port.protocol or '?'}  {entry}{suffix}"


def render_services(ports: list[ServicePort]) -> list[str]:
    """Service ports as readable lines: entry → chain → endpoints with their shares."""
    lines: list[str] = []
    for port in ports:
        lines.append(_heading(port))
        if port.no_endpoints:
            lines.append(f"    {port.no_endpoints}")
        elif port.chain is None and port.external_chain:
            lines.append(f"    {port.external_chain} (its service chain is not in this text)")
        if port.chain:
            lines.append(f"    {port.chain}")
            lines += _endpoint_lines(port.endpoints)
        if port.local_chain:
            lines.append(f"    {port.local_chain} (node-local endpoints)")
            lines += _endpoint_lines(port.local_endpoints)
    return lines


def render_text(
    tables: dict[str, dict[str, int]], ports: list[ServicePort], leftovers: Sequence[str] = ()
) -> str:
    lines = ["Tables:"]
    lines += [
        f"  {name}: {counts['chains']} chains, {counts['rules']} rules"
        for name, counts in tables.items()
    ]
    lines.append(f"Service ports: {len(ports)}")
    lines += render_services(ports)
    if leftovers:
        lines.append(f"Leftover chains (no rule, no Service port): {len(leftovers)}")
        lines += [f"    {chain}" for chain in leftovers]
    return "\n".join(lines) + "\n"
