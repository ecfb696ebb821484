"""Why a pod is Pending, node by node, and "why not node X" for any pod: kube-scheduler's cycle
run on a ClusterState (`collectors/scheduling`: PreFilter, the filter plugins of the cluster's
version on every node, PostFilter, then the score plugins on the feasible nodes).

The view `scheduling` takes `cluster`, `namespace`, `name` and `node`: `*` for every node (the
table of a Pending pod), or a node's name (that node's row for any pod, bound or not: the pod is
evaluated as if it were not scheduled yet, its own requests taken off the node it runs on).

The model: the message as the scheduler would write it beside the real one (the latest
FailedScheduling event, else the PodScheduled condition) and whether they agree; the filter
plugins in order; a row per node with each plugin's verdict (passed, skipped, failed with the
scheduler's reasons, not evaluated, or not run after the first failure); the feasible nodes'
scores per score plugin, weighted, and the best-scoring set; the profile it ran (`profile`:
kube-scheduler's configuration when a node agent read it, else the default profile, and the
sentence that says which and why, `scheduler_config.py`); for the table of a Pending pod, what a
preemption could evict where (`preemption.py`). Bounded: at most `MAX_NODES` nodes
are evaluated and `MAX_ROWS` rows shipped (feasible nodes first); `left_out` and `rows_left_out`
say how many were not, and the message is then not reproduced. Every string is plain text.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from explorer.collectors.scheduling import filters as f
from explorer.collectors.scheduling.evaluate import Evaluation, evaluate, view_of
from explorer.collectors.scheduling.message import CURRENT
from explorer.collectors.scheduling.scores import Scoring, score_nodes
from explorer.collectors.scheduling.versions import Version, node_version, parse_version
from explorer.lib.events import event_time
from explorer.lib.gc_pause import gc_paused
from explorer.lib.objects import (
    condition,
    labels_of,
    name_of,
    namespace_of,
    spec_of,
    status_of,
    uid_of,
)
from explorer.lib.selectors import selector_matches
from explorer.state.cluster_state import ClusterState
from explorer.state.node_facts import NODE_FACTS_KIND

from ..base import Params, View
from .events import events_for
from .not_picked_up import GATED
from .preemption import preemption_model
from .scheduler_config import Chosen, ConfigRead, profile_for, read_in

EVERY_NODE = "*"
MAX_NODES = 5000  # nodes evaluated for one pod; the rest are left out, and said to be
MAX_ROWS = 300  # rows of the table shipped to the page
MAX_NODE_NAMES = 5000  # names offered in the "why not node X" select
STORAGE_KINDS = {
    "namespaces": "Namespace",
    "claims": "PersistentVolumeClaim",
    "volumes": "PersistentVolume",
    "csi_nodes": "CSINode",
}
HELD_KINDS = {**STORAGE_KINDS, "pdbs": "PodDisruptionBudget"}  # what the cycle reads held
FAILED_SCHEDULING = "FailedScheduling"


def _held(state: ClusterState, kind: str) -> bool:
    """Whether the state holds a kind at all (listed, even if empty): otherwise the plugins
    that read it say "not evaluated" rather than guess."""
    if kind in state.not_visible:
        return False
    return state.count(kind) > 0 or kind in state.resource_versions


def cluster_version(state: ClusterState) -> tuple[Version, str]:
    """The scheduler's release: its pod's image tag, else the nodes' most common kubelet
    version, else the latest the explorer knows."""
    for pod in state.list("Pod", "kube-system"):
        for container in spec_of(pod).get("containers") or ():
            image = str((container or {}).get("image") or "")
            if "/kube-scheduler:" in image or image.startswith("kube-scheduler:"):
                try:
                    return parse_version(image.rsplit(":", 1)[1]), "the kube-scheduler pod's image"
                except ValueError:
                    continue
    versions = Counter(v for n in state.list("Node") if (v := node_version(n)) is not None)
    if versions:
        return versions.most_common(1)[0][0], "the nodes' kubelets"
    return CURRENT, "assumed (no node says its version)"


def spread_selectors(state: ClusterState, pod: Mapping) -> list[Mapping]:
    """The selectors of the Services, ReplicaSets and StatefulSets that pick the pod."""
    found: list[Mapping] = []
    labels = labels_of(pod)
    namespace = namespace_of(pod)
    for service in state.list("Service", namespace):
        selector = spec_of(service).get("selector")
        if selector and selector_matches(selector, labels):
            found.append(selector)
    for kind in ("ReplicaSet", "StatefulSet"):
        for owner in state.list(kind, namespace):
            selector = spec_of(owner).get("selector")
            if selector and selector_matches(selector, labels):
                found.append(selector)
    return found


def unscheduled(pod: Mapping) -> dict:
    """The pod as the scheduler sees it before binding."""
    spec = {k: v for k, v in spec_of(pod).items() if k != "nodeName"}
    return {**pod, "spec": spec, "status": {**status_of(pod), "phase": "Pending"}}


@dataclass(frozen=True, slots=True)
class Cycle:
    found: Evaluation
    scoring: Scoring | None  # the scores of its feasible nodes
    left_out: int  # nodes not evaluated (the bound)
    version: Version
    version_from: str
    chosen: Chosen  # the profile it ran, and the words that say which


def run_cycle(
    state: ClusterState,
    pod: Mapping,
    *,
    max_nodes: int = MAX_NODES,
    config: ConfigRead | None = None,
    view: f.ClusterView | None = None,
) -> Cycle:
    """kube-scheduler's cycle for `pod` in `state`, as if it were not scheduled yet, by the
    profile of `config` (default: what a node agent read into the state) that picks it.
    `view`: the cluster as `cluster_view` gave it, shared by the evaluations of several pending
    pods (none of them is in it)."""
    version = cluster_version(state)
    chosen = profile_for(pod, config if config is not None else read_in(state), version[0])
    if view is None:
        with gc_paused():  # see `cluster_view`
            view, left_out = cluster_view(state, version[0], max_nodes, pod)
            cycle = _cycle(state, pod, view, left_out, version, chosen)
            del view  # freed before the collector returns, which would otherwise scan it once
        return cycle
    return _cycle(state, pod, view, max(0, state.count("Node") - len(view.nodes)), version, chosen)


def _cycle(
    state: ClusterState,
    pod: Mapping,
    view: f.ClusterView,
    left_out: int,
    version: tuple[Version, str],
    chosen: Chosen,
) -> Cycle:
    pending = unscheduled(pod)
    found = evaluate(pending, view, chosen.profile)
    if left_out:
        found = _open(found)
    feasible = [view.node_by_name[n] for n in found.feasible_nodes]
    profile = chosen.profile
    scoring = (
        score_nodes(
            pending,
            feasible,
            view,
            spread_selectors=spread_selectors(state, pod),
            weights=profile.weight_of,
            percentage_of_nodes_to_score=profile.percentage_of_nodes_to_score,
            strategy=profile.strategy,
        )
        if feasible
        else None
    )
    return Cycle(found, scoring, left_out, version[0], version[1], chosen)


def cluster_view(
    state: ClusterState, version: Version, max_nodes: int = MAX_NODES, pod: Mapping | None = None
) -> tuple[f.ClusterView, int]:
    """(the scheduler's view of `state` — its first `max_nodes` nodes by name, the pods bound to
    them but `pod`, the storage and PodDisruptionBudgets it holds —, how many nodes were left
    out). Its caller pauses the collector (lib/gc_pause.py) for as long as it holds the view: a
    view unpacks every bound pod, and each pass of the collector rescanned them all (a pod's
    cycle at 1,000 nodes of 33 pods: 6.6 s, most of it in collections)."""
    nodes = sorted(state.list("Node"), key=name_of)
    left_out = max(0, len(nodes) - max_nodes)
    nodes = nodes[:max_nodes]
    me = (uid_of(pod) or f"{namespace_of(pod)}/{name_of(pod)}") if pod is not None else None
    # whole pods, not their records: the filters read the bound pods' ports, affinities, volumes
    # and labels against every node evaluated (and nearly every pod held is bound)
    others = [
        p
        for p in state.list("Pod")
        if spec_of(p).get("nodeName") and (uid_of(p) or f"{namespace_of(p)}/{name_of(p)}") != me
    ]
    held = {
        arg: list(state.list(kind)) if _held(state, kind) else None
        for arg, kind in HELD_KINDS.items()
    }
    return view_of(nodes, others, version, **held), left_out


def _open(found: Evaluation) -> Evaluation:
    return replace(found, message=None, certain=False)


def scheduler_said(state: ClusterState, pod: Mapping) -> dict[str, str] | None:
    """The scheduler's latest words about the pod: a FailedScheduling event, else the
    PodScheduled condition when it is False — but for a gated pod's (SchedulingGated): the
    scheduler never ran a cycle for it (not_picked_up.py says so)."""
    events = events_for(state, "Pod", namespace_of(pod), name_of(pod), uid_of(pod))
    failed = [e for e in events if e.get("reason") == FAILED_SCHEDULING]
    if failed:
        latest = max(failed, key=event_time)
        text = str(latest.get("message") or latest.get("note") or "")
        return {"message": text, "source": "FailedScheduling event"}
    scheduled = condition(pod, "PodScheduled") or {}
    if scheduled.get("reason") == GATED:
        return None
    if scheduled.get("status") == "False" and scheduled.get("message"):
        return {"message": str(scheduled["message"]), "source": "PodScheduled condition"}
    return None


def _cell(verdict: f.Verdict | None, left_out_by: tuple[str, ...]) -> dict[str, Any]:
    if verdict is None:
        return {"state": "not run", "reason": ""}
    if verdict.passed is True:
        return {"state": "skipped" if verdict.skipped else "passed", "reason": ""}
    if verdict.passed is None:
        return {"state": "not evaluated", "reason": "; ".join(verdict.reasons)}
    return {"state": "failed", "reason": "; ".join(verdict.reasons)}


def node_rows(
    found: Evaluation, scoring: Scoring | None, plugins: list[str]
) -> list[dict[str, Any]]:
    rows = []
    for outcome in found.nodes:
        by_plugin = {v.plugin: v for v in outcome.verdicts}
        if outcome.left_out_by:
            cells = [{"state": "left out", "reason": ""} for _ in plugins]
            note = f"left out by the PreFilter of {', '.join(outcome.left_out_by)}"
        else:
            cells = [_cell(by_plugin.get(p), ()) for p in plugins]
            note = ""
        score = scoring.of(outcome.node) if scoring else None
        rows.append(
            {
                "node": outcome.node,
                "feasible": outcome.feasible,
                "rejected_by": outcome.rejected_by.plugin if outcome.rejected_by else "",
                "reasons": list(outcome.reasons),
                "note": note,
                "cells": cells,
                "score": score.total if score else None,
                "best": bool(scoring and outcome.node in scoring.best),
            }
        )
    return rows


def _scores(scoring: Scoring | None, chosen: Chosen) -> dict[str, Any] | None:
    if scoring is None:
        return None
    weights = chosen.profile.weight_of
    note = (
        "Only one node fits, so the scheduler takes it without scoring."
        if not scoring.scored
        else "Among nodes with the same highest total the scheduler picks one at random."
    )
    if scoring.limited:
        note += (
            f" This cluster is big enough that the scheduler stops looking once it has found "
            f"{scoring.nodes_to_find} feasible nodes (percentageOfNodesToScore), starting where "
            "its previous cycle stopped: it scores only those, which cannot be known from "
            "outside. Every feasible node is scored here."
        )
    return {
        "plugins": [{"plugin": p.plugin, "weight": weights[p.plugin]} for p in _first(scoring)],
        "rows": [
            {
                "node": n.node,
                "scores": [
                    {"raw": s.raw, "score": s.score, "weighted": s.weighted} for s in n.plugins
                ],
                "total": n.total,
                "best": n.node in scoring.best,
            }
            for n in sorted(scoring.nodes, key=lambda n: (-n.total, n.node))[:MAX_ROWS]
        ],
        "best": list(scoring.best),
        "nodes_to_find": scoring.nodes_to_find,
        "limited": scoring.limited,
        "note": note,
        "profile": (
            f"the scheduler's configuration's, profile {chosen.profile.scheduler_name}"
            if chosen.profile.configured
            else "the default profile's"
        ),
    }


def _first(scoring: Scoring) -> tuple:
    return scoring.nodes[0].plugins if scoring.nodes else ()


def scheduling_model(state: ClusterState, pod: Mapping, node: str = EVERY_NODE) -> dict[str, Any]:
    """The model of the view (see the module's words) for a pod held in `state`."""
    cycle = run_cycle(state, pod)
    found, scoring, left_out = cycle.found, cycle.scoring, cycle.left_out
    version, version_from = cycle.version, cycle.version_from
    plugins = list(cycle.chosen.profile.filters)
    rows = node_rows(found, scoring, plugins)
    if node != EVERY_NODE:
        rows = [r for r in rows if r["node"] == node]
    rows.sort(key=lambda r: (r["feasible"] is not True, r["node"]))
    said = scheduler_said(state, pod)
    waiting = not spec_of(pod).get("nodeName") and status_of(pod).get("phase", "Pending") in (
        "Pending",
        "",
    )
    names = sorted(name_of(n) for n in state.list("Node"))
    return {
        "found": True,
        "pod": f"{namespace_of(pod)}/{name_of(pod)}",
        "node": node,
        "pending": waiting,
        "bound_to": spec_of(pod).get("nodeName") or "",
        "version": str(version),
        "version_from": version_from,
        "plugins": plugins,
        "message": found.message,
        "certain": found.certain,
        "fits": bool(found.feasible_nodes),
        "prefilter": found.prefilter.message,
        "said": (
            {**said, "agrees": found.message is not None and said["message"] == found.message}
            if said and waiting
            else None
        ),
        "total_nodes": found.total_nodes + left_out,
        "left_out": left_out,
        "rows": rows[:MAX_ROWS],
        "rows_left_out": max(0, len(rows) - MAX_ROWS),
        "scores": _scores(scoring, cycle.chosen),
        "profile": _profile(cycle.chosen),
        "preemption": (
            preemption_model(found, pod, cycle.chosen.profile)
            if waiting and node == EVERY_NODE
            else None
        ),
        "node_names": names[:MAX_NODE_NAMES],
        "known_node": node == EVERY_NODE or node in names,
    }


def _profile(chosen: Chosen) -> dict[str, Any]:
    return {
        "name": chosen.profile.scheduler_name,
        "configured": chosen.profile.configured,
        "words": chosen.words,
        "picked_up": chosen.picked_up,
        "strategy": str(chosen.profile.strategy),
        "notes": list(chosen.profile.notes),
    }


def scheduling_view(state: ClusterState, params: Params, memo: Any = None) -> dict[str, Any]:
    namespace, name, node = params["namespace"], params["name"], params["node"]
    pod = state.get("Pod", namespace, name)
    if pod is None:
        return {"found": False, "pod": f"{namespace}/{name}", "node": node}
    return scheduling_model(state, pod, node)


VIEW = View(
    "scheduling",
    scheduling_view,
    frozenset(
        {
            NODE_FACTS_KIND,  # kube-scheduler's configuration, read by a node agent
            "Pod",
            "Node",
            "Event",
            "Namespace",
            "PersistentVolumeClaim",
            "PersistentVolume",
            "CSINode",
            "PodDisruptionBudget",
            "Service",
            "ReplicaSet",
            "StatefulSet",
        }
    ),
    params=("cluster", "namespace", "name", "node"),
)
