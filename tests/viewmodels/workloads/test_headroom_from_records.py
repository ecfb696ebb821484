"""The headroom pages read every pod by its record (explorer/state/records.py: phase and sizing,
the sizing shared by the pods of one template): the same rows and verdicts as from the pods."""

from __future__ import annotations

import pytest

from explorer.collectors.scheduling.headroom import (
    Counts,
    PodSize,
    cluster_headroom,
    node_headroom,
    pod_of_size,
    sized_headroom,
    verdict_on,
    verdict_on_counted,
)
from explorer.collectors.scheduling.versions import Version
from explorer.demo.cluster import build_demo
from explorer.lib.objects import name_of
from explorer.state.cluster_state import ClusterState
from explorer.viewmodels.workloads.headroom import headroom_rows, sized_on
from explorer.viewmodels.workloads.scheduling import cluster_version
from tests.state.views_of_the_demo import copied


@pytest.fixture(scope="module")
def states() -> list[ClusterState]:
    demo = build_demo(nodes=5)
    return [demo, copied(demo, ClusterState.compact("demo"))]  # plain, and parts shared


def test_the_headroom_of_every_node_of_the_demo_from_records_equals_the_one_from_its_pods(
    states,
) -> None:
    for state in states:
        version, _ = cluster_version(state)
        pod_level = version >= Version(1, 34)
        counts = Counts(pod_level)
        nodes = list(state.list("Node"))
        assert len(nodes) == 5
        for node in nodes:
            name = name_of(node)
            from_pods = node_headroom(node, state.pods_on_node(name), pod_level=pod_level)
            assert from_pods.requested["pods"] > 0
            assert sized_headroom(node, sized_on(state, name), counts) == from_pods, name
        rows, _ = headroom_rows(state)
        assert rows == cluster_headroom(nodes, state.pods_on_node, pod_level=pod_level)


def test_pods_of_one_template_are_counted_once_where_their_sizing_is_shared(states) -> None:
    _, compact = states
    counts = Counts()
    for node in compact.list("Node"):
        sized_headroom(node, sized_on(compact, name_of(node)), counts)
    bound = sum(len(compact.pods_on_node(name_of(n))) for n in compact.list("Node"))
    assert 0 < len(counts) < bound / 2


@pytest.mark.parametrize(
    "requests",
    [{"cpu": "500m", "memory": "256Mi"}, {"cpu": "3"}, {"memory": "60Gi"}, {"nvidia.com/gpu": "1"}],
)
def test_where_a_pod_fits_from_the_nodes_counted_records_is_what_their_pods_say(
    states, requests
) -> None:
    for state in states:
        version, _ = cluster_version(state)
        counts = Counts(version >= Version(1, 34))
        pod = pod_of_size(PodSize(requests))
        for node in state.list("Node"):
            name = name_of(node)
            counted = sized_headroom(node, sized_on(state, name), counts)
            assert verdict_on_counted(pod, node, counted, version) == verdict_on(
                pod, node, state.pods_on_node(name), version
            ), (name, requests)


def test_a_pod_asking_a_nodes_free_room_fits_and_one_more_millicore_does_not_alike(states) -> None:
    for state in states:
        version, _ = cluster_version(state)
        counts = Counts(version >= Version(1, 34))
        worker = state.get("Node", "", "demo-worker")
        counted = sized_headroom(worker, sized_on(state, "demo-worker"), counts)
        free = counted.free("cpu")
        for millicores, fits in ((free, True), (free + 1, False)):
            pod = pod_of_size(PodSize({"cpu": f"{millicores}m"}))
            verdict = verdict_on_counted(pod, worker, counted, version)
            assert verdict == verdict_on(pod, worker, state.pods_on_node("demo-worker"), version)
            assert (verdict is None) is fits
