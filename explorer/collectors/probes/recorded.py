"""The recorded probe: facts recorded earlier — the demo cluster's (computed from its objects)
and a bundle's (taken when it was made) — read from a ClusterState's `node_facts`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from .facts import FACTS, TAKEN_AT, NodeFacts, ProbeName, node_facts, unreadable

NOT_RECORDED = "not recorded"


@dataclass(frozen=True)
class RecordedProbe:
    recorded: Mapping[str, Mapping[str, Any]]  # ClusterState.node_facts
    taken_at: str | None = None  # when they were recorded (a bundle's time), if not per node
    name: ClassVar[ProbeName] = "recorded"

    def collect(self, node: str) -> NodeFacts:
        entry = self.recorded.get(node)
        if not entry:
            return unreadable(node, "recorded", f"no recorded facts for {node}")
        facts = {fact: entry[fact] for fact in FACTS if isinstance(entry.get(fact), str)}
        errors = {fact: NOT_RECORDED for fact in FACTS if fact not in facts}
        when = entry.get(TAKEN_AT) or self.taken_at
        return node_facts(node, "recorded", facts, errors, when)
