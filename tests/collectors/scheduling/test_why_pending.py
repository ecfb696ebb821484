"""why_pending against real clusters' messages and hand-derived preemption cases."""

from __future__ import annotations

import yaml

from explorer.collectors.scheduling.evaluate import why_pending
from explorer.collectors.scheduling.failed_scheduling import parse_failed_scheduling
from explorer.collectors.scheduling.filters import NODE_AFFINITY

from .builders import node, pod
from .test_real_fixtures import scheduler_messages

DEFAULT_TOLERATIONS = [
    {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute",
     "tolerationSeconds": 300},
    {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute",
     "tolerationSeconds": 300},
]  # fmt: skip


def _items(path):
    return yaml.safe_load(path.read_text())["items"]


def _condition_message(a_pod) -> str:
    (found,) = [c for c in a_pod["status"]["conditions"] if c["type"] == "PodScheduled"]
    return found["message"]


def test_the_minikube_pending_pod_gets_exactly_the_message_of_its_condition(real_fixtures) -> None:
    pods = _items(real_fixtures / "kubectl/minikube-v1.34-pods.yaml")
    nodes = _items(real_fixtures / "kubectl/minikube-v1.34-nodes.yaml")
    (pending,) = [p for p in pods if p["status"]["phase"] == "Pending"]
    version = nodes[0]["status"]["nodeInfo"]["kubeletVersion"]
    found = why_pending(pending, nodes, pods, version)
    assert found.message == _condition_message(pending)
    assert found.certain
    (only,) = found.nodes
    assert only.rejected_by.plugin == NODE_AFFINITY
    assert [v.plugin for v in only.verdicts] == [
        "NodeUnschedulable", "NodeName", "TaintToleration", "NodeAffinity"]  # fmt: skip


def test_the_minikube_nodes_room_counts_only_the_pods_still_running(real_fixtures) -> None:
    pods = _items(real_fixtures / "kubectl/minikube-v1.34-pods.yaml")
    nodes = _items(real_fixtures / "kubectl/minikube-v1.34-nodes.yaml")
    (pending,) = [p for p in pods if p["status"]["phase"] == "Pending"]
    pending = {**pending, "spec": {**pending["spec"], "nodeSelector": {}}}
    found = why_pending(pending, nodes, pods, "v1.34.0")
    assert found.message is None and found.feasible_nodes == ("datagen-1-34",)


def test_the_aks_nodes_not_ready_give_the_real_taint_message(real_fixtures) -> None:
    path = real_fixtures / "kubectl/aks-byo-cni-notready-failedscheduling-untolerated-taint.txt"
    (real,) = scheduler_messages(path)
    not_ready = [{"key": "node.kubernetes.io/not-ready", "effect": "NoSchedule"}]
    nodes = [node(f"aks-nodepool1-36608186-vmss00000{i}", taints=not_ready) for i in (0, 1)]
    coredns = pod("coredns", namespace="kube-system", tolerations=DEFAULT_TOLERATIONS,
                  requests={"cpu": "100m", "memory": "70Mi"})  # fmt: skip
    assert why_pending(coredns, nodes, [], "v1.30.10").message == real


def test_the_aks_missing_claim_gives_the_real_prefilter_message(real_fixtures) -> None:
    path = real_fixtures / "storage/aks-azuredisk-volumeattachment-pv-pvc-sc-describe.txt"
    (real,) = scheduler_messages(path)
    nodes = [node(f"aks-nodepool1-29436964-vmss00000{i}") for i in range(3)]
    user = pod(volumes=[{"name": "d", "persistentVolumeClaim": {"claimName": "pvc-azuredisk"}}])
    # no DynamicResources words and a single final dot: a release from 1.28 to 1.33
    found = why_pending(user, nodes, [], "1.32", claims=[], volumes=[])
    assert found.message == real
    assert found.prefilter.message == 'persistentvolumeclaim "pvc-azuredisk" not found'


def test_every_message_we_write_for_the_fixtures_parses_as_the_real_ones_do(real_fixtures) -> None:
    pods = _items(real_fixtures / "kubectl/minikube-v1.34-pods.yaml")
    nodes = _items(real_fixtures / "kubectl/minikube-v1.34-nodes.yaml")
    (pending,) = [p for p in pods if p["status"]["phase"] == "Pending"]
    ours = parse_failed_scheduling(why_pending(pending, nodes, pods, "v1.34.0").message)
    theirs = parse_failed_scheduling(_condition_message(pending))
    assert ours == theirs and ours.parsed


# --- preemption -------------------------------------------------------------------------------


def _full_node():
    return node("n1", cpu="2"), [pod("low", node_name="n1", requests={"cpu": "2"}, priority=0)]


def test_no_pod_of_lower_priority_means_no_victims() -> None:
    the_node, there = _full_node()
    found = why_pending(pod(requests={"cpu": "1"}, priority=0), [the_node], there, "1.33")
    assert found.message == (
        "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: "
        "1 No preemption victims found for incoming pod."
    )


def test_evicting_lower_priority_pods_that_would_make_room_leaves_no_post_filter_words() -> None:
    the_node, there = _full_node()
    found = why_pending(pod(requests={"cpu": "1"}, priority=1000), [the_node], there, "1.34")
    assert found.message == "0/1 nodes are available: 1 Insufficient cpu."
    assert found.preemption.candidates == ("n1",)


def test_when_evictions_would_not_be_enough_preemption_says_why() -> None:
    the_node, there = _full_node()
    found = why_pending(pod(requests={"cpu": "3"}, priority=1000), [the_node], there, "1.34")
    assert found.message == (
        "0/1 nodes are available: 1 Insufficient cpu. no new claims to deallocate, preemption: "
        "0/1 nodes are available: 1 Insufficient cpu."
    )


def test_preemption_policy_never_is_said_instead_of_a_dry_run() -> None:
    the_node, there = _full_node()
    never = pod(requests={"cpu": "1"}, priority=1000, preemptionPolicy="Never")
    found = why_pending(never, [the_node], there, "1.34")
    assert found.message.endswith(
        "no new claims to deallocate, preemption: not eligible due to preemptionPolicy=Never."
    )


def test_unresolvable_nodes_and_nodes_without_victims_are_told_apart() -> None:
    tainted = node("t1", taints=[{"key": "a", "value": "b", "effect": "NoSchedule"}])
    full, there = _full_node()
    found = why_pending(pod(requests={"cpu": "1"}), [tainted, full], there, "1.31")
    assert found.message == (
        "0/2 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint {a: b}. "
        "preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, "
        "1 Preemption is not helpful for scheduling."
    )


def test_ten_nodes_sort_before_two_in_the_summary() -> None:
    small = [node(f"s{i}", cpu="500m") for i in range(10)]
    cordoned = [node(f"c{i}", unschedulable=True) for i in range(2)]
    found = why_pending(pod(requests={"cpu": "1"}), small + cordoned, [], "1.31")
    assert found.message.startswith(
        "0/12 nodes are available: 10 Insufficient cpu, 2 node(s) were unschedulable. "
    )


def test_nodes_a_prefilter_result_leaves_out_are_counted_with_their_own_reason() -> None:
    nodes = [node("n1", cpu="500m"), node("n2"), node("n3")]
    pinned = {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
        "nodeSelectorTerms": [{"matchFields": [
            {"key": "metadata.name", "operator": "In", "values": ["n1"]}]}]}}}  # fmt: skip
    found = why_pending(pod(requests={"cpu": "1"}, affinity=pinned), nodes, [], "1.31")
    assert found.message == (
        "0/3 nodes are available: 1 Insufficient cpu, "
        "2 node(s) didn't satisfy plugin(s) [NodeAffinity]. preemption: "
        "0/3 nodes are available: 1 No preemption victims found for incoming pod, "
        "2 Preemption is not helpful for scheduling."
    )


def test_a_node_that_hangs_on_an_unevaluated_plugin_leaves_the_message_open() -> None:
    user = pod(volumes=[{"name": "d", "persistentVolumeClaim": {"claimName": "data"}}])
    found = why_pending(user, [node("n1"), node("n2", cpu="0")], [], "1.34")
    assert found.message is None and not found.certain
    assert [n.feasible for n in found.nodes] == [None, None]
