"""The score plugins on hand-derived cases: each normalised as the scheduler does."""

from __future__ import annotations

from explorer.collectors.scheduling.evaluate import view_of
from explorer.collectors.scheduling.scores import (
    BALANCED_ALLOCATION,
    IMAGE_LOCALITY,
    NODE_AFFINITY,
    NODE_RESOURCES_FIT,
    POD_TOPOLOGY_SPREAD,
    TAINT_TOLERATION,
    default_normalize,
    nodes_to_find,
    score_nodes,
)

from .builders import node, pod


def _score(the_pod, nodes, pods=(), version="1.34", **kw):
    view = view_of(nodes, list(pods), version)
    return score_nodes(the_pod, nodes, view, **kw)


def _plugin(scoring, node_name, plugin):
    return next(p for p in scoring.of(node_name).plugins if p.plugin == plugin)


def test_default_normalisation_scales_to_the_highest_and_reverses_for_taints() -> None:
    assert default_normalize([1, 2, 4]) == [25, 50, 100]
    assert default_normalize([0, 1, 3], reverse=True) == [100, 67, 0]
    assert default_normalize([0, 0], reverse=True) == [100, 100]
    assert default_normalize([0, 0]) == [0, 0]


def test_a_container_without_requests_is_scored_as_100m_cpu_and_200_mib() -> None:
    found = _score(pod(), [node("n1", cpu="1", memory="1000Mi")])
    # cpu (1000-100)*100/1000 = 90, memory (1000-200)*100/1000 = 80 → (90+80)/2 = 85
    assert _plugin(found, "n1", NODE_RESOURCES_FIT).score == 85


def test_least_allocated_prefers_the_emptier_node() -> None:
    nodes = [node("busy", cpu="2", memory="2Gi"), node("idle", cpu="2", memory="2Gi")]
    there = [pod("x", node_name="busy", requests={"cpu": "1", "memory": "1Gi"})]
    found = _score(pod(requests={"cpu": "500m", "memory": "512Mi"}), nodes, there)
    assert _plugin(found, "busy", NODE_RESOURCES_FIT).score == 25
    assert _plugin(found, "idle", NODE_RESOURCES_FIT).score == 75
    assert found.best == ("idle",)


def test_balanced_allocation_is_100_less_half_the_gap_between_cpu_and_memory_fractions() -> None:
    found = _score(pod(requests={"cpu": "1", "memory": "1Gi"}), [node("n1", cpu="2", memory="4Gi")])
    # cpu 0.5, memory 0.25 → 1 - 0.125 → 87
    assert _plugin(found, "n1", BALANCED_ALLOCATION).score == 87


def test_balanced_allocation_skips_a_pod_that_requests_nothing_from_1_33() -> None:
    found = _score(pod(), [node("n1")], version="1.33")
    assert _plugin(found, "n1", BALANCED_ALLOCATION).raw is None
    older = _score(pod(), [node("n1")], version="1.32")
    assert _plugin(older, "n1", BALANCED_ALLOCATION).score == 100


def test_prefer_no_schedule_taints_lower_a_node_weighted_three() -> None:
    soft = [{"key": "a", "value": "b", "effect": "PreferNoSchedule"}]
    found = _score(pod(), [node("tainted", taints=soft), node("clean")])
    assert _plugin(found, "tainted", TAINT_TOLERATION).score == 0
    assert _plugin(found, "clean", TAINT_TOLERATION).score == 100
    assert _plugin(found, "clean", TAINT_TOLERATION).weighted == 300


def test_preferred_node_affinity_weights_are_normalised_to_the_best_node() -> None:
    preferred = {"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
        {"weight": 30, "preference": {"matchExpressions": [
            {"key": "disk", "operator": "In", "values": ["ssd"]}]}},
        {"weight": 10, "preference": {"matchExpressions": [
            {"key": "zone", "operator": "In", "values": ["a"]}]}},
    ]}}  # fmt: skip
    nodes = [node("both", labels={"disk": "ssd", "zone": "a"}), node("zone", labels={"zone": "a"})]
    found = _score(pod(affinity=preferred), nodes)
    assert _plugin(found, "both", NODE_AFFINITY).score == 100
    assert _plugin(found, "zone", NODE_AFFINITY).score == 25
    assert _plugin(found, "zone", NODE_AFFINITY).weighted == 50


def test_soft_topology_spread_favours_the_node_with_fewer_matching_pods() -> None:
    spread = [{"maxSkew": 1, "topologyKey": "kubernetes.io/hostname",
               "whenUnsatisfiable": "ScheduleAnyway",
               "labelSelector": {"matchLabels": {"app": "w"}}}]  # fmt: skip
    nodes = [node("n1"), node("n2")]
    there = [pod(f"w{i}", node_name="n1", labels={"app": "w"}) for i in range(2)]
    found = _score(pod(labels={"app": "w"}, topologySpreadConstraints=spread), nodes, there)
    # n1: 2 x log(4) = 2.77 → 3; n2: 0 → normalised 100 x (3 + 0 - s) / 3
    assert _plugin(found, "n1", POD_TOPOLOGY_SPREAD).raw == 3
    assert _plugin(found, "n1", POD_TOPOLOGY_SPREAD).score == 0
    assert _plugin(found, "n2", POD_TOPOLOGY_SPREAD).score == 100


def test_image_locality_counts_the_images_a_node_already_holds() -> None:
    big = node("big")
    big["status"]["images"] = [{"names": ["busybox:latest"], "sizeBytes": 500 * 1024 * 1024}]
    found = _score(pod(), [big, node("bare")])
    # 500 MiB x 1/2 nodes = 250 MiB; (250 - 23) x 100 / (1000 - 23) = 23
    assert _plugin(found, "big", IMAGE_LOCALITY).score == 23
    assert _plugin(found, "bare", IMAGE_LOCALITY).score == 0


def test_ties_leave_every_best_node_in_the_set_the_scheduler_picks_from() -> None:
    found = _score(pod(), [node("a"), node("b")])
    assert found.best == ("a", "b") and found.scored


def test_big_clusters_score_only_a_share_of_their_nodes() -> None:
    assert nodes_to_find(50) == 50
    assert nodes_to_find(1000) == 420  # 50% - 1000/125 = 42%
    assert nodes_to_find(5000) == 500  # 50% - 40%
    assert nodes_to_find(10000) == 500  # 5% at least
    assert nodes_to_find(150) == 100  # never fewer than 100


def test_a_versioned_pod_s_requests_are_parsed_once_and_remembered() -> None:
    from explorer.collectors.scheduling import resources as res

    calls = []
    versioned = pod("cached", requests={"cpu": "250m"})
    versioned["metadata"]["resourceVersion"] = "42"

    def compute(p):
        calls.append(p)
        return res.pod_requests(p)

    first = res.remembered(versioned, ("test",), compute)
    again = res.remembered(versioned, ("test",), compute)
    assert first is again and first == {"cpu": 250} and len(calls) == 1
    unversioned = pod("fresh", requests={"cpu": "1"})
    res.remembered(unversioned, ("test",), compute)
    res.remembered(unversioned, ("test",), compute)
    assert len(calls) == 3
