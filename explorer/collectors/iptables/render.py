"""A Ruleset back to iptables-save text: tables in order, `:CHAIN POLICY [p:b]` declarations,
then every chain's rules, `COMMIT`. Rules keep their exact arguments and their counters."""

from __future__ import annotations

from . import tokens
from .model import UNKNOWN_TABLE, Chain, Rule, Ruleset


def render_rule(rule: Rule, *, counters: bool = True) -> str:
    text = f"-A {rule.chain} {tokens.join(rule.words, rule.quoted)}"
    if counters and rule.counters is not None:
        return f"[{rule.counters[0]}:{rule.counters[1]}] {text}"
    return text


def _declaration(chain: Chain) -> str:
    packets, octets = chain.counters or (0, 0)
    return f":{chain.name} {chain.policy or '-'} [{packets}:{octets}]"


def render(ruleset: Ruleset, *, counters: bool = True) -> str:
    lines: list[str] = []
    for table in ruleset.tables.values():
        known = table.name != UNKNOWN_TABLE
        if known:
            lines.append(f"*{table.name}")
            lines += [_declaration(c) for c in table.chains.values() if c.declared]
        for chain in table.chains.values():
            lines += [render_rule(rule, counters=counters) for rule in chain.rules]
        if known:
            lines.append("COMMIT")
    return "\n".join(lines) + "\n"
