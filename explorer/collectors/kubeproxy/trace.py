"""Packet trace: the first packet of a connection walked through a node's nat table as the
kernel would — from PREROUTING (a packet from a pod) or OUTPUT (a packet from the node itself),
rule by rule, jumping into user chains and returning from them — until a verdict: DNAT to an
endpoint, another terminal target, or the end of the built-in chain (no NAT: the destination is
unchanged).

Every `-m statistic --mode random --probability p` rule splits the walk in two (taken with p,
not taken with 1 - p), so the result is a list of outcomes whose probabilities sum to 1. Each
outcome keeps the rules tried on its way (runs of rules failing on the same match folded into
one step), why each matched or not, the marks set and the chains entered. Matches this module
does not understand are treated as "may match" (the walk goes on as if they matched) and say so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypedDict

from explorer.collectors.iptables.model import UNKNOWN_TABLE, Rule, Ruleset

from .matches import Packet, Verdict, Where, evaluate

MASQ_BIT = 0x4000  # kube-proxy's default masquerade bit (KUBE-MARK-MASQ)
_FALLS_THROUGH = "fall through"
_UNCHANGED = (_FALLS_THROUGH, "ACCEPT")  # verdicts that leave the destination as it was
_TERMINAL = frozenset(
    {"ACCEPT", "DROP", "REJECT", "DNAT", "REDIRECT", "SNAT", "MASQUERADE", "NETMAP", "TPROXY"}
)
_CONTINUING = frozenset({"LOG", "NFLOG", "TRACE", "CONNMARK", "CT", "AUDIT", "NOTRACK"})
MAX_PATHS = 512
MAX_STEPS = 200_000  # rules tried on one path
MAX_DEPTH = 64


class TraceStep(TypedDict):
    chain: str
    number: int  # 1-based rule number in its chain
    last_number: int  # the last rule folded into this step (== number when one rule)
    count: int  # rules folded into this step
    rule: str  # the rule's text (the first one's when folded)
    result: str  # "match", "no match", "may match"
    why: list[str]
    failed: list[str]  # the options that did not match ("-d", "! -s", "statistic", …)
    action: str  # what the walk did next
    probability: float | None  # the branch's probability at a statistic rule
    mark: str  # the packet mark after this step


class Outcome(TypedDict):
    action: str  # DNAT, REDIRECT, ACCEPT, DROP, REJECT, … or "fall through" (no NAT)
    destination: str | None  # ip:port after the verdict (unchanged when there was no DNAT)
    probability: float
    mark: str
    masquerade: bool  # marked for masquerade on the way (KUBE-MARK-MASQ)
    chain: str | None  # the chain of the deciding rule
    rule: str | None
    chains: list[str]  # the chains entered, in order
    steps: list[TraceStep]
    notes: list[str]
    certain: bool  # False when a "may match" was assumed on the way


class Trace(TypedDict):
    table: str
    hook: str
    packet: dict[str, object]
    outcomes: list[Outcome]
    notes: list[str]


@dataclass
class _Frame:
    chain: str
    index: int = 0


@dataclass
class _Path:
    stack: list[_Frame]
    mark: int = 0
    probability: float = 1.0
    steps: list[TraceStep] = field(default_factory=list)
    chains: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    certain: bool = True
    tried: int = 0

    def fork(self, probability: float) -> _Path:
        return _Path(
            [_Frame(f.chain, f.index) for f in self.stack],
            self.mark,
            probability,
            list(self.steps),
            list(self.chains),
            list(self.notes),
            self.certain,
            self.tried,
        )


def nat_chains(ruleset: Ruleset, table: str = "nat") -> dict[str, list[Rule]]:
    """A table's chains → rules (a fragment's rules of no known table included)."""
    chains: dict[str, list[Rule]] = {}
    for name in (table, UNKNOWN_TABLE):
        for chain in ruleset.tables[name].chains.values() if name in ruleset.tables else ():
            chains[chain.name] = chains.get(chain.name, []) + chain.rules
    return chains


def _mark_after(mark: int, rule: Rule) -> int:
    for flag in ("--set-xmark", "--set-mark", "--or-mark", "--and-mark", "--xor-mark"):
        value = rule.value(flag)
        if value is None:
            continue
        wanted, _, mask_text = value.partition("/")
        try:
            bits = int(wanted, 0)
            mask = int(mask_text, 0) if mask_text else 0xFFFFFFFF
        except ValueError:
            return mark
        if flag == "--set-xmark":
            return (mark & ~mask & 0xFFFFFFFF) ^ bits
        if flag == "--set-mark":
            return (mark & ~mask & 0xFFFFFFFF) | bits
        if flag == "--or-mark":
            return mark | bits
        if flag == "--and-mark":
            return mark & bits
        return mark ^ bits
    return mark


class _Walker:
    def __init__(
        self, chains: dict[str, list[Rule]], packet: Packet, where: Where, hook: str
    ) -> None:
        self.chains, self.packet, self.where, self.hook = chains, packet, where, hook
        self.pending: list[_Path] = []
        self.outcomes: list[Outcome] = []
        self.notes: list[str] = []

    def run(self) -> list[Outcome]:
        self.pending.append(_Path([_Frame(self.hook)], chains=[self.hook]))
        while self.pending:
            if len(self.outcomes) + len(self.pending) > MAX_PATHS:
                self.notes.append(f"stopped after {MAX_PATHS} paths; the rest is not shown")
                break
            self._walk(self.pending.pop())
        return self.outcomes

    def _walk(self, path: _Path) -> None:
        while True:
            if path.tried > MAX_STEPS or len(path.stack) > MAX_DEPTH:
                path.notes.append("the walk went on too long (a loop?); stopped here")
                return self._end(path, "gave up", None, None)
            frame = path.stack[-1]
            rules = self.chains.get(frame.chain, [])
            if frame.index >= len(rules):
                if self._leave_chain(path):
                    continue
                return None
            rule = rules[frame.index]
            frame.index += 1
            path.tried += 1
            verdict = evaluate(rule, self.packet, self.where, path.mark)
            branches = verdict.matched is not False and verdict.probability is not None
            if branches and not self._branch(path, frame, rule, verdict):
                return None
            if verdict.matched is False:
                self._step(path, frame, rule, "no match", verdict, "next rule")
                continue
            if verdict.matched is None:
                path.certain = False
                path.notes.append(f"{frame.chain} rule {frame.index}: assumed to match")
            if self._target(path, frame, rule, verdict):
                return None

    def _branch(self, path: _Path, frame: _Frame, rule: Rule, verdict: Verdict) -> bool:
        """Split at a statistic rule: the not-picked walk goes on later; True when this path
        (the picked one) is still worth walking."""
        chance = min(max(verdict.probability or 0.0, 0.0), 1.0)
        if chance < 1.0:
            other = path.fork(path.probability * (1.0 - chance))
            why = [*verdict.reasons, f"random: not picked ({1.0 - chance:.4f})"]
            miss = Verdict(False, why, ["statistic"])
            self._step(other, frame, rule, "no match", miss, "next rule", 1.0 - chance)
            self.pending.append(other)
        path.probability *= chance
        verdict.reasons.append(f"random: picked ({chance:.4f})")
        verdict.probability = chance
        return chance > 0.0

    def _leave_chain(self, path: _Path) -> bool:
        """End of a chain: back to the caller (True), or the built-in chain's policy."""
        left = path.stack.pop()
        if path.stack:
            return True
        path.notes.append(f"end of {left.chain}: its policy lets the packet through unchanged")
        self._end(path, _FALLS_THROUGH, None, None)
        return False

    def _target(self, path: _Path, frame: _Frame, rule: Rule, verdict: Verdict) -> bool:
        """Apply the rule's target; True when the walk has ended."""
        result = "match" if verdict.matched else "may match"
        target = rule.target
        if target is None:
            self._step(path, frame, rule, result, verdict, "counted; next rule")
            return False
        if target in self.chains and target not in _TERMINAL:
            how = "goto" if rule.goto else "jump"
            self._step(path, frame, rule, result, verdict, f"{how} {target}")
            if rule.goto:
                path.stack.pop()
            path.stack.append(_Frame(target))
            path.chains.append(target)
            return False
        if target == "RETURN":
            self._step(path, frame, rule, result, verdict, "return")
            return not self._leave_chain(path)
        if target == "MARK":
            path.mark = _mark_after(path.mark, rule)
            self._step(path, frame, rule, result, verdict, f"mark set to {path.mark:#x}")
            return False
        if target in _TERMINAL:
            destination = self._destination(target, rule)
            action = f"{target} to {destination}" if destination else target
            self._step(path, frame, rule, result, verdict, action)
            self._end(path, target, frame.chain, rule, destination)
            return True
        if target not in _CONTINUING:
            path.notes.append(f"target {target} is not in this dump nor understood: went on")
        self._step(path, frame, rule, result, verdict, f"{target}; next rule")
        return False

    def _destination(self, target: str, rule: Rule) -> str | None:
        if target == "DNAT":
            to = rule.value("--to-destination") or ""
            return to if ":" in to.rpartition("]")[2] else f"{to}:{self.packet.port}"
        if target == "REDIRECT":
            return f"{self.packet.destination}:{rule.value('--to-ports') or self.packet.port}"
        return None

    def _step(
        self,
        path: _Path,
        frame: _Frame,
        rule: Rule,
        result: str,
        verdict: Verdict,
        action: str,
        probability: float | None = None,
    ) -> None:
        number = frame.index
        last = path.steps[-1] if path.steps else None
        if (
            result == "no match"
            and probability is None
            and last is not None
            and last["result"] == "no match"
            and last["probability"] is None
            and last["chain"] == frame.chain
            and last["last_number"] == number - 1
            and verdict.failed
            and last["failed"] == verdict.failed
        ):
            last["last_number"] = number
            last["count"] += 1
            return
        path.steps.append(
            {
                "chain": frame.chain,
                "number": number,
                "last_number": number,
                "count": 1,
                "rule": rule.spec,
                "result": result,
                "why": verdict.reasons,
                "failed": verdict.failed,
                "action": action,
                "probability": verdict.probability if probability is None else probability,
                "mark": f"{path.mark:#x}",
            }
        )

    def _end(
        self,
        path: _Path,
        action: str,
        chain: str | None,
        rule: Rule | None,
        destination: str | None = None,
    ) -> None:
        self.outcomes.append(
            {
                "action": action,
                "destination": destination
                if destination or action not in _UNCHANGED
                else (f"{self.packet.destination}:{self.packet.port}"),
                "probability": path.probability,
                "mark": f"{path.mark:#x}",
                "masquerade": bool(path.mark & MASQ_BIT),
                "chain": chain,
                "rule": rule.spec if rule is not None else None,
                "chains": path.chains,
                "steps": path.steps,
                "notes": path.notes,
                "certain": path.certain,
            }
        )


def _filter_refusal(ruleset: Ruleset, packet: Packet, where: Where) -> str | None:
    """kube-proxy's REJECT/DROP for a Service port without endpoints lives in the filter table:
    a packet the nat table leaves alone meets it next."""
    chains = nat_chains(ruleset, "filter")
    for chain in ("KUBE-SERVICES", "KUBE-EXTERNAL-SERVICES"):
        for rule in chains.get(chain, ()):
            if rule.target in ("REJECT", "DROP") and evaluate(rule, packet, where, 0).matched:
                why = f" ({rule.comment})" if rule.comment else ""
                return f"then the filter table's {chain} does {rule.target}{why}"
    return None


def trace(
    ruleset: Ruleset, packet: Packet, hook: str = "PREROUTING", where: Where | None = None
) -> Trace:
    """Walk `packet` through the nat table from `hook` (PREROUTING: from a pod or from outside;
    OUTPUT: from a process on the node)."""
    chains = nat_chains(ruleset)
    walker = _Walker(chains, packet, where or Where(), hook)
    notes: list[str] = []
    if hook not in chains:
        notes.append(f"the nat table has no {hook} chain here: nothing rewrites the packet")
    outcomes = walker.run()
    refused = _filter_refusal(ruleset, packet, where or Where())
    if refused:
        for outcome in outcomes:
            if outcome["action"] == _FALLS_THROUGH:
                outcome["notes"].append(refused)
    return {
        "table": "nat",
        "hook": hook,
        "packet": {
            "source": packet.source,
            "destination": f"{packet.destination}:{packet.port}",
            "protocol": packet.protocol,
        },
        "outcomes": sorted(outcomes, key=lambda o: -o["probability"]),
        "notes": notes + walker.notes,
    }
