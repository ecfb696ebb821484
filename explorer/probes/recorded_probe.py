"""The recorded probe: facts recorded earlier — the demo cluster's (computed from its objects)
and a bundle's (taken when it was made) — read from a ClusterState's `node_facts`.

It reads the text facts unless told which (`facts=CGROUP_FACTS` for the cgroup tree alone). A
recorded dict fact (the cgroup tree, the storage, the volumes' usage) keeps the probe and time it
says it was read by; one that does not say (the demo's) is the recorded probe's, taken when the
node's facts were."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from explorer.state.node_facts import (
    DICT_FACTS,
    FACTS,
    TAKEN_AT,
    Fact,
    NodeFacts,
    ProbeName,
    node_facts,
    now,
    unreadable,
)

NOT_RECORDED = "not recorded"


@dataclass(frozen=True)
class RecordedProbe:
    recorded: Mapping[str, Mapping[str, Any]]  # ClusterState.node_facts
    taken_at: str | None = None  # when they were recorded (a bundle's time), if not per node
    facts: tuple[str, ...] = FACTS
    name: ClassVar[ProbeName] = "recorded"

    def collect(self, node: str) -> NodeFacts:
        entry = self.recorded.get(node)
        if not entry:
            return unreadable(node, "recorded", f"no recorded facts for {node}", self.facts)
        when = entry.get(TAKEN_AT) or self.taken_at or now()
        read: dict[str, Fact] = {
            fact: entry[fact]
            for fact in self.facts
            if fact not in DICT_FACTS and isinstance(entry.get(fact), str)
        }
        for fact in self.facts:
            if fact in DICT_FACTS and isinstance(entry.get(fact), dict):
                read[fact] = _provenance(entry[fact], when)
        errors = {fact: NOT_RECORDED for fact in self.facts if fact not in read}
        return node_facts(node, "recorded", read, errors, when)


def _provenance(recorded: Mapping[str, Any], when: str) -> Any:
    fact: dict[str, Any] = dict(recorded)
    fact.setdefault("source", "recorded")
    fact.setdefault("probe", "recorded")
    fact.setdefault("taken_at", when)
    return fact
