"""The recorded probe: facts recorded earlier — the demo cluster's (computed from its objects)
and a bundle's (taken when it was made) — read from a ClusterState's `node_facts`.

It reads the text facts unless told which (`facts=CGROUP_FACTS` for the cgroup tree alone). A
recorded cgroup tree keeps the probe and time it says it was read by; one that does not say
(the demo's) is the recorded probe's, taken when the node's facts were."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from explorer.state.node_facts import (
    CGROUPS,
    FACTS,
    TAKEN_AT,
    CgroupsFact,
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
        read: dict[str, str | CgroupsFact] = {
            fact: entry[fact]
            for fact in self.facts
            if fact != CGROUPS and isinstance(entry.get(fact), str)
        }
        if CGROUPS in self.facts and isinstance(entry.get(CGROUPS), dict):
            read[CGROUPS] = _provenance(entry[CGROUPS], when)
        errors = {fact: NOT_RECORDED for fact in self.facts if fact not in read}
        return node_facts(node, "recorded", read, errors, when)


def _provenance(tree: Mapping[str, Any], when: str) -> CgroupsFact:
    fact: dict[str, Any] = dict(tree)
    fact.setdefault("source", "recorded")
    fact.setdefault("probe", "recorded")
    fact.setdefault("taken_at", when)
    return fact  # type: ignore[return-value]
