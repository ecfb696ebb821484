"""What changed on one node between two moments, from its collected facts: its Service chains
(kube-proxy's rules) and its cgroup limits.

`node_changes(a, b, node)` reads the parses of both states' facts (explorer/state/
parsed_facts.py, never a parser) and says:
- `facts`: "both", "only A" or "only B" (a node collected on one side only: nothing compared);
- `chains`: Service ports whose rules appeared or went, endpoints added or removed per Service
  port (`{service, address, local}`: `local` for the endpoints a KUBE-SVL chain picks), shares of
  new connections that changed (`{service, address, local, before, after}`, fractions), and the
  rules only on one side (`-t table -A chain spec` for iptables, `table chain: rule` for nft,
  without counters: how many, and the first MAX_RULES_LISTED of each side), or why they could
  not be compared (`problem`);
- `cgroups`: pod and container cgroups that appeared or went (`{path, pod, container}`) and the
  limits that changed on a cgroup both have (`{path, pod, container, limit, before, after}`,
  values as text: bytes, cores, a weight, "max"); usage is not a limit and is not compared.
Empty lists everywhere mean nothing changed. A node whose facts are the same text on both sides
costs nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Literal, TypedDict

import orjson

from explorer.collectors.cgroups.limits import Limits
from explorer.collectors.cgroups.mapping import map_pods
from explorer.collectors.cgroups.tree import CgroupTree
from explorer.collectors.iptables.services import ServicePort
from explorer.collectors.kubeproxy.node_rules import NodeRules
from explorer.lib.quantities import format_bytes

from .cluster_state import ClusterState
from .node_facts import CGROUPS, IP6TABLES, IPTABLES, NFT
from .parsed_facts import parsed_fact

MAX_RULES_LISTED = 20
SHARE_TOLERANCE = 1e-4
RULE_FACTS = (IPTABLES, NFT, IP6TABLES)  # the first a node has on both sides is compared
Facts = Literal["both", "only A", "only B"]


class Endpoint(TypedDict):
    service: str  # the Service port: ns/name:port, or its address when the rules name none
    address: str
    local: bool


class ShareChange(Endpoint):
    before: float
    after: float


class RulesOnOneSide(TypedDict):
    count: int
    first: list[str]


class ChainChanges(TypedDict):
    fact: str  # the dump compared ("" when neither side has one)
    problem: str  # why they could not be compared ("" when they were)
    ports_added: list[str]
    ports_removed: list[str]
    endpoints_added: list[Endpoint]
    endpoints_removed: list[Endpoint]
    shares_changed: list[ShareChange]
    rules_only_in_a: RulesOnOneSide
    rules_only_in_b: RulesOnOneSide


class Cgroup(TypedDict):
    path: str
    pod: str  # ns/name, "" when no pod of that side has its UID (or a QoS level)
    container: str


class LimitChange(Cgroup):
    limit: str
    before: str
    after: str


class CgroupChanges(TypedDict):
    problem: str
    added: list[Cgroup]
    removed: list[Cgroup]
    limits_changed: list[LimitChange]


class NodeChanges(TypedDict):
    facts: Facts
    chains: ChainChanges
    cgroups: CgroupChanges


def node_changes(a: ClusterState, b: ClusterState, node: str) -> NodeChanges | None:
    """What changed on `node` from `a` to `b`; None when nothing did (or neither has facts)."""
    facts_a, facts_b = a.node_facts.get(node), b.node_facts.get(node)
    if not facts_a and not facts_b:
        return None
    facts: Facts = "both" if facts_a and facts_b else "only A" if facts_a else "only B"
    changes = NodeChanges(facts=facts, chains=_no_chain_changes(), cgroups=_no_cgroup_changes())
    if facts == "both":
        changes["chains"] = chain_changes(a, b, node)
        changes["cgroups"] = cgroup_changes(a, b, node)
    return changes if facts != "both" or has_changes(changes) else None


def has_changes(changes: NodeChanges) -> bool:
    chains, cgroups = changes["chains"], changes["cgroups"]
    return bool(
        chains["problem"]
        or chains["ports_added"]
        or chains["ports_removed"]
        or chains["endpoints_added"]
        or chains["endpoints_removed"]
        or chains["shares_changed"]
        or chains["rules_only_in_a"]["count"]
        or chains["rules_only_in_b"]["count"]
        or cgroups["problem"]
        or cgroups["added"]
        or cgroups["removed"]
        or cgroups["limits_changed"]
    )


# ---- chains ----------------------------------------------------------------------------------


def _no_chain_changes(fact: str = "", problem: str = "") -> ChainChanges:
    return ChainChanges(
        fact=fact,
        problem=problem,
        ports_added=[],
        ports_removed=[],
        endpoints_added=[],
        endpoints_removed=[],
        shares_changed=[],
        rules_only_in_a=RulesOnOneSide(count=0, first=[]),
        rules_only_in_b=RulesOnOneSide(count=0, first=[]),
    )


def _rule_fact(a: ClusterState, b: ClusterState, node: str) -> str:
    def has(state: ClusterState, fact: str) -> bool:
        value = (state.node_facts.get(node) or {}).get(fact)
        return isinstance(value, str) and bool(value.strip())

    both = [fact for fact in RULE_FACTS if has(a, fact) and has(b, fact)]
    return both[0] if both else ""


def chain_changes(a: ClusterState, b: ClusterState, node: str) -> ChainChanges:
    fact = _rule_fact(a, b, node)
    if not fact:
        return _no_chain_changes()
    if a.node_facts[node][fact] == b.node_facts[node][fact]:
        return _no_chain_changes(fact)
    try:
        rules_a, rules_b = parsed_fact(a, node, fact), parsed_fact(b, node, fact)
    except ValueError as error:
        return _no_chain_changes(fact, f"the recorded {fact} could not be read: {error}")
    assert rules_a is not None and rules_b is not None
    changes = _no_chain_changes(fact)
    ports_a, ports_b = _ports(rules_a), _ports(rules_b)
    changes["ports_added"] = sorted(set(ports_b) - set(ports_a))
    changes["ports_removed"] = sorted(set(ports_a) - set(ports_b))
    for service in sorted(set(ports_a) & set(ports_b)):
        shares_a, shares_b = _shares(ports_a[service]), _shares(ports_b[service])
        for local, address in sorted(shares_b.keys() - shares_a.keys()):
            changes["endpoints_added"].append(
                Endpoint(service=service, address=address, local=local)
            )
        for local, address in sorted(shares_a.keys() - shares_b.keys()):
            changes["endpoints_removed"].append(
                Endpoint(service=service, address=address, local=local)
            )
        for key in sorted(shares_a.keys() & shares_b.keys()):
            before, after = shares_a[key], shares_b[key]
            if abs(before - after) > SHARE_TOLERANCE:
                local, address = key
                changes["shares_changed"].append(
                    ShareChange(
                        service=service, address=address, local=local, before=before, after=after
                    )
                )
    texts_a, texts_b = set(_rule_texts(rules_a)), set(_rule_texts(rules_b))
    changes["rules_only_in_a"] = _listed(texts_a - texts_b)
    changes["rules_only_in_b"] = _listed(texts_b - texts_a)
    return changes


def service_port_name(port: ServicePort) -> str:
    """ns/name:port as kube-proxy names it, else the address it serves, with its protocol."""
    name = port.name or f"{port.cluster_ip or '?'}:{port.port or '?'}"
    return f"{name} ({port.protocol})" if port.protocol else name


def _ports(rules: NodeRules) -> dict[str, ServicePort]:
    return {service_port_name(port): port for port in rules.ports}


def _shares(port: ServicePort) -> dict[tuple[bool, str], float]:
    shares: dict[tuple[bool, str], float] = {}
    for local, endpoints in ((False, port.endpoints), (True, port.local_endpoints)):
        for endpoint in endpoints:
            key = (local, endpoint.address or f"? ({endpoint.chain})")
            shares[key] = shares.get(key, 0.0) + endpoint.probability
    return shares


def _rule_texts(rules: NodeRules) -> Iterator[str]:
    if rules.iptables is not None:
        for table in rules.iptables.tables.values():
            for chain in table.chains.values():
                for rule in chain.rules:
                    yield f"-t {table.name} -A {chain.name} {rule.spec}"
    if rules.nft is not None:
        for nft_table in rules.nft.tables:
            for nft_chain in nft_table.chains.values():
                for nft_rule in nft_chain.rules:
                    text = nft_rule.text
                    if text is None:
                        text = orjson.dumps(nft_rule.expr, option=orjson.OPT_SORT_KEYS).decode()
                    yield f"{nft_table.family} {nft_table.name} {nft_chain.name}: {text}"


def _listed(texts: set[str]) -> RulesOnOneSide:
    return RulesOnOneSide(count=len(texts), first=sorted(texts)[:MAX_RULES_LISTED])


# ---- cgroups ---------------------------------------------------------------------------------


def _no_cgroup_changes(problem: str = "") -> CgroupChanges:
    return CgroupChanges(problem=problem, added=[], removed=[], limits_changed=[])


# A limit's name on the page, and how its value reads: usage (memory_usage_bytes, pids_current)
# is not a limit, and cpu_limit_cores repeats the quota.
_LIMITS: tuple[tuple[str, str], ...] = (
    ("memory_limit_bytes", "memory limit"),
    ("cpu_quota_us", "cpu quota (µs per period)"),
    ("cpu_period_us", "cpu period (µs)"),
    ("cpu_weight", "cpu.weight"),
    ("cpu_shares", "cpu.shares"),
    ("pids_max", "pids limit"),
)


def cgroup_changes(a: ClusterState, b: ClusterState, node: str) -> CgroupChanges:
    fact_a = a.node_facts[node].get(CGROUPS)
    fact_b = b.node_facts[node].get(CGROUPS)
    if not fact_a or not fact_b or fact_a == fact_b:
        return _no_cgroup_changes()
    try:
        tree_a, tree_b = parsed_fact(a, node, CGROUPS), parsed_fact(b, node, CGROUPS)
    except ValueError as error:
        return _no_cgroup_changes(f"the recorded cgroups could not be read: {error}")
    if tree_a is None or tree_b is None:
        return _no_cgroup_changes()
    cgroups_a, cgroups_b = _cgroups(a, node, tree_a), _cgroups(b, node, tree_b)
    changes = _no_cgroup_changes()
    changes["added"] = [
        who for path, (who, _) in sorted(cgroups_b.items()) if path not in cgroups_a
    ]
    changes["removed"] = [
        who for path, (who, _) in sorted(cgroups_a.items()) if path not in cgroups_b
    ]
    for path in sorted(cgroups_a.keys() & cgroups_b.keys()):
        (who, limits_a), (_, limits_b) = cgroups_a[path], cgroups_b[path]
        for key, label in _LIMITS:
            before, after = limits_a.get(key, "absent"), limits_b.get(key, "absent")
            if before != after:
                changes["limits_changed"].append(
                    LimitChange(
                        **who,
                        limit=label,
                        before=_limit_text(key, before),
                        after=_limit_text(key, after),
                    )
                )
    return changes


def _cgroups(state: ClusterState, node: str, tree: CgroupTree) -> dict[str, tuple[Cgroup, Limits]]:
    """Every cgroup of the tree by path: who it is, and its limits. The tree is a shared parse:
    its copy is named after the state's pods."""
    tree = tree.copy()
    sandboxes = map_pods(tree, state.pods_on_node(node)).sandboxes
    found: dict[str, tuple[Cgroup, Limits]] = {}
    levels = [tree.kubepods] if tree.kubepods else []
    for level in [*levels, *tree.qos_levels.values()]:
        found[level.path] = (Cgroup(path=level.path, pod="", container=""), level.limits)
    for pod in tree.pods:
        pod_name = pod.name or ""
        found[pod.path] = (Cgroup(path=pod.path, pod=pod_name, container=""), pod.limits)
        for container in pod.containers:
            sandbox = container.sandbox or container.path in sandboxes
            name = "(sandbox)" if sandbox else container.name or container.id[:12]
            found[container.path] = (
                Cgroup(path=container.path, pod=pod_name, container=name),
                container.limits,
            )
    return found


def _limit_text(key: str, value: Any) -> str:
    if value == "absent":
        return "not read"
    if value is None:
        return "max"
    if key == "memory_limit_bytes":
        return f"{format_bytes(value)} ({value} bytes)"
    return str(value)
