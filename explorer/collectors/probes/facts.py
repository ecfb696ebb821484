"""What a probe brings back from a node: the raw text of each fact, when it was taken, and why
any fact could not be read. Parsing is the views' job; a probe only fetches.

Facts (keys of `NodeFacts["facts"]`, and the keys they are kept under in `node_facts[node]`):
- `iptables-save`, `ip6tables-save`: `iptables-save -c` output (counters included);
- `nft`: `nft -j list ruleset` (JSON text);
- `resolv.conf`: the node's /etc/resolv.conf.

A node shows what its dataplane uses: one in nftables mode has little in iptables-save, an eBPF
node may have neither. What was read is kept; what failed is in `errors`, one line each.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Literal, Protocol, TypedDict

ProbeName = Literal["local", "exec", "recorded"]

IPTABLES = "iptables-save"
IP6TABLES = "ip6tables-save"
NFT = "nft"
RESOLV_CONF = "resolv.conf"

# The command that prints each fact on a node (or in its kube-proxy pod): argv, never a shell.
COMMANDS: dict[str, tuple[str, ...]] = {
    IPTABLES: ("iptables-save", "-c"),
    IP6TABLES: ("ip6tables-save", "-c"),
    NFT: ("nft", "-j", "list", "ruleset"),
    RESOLV_CONF: ("cat", "/etc/resolv.conf"),
}
FACTS = tuple(COMMANDS)

# The pseudo-kind a view lists in its `kinds` to be rebuilt when a node's facts change.
NODE_FACTS_KIND = "NodeFacts"
# Keys beside the facts in ClusterState.node_facts[node].
TAKEN_AT, PROBE, ERRORS = "taken_at", "probe", "errors"
UNREACHABLE_AT = "unreachable_at"  # the last collection read nothing: when it tried


class NodeFacts(TypedDict):
    node: str
    taken_at: str  # RFC 3339, UTC
    probe: ProbeName
    facts: dict[str, str]  # fact -> raw text
    errors: dict[str, str]  # fact -> one-line reason it could not be read


class Probe(Protocol):
    name: ProbeName

    def collect(self, node: str) -> NodeFacts: ...


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def node_facts(
    node: str,
    probe: ProbeName,
    facts: dict[str, str],
    errors: dict[str, str],
    taken_at: str | None = None,
) -> NodeFacts:
    return NodeFacts(node=node, taken_at=taken_at or now(), probe=probe, facts=facts, errors=errors)


def unreadable(node: str, probe: ProbeName, reason: str) -> NodeFacts:
    """Nothing could be read: every fact fails for the same reason."""
    return node_facts(node, probe, {}, dict.fromkeys(FACTS, reason))


def reached(collected: NodeFacts) -> bool:
    """The probe read something from the node (a node may legitimately lack some facts)."""
    return bool(collected["facts"])


def one_line(text: str, limit: int = 300) -> str:
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    return line if len(line) <= limit else line[: limit - 1] + "…"


def merged(existing: Mapping[str, Any], collected: NodeFacts) -> dict[str, Any]:
    """A node's entry of `ClusterState.node_facts` after a collection: facts read replace the
    old ones, facts that failed are dropped (an older copy would pass for current), other
    entries (cgroups, logs, …) stay, and `taken_at`, `probe` and `errors` describe this
    collection. A collection that read nothing (the node could not be reached) leaves the
    facts, and the time they were taken, as they were, and says when it failed and why."""
    if not reached(collected):
        entry = dict(existing)
        entry[ERRORS] = dict(collected["errors"])
        entry[UNREACHABLE_AT] = collected["taken_at"]
        return entry
    entry = {
        k: v for k, v in existing.items() if k not in collected["errors"] and k != UNREACHABLE_AT
    }
    entry.update(collected["facts"])
    entry[TAKEN_AT] = collected["taken_at"]
    entry[PROBE] = collected["probe"]
    entry[ERRORS] = dict(collected["errors"])
    return entry
