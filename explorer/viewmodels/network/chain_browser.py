"""Chain browser: one node's packet-filter rules as tables → chains → rules, every jump a link.

From `iptables-save` (or `ip6tables-save`) text: each table (filter, nat, mangle, raw), its
chains with their policy and counters, and each rule as iptables-save prints it. From
kube-proxy's nftables ruleset: each table's chains, and its sets and verdict maps (the maps are
how nftables mode finds a Service's chain). A rule's jump (`-j`/`-g`, `jump`/`goto`) to a chain
of the same table is a link to that chain.

The model: `tables` (table name → {`chains`: chain name → {anchor, kind, policy, counters,
declared, rules: [{parts, counters}], omitted}}) where `parts` is the rule text cut into
`[text, anchor]` pairs (anchor "" for plain text, else the `table/chain` it jumps to), so a page
draws links without reading rule syntax; `unparsed` (lines that were neither); `counts`;
`missing`; `notes`. Dumps with more than MAX_RULES rules keep the first MAX_RULES and say how
many each chain left out. Text is plain (pages put it in the DOM as text).
"""

from __future__ import annotations

import re
from typing import Any

import orjson

from explorer.collectors.iptables.model import Ruleset
from explorer.collectors.nft.model import NftRule, NftRuleset, NftTable
from explorer.state.cluster_state import ClusterState
from explorer.state.node_facts import IP6TABLES, IPTABLES, NFT, NODE_FACTS_KIND
from explorer.state.parsed_facts import parsed_fact

from ..base import Params, View
from .node_dumps import dump_source

MAX_RULES = 20_000
AUTO = "auto"
DUMPS = (IPTABLES, IP6TABLES, NFT)

_JUMP = re.compile(r"(?:^|(?<=[\s{:,]))(?:-j|-g|--jump|--goto|jump|goto)\s+([^\s,{}\"]+)")


def anchor(table: str, chain: str) -> str:
    return f"{table}/{chain}"


def segments(text: str, table: str, chains: set[str] | dict) -> list[list[str]]:
    """`text` cut into [text, anchor] pairs: jump targets that are chains of `table` linked."""
    parts: list[list[str]] = []
    last = 0
    for found in _JUMP.finditer(text):
        name = found.group(1)
        if name not in chains:
            continue
        start = found.start(1)
        if start > last:
            parts.append([text[last:start], ""])
        parts.append([name, anchor(table, name)])
        last = found.end(1)
    if last < len(text):
        parts.append([text[last:], ""])
    return parts


def _counters(counters: tuple[int, int] | None) -> str:
    return f"[{counters[0]}:{counters[1]}]" if counters else ""


class _Budget:
    def __init__(self, limit: int) -> None:
        self.left = limit
        self.omitted = 0

    def take(self, wanted: int) -> int:
        taken = max(0, min(wanted, self.left))
        self.left -= taken
        self.omitted += wanted - taken
        return taken


# nat first: it is where a Service's address becomes a pod's (and mangle is often empty)
TABLE_ORDER = ("nat", "filter", "mangle", "raw", "security")


def _table_rank(name: str) -> int:
    return TABLE_ORDER.index(name) if name in TABLE_ORDER else len(TABLE_ORDER)


def iptables_tables(ruleset: Ruleset, budget: _Budget) -> dict[str, Any]:
    tables: dict[str, Any] = {}
    for table in sorted(ruleset.tables.values(), key=lambda t: _table_rank(t.name)):
        chains: dict[str, Any] = {}
        for chain in table.chains.values():
            shown = budget.take(len(chain.rules))
            chains[chain.name] = {
                "anchor": anchor(table.name, chain.name),
                "kind": "built-in" if chain.policy else "chain",
                "policy": chain.policy or "",
                "counters": _counters(chain.counters),
                "declared": chain.declared,
                "rules": [
                    {
                        "parts": segments(f"-A {r.chain} {r.spec}", table.name, table.chains),
                        "counters": _counters(r.counters),
                    }
                    for r in chain.rules[:shown]
                ],
                "omitted": len(chain.rules) - shown,
            }
        tables[table.name] = {"chains": chains}
    return tables


def _nft_rule_parts(rule: NftRule, table: str, names: dict) -> list[list[str]]:
    if rule.text is not None:
        return segments(rule.text, table, names)
    parts = [[orjson.dumps(rule.expr or []).decode(), ""]]
    for verdict, target in rule.verdicts:
        parts.append([f"  ⇒ {verdict} ", ""])
        parts.append([target, anchor(table, target)] if target in names else [target, ""])
    return parts


def _nft_table(table: NftTable, budget: _Budget) -> dict[str, Any]:
    name = f"{table.family} {table.name}"
    chains: dict[str, Any] = {}
    for chain in table.chains.values():
        shown = budget.take(len(chain.rules))
        hook = (
            f"type {chain.type} hook {chain.hook} priority {chain.priority}" if chain.hook else ""
        )
        chains[chain.name] = {
            "anchor": anchor(name, chain.name),
            "kind": "base chain" if chain.hook else "chain",
            "policy": " ".join(
                x for x in (hook, f"policy {chain.policy}" if chain.policy else "") if x
            ),
            "counters": "",
            "declared": True,
            "rules": [
                {"parts": _nft_rule_parts(rule, name, table.chains), "counters": ""}
                for rule in chain.rules[:shown]
            ],
            "omitted": len(chain.rules) - shown,
        }
    for nft_set in table.sets.values():
        shown = budget.take(len(nft_set.elements))
        rules = []
        for element in nft_set.elements[:shown]:
            key = " . ".join(element.key)
            text = f"{key} : {element.value}" if element.value is not None else key
            if element.comment:
                text += f' comment "{element.comment}"'
            rules.append({"parts": segments(text, name, table.chains), "counters": ""})
        chains[nft_set.name] = {
            "anchor": anchor(name, nft_set.name),
            "kind": nft_set.kind,
            "policy": nft_set.type or "",
            "counters": "",
            "declared": True,
            "rules": rules,
            "omitted": len(nft_set.elements) - shown,
        }
    return {"chains": chains}


def browser_model(
    parsed: Ruleset | NftRuleset | None,
    source: dict[str, Any] | None = None,
    missing: str = "",
) -> dict[str, Any]:
    """The browser model of a parsed iptables-save or nft ruleset."""
    model: dict[str, Any] = {
        "source": source or {},
        "kind": "",
        "tables": {},
        "unparsed": [],
        "counts": {},
        "notes": [],
        "missing": missing,
    }
    if parsed is None:
        return model
    budget = _Budget(MAX_RULES)
    if isinstance(parsed, NftRuleset):
        model["kind"] = "nft"
        model["tables"] = {f"{t.family} {t.name}": _nft_table(t, budget) for t in parsed.tables}
    else:
        model["kind"] = "iptables"
        model["tables"] = iptables_tables(parsed, budget)
    model["counts"] = parsed.summary()
    model["unparsed"] = [f"line {number}: {text}" for number, text in parsed.unparsed[:200]]
    if budget.omitted:
        model["notes"].append(
            f"{budget.omitted} rules past the first {MAX_RULES} are not shown; each chain says "
            "how many of its own are left out."
        )
    return model


def chain_browser(state: ClusterState, node: str, dump: str = AUTO) -> dict[str, Any]:
    """The browser model of `node`'s recorded `dump` (AUTO: the one kube-proxy wrote to)."""
    wanted = DUMPS if dump == AUTO else (dump,) if dump in DUMPS else ()
    if not wanted:
        return browser_model(None, missing=f"No such dump: {dump[:40]!r}.")
    found = dump_source(state, node, wanted)
    if found.text is None:
        return browser_model(None, found.source, found.missing)
    try:
        ruleset = parsed_fact(state, node, found.fact).ruleset
    except ValueError as error:
        why = f"The recorded {found.fact} of node {node} could not be read: {error}"
        return browser_model(None, found.source, why)
    return browser_model(ruleset, found.source)


def _build(state: ClusterState, params: Params, memo: None) -> dict[str, Any]:
    return chain_browser(state, params["node"], params["dump"])


VIEW = View(
    name="chain-browser",
    build=_build,
    kinds=frozenset({NODE_FACTS_KIND, "Node"}),
    params=("cluster", "node", "dump"),
)
