"""What a preemption could do for a Pending pod, in words, from the scheduling cycle's dry run
(`collectors/scheduling/evaluate.py`): on each node where evicting lower-priority pods would let
it fit, the minimal set of victims and the PodDisruptionBudgets their eviction would violate
(budgets are only minimised: the scheduler still evicts), the node it would nominate — or why
there is none: `preemptionPolicy: Never`, a preemption of its own still terminating, no
lower-priority pod anywhere, rejections that evicting pods cannot remove, or a scheduling
profile that does not run DefaultPreemption.

Every string is plain text.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from explorer.collectors.scheduling.evaluate import (
    PREEMPTION,
    TERMINATING_ON_NOMINATED,
    Evaluation,
    Victims,
)
from explorer.collectors.scheduling.message import NO_VICTIMS, NOT_HELPFUL, PREEMPTION_NEVER
from explorer.collectors.scheduling.profiles import Profile
from explorer.lib.objects import name_of, namespace_of, spec_of, status_of

MAX_NODES = 50  # candidate nodes shipped, the nominated one first
MAX_VICTIMS = 50  # victims shipped per node

_WHY_NONE = {
    NOT_HELPFUL: "rejected it for a reason evicting pods cannot remove",
    NO_VICTIMS: "run no pod of lower priority",
}


def _victim(pod: Mapping) -> dict[str, Any]:
    priority = spec_of(pod).get("priority")
    return {
        "namespace": namespace_of(pod),
        "name": name_of(pod),
        "priority": priority if isinstance(priority, int) else 0,
        "started": str(status_of(pod).get("startTime") or ""),
    }


def _node(victims: Victims, nominated: str) -> dict[str, Any]:
    return {
        "node": victims.node,
        "nominated": victims.node == nominated,
        "victims": [_victim(p) for p in victims.pods[:MAX_VICTIMS]],
        "victims_left_out": max(0, len(victims.pods) - MAX_VICTIMS),
        "violated": [
            {"namespace": budget.split("/", 1)[0], "name": budget.split("/", 1)[1]}
            for budget in victims.violated
        ],
        "certain": victims.certain,
    }


def _why_none(reasons: Mapping[str, tuple[str, ...]]) -> list[str]:
    counts = Counter(reason for found in reasons.values() for reason in found)
    said = []
    for reason, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        nodes = "1 node" if count == 1 else f"{count} nodes"
        words = _WHY_NONE.get(reason)
        if words:
            verb = words if count != 1 else words.replace("run ", "runs ", 1)
            said.append(f"{nodes} {verb}")
        else:
            said.append(f"{nodes}: still {reason} with every lower-priority pod gone")
    return said


def _left_out_by(profile: Profile | None, found: Evaluation) -> bool:
    """Whether the cycle reached the PostFilter plugins and its profile runs no preemption."""
    reached = found.message is not None and found.total_nodes > 0
    return reached and profile is not None and PREEMPTION not in profile.postfilters


def preemption_model(
    found: Evaluation, pod: Mapping, profile: Profile | None = None
) -> dict[str, Any] | None:
    """None when the cycle reached no PostFilter (the pod fits, or the outcome is open).
    `profile`: the scheduling profile the cycle ran (None: the default one)."""
    preemption = found.preemption
    priority = spec_of(pod).get("priority")
    priority = priority if isinstance(priority, int) else 0
    if preemption is None:
        if not _left_out_by(profile, found):
            return None
        return {
            "priority": priority,
            "state": "off",
            "headline": (
                f"It will not preempt: the scheduler's profile {profile.scheduler_name} does not "
                f"run {PREEMPTION}, so it waits for room instead of evicting pods of lower "
                "priority."
            ),
            "nominated": "",
            "nodes": [],
            "nodes_left_out": 0,
            "why_none": [],
            "budgets_known": True,
            "sampled": False,
            "certain": found.certain,
        }
    model: dict[str, Any] = {
        "priority": priority,
        "state": "none",
        "headline": "",
        "nominated": preemption.nominated,
        "nodes": [],
        "nodes_left_out": 0,
        "why_none": [],
        "budgets_known": preemption.budgets_known,
        "sampled": preemption.sampled,
        "certain": preemption.certain,
    }
    if preemption.ineligible == PREEMPTION_NEVER:
        model["state"] = "never"
        model["headline"] = (
            "It may not preempt: its preemptionPolicy is Never, so it waits for room instead "
            "of evicting pods of lower priority."
        )
        return model
    if preemption.ineligible == TERMINATING_ON_NOMINATED:
        model["state"] = "waiting"
        model["headline"] = (
            f"It waits for its earlier preemption: pods it preempted on node "
            f"{status_of(pod).get('nominatedNodeName')} are still terminating."
        )
        return model
    if preemption.victims:
        ordered = sorted(
            preemption.victims.values(), key=lambda v: (v.node != preemption.nominated, v.node)
        )
        model["state"] = "victims"
        count = len(preemption.victims)
        model["headline"] = (
            f"A preemption could make room on {count} node{'s' if count != 1 else ''}: "
            f"the scheduler would nominate {preemption.nominated} and evict the pods below."
        )
        model["nodes"] = [_node(v, preemption.nominated) for v in ordered[:MAX_NODES]]
        model["nodes_left_out"] = max(0, count - MAX_NODES)
        return model
    model["headline"] = "No preemption would help:"
    model["why_none"] = _why_none(preemption.reasons)
    return model
