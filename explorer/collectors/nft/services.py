"""kube-proxy's nftables mode, per Service port (the same ServicePort as the iptables analysis):

`service-ips` map (ClusterIP → `goto service-…`; external and LoadBalancer IPs → `goto
external-…`), `service-nodeports` map (node port → `goto external-…`), each `service-…` chain's
`numgen random mod N vmap { i : goto endpoint-… }` (equal shares: keys per endpoint / N), each
`endpoint-…` chain's `dnat to ip:port`; `no-endpoint-services` / `no-endpoint-nodeports`
elements (commented with the service port name) are Service ports without endpoints.

Chain names carry the service port: `service-HASH-ns/name/proto/port`,
`endpoint-HASH-ns/name/proto/port__ip/port` (HASH: explorer.lib.kubeproxy.nft_chain_hash).
"""

from __future__ import annotations

import re

from explorer.collectors.iptables.services import Endpoint, ServicePort

from .model import NftChain, NftRuleset, NftTable

_CHAIN = re.compile(r"^(service|external|local|firewall|endpoint)-([A-Z2-7]{8})-(.+)$")


def _split(chain: str) -> tuple[str, str] | None:
    """`service-HASH-ns/name/tcp/http` → ("service", "ns/name/tcp/http")."""
    matched = _CHAIN.match(chain)
    return (matched.group(1), matched.group(3)) if matched else None


def _port_name(base: str) -> tuple[str, str]:
    """`ns/name/tcp/http` → ("ns/name:http", "tcp"); an unnamed port → ("ns/name", "tcp")."""
    namespace, name, protocol, port = [*base.split("/", 3), "", "", ""][:4]
    return (f"{namespace}/{name}:{port}" if port else f"{namespace}/{name}"), protocol


def _number(text: str) -> int | None:
    return int(text) if text.isdigit() else None


class _Reader:
    def __init__(self, table: NftTable) -> None:
        self.table = table
        self.ports: dict[str, ServicePort] = {}

    def port(self, base: str) -> ServicePort:
        found = self.ports.get(base)
        if found is None:
            name, protocol = _port_name(base)
            found = self.ports[base] = ServicePort(name, protocol)
        return found

    def by_name(self, name: str, protocol: str) -> ServicePort:
        namespace_name, _, port = name.partition(":")
        return self.port(f"{namespace_name}/{protocol}/{port}")

    def read(self) -> list[ServicePort]:
        for chain in self.table.chains.values():
            split = _split(chain.name)
            if split is None:
                continue
            kind, base = split
            if kind == "service":
                self.port(base).chain = chain.name
                self.port(base).endpoints = self._endpoints(chain)
            elif kind == "local":
                self.port(base).local_chain = chain.name
                self.port(base).local_endpoints = self._endpoints(chain)
            elif kind == "external":
                self.port(base).external_chain = chain.name
            elif kind == "firewall":
                self.port(base).firewall_chain = chain.name
        self._maps()
        return sorted(self.ports.values(), key=lambda p: (p.name or "", p.protocol or ""))

    def _endpoints(self, chain: NftChain) -> list[Endpoint]:
        shares: dict[str, float] = {}
        for rule in chain.rules:
            if rule.numgen_mod:
                for target in rule.numgen_map.values():
                    shares[target] = shares.get(target, 0.0) + 1.0 / rule.numgen_mod
            elif not shares:
                # A single endpoint may be a plain `goto endpoint-…`.
                for _, target in rule.verdicts:
                    if target.startswith("endpoint-"):
                        shares[target] = 1.0
        return [Endpoint(self._address(t), t, share) for t, share in shares.items()]

    def _address(self, chain_name: str) -> str | None:
        chain = self.table.chains.get(chain_name)
        for rule in chain.rules if chain else ():
            if rule.dnat:
                return rule.dnat
        split = _split(chain_name)  # a chain missing from the text: its name says where
        if split and "__" in split[1]:
            ip, _, port = split[1].rpartition("__")[2].rpartition("/")
            return f"[{ip}]:{port}" if ":" in ip else f"{ip}:{port}"
        return None

    def _maps(self) -> None:
        sets = self.table.sets
        for element in sets["service-ips"].elements if "service-ips" in sets else ():
            split = _split((element.value or "").partition(" ")[2])
            if split is None or len(element.key) != 3:
                continue
            kind, base = split
            port = self.port(base)
            address, _, number = element.key
            if kind == "service" and port.cluster_ip is None:
                port.cluster_ip, port.port = address, _number(number)
            elif address not in port.external_ips:
                port.external_ips.append(address)
        for element in sets["service-nodeports"].elements if "service-nodeports" in sets else ():
            split = _split((element.value or "").partition(" ")[2])
            if split is not None and len(element.key) == 2:
                self.port(split[1]).node_port = _number(element.key[1])
        for name in ("no-endpoint-services", "no-endpoint-nodeports"):
            for element in sets[name].elements if name in sets else ():
                if not element.comment or len(element.key) < 2:  # not address/port keys
                    continue
                protocol = element.key[-2]
                port = self.by_name(element.comment, protocol)
                port.no_endpoints = f"{element.comment} has no endpoints ({element.value})"
                if len(element.key) == 3:
                    port.cluster_ip = port.cluster_ip or element.key[0]
                    port.port = port.port or _number(element.key[2])
                else:
                    port.node_port = port.node_port or _number(element.key[1])


def kube_proxy_tables(ruleset: NftRuleset) -> list[NftTable]:
    """kube-proxy's tables (`ip kube-proxy`, `ip6 kube-proxy`)."""
    return [t for t in ruleset.tables if t.name == "kube-proxy"]


def service_ports(ruleset: NftRuleset) -> list[ServicePort]:
    found: list[ServicePort] = []
    for table in kube_proxy_tables(ruleset):
        found += _Reader(table).read()
    return found
