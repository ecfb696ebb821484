"""Drift: what kube-proxy should have programmed on a node (explorer.collectors.kubeproxy.expected)
against what the node has (a parsed iptables-save, or an nftables ruleset).

Kinds of finding, each with the node, the Service port, the chain and the endpoint concerned:
- `missing-service`: the node has no rules at all for a Service port it should program;
- `missing-entry` / `wrong-entry`: the port's chains are there but its ClusterIP or NodePort
  entry rule is absent or points elsewhere;
- `missing-endpoint`: an endpoint kube-proxy would balance to is not jumped to (or the node
  rejects the port as having no endpoints while it has some);
- `stale-endpoint`: a balancing chain still sends to an endpoint no longer expected;
- `wrong-probability`: an endpoint's share of new connections is not what kube-proxy gives it
  (1/n of the endpoints the chain has; compared as numbers);
- `leftover-chain`: a KUBE-SVC/SVL/EXT/FW/SEP chain (nft: service-/endpoint-/…) that no
  Service port explains, e.g. one of a deleted Service.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypedDict

from explorer.collectors.iptables.model import UNKNOWN_TABLE, Ruleset
from explorer.collectors.iptables.services import Endpoint, ServicePort, service_ports
from explorer.collectors.nft.model import NftRuleset
from explorer.collectors.nft.services import kube_proxy_tables
from explorer.collectors.nft.services import service_ports as nft_service_ports
from explorer.lib import kubeproxy

from .expected import ExpectedEndpoint, ExpectedPort

MISSING_SERVICE = "missing-service"
MISSING_ENTRY = "missing-entry"
WRONG_ENTRY = "wrong-entry"
MISSING_ENDPOINT = "missing-endpoint"
STALE_ENDPOINT = "stale-endpoint"
WRONG_PROBABILITY = "wrong-probability"
LEFTOVER_CHAIN = "leftover-chain"
KINDS = (
    MISSING_SERVICE,
    MISSING_ENTRY,
    WRONG_ENTRY,
    MISSING_ENDPOINT,
    STALE_ENDPOINT,
    WRONG_PROBABILITY,
    LEFTOVER_CHAIN,
)
# The kernel keeps a probability as a 31-bit fraction: 1/3 comes back as 0.33333333349.
PROBABILITY_TOLERANCE = 1e-6


class DriftItem(TypedDict):
    kind: str
    node: str
    service: str | None  # service port name, ns/name:port
    protocol: str | None
    chain: str | None  # the balancing chain, or the leftover chain itself
    endpoint: str | None  # ip:port
    endpoint_chain: str | None
    pod: str | None  # ns/name owning the endpoint, when the EndpointSlice says
    expected: str | float | None
    found: str | float | None
    detail: str


@dataclass(frozen=True)
class Naming:
    """The chain names of one proxy mode, for an expected Service port and its endpoints."""

    service: Callable[[ExpectedPort], str]
    local: Callable[[ExpectedPort], str]
    external: Callable[[ExpectedPort], str]
    endpoint: Callable[[ExpectedPort, ExpectedEndpoint], str]
    owned: Callable[[str], bool]  # whether a chain name is one kube-proxy makes per service

    def chains(self, port: ExpectedPort) -> set[str]:
        found = {self.endpoint(port, e) for e in port.reachable}
        if port.cluster_endpoints:
            found.add(self.service(port))
        if port.has_internal:
            found.add(self.local(port) if port.internal_local else self.service(port))
        if port.local_endpoints:
            found.add(self.local(port))
        if port.has_endpoints and port.externally_accessible:
            found.add(self.external(port))
        return found


IPTABLES = Naming(
    service=lambda p: p.chain,
    local=lambda p: p.local_chain,
    external=lambda p: p.external_chain,
    endpoint=lambda p, e: e.chain,
    owned=lambda name: name.startswith((*kubeproxy.PER_SERVICE_PREFIXES, kubeproxy.ENDPOINT)),
)


def _nft_base(port: ExpectedPort) -> str:
    return kubeproxy.nft_chain_base(port.namespace, port.service, port.protocol, port.port_name)


def _nft_endpoint(port: ExpectedPort, endpoint: ExpectedEndpoint) -> str:
    number = int(endpoint.address.rpartition(":")[2])
    return kubeproxy.nft_endpoint_chain(_nft_base(port), endpoint.ip, number)


NFTABLES = Naming(
    service=lambda p: kubeproxy.nft_service_chain(_nft_base(p)),
    local=lambda p: kubeproxy.nft_service_chain(_nft_base(p), "local"),
    external=lambda p: kubeproxy.nft_service_chain(_nft_base(p), "external"),
    endpoint=_nft_endpoint,
    owned=lambda name: name.startswith(
        ("service-", "local-", "external-", "firewall-", "endpoint-")
    ),
)


class _Checker:
    def __init__(self, node: str, naming: Naming) -> None:
        self.node = node
        self.naming = naming
        self.items: list[DriftItem] = []
        self.explained: set[str] = set()  # chains accounted for (expected, or reported stale)

    def add(
        self,
        kind: str,
        port: ExpectedPort | ServicePort,
        detail: str,
        *,
        chain: str | None = None,
        endpoint: str | None = None,
        endpoint_chain: str | None = None,
        pod: str | None = None,
        expected: str | float | None = None,
        found: str | float | None = None,
    ) -> None:
        self.items.append(
            {
                "kind": kind,
                "node": self.node,
                "service": port.name,
                "protocol": port.protocol,
                "chain": chain,
                "endpoint": endpoint,
                "endpoint_chain": endpoint_chain,
                "pod": pod or None,
                "expected": expected,
                "found": found,
                "detail": detail,
            }
        )

    def port(self, want: ExpectedPort, have: ServicePort | None) -> None:
        self.explained |= self.naming.chains(want)
        if have is None:
            what = "chains" if want.has_internal else "reject rule (it has no endpoints)"
            self.add(
                MISSING_SERVICE,
                want,
                f"{self.node} has no rules for {want.name} ({want.protocol}); kube-proxy "
                f"should have programmed its {what}: is kube-proxy running and syncing there?",
                chain=self.naming.service(want),
                expected=f"{want.cluster_ip}:{want.port}",
            )
            return
        self._entries(want, have)
        if want.cluster_endpoints or have.endpoints:
            rejected = have.no_endpoints if want.cluster_endpoints and not have.endpoints else None
            chain = self.naming.service(want)
            self._balancing(want, chain, want.cluster_endpoints, have.endpoints, rejected)
        if want.local_endpoints or have.local_endpoints:
            chain = self.naming.local(want)
            self._balancing(want, chain, want.local_endpoints, have.local_endpoints, None)

    def _entries(self, want: ExpectedPort, have: ServicePort) -> None:
        chain = self.naming.service(want)
        if want.cluster_ip and have.cluster_ip is None:
            self.add(
                MISSING_ENTRY,
                want,
                f"no ClusterIP rule sends {want.cluster_ip}:{want.port} to {want.name}'s chain",
                chain=chain,
                expected=f"{want.cluster_ip}:{want.port}",
            )
        elif want.cluster_ip and (have.cluster_ip, have.port) != (want.cluster_ip, want.port):
            self.add(
                WRONG_ENTRY,
                want,
                f"the ClusterIP rule of {want.name} matches {have.cluster_ip}:{have.port}",
                chain=chain,
                expected=f"{want.cluster_ip}:{want.port}",
                found=f"{have.cluster_ip}:{have.port}",
            )
        if want.node_port and have.node_port != want.node_port:
            self.add(
                MISSING_ENTRY if have.node_port is None else WRONG_ENTRY,
                want,
                f"{want.name} should answer on node port {want.node_port}",
                chain=self.naming.external(want),
                expected=float(want.node_port),
                found=None if have.node_port is None else float(have.node_port),
            )

    def _balancing(
        self,
        want: ExpectedPort,
        chain: str,
        expected: list[ExpectedEndpoint],
        found: list[Endpoint],
        rejected: str | None,
    ) -> None:
        """One balancing chain (KUBE-SVC or KUBE-SVL): its endpoints and their shares."""
        by_chain = {self.naming.endpoint(want, e): e for e in expected}
        have_by_chain = {e.chain: e for e in found}
        for name, endpoint in by_chain.items():
            if name not in have_by_chain:
                why = f"the node says “{rejected}”" if rejected else f"{chain} does not jump to it"
                self.add(
                    MISSING_ENDPOINT,
                    want,
                    f"{endpoint.address} ({endpoint.pod or 'no pod named'}) is an endpoint of "
                    f"{want.name} but {why}",
                    chain=chain,
                    endpoint=endpoint.address,
                    endpoint_chain=name,
                    pod=endpoint.pod,
                    expected=endpoint.share,
                )
        for name, endpoint in have_by_chain.items():
            if name not in by_chain:
                self.explained.add(name)
                self.add(
                    STALE_ENDPOINT,
                    want,
                    f"{chain} still sends {endpoint.probability:.1%} of new connections to "
                    f"{endpoint.address or name}, which is no longer an endpoint of {want.name}",
                    chain=chain,
                    endpoint=endpoint.address,
                    endpoint_chain=name,
                    found=endpoint.probability,
                )
        self._probabilities(want, chain, by_chain, found)

    def _probabilities(
        self,
        want: ExpectedPort,
        chain: str,
        expected: dict[str, ExpectedEndpoint],
        found: list[Endpoint],
    ) -> None:
        # With other endpoints than expected, kube-proxy would still split evenly among them.
        same = {e.chain for e in found} == set(expected)
        for endpoint in found:
            share = expected[endpoint.chain].share if same else 1.0 / len(found)
            if abs(endpoint.probability - share) > PROBABILITY_TOLERANCE:
                self.add(
                    WRONG_PROBABILITY,
                    want,
                    f"{chain} gives {endpoint.address or endpoint.chain} "
                    f"{endpoint.probability:.4f} of new connections, kube-proxy gives "
                    f"{share:.4f}",
                    chain=chain,
                    endpoint=endpoint.address,
                    endpoint_chain=endpoint.chain,
                    expected=share,
                    found=endpoint.probability,
                )

    def unexpected(self, have: ServicePort) -> None:
        """A Service port the node programs and nobody expects: its chains are leftovers."""
        for chain in (have.chain, have.local_chain, have.external_chain, have.firewall_chain):
            if chain:
                self.leftover(chain, have)
        for endpoint in (*have.endpoints, *have.local_endpoints):
            self.leftover(endpoint.chain, have, endpoint.address)

    def leftover(self, chain: str, have: ServicePort | None, address: str | None = None) -> None:
        if chain in self.explained:
            return
        self.explained.add(chain)
        owner = f" (of {have.name})" if have is not None and have.name else ""
        self.items.append(
            {
                "kind": LEFTOVER_CHAIN,
                "node": self.node,
                "service": have.name if have is not None else None,
                "protocol": have.protocol if have is not None else None,
                "chain": chain,
                "endpoint": address,
                "endpoint_chain": None,
                "pod": None,
                "expected": None,
                "found": None,
                "detail": f"chain {chain}{owner} is not explained by any Service port: "
                "a leftover kube-proxy has not cleaned up",
            }
        )


def compare(
    node: str,
    expected: Iterable[ExpectedPort],
    found: Iterable[ServicePort],
    chains: Iterable[str],
    naming: Naming = IPTABLES,
) -> list[DriftItem]:
    """Drift of one node: expected ports against the ports and chain names read off it."""
    checker = _Checker(node, naming)
    have = {(p.name, p.protocol): p for p in found}
    wanted = list(expected)
    keys = {(w.name, w.protocol) for w in wanted}
    for want in wanted:
        checker.port(want, have.get((want.name, want.protocol)))
    for key, port in have.items():
        if key not in keys:
            checker.unexpected(port)
    for chain in sorted(chains):
        if naming.owned(chain):
            checker.leftover(chain, None)
    return checker.items


def iptables_chains(ruleset: Ruleset) -> list[str]:
    names: list[str] = []
    for table in ("nat", UNKNOWN_TABLE):
        if table in ruleset.tables:
            names += list(ruleset.tables[table].chains)
    return names


def iptables_drift(
    node: str, expected: Iterable[ExpectedPort], ruleset: Ruleset
) -> list[DriftItem]:
    return compare(node, expected, service_ports(ruleset), iptables_chains(ruleset))


def nft_drift(node: str, expected: Iterable[ExpectedPort], ruleset: NftRuleset) -> list[DriftItem]:
    chains = [name for table in kube_proxy_tables(ruleset) for name in table.chains]
    return compare(node, expected, nft_service_ports(ruleset), chains, NFTABLES)


def counts(items: Iterable[DriftItem]) -> dict[str, int]:
    found = dict.fromkeys(KINDS, 0)
    for item in items:
        found[item["kind"]] += 1
    return found
