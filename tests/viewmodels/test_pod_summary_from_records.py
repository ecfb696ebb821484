"""The overview reads pods' records, never the pods: a summary from a record is the pod's, and
the overview's memo keeps records and summaries only."""

from __future__ import annotations

import copy

from explorer.demo.cluster import build_demo
from explorer.state.records import pod_record, record, records
from explorer.viewmodels.overview import OverviewMemo, overview, update_overview
from explorer.viewmodels.pod_summary import SharedWords, summarise, summary_of

from .pod_dicts import pod_dicts


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


def test_the_overviews_memo_holds_no_pod_dicts_after_a_build_or_an_update() -> None:
    state = build_demo(nodes=5)
    memo = OverviewMemo()
    overview(state, {"cluster": "demo"}, memo)
    held = memo.pods._held
    assert len(held) == state.count("Pod")
    for key, (pod, summary) in held.items():
        assert pod is record(state, "Pod", *key)  # the state's own record, no copy
        assert summary == summary_of(pod)
    assert pod_dicts(memo.pods) == []

    some = next(iter(sorted(held)))
    changed = copy.deepcopy(state.get("Pod", *some))
    changed["metadata"]["labels"] = {"changed": "yes"}
    change = state.upsert(changed)
    assert update_overview(state, {"cluster": "demo"}, memo, [change]) is not None
    assert memo.pods._held[some][0] is record(state, "Pod", *some)
    assert memo.pods._held[some][1].labels == "changed=yes"
    assert pod_dicts(memo.pods) == []
