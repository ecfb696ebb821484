"""The nftables model shared by the text and JSON readers. A rule keeps its text (JSON rules:
their expression list) and what the analysis needs from it: the jumps/gotos it makes, a
`numgen … vmap` load balancer, a `dnat to` address."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class NftRule:
    text: str | None = None  # as `nft list` prints it
    expr: list[Any] | None = None  # as `nft -j` gives it
    comment: str | None = None
    verdicts: list[tuple[str, str]] = field(default_factory=list)  # ("jump"|"goto", chain)
    numgen_mod: int | None = None  # `numgen random mod N vmap { i : goto chain, … }`
    numgen_map: dict[int, str] = field(default_factory=dict)
    dnat: str | None = None  # `dnat to 10.0.0.1:80` → "10.0.0.1:80"


@dataclass
class NftChain:
    name: str
    type: str | None = None  # filter / nat / route for a base chain
    hook: str | None = None
    priority: int | None = None  # numeric, named priorities resolved (dstnat → -100)
    policy: str | None = None
    comment: str | None = None
    rules: list[NftRule] = field(default_factory=list)


@dataclass
class NftElement:
    key: tuple[str, ...]  # `10.43.0.10 . tcp . 53` → ("10.43.0.10", "tcp", "53")
    value: str | None = None  # a map's value: `goto chain`, an address…
    comment: str | None = None


@dataclass
class NftSet:
    name: str
    kind: str  # "set" or "map"
    type: str | None = None  # `ipv4_addr . inet_proto . inet_service : verdict`
    flags: list[str] = field(default_factory=list)
    comment: str | None = None
    elements: list[NftElement] = field(default_factory=list)
    properties: list[str] = field(default_factory=list)  # size, timeout, policy… verbatim


@dataclass
class NftTable:
    family: str
    name: str
    comment: str | None = None
    chains: dict[str, NftChain] = field(default_factory=dict)
    sets: dict[str, NftSet] = field(default_factory=dict)
    other: list[str] = field(default_factory=list)  # blocks this model has no type for, verbatim


@dataclass
class NftRuleset:
    tables: list[NftTable] = field(default_factory=list)
    unparsed: list[tuple[int, str]] = field(default_factory=list)

    def summary(self) -> dict[str, dict[str, int]]:
        """{"family name": {"chains", "rules", "sets"}}."""
        return {
            f"{t.family} {t.name}": {
                "chains": len(t.chains),
                "rules": sum(len(c.rules) for c in t.chains.values()),
                "sets": len(t.sets),
            }
            for t in self.tables
        }


# Named base-chain priorities (nft(8), "PRIORITY"), for families ip/ip6/inet.
NAMED_PRIORITIES = {
    "raw": -300,
    "mangle": -150,
    "dstnat": -100,
    "filter": 0,
    "security": 50,
    "srcnat": 100,
}


def priority(text: str) -> int | None:
    """`dstnat - 10` → -110, `-110` → -110."""
    words = text.replace("+", " + ").replace(" - ", " -- ").split()
    if not words:
        return None
    base = NAMED_PRIORITIES.get(words[0])
    if base is None:
        try:
            return int(text.replace(" ", ""))
        except ValueError:
            return None
    if len(words) == 3 and words[2].isdigit():
        return base + int(words[2]) if words[1] == "+" else base - int(words[2])
    return base
