"""A node's packet-filter rules as kube-proxy's pages read them: the parsed ruleset (iptables-save
or nft) and the Service ports read off it, made once per dump.

`analyse_iptables(text)` / `analyse_nft(text)` parse a dump (iptables: iptables-save, or an
`iptables -L` listing pasted from elsewhere) and read its Service ports
(explorer.collectors.iptables.service_ports, explorer.collectors.nft.service_ports); the service
chain, chain browser, drift and packet trace pages all start from the result.
"""

from __future__ import annotations

from dataclasses import dataclass

from explorer.collectors import iptables, nft
from explorer.collectors.iptables.model import Rule, Ruleset
from explorer.collectors.iptables.services import ServicePort
from explorer.collectors.nft.model import NftRuleset

IPTABLES_RULES, NFT_RULES = "iptables", "nft"


@dataclass
class NodeRules:
    """A parsed dump and the Service ports read off it."""

    kind: str  # IPTABLES_RULES or NFT_RULES
    ports: list[ServicePort]
    iptables: Ruleset | None = None
    nft: NftRuleset | None = None

    @property
    def ruleset(self) -> Ruleset | NftRuleset:
        found = self.iptables if self.iptables is not None else self.nft
        assert found is not None
        return found

    @property
    def has_counters(self) -> bool:
        rules = self.nat_rules()
        return any(rule.counters is not None for chain in rules.values() for rule in chain)

    def nat_rules(self) -> dict[str, list[Rule]]:
        """The nat table's chains (iptables only; a grep'd fragment's `unknown` table else)."""
        if self.iptables is None:
            return {}
        table = self.iptables.tables.get("nat") or self.iptables.tables.get("unknown")
        return {name: chain.rules for name, chain in table.chains.items()} if table else {}


def analyse_iptables(text: str) -> NodeRules:
    ruleset = iptables.read_rules(text)
    return NodeRules(IPTABLES_RULES, iptables.service_ports(ruleset), iptables=ruleset)


def analyse_nft(text: str) -> NodeRules:
    ruleset = nft.parse(text)
    return NodeRules(NFT_RULES, nft.service_ports(ruleset), nft=ruleset)
