"""The agent's read of kube-scheduler's configuration on a kubeadm-shaped node: the file the
manifest's --config names, through its hostPath; a kubeconfig named by mistake never read out;
nothing on a node without the manifest; the way off said on one with it."""

from __future__ import annotations

from pathlib import Path

import yaml

from explorer.collectors.scheduling.static_pod import config_path
from explorer.probes.local_probe import LocalProbe
from explorer.probes.scheduler_config_probe import read

from .scheduler_node import CONFIG, KEY, lay_out

OFF = "not turned on (EXPLORER_NODE_ACCESS does not include scheduler-config)"


def test_the_file_the_manifest_names_is_read_through_its_host_path(tmp_path: Path) -> None:
    facts, errors = read(lay_out(tmp_path), turned_on=True)
    assert facts == {"scheduler-config": CONFIG} and errors == {}


def test_the_way_off_reads_nothing_and_says_so_on_a_control_plane_node(tmp_path: Path) -> None:
    facts, errors = read(lay_out(tmp_path), turned_on=False)
    assert facts == {} and errors == {"scheduler-config": OFF}


def test_a_node_without_the_manifest_has_neither_fact_nor_error(tmp_path: Path) -> None:
    assert read(tmp_path, turned_on=True) == ({}, {})
    collected = LocalProbe(root=tmp_path, scheduler_config=True).collect("worker-1")
    assert "scheduler-config" not in collected["facts"]
    assert "scheduler-config" not in collected["errors"]


def test_a_kubeconfig_named_by_config_is_refused_and_never_read_out(tmp_path: Path) -> None:
    root = lay_out(tmp_path, "--config=/etc/kubernetes/scheduler.conf")
    facts, errors = read(root, turned_on=True)
    assert facts == {}
    assert errors["scheduler-config"].startswith(
        f"{root}/etc/kubernetes/scheduler.conf: this is a kubeconfig (kind Config)"
    )
    assert KEY not in errors["scheduler-config"]


def test_no_config_flag_says_the_default_profile_is_used(tmp_path: Path) -> None:
    facts, errors = read(lay_out(tmp_path, ""), turned_on=True)
    assert facts == {}
    assert errors["scheduler-config"] == (
        "kube-scheduler runs without --config "
        f"({tmp_path}/etc/kubernetes/manifests/kube-scheduler.yaml): its default profile is used"
    )


def test_a_file_that_is_not_a_configuration_or_too_big_is_named_with_why(tmp_path: Path) -> None:
    facts, errors = read(lay_out(tmp_path, config="just: text\n"), turned_on=True)
    assert errors["scheduler-config"].endswith(
        "config.yaml: kind is null, not KubeSchedulerConfiguration"
    )
    big = "#" * (1024 * 1024 + 1)
    facts, errors = read(lay_out(tmp_path, config=big), turned_on=True)
    assert facts == {} and errors["scheduler-config"].endswith("config.yaml: over 1024 KiB")


def test_the_flag_is_read_in_both_forms_and_from_args_too(tmp_path: Path) -> None:
    spaced = lay_out(tmp_path, "--config\n    - /etc/kubernetes/scheduler/config.yaml")
    assert read(spaced, turned_on=True)[0] == {"scheduler-config": CONFIG}
    pod = yaml.safe_load(
        "kind: Pod\nspec:\n  containers:\n  - name: kube-scheduler\n    command: [kube-scheduler]\n"
        "    args: ['--config=/opt/sched.yaml']\n"
    )
    assert config_path(yaml.safe_dump(pod)) == "/opt/sched.yaml"  # no mount: the path as is


def test_the_real_minikube_scheduler_runs_without_config(real_fixtures) -> None:
    pods = yaml.safe_load((real_fixtures / "kubectl/minikube-v1.34-pods.yaml").read_text())
    (scheduler,) = [p for p in pods["items"] if p["metadata"]["name"].startswith("kube-scheduler")]
    assert config_path(yaml.safe_dump(scheduler)) is None


def test_without_an_agent_only_recorded_facts_hold_it_and_only_when_turned_on() -> None:
    from explorer.probes.agentless import Agentless
    from explorer.probes.node_sources import NodeSource, register, unregister

    recorded = {"cp": {"scheduler-config": CONFIG, "taken_at": "2026-12-01T10:00:00Z"}, "w": {}}
    register("rec", NodeSource(recorded=lambda: recorded))
    register(
        "own", NodeSource(recorded=lambda: recorded, node_access=frozenset({"scheduler-config"}))
    )
    try:
        with Agentless("rec") as off:
            assert off.scheduler_config("cp")["errors"] == {"scheduler-config": OFF}
            assert off.scheduler_config("cp")["facts"] == {}
            assert off.scheduler_config("w")["errors"] == {}  # not a control-plane node
        with Agentless("rec", frozenset({"scheduler-config"})) as on:
            read = on.scheduler_config("cp")
            assert read["facts"] == {"scheduler-config": CONFIG} and read["probe"] == "recorded"
        with Agentless("own") as its_own:  # the demo turns the way on for itself
            assert its_own.scheduler_config("cp")["facts"] == {"scheduler-config": CONFIG}
    finally:
        unregister("rec")
        unregister("own")
