"""Pods one controller made alike share an evaluation; pods that may differ do not."""

from __future__ import annotations

import copy

from explorer.collectors.scheduling.equivalence import equivalence_key
from explorer.demo import build_demo
from explorer.runtime.scheduling_report import pending_cycles, waiting_pods
from explorer.viewmodels.workloads.scheduling import run_cycle

from .builders import pod


def _sibling(of: dict, name: str) -> dict:
    other = copy.deepcopy(of)
    other["metadata"]["name"] = name
    other["metadata"]["uid"] = f"uid-{name}"
    token = {"name": f"kube-api-access-{name}", "projected": {"sources": []}}
    other["spec"]["volumes"] = [token]
    other["spec"]["containers"][0]["volumeMounts"] = [{"name": token["name"], "mountPath": "/t"}]
    return other


def _owned(**spec) -> dict:
    made = pod("web-abc12", labels={"app": "web", "pod-template-hash": "abc"}, **spec)
    made["metadata"]["ownerReferences"] = [
        {"kind": "ReplicaSet", "name": "web-abc", "uid": "rs-1", "controller": True}
    ]
    return made


def test_siblings_of_one_replicaset_share_a_key_whatever_their_token_volumes() -> None:
    first = _owned(nodeSelector={"disk": "ssd"})
    assert equivalence_key(_sibling(first, "web-x")) == equivalence_key(_sibling(first, "web-y"))


def test_pods_that_may_differ_have_no_key_or_another() -> None:
    assert equivalence_key(pod()) is None  # no controller
    claimed = _owned(volumes=[{"name": "data", "persistentVolumeClaim": {"claimName": "d-0"}}])
    assert equivalence_key(claimed) is None
    first, other = _owned(), _owned(nodeSelector={"disk": "ssd"})
    assert equivalence_key(first) != equivalence_key(other)


def test_every_pending_pod_shared_or_not_gets_the_message_its_own_cycle_gives() -> None:
    state = build_demo(nodes=100, pods_per_node=30)
    pods = waiting_pods(state)
    assert len(pods) > 2
    for pod_, cycle in zip(pods, pending_cycles(state, pods), strict=True):
        alone = run_cycle(state, pod_)
        assert cycle.found.pod == f"{pod_['metadata']['namespace']}/{pod_['metadata']['name']}"
        assert cycle.found.message == alone.found.message
        tried = not pod_["spec"].get("schedulingGates") and pod_["spec"].get("schedulerName") in (
            None,
            "default-scheduler",
        )
        assert (cycle.found.message is not None) == tried  # the gated fit, for all they wait


def test_siblings_share_a_preemption_only_with_the_same_priority_policy_and_nomination() -> None:
    first = _owned(priority=1000, preemptionPolicy="PreemptLowerPriority")
    key = equivalence_key(_sibling(first, "web-x"))
    assert key == equivalence_key(_sibling(first, "web-y"))
    assert key != equivalence_key(_owned(priority=10, preemptionPolicy="PreemptLowerPriority"))
    assert key != equivalence_key(_owned(priority=1000, preemptionPolicy="Never"))
    nominated = _sibling(first, "web-z")
    nominated["status"]["nominatedNodeName"] = "n1"  # its victims there may still terminate
    assert key != equivalence_key(nominated)
