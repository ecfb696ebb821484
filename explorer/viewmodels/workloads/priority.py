"""A pod's priority, in words: the number the admission plugin wrote into `spec.priority` from its
PriorityClass (or the cluster's globalDefault class, or 0), whether it may preempt
(`preemptionPolicy: Never` says it waits instead), the node a preemption nominated it for
(`status.nominatedNodeName`), and the cluster's PriorityClasses, highest first.

Every string is plain text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypedDict

from explorer.lib.objects import name_of, spec_of, status_of
from explorer.state.cluster_state import ClusterState

MAX_CLASSES = 50
PREEMPT_LOWER = "PreemptLowerPriority"
NEVER = "Never"


class PriorityClassRow(TypedDict):
    name: str
    value: int | None
    global_default: bool
    preemption_policy: str
    description: str
    this: bool  # the pod's own class


class Priority(TypedDict):
    value: int | None  # spec.priority; None when the API server wrote none
    class_name: str  # spec.priorityClassName, "" when none
    class_found: bool
    preemption_policy: str
    may_preempt: bool
    nominated_node: str
    words: list[str]
    classes: list[PriorityClassRow]
    classes_left_out: int


def _value(priority_class: Mapping | None) -> int | None:
    value = (priority_class or {}).get("value")
    return value if isinstance(value, int) else None


def _row(priority_class: Mapping, own: str) -> PriorityClassRow:
    name = name_of(priority_class)
    return {
        "name": name,
        "value": _value(priority_class),
        "global_default": bool(priority_class.get("globalDefault")),
        "preemption_policy": str(priority_class.get("preemptionPolicy") or PREEMPT_LOWER),
        "description": str(priority_class.get("description") or ""),
        "this": name == own,
    }


def priority_of(state: ClusterState, pod: Mapping) -> Priority:
    spec = spec_of(pod)
    own = str(spec.get("priorityClassName") or "")
    classes = sorted(state.list("PriorityClass"), key=lambda c: (-(_value(c) or 0), name_of(c)))
    found = next((c for c in classes if name_of(c) == own), None) if own else None
    value = spec.get("priority") if isinstance(spec.get("priority"), int) else None
    policy = str(
        spec.get("preemptionPolicy") or (found or {}).get("preemptionPolicy") or PREEMPT_LOWER
    )
    nominated = str(status_of(pod).get("nominatedNodeName") or "")
    words = [_priority_words(value, own, found)]
    if policy == NEVER:
        words.append(
            "preemptionPolicy: Never — it never evicts other pods to make room: when no node "
            "fits it waits, ahead of lower-priority pods in the scheduler's queue."
        )
    else:
        words.append(
            "It may preempt: when no node fits, the scheduler may evict pods of lower priority "
            "to make room for it."
        )
    if nominated:
        words.append(
            f"A preemption nominated it for node {nominated}: the scheduler keeps room for it "
            "there while its victims terminate (it may still land elsewhere)."
        )
    return {
        "value": value,
        "class_name": own,
        "class_found": found is not None,
        "preemption_policy": policy,
        "may_preempt": policy != NEVER,
        "nominated_node": nominated,
        "words": words,
        "classes": [_row(c, own) for c in classes[:MAX_CLASSES]],
        "classes_left_out": max(0, len(classes) - MAX_CLASSES),
    }


def _priority_words(value: int | None, own: str, found: Mapping | None) -> str:
    said = "no priority set (counted as 0)" if value is None else f"priority {value}"
    if not own:
        return f"It has {said}: it names no PriorityClass (nor did a globalDefault class apply)."
    if found is None:
        return f"It has {said} from PriorityClass {own}, which the explorer does not see."
    return f"It has {said} from PriorityClass {own}."
