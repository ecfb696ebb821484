"""The overview reads pods' records, never the pods: a summary from a record is the pod's, and
the overview's memo keeps records and summaries only."""

from __future__ import annotations

import copy
from dataclasses import fields, is_dataclass
from typing import Any

from explorer.demo.cluster import build_demo
from explorer.state.records import pod_record, record, records
from explorer.viewmodels.overview import OverviewMemo, overview, update_overview
from explorer.viewmodels.pod_summary import SharedWords, summarise, summary_of


def test_a_summary_from_a_pods_record_equals_its_summary() -> None:
    state = build_demo(nodes=5)
    words = SharedWords()
    pods = list(records(state, "Pod"))
    assert pods and any(not pod.node for pod in pods)  # some wait for a node: their words too
    for pod in pods:
        held = state.get("Pod", pod.namespace, pod.name)
        assert summary_of(pod, words) == summarise(held) == summary_of(pod)
        # a record made from the pod alone, as a state that keeps none makes them
        assert summary_of(pod_record(held)) == summarise(held)


def test_a_summary_from_a_record_says_nothing_of_the_scheduler_once_the_pod_has_a_node() -> None:
    state = build_demo(nodes=5)
    waiting = next(pod for pod in records(state, "Pod") if pod.scheduler_says)
    placed = copy.deepcopy(state.get("Pod", waiting.namespace, waiting.name))
    placed["spec"]["nodeName"] = "somewhere"
    assert summary_of(pod_record(placed)) == summarise(placed)
    assert summary_of(pod_record(placed)).scheduler_says == ""


def _pod_dicts(found: Any, seen: set[int] | None = None) -> list[dict]:
    """The dicts reachable from `found` that look like a pod (metadata and spec or status)."""
    seen = seen if seen is not None else set()
    if id(found) in seen or isinstance(found, (str, bytes, int, float, bool)) or found is None:
        return []
    seen.add(id(found))
    if isinstance(found, dict):
        own = [found] if "metadata" in found and ("spec" in found or "status" in found) else []
        return own + [d for part in (*found, *found.values()) for d in _pod_dicts(part, seen)]
    if isinstance(found, (list, tuple, set, frozenset)):
        return [d for part in found for d in _pod_dicts(part, seen)]
    if is_dataclass(found):
        return [d for f in fields(found) for d in _pod_dicts(getattr(found, f.name), seen)]
    if hasattr(found, "__dict__"):
        return _pod_dicts(vars(found), seen)
    return []


def test_the_overviews_memo_holds_no_pod_dicts_after_a_build_or_an_update() -> None:
    state = build_demo(nodes=5)
    memo = OverviewMemo()
    overview(state, {"cluster": "demo"}, memo)
    held = memo.pods._held
    assert len(held) == state.count("Pod")
    for key, (pod, summary) in held.items():
        assert pod is record(state, "Pod", *key)  # the state's own record, no copy
        assert summary == summary_of(pod)
    assert _pod_dicts(memo.pods) == []

    some = next(iter(sorted(held)))
    changed = copy.deepcopy(state.get("Pod", *some))
    changed["metadata"]["labels"] = {"changed": "yes"}
    change = state.upsert(changed)
    assert update_overview(state, {"cluster": "demo"}, memo, [change]) is not None
    assert memo.pods._held[some][0] is record(state, "Pod", *some)
    assert memo.pods._held[some][1].labels == "changed=yes"
    assert _pod_dicts(memo.pods) == []
