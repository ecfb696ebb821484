"""PodDisruptionBudgets as preemption reads them: not a limit, only something to spare.

DefaultPreemption (kubernetes/kubernetes `pkg/scheduler/framework/plugins/defaultpreemption`,
read) walks the candidate victims of a node in order of importance and takes one disruption off
every budget of the pod's namespace whose selector matches its labels (a budget with no selector,
or an empty one, matches nothing; a pod already in the budget's `status.disruptedPods` is not
counted again), starting from `status.disruptionsAllowed`. A victim whose turn takes any budget
below zero *violates* it. Violating victims are the first it tries to spare, and among the nodes
it could preempt on it prefers the one with the fewest violations — but it will still evict
them: a budget only holds back `kubectl drain` and other users of the Eviction API.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from explorer.lib.objects import (
    labels_of,
    name_of,
    namespace_of,
    namespaced_name,
    spec_of,
    status_of,
)
from explorer.lib.selectors import selector_matches


def _selects(budget: Mapping, pod: Mapping) -> bool:
    selector = spec_of(budget).get("selector") or {}
    if not (selector.get("matchLabels") or selector.get("matchExpressions")):
        return False
    labels = labels_of(pod)
    return bool(labels) and selector_matches(dict(selector), dict(labels))


def _allowed(budget: Mapping) -> int:
    try:
        return int(status_of(budget).get("disruptionsAllowed") or 0)
    except (TypeError, ValueError):
        return 0


def budgets_of(pod: Mapping, budgets: Iterable[Mapping]) -> list[Mapping]:
    """The budgets of the pod's namespace whose selector matches it."""
    namespace = namespace_of(pod)
    return [b for b in budgets if namespace_of(b) == namespace and _selects(b, pod)]


def spend(
    pods: Sequence[Mapping], budgets: Sequence[Mapping]
) -> tuple[list[Mapping], list[Mapping], list[str]]:
    """(the pods whose eviction violates a budget, the others — both in the order given —, and
    the budgets violated, as namespace/name) when `pods` are evicted in that order."""
    left = {id(b): _allowed(b) for b in budgets}
    violating: list[Mapping] = []
    sparing: list[Mapping] = []
    violated: list[str] = []
    for pod in pods:
        breaks = False
        for budget in budgets_of(pod, budgets):
            if name_of(pod) in (status_of(budget).get("disruptedPods") or {}):
                continue
            left[id(budget)] -= 1
            if left[id(budget)] < 0:
                breaks = True
                if namespaced_name(budget) not in violated:
                    violated.append(namespaced_name(budget))
        (violating if breaks else sparing).append(pod)
    return violating, sparing, violated
