"""DefaultPreemption's dry run, hand-derived: the minimal victims on a node, the
PodDisruptionBudgets their eviction would violate, the node nominated, and why there is none;
by the profile that picks the pod (its filters, or no dry run when it leaves DefaultPreemption
out)."""

from __future__ import annotations

from explorer.collectors.scheduling.config import parse_config
from explorer.collectors.scheduling.evaluate import (
    TERMINATING_ON_NOMINATED,
    evaluate,
    view_of,
    why_pending,
)
from explorer.collectors.scheduling.message import NO_VICTIMS, NOT_HELPFUL, PREEMPTION_NEVER
from explorer.collectors.scheduling.profiles import resolve
from explorer.collectors.scheduling.versions import Version

from .builders import node, pod


def _running(name, where, cpu, priority, started, **labels):
    made = pod(name, node_name=where, requests={"cpu": cpu}, priority=priority, labels=labels)
    made["status"]["startTime"] = started
    return made


def _budget(name, allowed, **match):
    return {
        "kind": "PodDisruptionBudget",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {"minAvailable": 1, "selector": {"matchLabels": match}},
        "status": {"disruptionsAllowed": allowed},
    }


def _names(victims):
    return [p["metadata"]["name"] for p in victims.pods]


def test_the_victims_are_the_fewest_lower_priority_pods_that_make_room() -> None:
    # 4 cpus: a(10, 1 cpu), b(10, 1 cpu), c(5, 2 cpus). The pod wants 2. All three gone, it fits;
    # put back by importance: a (room 3 left), b (room 2 left), c (room 0): only c must go.
    there = [
        _running("a", "n1", "1", 10, "2026-01-01T00:00:00Z"),
        _running("b", "n1", "1", 10, "2026-01-01T00:01:00Z"),
        _running("c", "n1", "2", 5, "2026-01-01T00:02:00Z"),
    ]
    found = why_pending(pod(requests={"cpu": "2"}, priority=100), [node("n1")], there, "1.34")
    assert found.message == "0/1 nodes are available: 1 Insufficient cpu."
    assert found.preemption.nominated == "n1"
    assert _names(found.preemption.victims["n1"]) == ["c"]
    assert found.preemption.victims["n1"].violated == ()


def test_pods_of_equal_or_higher_priority_are_never_victims() -> None:
    there = [
        _running("same", "n1", "2", 100, "2026-01-01T00:00:00Z"),
        _running("low", "n1", "2", 1, "2026-01-01T00:00:00Z"),
    ]
    found = why_pending(pod(requests={"cpu": "2"}, priority=100), [node("n1")], there, "1.34")
    assert _names(found.preemption.victims["n1"]) == ["low"]


def test_a_pod_under_a_budget_is_spared_first_when_another_eviction_is_enough() -> None:
    # db-0 and web each take 1 of 2 cpus; the pod wants 1. db-0 would violate its budget
    # (0 disruptions allowed), so it is put back first, and fits: web is the victim.
    there = [
        _running("db-0", "n1", "1", 0, "2026-01-01T00:00:00Z", app="db"),
        _running("web", "n1", "1", 0, "2026-01-01T00:05:00Z", app="web"),
    ]
    budgets = [_budget("db", 0, app="db")]
    wanted = pod(requests={"cpu": "1"}, priority=100)
    found = why_pending(wanted, [node("n1", cpu="2")], there, "1.34", pdbs=budgets)
    victims = found.preemption.victims["n1"]
    assert _names(victims) == ["web"]
    assert (victims.pdb_violations, victims.violated) == (0, ())


def test_a_budget_the_evictions_would_violate_is_named() -> None:
    there = [
        _running("db-0", "n1", "1", 0, "2026-01-01T00:00:00Z", app="db"),
        _running("web", "n1", "1", 0, "2026-01-01T00:05:00Z", app="web"),
    ]
    budgets = [_budget("db", 0, app="db"), _budget("web", 1, app="web")]
    wanted = pod(requests={"cpu": "2"}, priority=100)
    found = why_pending(wanted, [node("n1", cpu="2")], there, "1.34", pdbs=budgets)
    victims = found.preemption.victims["n1"]
    assert sorted(_names(victims)) == ["db-0", "web"]
    assert victims.pdb_violations == 1
    assert victims.violated == ("default/db",)


def test_a_pod_already_counted_as_disrupted_does_not_spend_the_budget_again() -> None:
    there = [_running("db-0", "n1", "2", 0, "2026-01-01T00:00:00Z", app="db")]
    budget = _budget("db", 0, app="db")
    budget["status"]["disruptedPods"] = {"db-0": "2026-01-01T00:10:00Z"}
    wanted = pod(requests={"cpu": "2"}, priority=100)
    found = why_pending(wanted, [node("n1", cpu="2")], there, "1.34", pdbs=[budget])
    assert found.preemption.victims["n1"].violated == ()


def test_the_node_nominated_is_the_one_that_violates_fewer_budgets() -> None:
    # n1's victim is of lower priority but under a budget; n2's breaks none: n2 wins.
    there = [
        _running("db-0", "n1", "2", 0, "2026-01-01T00:00:00Z", app="db"),
        _running("batch", "n2", "2", 50, "2026-01-01T00:00:00Z", app="batch"),
    ]
    nodes = [node("n1", cpu="2"), node("n2", cpu="2")]
    wanted = pod(requests={"cpu": "2"}, priority=100)
    found = why_pending(wanted, nodes, there, "1.34", pdbs=[_budget("db", 0, app="db")])
    assert set(found.preemption.candidates) == {"n1", "n2"}
    assert found.preemption.nominated == "n2"


def test_without_budgets_the_lowest_priority_victims_decide_the_node() -> None:
    there = [
        _running("mid", "n1", "2", 50, "2026-01-01T00:00:00Z"),
        _running("least", "n2", "2", 10, "2026-01-01T00:00:00Z"),
    ]
    nodes = [node("n1", cpu="2"), node("n2", cpu="2")]
    found = why_pending(pod(requests={"cpu": "2"}, priority=100), nodes, there, "1.34")
    assert found.preemption.nominated == "n2"


def test_preemption_policy_never_says_so_and_names_no_victims() -> None:
    there = [_running("low", "n1", "2", 0, "2026-01-01T00:00:00Z")]
    never = pod(requests={"cpu": "2"}, priority=1000, preemptionPolicy="Never")
    found = why_pending(never, [node("n1", cpu="2")], there, "1.34")
    assert found.preemption.ineligible == PREEMPTION_NEVER
    assert found.preemption.victims == {}
    assert found.message.endswith("preemption: not eligible due to preemptionPolicy=Never.")


def test_no_lower_priority_pod_and_an_unresolvable_node_leave_no_candidate() -> None:
    tainted = node("t1", taints=[{"key": "a", "value": "b", "effect": "NoSchedule"}])
    there = [_running("peer", "n1", "2", 100, "2026-01-01T00:00:00Z")]
    found = why_pending(
        pod(requests={"cpu": "2"}, priority=100), [tainted, node("n1", cpu="2")], there, "1.31"
    )
    assert found.preemption.candidates == ()
    assert found.preemption.reasons == {"t1": (NOT_HELPFUL,), "n1": (NO_VICTIMS,)}


def test_a_pod_whose_victims_still_terminate_on_its_nominated_node_waits() -> None:
    leaving = _running("low", "n1", "2", 0, "2026-01-01T00:00:00Z")
    leaving["metadata"]["deletionTimestamp"] = "2026-01-01T01:00:00Z"
    leaving["status"]["conditions"] = [
        {"type": "DisruptionTarget", "status": "True", "reason": "PreemptionByScheduler"}
    ]
    waiting = pod(requests={"cpu": "2"}, priority=100)
    waiting["status"]["nominatedNodeName"] = "n1"
    found = why_pending(waiting, [node("n1", cpu="2")], [leaving], "1.34")
    assert found.preemption.ineligible == TERMINATING_ON_NOMINATED
    assert found.message.endswith("preemption: " + TERMINATING_ON_NOMINATED)


def test_on_a_big_cluster_the_dry_run_stops_at_the_candidates_the_scheduler_looks_for() -> None:
    nodes = [node(f"n{i:03}", cpu="2") for i in range(120)]
    there = [_running(f"low{i}", f"n{i:03}", "2", 0, "2026-01-01T00:00:00Z") for i in range(120)]
    found = why_pending(pod(requests={"cpu": "2"}, priority=100), nodes, there, "1.34")
    assert len(found.preemption.victims) == 100  # max(10% of 120, 100)
    assert found.preemption.sampled


def _profile_without(point: str, plugin: str):
    config = parse_config(
        "apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\n"
        f"profiles:\n- plugins:\n    {point}:\n      disabled:\n      - name: {plugin}\n"
    )
    return resolve(config.profiles[0], Version(1, 34))


def _on_port_80(made: dict) -> dict:
    made["spec"]["containers"][0]["ports"] = [{"containerPort": 80, "hostPort": 80}]
    return made


def test_the_dry_run_runs_the_profile_s_filters_not_the_defaults() -> None:
    # n1 (2 cpus): "keeper" of higher priority holds host port 80 with no cpu, "low" the 2 cpus.
    # The pod wants port 80 and 1 cpu. By default NodePorts still rejects it with "low" gone;
    # a profile without NodePorts lets it fit once "low" is evicted.
    there = [
        _on_port_80(_running("keeper", "n1", "0", 1000, "2026-01-01T00:00:00Z")),
        _running("low", "n1", "2", 1, "2026-01-01T00:00:00Z"),
    ]
    wanted = _on_port_80(pod(requests={"cpu": "1"}, priority=100))
    view = view_of([node("n1", cpu="2")], there, "1.34")
    by_default = evaluate(wanted, view)
    assert by_default.preemption.victims == {}
    assert by_default.preemption.reasons == {"n1": ("node(s) didn't have free ports for the "
                                                    "requested pod ports",)}  # fmt: skip
    profile = _profile_without("filter", "NodePorts")
    assert "NodePorts" not in profile.filters
    found = evaluate(wanted, view, profile)
    assert found.nodes[0].rejected_by.plugin == "NodeResourcesFit"
    assert found.preemption.nominated == "n1"
    assert _names(found.preemption.victims["n1"]) == ["low"]


def test_a_profile_without_default_preemption_runs_no_dry_run() -> None:
    there = [_running("low", "n1", "2", 1, "2026-01-01T00:00:00Z")]
    view = view_of([node("n1", cpu="2")], there, "1.34")
    found = evaluate(pod(requests={"cpu": "1"}, priority=100), view, _profile_without(
        "postFilter", "DefaultPreemption"))  # fmt: skip
    assert found.preemption is None
    assert (
        found.message == "0/1 nodes are available: 1 Insufficient cpu. no new claims to deallocate"
    )
