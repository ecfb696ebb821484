"""kube-proxy's Service chains read off a parsed iptables-save, per Service port:

entry rules (KUBE-SERVICES: ClusterIP, external IPs, LoadBalancer IPs; KUBE-NODEPORTS: node
ports) → KUBE-SVC / KUBE-SVL / KUBE-EXT / KUBE-FW (pre-1.24: KUBE-XLB) → each KUBE-SEP with its
share of new connections → the DNAT address. Service ports without endpoints (REJECT/DROP rules
in the filter table) are listed too, with no chain.

Per-service chains of one Service port share their hash suffix (explorer.lib.kubeproxy), which
is how a KUBE-EXT found in a fragment is tied to its KUBE-SVC even when no comment names it.
Per-service chains that hold no rule and that no rule names (a node switched to IPVS mode
flushes them and may leave them declared) are leftovers, not Service ports: `read_services`
lists them apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from explorer.lib import kubeproxy
from explorer.lib.gc_pause import gc_paused

from .model import UNKNOWN_TABLE, Rule, Ruleset

# ns/name or ns/name:port, as kube-proxy writes service port names in its comments; up to 1.4
# it wrote an unnamed port as `ns/name:` (and hashed its chains over that).
_SERVICE_PORT_NAME = re.compile(r"[a-z0-9][-a-z0-9.]*/[a-z0-9][-a-z0-9.]*(?::[-a-z0-9]*)?")
_PROTOCOLS = ("tcp", "udp", "sctp")
_SEP = kubeproxy.ENDPOINT


@dataclass(slots=True)
class Endpoint:
    address: str | None  # ip:port the DNAT sends to ([ip]:port for IPv6)
    chain: str  # KUBE-SEP-…
    probability: float  # share of new connections, not the rule's conditional probability


@dataclass(slots=True)
class ServicePort:
    name: str | None  # ns/name:port as in the comments (None when the rules carry none)
    protocol: str | None
    cluster_ip: str | None = None
    port: int | None = None
    chain: str | None = None  # KUBE-SVC-…, None when the node has no endpoints for it
    node_port: int | None = None
    endpoints: list[Endpoint] = field(default_factory=list)
    local_chain: str | None = None  # KUBE-SVL-… (or the pre-1.24 KUBE-XLB-…)
    local_endpoints: list[Endpoint] = field(default_factory=list)
    external_chain: str | None = None  # KUBE-EXT-… / KUBE-XLB-…
    firewall_chain: str | None = None  # KUBE-FW-…
    load_balancer_ips: list[str] = field(default_factory=list)
    external_ips: list[str] = field(default_factory=list)
    no_endpoints: str | None = None  # the REJECT/DROP comment when the node has none


@dataclass(slots=True)
class ServiceChains:
    ports: list[ServicePort]
    leftovers: list[str]  # per-service chains holding no rule that no rule names, sorted


def service_port_name(comment: str) -> str | None:
    """The service port name in a kube-proxy comment: `ns/svc:port cluster IP` → `ns/svc:port`
    (`ns/svc:` as kube-proxy up to 1.4 wrote an unnamed port: the text its chains hash)."""
    for word in comment.split():
        if _SERVICE_PORT_NAME.fullmatch(word):
            return word
    return None


def _address(value: str | None) -> str | None:
    """`10.96.0.1/32` → `10.96.0.1` (single-host prefixes only)."""
    if value is None:
        return None
    ip, _, prefix = value.partition("/")
    return ip if prefix in ("", "32", "128") else value


def _port(rule: Rule) -> int | None:
    value = rule.value("--dport") or rule.value("--destination-port")
    return int(value) if value and value.isdigit() else None


class _Reader:
    def __init__(self, ruleset: Ruleset) -> None:
        self.nat = _merged(ruleset, "nat")
        self.filter = _merged(ruleset, "filter")
        self.destinations = _destinations(self.nat)
        self.ports: dict[str, ServicePort] = {}
        self.names: dict[str, list[str]] = {}
        self.ruled: set[str] = set()  # keys some rule belongs to (the rest are leftovers)

    def draft(self, key: str) -> ServicePort:
        found = self.ports.get(key)
        if found is None:
            found = self.ports[key] = ServicePort(None, None)
            self.names[key] = []
        return found

    def named(
        self, rule: Rule, key: str | None = None, comment: str | None = None
    ) -> ServicePort | None:
        """The Service port a rule belongs to: by its target's hash, else by its (first)
        comment."""
        if comment is None:
            comment = rule.comment
        name = service_port_name(comment) if comment else None
        protocol = rule.value("-p")
        if key is None and name and protocol:
            key = kubeproxy.port_proto_hash(name, protocol)
        if key is None:
            return None
        draft = self.draft(key)
        self.ruled.add(key)
        if name:
            self.names[key].append(name)
        if protocol and draft.protocol is None:
            draft.protocol = protocol.lower()
        return draft

    def read(self) -> ServiceChains:
        for name in self.nat:
            prefix = _prefix(name)
            if prefix:
                self._chain(prefix, name)
        self._entries()
        self._node_ports()
        self._without_endpoints()
        ports, leftovers = [], []
        for key, draft in self.ports.items():
            if key in self.ruled:
                self._resolve_name(key, draft)
                ports.append(draft)
            else:
                leftovers += _chains_of(draft)
        ports.sort(key=lambda p: (p.name or "", p.protocol or ""))
        return ServiceChains(ports, sorted(leftovers))

    def _chain(self, prefix: str, name: str) -> None:
        key = name[len(prefix) :]
        draft = self.draft(key)
        rules = self.nat[name]
        for rule in rules:
            # One commented rule names the Service port; the rest say the same.
            if self.named(rule, key) is not None and self.names[key] and draft.protocol:
                break
        if prefix == kubeproxy.SERVICE:
            draft.chain = name
            draft.endpoints = self._balanced(rules)
            for rule in rules:
                if rule.target == "KUBE-MARK-MASQ" and rule.value("-d"):
                    self._cluster_ip(draft, rule)
        elif prefix == kubeproxy.SERVICE_LOCAL:
            draft.local_chain = name
            draft.local_endpoints = self._balanced(rules)
        elif prefix == kubeproxy.EXTERNAL:
            draft.external_chain = name
        elif prefix == kubeproxy.FIREWALL:
            draft.firewall_chain = name
        elif prefix == kubeproxy.EXTERNAL_LOCAL_LEGACY:
            draft.external_chain = draft.local_chain = name
            draft.local_endpoints = self._balanced(rules)

    def _cluster_ip(self, draft: ServicePort, rule: Rule) -> None:
        if draft.cluster_ip is None:
            draft.cluster_ip = _address(rule.value("-d"))
        if draft.port is None:
            draft.port = _port(rule)

    def _balanced(self, rules: list[Rule]) -> list[Endpoint]:
        """The endpoint jumps of a chain with each one's share of new connections. Session
        affinity's `-m recent --rcheck` rules only catch returning clients, so they are skipped."""
        jumps: list[tuple[str, float, Rule]] = []
        for rule in rules:
            target = rule.target
            if not target or not target.startswith(_SEP) or rule.has("--rcheck"):
                continue
            probability = rule.value("--probability")
            jumps.append((target, 1.0 if probability is None else float(probability), rule))
        shares = kubeproxy.selection_shares([p for _, p, _ in jumps])
        found: dict[str, Endpoint] = {}
        for (target, _, rule), share in zip(jumps, shares, strict=True):
            if target in found:
                found[target].probability += share
            else:
                found[target] = Endpoint(self._destination(target, rule), target, share)
        return list(found.values())

    def _destination(self, chain: str, jump: Rule) -> str | None:
        if chain in self.destinations:
            return self.destinations[chain]
        # A fragment without the KUBE-SEP chain: newer kube-proxy names it in the comment.
        for comment in jump.comments:
            _, arrow, address = comment.partition(" -> ")
            if arrow:
                return address
        return None

    def _entries(self) -> None:
        for rule in self.nat.get("KUBE-SERVICES", ()):
            target = rule.target or ""
            prefix = _prefix(target)
            comments = rule.comments
            comment = " ".join(comments)
            key = target[len(prefix) :] if prefix else None
            draft = self.named(rule, key, comments[0] if comments else "")
            if draft is None:
                continue
            destination = _address(rule.value("-d"))
            if comment.endswith("loadbalancer IP") or (
                not comment and prefix in (kubeproxy.EXTERNAL, kubeproxy.FIREWALL)
            ):
                _add(draft.load_balancer_ips, destination)
            elif comment.endswith("external IP"):
                _add(draft.external_ips, destination)
            elif comment.endswith("cluster IP") or prefix in (
                kubeproxy.SERVICE,
                kubeproxy.SERVICE_LOCAL,
            ):
                self._cluster_ip(draft, rule)

    def _node_ports(self) -> None:
        for rule in self.nat.get("KUBE-NODEPORTS", ()):
            target = rule.target or ""
            prefix = _prefix(target)
            draft = self.named(rule, target[len(prefix) :] if prefix else None)
            if draft is not None and draft.node_port is None:
                draft.node_port = _port(rule)

    def _without_endpoints(self) -> None:
        for chain in ("KUBE-SERVICES", "KUBE-EXTERNAL-SERVICES"):
            for rule in self.filter.get(chain, ()):
                comment = " ".join(rule.comments)
                if not comment.endswith(("has no endpoints", "has no local endpoints")):
                    continue
                draft = self.named(rule)
                if draft is None:
                    continue
                if draft.no_endpoints is None:
                    draft.no_endpoints = comment
                destination = _address(rule.value("-d"))
                if rule.value("--dst-type") == "LOCAL":
                    draft.node_port = draft.node_port or _port(rule)
                elif chain == "KUBE-SERVICES":
                    self._cluster_ip(draft, rule)
                else:
                    _add(draft.external_ips, destination)

    def _resolve_name(self, key: str, draft: ServicePort) -> None:
        """The comment name whose hash is the chains' suffix (else the first one seen), written
        `ns/name` for an unnamed port as later releases write it (up to 1.4: `ns/name:`)."""
        name = self._hashed_name(key, draft)
        draft.name = name.removesuffix(":") if name else None

    def _hashed_name(self, key: str, draft: ServicePort) -> str | None:
        candidates = list(dict.fromkeys(self.names[key]))
        if len(candidates) == 1 and draft.protocol:
            return candidates[0]  # whatever its hash, no other name could be chosen
        protocols = [draft.protocol] if draft.protocol else list(_PROTOCOLS)
        for name in candidates:
            for protocol in protocols:
                if kubeproxy.port_proto_hash(name, protocol) == key:
                    draft.protocol = protocol
                    return name
        return candidates[0] if candidates else None


def _chains_of(draft: ServicePort) -> list[str]:
    chains = (draft.chain, draft.local_chain, draft.external_chain, draft.firewall_chain)
    return list(dict.fromkeys(chain for chain in chains if chain))


def _add(values: list[str], value: str | None) -> None:
    if value and value not in values:
        values.append(value)


def _prefix(chain: str) -> str:
    if chain.startswith(kubeproxy.PER_SERVICE_PREFIXES):  # one test turns most chains away
        for prefix in kubeproxy.PER_SERVICE_PREFIXES:
            if chain.startswith(prefix):
                return prefix
    return ""


def _destinations(nat: dict[str, list[Rule]]) -> dict[str, str | None]:
    """Each KUBE-SEP chain's DNAT address, for those with a DNAT. One walk through the chains in
    the order they were read, rather than a jump at a time, keeps the memory reads close."""
    found: dict[str, str | None] = {}
    for name, rules in nat.items():
        if name.startswith(_SEP):
            for rule in reversed(rules):  # kube-proxy puts the DNAT last
                if "DNAT" in rule.spec and rule.target == "DNAT":
                    found[name] = rule.value("--to-destination")
                    break
    return found


def _merged(ruleset: Ruleset, table: str) -> dict[str, list[Rule]]:
    """A table's chains → rules, with rules from a fragment's unknown table added."""
    chains: dict[str, list[Rule]] = {}
    for name in (table, UNKNOWN_TABLE):
        found = ruleset.tables.get(name)
        if found is None:
            continue
        for chain in found.chains.values():
            if chain.name in chains:
                chains[chain.name] = chains[chain.name] + chain.rules
            else:
                chains[chain.name] = chain.rules
    # Chains only named as jump targets (a grep'd fragment) still belong to the picture; only
    # entry chains and KUBE-EXT/FW/XLB jump to per-service chains.
    for name in [n for n in chains if n in _ENTRY_CHAINS or n.startswith(_JUMPING)]:
        for rule in chains[name]:
            target = rule.target
            if target and target not in chains and _prefix(target):
                chains[target] = []
    return chains


_ENTRY_CHAINS = frozenset({"KUBE-SERVICES", "KUBE-NODEPORTS", "KUBE-EXTERNAL-SERVICES"})
_JUMPING = (kubeproxy.EXTERNAL, kubeproxy.FIREWALL, kubeproxy.EXTERNAL_LOCAL_LEGACY)


def read_services(ruleset: Ruleset) -> ServiceChains:
    """The Service ports, and the per-service chains left over from none."""
    with gc_paused():
        return _Reader(ruleset).read()


def service_ports(ruleset: Ruleset) -> list[ServicePort]:
    """Every Service port kube-proxy programmed (or rejects for lack of endpoints), by name."""
    return read_services(ruleset).ports
