"""Headroom on hand-derived states: what the pods bound to a node request and limit, counted
as the scheduler counts them, and where a pod of a given size fits."""

from __future__ import annotations

from explorer.collectors.scheduling.headroom import (
    PodSize,
    cluster_headroom,
    node_headroom,
    resources_present,
    totals,
    where_it_fits,
)
from explorer.collectors.scheduling.versions import Version

from .builders import container, node, pod

GIB = 2**30
MIB = 2**20
V134 = Version(1, 34)


def _on(pods: list[dict]):
    return lambda name: [p for p in pods if p["spec"].get("nodeName") == name]


def _gpu_node() -> dict:
    return node("gpu", cpu="8", memory="32Gi", **{"nvidia.com/gpu": "4", "hugepages-2Mi": "0"})


def _pods_on_gpu_node() -> list[dict]:
    migrate = pod(
        "migrate",
        node_name="gpu",
        containers=[
            container("app", requests={"cpu": "1", "memory": "1Gi"}),
        ],
        initContainers=[container("schema", requests={"cpu": "3", "memory": "256Mi"})],
        overhead={"cpu": "250m", "memory": "120Mi"},
    )
    meshed = pod(
        "meshed",
        node_name="gpu",
        containers=[
            {
                "name": "app",
                "resources": {
                    "requests": {"cpu": "500m", "memory": "512Mi"},
                    "limits": {"cpu": "1", "memory": "1Gi"},
                },
            }
        ],
        initContainers=[
            {
                "name": "proxy",
                "restartPolicy": "Always",
                "resources": {"requests": {"cpu": "100m"}, "limits": {"cpu": "200m"}},
            }
        ],
    )
    trainer = pod(
        "trainer",
        node_name="gpu",
        containers=[
            {
                "name": "train",
                "resources": {"limits": {"nvidia.com/gpu": "2", "memory": "4Gi"}},
            }
        ],
    )
    finished = pod("finished", node_name="gpu", requests={"cpu": "4"}, phase="Succeeded")
    failed = pod("failed", node_name="gpu", requests={"nvidia.com/gpu": "2"}, phase="Failed")
    return [migrate, meshed, trainer, finished, failed]


def test_requests_follow_init_containers_sidecars_overhead_and_leave_terminal_pods_out() -> None:
    row = node_headroom(_gpu_node(), _pods_on_gpu_node())
    # migrate: max(1, 3) cpu + 250m overhead = 3250m; max(1Gi, 256Mi) + 120Mi memory
    # meshed: app 500m + proxy sidecar 100m = 600m; 512Mi
    # trainer: its limits stand for its requests: 2 GPUs, 4Gi
    # finished and failed: terminal, nothing
    assert row.requested == {
        "pods": 3,
        "cpu": 3250 + 600,
        "memory": GIB + 120 * MIB + 512 * MIB + 4 * GIB,
        "nvidia.com/gpu": 2,
    }
    assert row.allocatable["nvidia.com/gpu"] == 4
    assert row.fraction("nvidia.com/gpu") == 0.5
    assert row.free("cpu") == 8000 - 3850


def test_a_nodes_limits_sum_only_what_is_limited_and_say_how_many_pods_are_not() -> None:
    row = node_headroom(_gpu_node(), _pods_on_gpu_node())
    # meshed: app 1 + proxy 200m = 1200m cpu, 1Gi; trainer: 2 GPUs, 4Gi; migrate: no limits
    assert row.limits == {"cpu": 1200, "memory": 5 * GIB, "nvidia.com/gpu": 2}
    assert row.unlimited == {"cpu": 2, "memory": 1}


def test_a_resource_the_node_does_not_offer_has_no_fraction() -> None:
    row = node_headroom(node("plain"), [])
    assert row.fraction("nvidia.com/gpu") is None
    assert row.fraction("cpu") == 0.0


def test_scalar_resources_show_when_offered_or_asked_and_idle_ones_are_named() -> None:
    rows = cluster_headroom(
        [_gpu_node(), node("plain", **{"hugepages-1Gi": "0"})],
        lambda name: _pods_on_gpu_node() if name == "gpu" else [],
    )
    shown, idle = resources_present(rows)
    assert shown == ["cpu", "memory", "pods", "ephemeral-storage", "nvidia.com/gpu"]
    assert idle == ["hugepages-1Gi", "hugepages-2Mi"]
    summed = totals(rows, shown)
    assert summed["nvidia.com/gpu"] == {"allocatable": 4, "requested": 2, "limits": 2}
    assert summed["cpu"]["allocatable"] == 12000
    assert [row.name for row in rows] == ["gpu", "plain"]


def test_a_pod_of_a_size_fits_where_the_scheduler_would_put_it_and_says_why_not_elsewhere() -> None:
    nodes = [
        node("small", cpu="1", memory="2Gi"),
        node("big", cpu="8", memory="32Gi"),
        node("cordoned", cpu="8", memory="32Gi", unschedulable=True),
        node(
            "tainted",
            cpu="8",
            memory="32Gi",
            taints=[{"key": "dedicated", "value": "infra", "effect": "NoSchedule"}],
        ),
        node("full", cpu="8", memory="32Gi", pods="1"),
    ]
    pods = [pod("resident", node_name="full", requests={"cpu": "100m"})]
    answer = where_it_fits(PodSize({"cpu": "2", "memory": "4Gi"}), nodes, _on(pods), V134)
    assert answer.fits == ("big",)
    why = {r.node: (r.plugin, r.reasons) for r in answer.rejected}
    assert why == {
        "small": ("NodeResourcesFit", ("Insufficient cpu", "Insufficient memory")),
        "cordoned": ("NodeUnschedulable", ("node(s) were unschedulable",)),
        "tainted": ("TaintToleration", ("node(s) had untolerated taint {dedicated: infra}",)),
        "full": ("NodeResourcesFit", ("Too many pods",)),
    }
    assert answer.reasons["Insufficient cpu"] == 1


def test_an_extended_resource_a_selector_and_a_toleration_pick_the_gpu_node() -> None:
    nodes = [
        node(
            "gpu",
            labels={"accelerator": "a10"},
            taints=[{"key": "nvidia.com/gpu", "value": "present", "effect": "NoSchedule"}],
            **{"nvidia.com/gpu": "1"},
        ),
        node("cpu-only", labels={"accelerator": "none"}),
    ]
    busy = [pod("trainer", node_name="gpu", requests={"nvidia.com/gpu": "1"})]
    size = PodSize({"cpu": "1", "nvidia.com/gpu": "1"}, {"accelerator": "a10"}, "nvidia.com/gpu")
    assert where_it_fits(size, nodes, _on([]), V134).fits == ("gpu",)
    taken = where_it_fits(size, nodes, _on(busy), V134)
    assert taken.fits == ()
    assert taken.reasons == {
        "Insufficient nvidia.com/gpu": 1,
        "node(s) didn't match Pod's node affinity/selector": 1,
    }
    untolerated = where_it_fits(PodSize({"nvidia.com/gpu": "1"}), nodes, _on([]), Version(1, 31))
    assert untolerated.reasons == {
        "Insufficient nvidia.com/gpu": 1,
        "node(s) had untolerated taint {nvidia.com/gpu: present}": 1,
    }
