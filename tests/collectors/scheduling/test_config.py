"""kube-scheduler's configuration file: real-shaped files written by hand from the upstream
docs, and the bad input an operator or a mistaken --config flag can give."""

from __future__ import annotations

from pathlib import Path

import pytest

from explorer.collectors.scheduling.config import (
    MAX_BYTES,
    MOST_ALLOCATED,
    REQUESTED_TO_CAPACITY_RATIO,
    Plugin,
    ScoringStrategy,
    parse_config,
)

CONFIGS = Path(__file__).parent / "configs"
HEADER = "apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\n"


def _read(name: str):
    return parse_config((CONFIGS / name).read_text())


def test_the_bin_packing_page_s_file_is_one_default_profile_most_allocated() -> None:
    config = _read("bin-packing.yaml")
    assert config.names == ("default-scheduler",)
    profile = config.profile("default-scheduler")
    assert profile is not None
    assert profile.scoring_strategy == ScoringStrategy(
        MOST_ALLOCATED, (("cpu", 1), ("memory", 1), ("intel.com/foo", 3))
    )
    assert config.percentage_of_nodes_to_score is None


def test_several_profiles_keep_their_plugins_args_and_percentages() -> None:
    config = _read("multiple-profiles.yaml")
    assert config.names == ("default-scheduler", "no-scoring-scheduler", "ratio-scheduler")
    default, no_scoring, ratio = config.profiles
    assert default.plugins["multiPoint"].disabled == ("ImageLocality",)
    assert default.plugins["score"].enabled == (Plugin("NodeAffinity", 5),)
    assert default.percentage_of_nodes_to_score == 40  # the file's, for every profile
    assert no_scoring.percentage_of_nodes_to_score == 100  # its own
    assert no_scoring.other_points == ("preScore",)
    assert ratio.scoring_strategy.type == REQUESTED_TO_CAPACITY_RATIO
    assert ratio.scoring_strategy.shape == ((0, 0), (100, 10))
    assert ratio.scoring_strategy.resources == (("cpu", 1), ("memory", 2))
    assert ratio.args_of["InterPodAffinity"] == {"hardPodAffinityWeight": 5}
    assert config.profile("") is default  # a pod without schedulerName is default-scheduler's
    assert config.profile("someone-else") is None


def test_an_empty_configuration_is_one_default_profile() -> None:
    config = parse_config(HEADER)
    assert config.names == ("default-scheduler",)
    assert config.profiles[0].scoring_strategy == ScoringStrategy()


def test_kubeadm_s_scheduler_conf_is_named_a_kubeconfig_and_never_echoed() -> None:
    kubeconfig = (
        "apiVersion: v1\nkind: Config\nusers:\n- name: system:kube-scheduler\n  user:\n"
        "    client-key-data: c2VjcmV0LWtleQ==\n"
    )
    with pytest.raises(ValueError, match="this is a kubeconfig") as raised:
        parse_config(kubeconfig)
    assert "c2VjcmV0" not in str(raised.value)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("profiles: [\n", "not YAML at line"),
        ("- a\n- list\n", "is an object, not a list"),
        ("kind: Pod\napiVersion: v1\n", "kind is 'Pod', not KubeSchedulerConfiguration"),
        (
            "apiVersion: kubescheduler.config.k8s.io/v1beta3\nkind: KubeSchedulerConfiguration\n",
            "removed in kube-scheduler 1.29",
        ),
        (HEADER + "profiles: {}\n", "profiles is an object, not a list"),
        (
            HEADER + "profiles:\n- schedulerName: a\n- {}\n",
            "profiles\\[1\\] has no schedulerName",
        ),
        (
            HEADER + "profiles:\n- schedulerName: a\n- schedulerName: a\n",
            "two profiles are named 'a'",
        ),
        (HEADER + "percentageOfNodesToScore: 140\n", "is 140, not in \\[0, 100\\]"),
        (
            HEADER + "profiles:\n- plugins:\n    score:\n      enabled:\n"
            "      - {name: NodeAffinity, weight: -2}\n",
            "NodeAffinity\\) weight is -2",
        ),
        (
            HEADER + "profiles:\n- plugins:\n    score:\n      enabled:\n      - {weight: 2}\n",
            "enabled\\[0\\] has no name",
        ),
        (
            HEADER + "profiles:\n- pluginConfig:\n  - name: NodeResourcesFit\n    args:\n"
            "      scoringStrategy: {type: Spread}\n",
            "type 'Spread' is none of LeastAllocated, MostAllocated, RequestedToCapacityRatio",
        ),
        (
            HEADER + "profiles:\n- pluginConfig:\n  - name: NodeResourcesFit\n    args:\n"
            "      scoringStrategy: {type: RequestedToCapacityRatio}\n",
            "RequestedToCapacityRatio needs a shape",
        ),
        (
            HEADER + "profiles:\n- pluginConfig:\n  - name: NodeResourcesFit\n    args:\n"
            "      scoringStrategy:\n        type: RequestedToCapacityRatio\n"
            "        requestedToCapacityRatio:\n          shape:\n"
            "          - {utilization: 50, score: 5}\n          - {utilization: 20, score: 1}\n",
            "utilizations must increase",
        ),
        (
            HEADER + "profiles:\n- pluginConfig:\n  - name: NodeResourcesFit\n    args:\n"
            "      scoringStrategy:\n        resources: [{name: cpu, weight: 0}]\n",
            "\\(cpu\\) weight is 0, not in \\[1, 100\\]",
        ),
        (
            HEADER + "profiles:\n- pluginConfig:\n  - {name: NodePorts}\n  - {name: NodePorts}\n",
            "pluginConfig names NodePorts twice",
        ),
    ],
)
def test_bad_input_is_refused_with_one_clear_line(text: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        parse_config(text)


def test_a_file_over_the_bound_is_refused_before_it_is_read() -> None:
    with pytest.raises(ValueError, match="over 1024 KiB"):
        parse_config(HEADER + "#" * MAX_BYTES)
