"""The overview's pod index loaded in one pass (counted in bulk) holds and counts what the same
index brought up to date one pod at a time holds and counts."""

from __future__ import annotations

import random

from explorer.demo.cluster import build_demo
from explorer.demo.readiness_flips import ReadinessFlips
from explorer.state.records import records
from explorer.viewmodels.pods_by_node import PodIndex


def looks(index: PodIndex) -> tuple:
    nodes = sorted(index.nodes())
    return (
        len(index),
        nodes,
        {node: sorted(index.pods_on(node)) for node in nodes},
        dict(index.states),
        dict(index.owner_groups),
        dict(index.namespace_groups),
    )


def test_a_pod_index_loaded_at_once_is_the_index_touched_pod_by_pod() -> None:
    state = build_demo(nodes=12)
    touched = PodIndex()
    for pod in records(state, "Pod"):
        touched.touch(state, pod.namespace, pod.name)
    loaded = PodIndex()
    loaded.load(state)

    assert looks(loaded) == looks(touched)
    assert sum(loaded.states.values()) == state.count("Pod") > 50
    assert len(loaded.namespace_groups) > len(loaded.nodes())


def test_a_pod_index_loaded_again_after_changes_is_the_index_kept_up_to_date() -> None:
    state = build_demo(nodes=12)
    kept, loaded = PodIndex(), PodIndex()
    kept.load(state)
    loaded.load(state)
    flips, rng = ReadinessFlips(state), random.Random(7)
    pods = sorted((pod.namespace, pod.name) for pod in records(state, "Pod"))
    for _ in range(3 * len(flips.targets)):
        flipped = state.upsert(flips.step()["object"])
        kept.touch(state, flipped.namespace, flipped.name)
    for namespace, name in rng.sample(pods, 20):
        state.delete("Pod", namespace, name)
        kept.touch(state, namespace, name)

    loaded.load(state)

    assert looks(loaded) == looks(kept)
    assert len(loaded) == state.count("Pod")
