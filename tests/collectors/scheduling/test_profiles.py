"""A configured profile against the scheduler's own merging, and what it changes: scores with
other weights and strategies (hand-derived), filters and PostFilters left out."""

from __future__ import annotations

from pathlib import Path

from explorer.collectors.scheduling import filters as f
from explorer.collectors.scheduling.config import (
    MOST_ALLOCATED,
    REQUESTED_TO_CAPACITY_RATIO,
    ScoringStrategy,
    parse_config,
)
from explorer.collectors.scheduling.evaluate import evaluate, view_of
from explorer.collectors.scheduling.profiles import default_profile, resolve
from explorer.collectors.scheduling.scores import NODE_RESOURCES_FIT, WEIGHTS, score_nodes
from explorer.collectors.scheduling.versions import Version

from .builders import node, pod

CONFIGS = Path(__file__).parent / "configs"
V1_34 = Version(1, 34)


def _profiles(name: str, version: Version = V1_34):
    config = parse_config((CONFIGS / name).read_text())
    return {p.scheduler_name: resolve(p, version) for p in config.profiles}


def _score(the_pod, nodes, pods=(), profile=None):
    view = view_of(nodes, list(pods), "1.34")
    profile = profile or default_profile(V1_34)
    return score_nodes(the_pod, nodes, view, weights=profile.weight_of, strategy=profile.strategy)


def _fit(scoring, node_name):
    return next(p for p in scoring.of(node_name).plugins if p.plugin == NODE_RESOURCES_FIT)


def test_the_default_profile_runs_the_version_s_filters_and_default_weights() -> None:
    for version in (Version(1, 30), Version(1, 31), V1_34):
        profile = default_profile(version)
        assert profile.filters == tuple(name for name, _ in f.filter_plugins(version))
        assert profile.weight_of == WEIGHTS
        assert profile.strategy == ScoringStrategy()
        assert profile.prefilters == {f.NODE_AFFINITY, f.VOLUME_RESTRICTIONS}
        assert "DefaultPreemption" in profile.postfilters


def test_a_file_s_profiles_merge_with_the_defaults_as_the_scheduler_does() -> None:
    profiles = _profiles("multiple-profiles.yaml")
    default = profiles["default-scheduler"]
    # multiPoint disabled ImageLocality; NodeAffinity re-weighted at the score point
    assert "ImageLocality" not in default.weight_of
    assert default.weight_of["NodeAffinity"] == 5
    assert default.weight_of["TaintToleration"] == 3
    assert default.percentage_of_nodes_to_score == 40
    assert default.filters == default_profile(V1_34).filters
    # `*` at the score point: nothing scores, every filter still runs
    no_scoring = profiles["no-scoring-scheduler"]
    assert no_scoring.weight_of == {}
    assert no_scoring.filters == default_profile(V1_34).filters
    assert any("preScore" in note for note in no_scoring.notes)
    ratio = profiles["ratio-scheduler"]
    assert f.NODE_RESOURCES_FIT not in ratio.filters
    assert "DefaultPreemption" not in ratio.postfilters
    assert ratio.weight_of[NODE_RESOURCES_FIT] == 1  # still scores: disabled at filter only
    assert any("MyCapacityPlugin" in note for note in ratio.notes)
    assert any("InterPodAffinity" in note for note in ratio.notes)


def test_a_plugin_enabled_at_the_score_point_overrides_its_multipoint_place_and_goes_first() -> (
    None
):
    config = parse_config(
        "apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\n"
        "profiles:\n- plugins:\n    score:\n      enabled:\n"
        "      - {name: ImageLocality, weight: 4}\n      - {name: NodeResourcesFit}\n"
    )
    profile = resolve(config.profiles[0], V1_34)
    names = [name for name, _ in profile.weights]
    assert names[:2] == ["ImageLocality", "NodeResourcesFit"]
    assert profile.weight_of["ImageLocality"] == 4
    assert profile.weight_of["NodeResourcesFit"] == 1  # no weight given: 1, not the default's


def test_most_allocated_prefers_the_fuller_node() -> None:
    profile = _profiles("bin-packing.yaml")["default-scheduler"]
    nodes = [node("busy", cpu="2", memory="2Gi"), node("idle", cpu="2", memory="2Gi")]
    there = [pod("x", node_name="busy", requests={"cpu": "1", "memory": "1Gi"})]
    found = _score(pod(requests={"cpu": "500m", "memory": "512Mi"}), nodes, there, profile)
    # busy: cpu 1500/2000 = 75, memory 1.5Gi/2Gi = 75 → 75; idle: 25 and 25 → 25
    assert _fit(found, "busy").score == 75
    assert _fit(found, "idle").score == 25
    assert found.best == ("busy",)  # LeastAllocated would pick idle


def test_an_extended_resource_weighs_only_for_a_pod_that_asks_for_it() -> None:
    profile = _profiles("bin-packing.yaml")["default-scheduler"]
    nodes = [node("n1", cpu="2", memory="2Gi", **{"intel.com/foo": "4"})]
    there = [pod("x", node_name="n1", requests={"cpu": "1", "memory": "1Gi", "intel.com/foo": "2"})]
    asks = {"cpu": "500m", "memory": "512Mi", "intel.com/foo": "1"}
    # cpu 75 x1, memory 75 x1, intel.com/foo 3/4 = 75 x3 → 75
    assert _fit(_score(pod(requests=asks), nodes, there, profile), "n1").score == 75
    there = [pod("x", node_name="n1", requests={"cpu": "1", "memory": "1Gi", "intel.com/foo": "3"})]
    # foo 4/4 = 100 x3 → (75 + 75 + 300) / 5 = 90
    assert _fit(_score(pod(requests=asks), nodes, there, profile), "n1").score == 90
    # the same node for a pod that asks no foo: cpu and memory alone → 75
    plain = pod(requests={"cpu": "500m", "memory": "512Mi"})
    assert _fit(_score(plain, nodes, there, profile), "n1").score == 75


def test_requested_to_capacity_ratio_follows_its_shape_and_rounds_the_weighted_mean() -> None:
    profile = _profiles("multiple-profiles.yaml")["ratio-scheduler"]
    assert profile.strategy.type == REQUESTED_TO_CAPACITY_RATIO
    nodes = [node("n1", cpu="2", memory="4Gi")]
    found = _score(pod(requests={"cpu": "1", "memory": "1Gi"}), nodes, (), profile)
    # shape 0%→0, 100%→10 (x10): cpu 50% → 50 (weight 1), memory 25% → 25 (weight 2);
    # (50 + 50) / 3 = 33.3 → 33
    assert _fit(found, "n1").score == 33
    over = _score(pod(requests={"cpu": "3", "memory": "1Gi"}), nodes, (), profile)
    # cpu over capacity counts as 100% → 100; (100 + 50) / 3 = 50
    assert _fit(over, "n1").score == 50


def test_other_weights_change_the_total_and_the_best_node() -> None:
    nodes = [node("busy", cpu="2", memory="2Gi"), node("idle", cpu="2", memory="2Gi")]
    there = [pod("x", node_name="busy", requests={"cpu": "1", "memory": "1Gi"})]
    asks = pod(requests={"cpu": "500m", "memory": "512Mi"})
    config = parse_config(
        "apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\n"
        "profiles:\n- plugins:\n    score:\n      enabled:\n"
        "      - {name: NodeResourcesFit, weight: 10}\n"
        "  pluginConfig:\n  - name: NodeResourcesFit\n    args:\n"
        f"      scoringStrategy: {{type: {MOST_ALLOCATED}}}\n"
    )
    profile = resolve(config.profiles[0], V1_34)
    found = _score(asks, nodes, there, profile)
    fit = _fit(found, "busy")
    assert (fit.score, fit.weight, fit.weighted) == (75, 10, 750)
    # TaintToleration 100 x3 + NodeResourcesFit 75 x10 + BalancedAllocation 100 x1 = 1150
    assert found.of("busy").total == 1150
    assert found.of("idle").total == 300 + 250 + 100
    assert found.best == ("busy",)


def test_a_filter_the_profile_disables_rejects_nothing_and_no_preemption_says_nothing() -> None:
    profiles = _profiles("multiple-profiles.yaml")
    nodes = [node("n1", cpu="1")]
    huge = pod(requests={"cpu": "8"})
    view = view_of(nodes, [], "1.34")
    default = evaluate(huge, view, profiles["default-scheduler"])
    assert default.message == (
        "0/1 nodes are available: 1 Insufficient cpu. no new claims to deallocate, "
        "preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod."
    )
    ratio = evaluate(huge, view, profiles["ratio-scheduler"])
    assert ratio.feasible_nodes == ("n1",)  # NodeResourcesFit does not filter in this profile
    tainted = [node("n1", taints=[{"key": "gpu", "value": "yes", "effect": "NoSchedule"}])]
    found = evaluate(pod(), view_of(tainted, [], "1.34"), profiles["ratio-scheduler"])
    # no DefaultPreemption: only DynamicResources' words follow the histogram
    assert found.message == (
        "0/1 nodes are available: 1 node(s) had untolerated taint {gpu: yes}. "
        "no new claims to deallocate"
    )


def test_an_unknown_filter_plugin_leaves_the_outcome_open() -> None:
    config = parse_config(
        "apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\n"
        "profiles:\n- plugins:\n    filter:\n      enabled:\n      - {name: GpuTopology}\n"
    )
    profile = resolve(config.profiles[0], V1_34)
    assert profile.filters[-1] == "GpuTopology"
    found = evaluate(pod(), view_of([node("n1")], [], "1.34"), profile)
    assert found.feasible_nodes == ()
    assert found.nodes[0].verdicts[-1].passed is None
    assert found.message is None
    assert found.certain is False
