"""`ipvsadm -Ln` (kube-proxy's IPVS mode): virtual services and their real servers.

    TCP  10.96.0.10:53 rr
      -> 10.244.0.2:53                Masq    1      0          0

Each real server's share is its weight over the virtual service's total weight: exact for rr
and wrr (round robin cycles through the servers in proportion to their weights), the long-run
split for the others when loads are even. Weight 0 (a quiesced server) gets no new connections.
"""

from __future__ import annotations

from typing import TypedDict


class NotIpvsadm(ValueError):
    """No virtual service in the text."""


class RealServer(TypedDict):
    address: str
    forward: str  # Masq, Route, Tunnel, …
    weight: int
    active_connections: int
    inactive_connections: int
    share: float


class VirtualService(TypedDict):
    protocol: str  # tcp, udp, sctp, fwm
    address: str  # ip:port, [ip6]:port, or the firewall mark
    scheduler: str
    flags: list[str]  # persistent 10800, ops, …
    real_servers: list[RealServer]


_PROTOCOLS = {"TCP": "tcp", "UDP": "udp", "SCTP": "sctp", "FWM": "fwm"}


def _count(word: str) -> int | None:
    """A weight or connection count: ipvsadm prints 32-bit unsigned numbers."""
    return int(word) if word.isascii() and word.isdigit() and len(word) <= 10 else None


def parse_ipvsadm(text: str) -> list[VirtualService]:
    services: list[VirtualService] = []
    for line in text.splitlines():
        words = line.split()
        if not words:
            continue
        if words[0] in _PROTOCOLS and len(words) >= 3:
            services.append(
                {
                    "protocol": _PROTOCOLS[words[0]],
                    "address": words[1],
                    "scheduler": words[2],
                    "flags": [" ".join(words[3:])] if len(words) > 3 else [],
                    "real_servers": [],
                }
            )
        elif words[0] == "->" and services and len(words) >= 6:
            weight, active, inactive = (_count(word) for word in words[3:6])
            if weight is None or active is None or inactive is None:
                continue  # the column heads (`-> RemoteAddress:Port Forward Weight …`)
            services[-1]["real_servers"].append(
                {
                    "address": words[1],
                    "forward": words[2],
                    "weight": weight,
                    "active_connections": active,
                    "inactive_connections": inactive,
                    "share": 0.0,
                }
            )
    if not services:
        raise NotIpvsadm("no IPVS virtual service found (expected `ipvsadm -Ln` output)")
    for service in services:
        total = sum(server["weight"] for server in service["real_servers"])
        for server in service["real_servers"]:
            server["share"] = server["weight"] / total if total else 0.0
    return services


def render_ipvs(services: list[VirtualService]) -> str:
    lines = [f"Virtual services: {len(services)}"]
    for service in services:
        flags = f" {' '.join(service['flags'])}" if service["flags"] else ""
        lines.append(f"{service['protocol']}  {service['address']}  {service['scheduler']}{flags}")
        if not service["real_servers"]:
            lines.append("    no real servers")
        lines += [
            f"    -> {s['address']}  weight {s['weight']}  {s['share'] * 100:.1f}%  {s['forward']}"
            for s in service["real_servers"]
        ]
    return "\n".join(lines) + "\n"
