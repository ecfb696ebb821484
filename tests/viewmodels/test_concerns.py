"""`View.concerns`: a change a view says does not concern its parameters leaves its model as it
was (the publisher then does not build it again), for every pod, node and namespace of the demo
and changes of every kind a pod goes through: readiness, a restart, moving node, going away."""

from __future__ import annotations

import copy

from explorer.demo import build_demo
from explorer.lib.objects import spec_of
from explorer.state.cluster_state import ClusterState
from explorer.viewmodels.base import View
from explorer.viewmodels.workloads import cgroup_tree, hierarchy, node, pod


def _instances(state: ClusterState) -> list[tuple[View, dict[str, str]]]:
    nodes = sorted(n["metadata"]["name"] for n in state.list("Node", ""))
    namespaces = sorted(n["metadata"]["name"] for n in state.list("Namespace", ""))
    pods = [(p["metadata"]["namespace"], p["metadata"]["name"]) for p in state.list("Pod")]
    found: list[tuple[View, dict[str, str]]] = []
    found += [(pod.VIEW, {"namespace": ns, "name": name}) for ns, name in pods[::5]]
    found += [(node.VIEW, {"name": n}) for n in nodes]
    found += [(cgroup_tree.VIEW, {"node": n, "size": "limit"}) for n in nodes]
    found += [(hierarchy.VIEW, {"namespace": ns, "size": "cpu"}) for ns in [*namespaces, "*"]]
    return [(view, {"cluster": state.cluster, **params}) for view, params in found]


def _changes(state: ClusterState) -> list[dict]:
    """Watch events for a few pods of each node: not ready, restarted, moved, deleted."""
    events = []
    for held in list(state.list("Pod"))[::7]:
        changed = copy.deepcopy(held)
        statuses = changed.get("status", {}).get("containerStatuses") or []
        for status in statuses:
            status["ready"] = not status.get("ready")
            status["restartCount"] = status.get("restartCount", 0) + 1
        events.append({"type": "MODIFIED", "object": changed})
        moved = copy.deepcopy(changed)
        if spec_of(moved).get("nodeName"):
            moved["spec"]["nodeName"] = "demo-worker"
        events.append({"type": "MODIFIED", "object": moved})
        events.append({"type": "DELETED", "object": copy.deepcopy(moved)})
    return events


def test_a_change_a_view_says_does_not_concern_it_leaves_its_model_as_it_was() -> None:
    state = build_demo(nodes=4, pods_per_node=6)
    instances = _instances(state)
    models = [view.build(state, params, view.memo()) for view, params in instances]
    concerned = unconcerned = 0
    for event in _changes(state):
        change = state.apply(event, "Pod")
        if change is None:
            continue  # the pod had nothing to flip
        for index, (view, params) in enumerate(instances):
            after = view.build(state, params, view.memo())
            if view.concerns is not None and not view.concerns(params, change):
                unconcerned += 1
                assert after == models[index], (view.name, params, change.type, change.name)
            else:
                concerned += 1
            models[index] = after
    assert unconcerned > 4 * concerned > 0  # most changes concern most pages not at all
