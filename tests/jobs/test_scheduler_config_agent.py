"""kube-scheduler's configuration read by the node agent: real Celery workers over Redis, each
the agent of a control-plane node laid out as kubeadm does (tests/probes/scheduler_node.py),
one with `scheduler-config` in its EXPLORER_NODE_ACCESS and one without; the facts they answer
go into a state, and the pod page's cycle says where its weights came from."""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Any

import pytest

from explorer.jobs.collect import collect_node
from explorer.state.cluster_state import ClusterState
from explorer.state.store import ClusterStates
from explorer.viewmodels.workloads.scheduling import run_cycle
from tests.collectors.scheduling.builders import node, pod
from tests.probes.scheduler_node import CONFIG, KEY, lay_out

from ..streaming.conftest import redis_available
from .celery_workers import celery_through, celery_worker

pytestmark = pytest.mark.skipif(not redis_available(), reason="no Redis at 127.0.0.1:6379")


def _collect(redis_url: str, home: Path, node_name: str, access: str) -> tuple[dict, str]:
    """The agent of `node_name` (its files under home/root, its EXPLORER_NODE_ACCESS `access`)
    collects once; its answer, and its log."""
    env = {
        "REDIS_URL": redis_url,
        "EXPLORER_STATE_DIR": str(home / "state"),
        "DATABASE_URL": f"sqlite:///{home / 'agent.sqlite3'}",
        "EXPLORER_NODE_ACCESS": access,
        "EXPLORER_PROBE_ROOT": str(lay_out(home / "root")),
        "EXPLORER_PROBE_CGROUPS": "0",
    }
    name = f"sched-{node_name}-{os.getpid()}@{socket.gethostname()}"
    log = home / "worker.log"
    with celery_worker(name, [f"node.{node_name}"], env, log), celery_through(redis_url):
        answer = collect_node.apply_async(kwargs={"node": node_name}).get(timeout=60)
    return answer, log.read_text()


def test_with_the_way_on_the_agent_answers_the_file_and_the_cycle_uses_its_weights(
    redis_url: str, tmp_path: Path, settings: Any
) -> None:
    settings.REDIS_URL = redis_url
    answer, log = _collect(redis_url, tmp_path, "cp-on", "scheduler-config")
    assert answer["facts"]["scheduler-config"] == CONFIG
    assert "scheduler-config" not in answer["errors"]
    assert "marker-profile-3b9d" not in log  # the worker's log never holds the file
    assert "succeeded in" in log
    state = _state(answer)
    cycle = run_cycle(state, state.get("Pod", "default", "web"))
    assert cycle.chosen.words == (
        "Weights from the scheduler's configuration read on node cp-on at "
        f"{answer['taken_at']}, profile default-scheduler."
    )
    assert cycle.chosen.profile.weight_of["NodeResourcesFit"] == 7
    (fit,) = [p for p in cycle.scoring.nodes[0].plugins if p.plugin == "NodeResourcesFit"]
    # MostAllocated on 4 cpu and 8Gi: cpu 100m → 2, memory 200Mi (the scorer's default) → 2
    assert (fit.score, fit.weight) == (2, 7)
    assert cycle.chosen.profile.strategy.type == "MostAllocated"


def test_with_the_setting_empty_nothing_is_read_and_the_cycle_says_why(
    redis_url: str, tmp_path: Path, settings: Any
) -> None:
    settings.REDIS_URL = redis_url
    answer, log = _collect(redis_url, tmp_path, "cp-off", "")
    assert "scheduler-config" not in answer["facts"]
    assert answer["errors"]["scheduler-config"] == (
        "not turned on (EXPLORER_NODE_ACCESS does not include scheduler-config)"
    )
    assert "marker-profile-3b9d" not in log and KEY not in log
    state = _state(answer)
    cycle = run_cycle(state, state.get("Pod", "default", "web"))
    assert not cycle.chosen.profile.configured
    assert cycle.chosen.words == (
        "Default weights: the scheduler's configuration was not read because on node cp-off: "
        "not turned on (EXPLORER_NODE_ACCESS does not include scheduler-config)."
    )


def _state(answer: dict) -> ClusterState:
    """A store holding the node, a pod, and the agent's facts put as a collection puts them."""
    states = ClusterStates(["prod"])
    with states.read("prod") as state:
        labels = {"node-role.kubernetes.io/control-plane": ""}
        state.upsert(node(answer["node"], labels=labels), "Node")
        state.upsert(pod("web", requests={"cpu": "100m"}), "Pod")
    assert states.put_node_facts("prod", answer)
    with states.read("prod") as state:
        return state
