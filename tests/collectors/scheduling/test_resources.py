"""A pod's requests counted as the scheduler and the kubelet count them."""

from __future__ import annotations

from explorer.collectors.scheduling.resources import (
    allocatable,
    counted_limits,
    in_scheduler_units,
    pod_limit_amounts,
    pod_requests,
    requested,
)

from .builders import container, node, pod


def test_regular_containers_add_up() -> None:
    two = pod(
        containers=[
            container("a", requests={"cpu": "250m"}),
            container("b", requests={"cpu": "0.5"}),
        ]
    )
    assert pod_requests(two) == {"cpu": 750}


def test_the_biggest_init_container_wins_over_a_smaller_regular_sum() -> None:
    spec = pod(
        containers=[container("app", requests={"cpu": "100m", "memory": "64Mi"})],
        initContainers=[
            container("migrate", requests={"cpu": "2", "memory": "16Mi"}),
            container("warm", requests={"cpu": "500m", "memory": "32Mi"}),
        ],
    )
    # cpu: max(100m, 2000m, 500m); memory: max(64Mi, 16Mi, 32Mi) — per resource, not per container
    assert pod_requests(spec) == {"cpu": 2000, "memory": 64 * 2**20}


def test_init_containers_run_one_at_a_time_so_they_are_not_summed() -> None:
    spec = pod(
        containers=[container("app", requests={"cpu": "100m"})],
        initContainers=[
            container("a", requests={"cpu": "1"}),
            container("b", requests={"cpu": "1"}),
        ],
    )
    assert pod_requests(spec) == {"cpu": 1000}


def test_a_sidecar_joins_the_regular_sum_and_counts_beside_later_init_containers() -> None:
    spec = pod(
        containers=[container("app", requests={"cpu": "1"})],
        initContainers=[
            container("proxy", requests={"cpu": "500m"}, restartPolicy="Always"),
            container("migrate", requests={"cpu": "1200m"}),
        ],
    )
    # regular sum 1000m + sidecar 500m = 1500m; migrate runs beside the proxy: 1200m + 500m = 1700m
    assert pod_requests(spec) == {"cpu": 1700}


def test_an_init_container_before_the_sidecar_does_not_count_it() -> None:
    spec = pod(
        containers=[container("app", requests={"cpu": "1"})],
        initContainers=[
            container("migrate", requests={"cpu": "1200m"}),
            container("proxy", requests={"cpu": "500m"}, restartPolicy="Always"),
        ],
    )
    # migrate alone: 1200m < the running pod: app 1000m + proxy 500m
    assert pod_requests(spec) == {"cpu": 1500}


def test_overhead_is_added_after_everything_else() -> None:
    spec = pod(
        requests={"cpu": "1", "memory": "1Gi"},
        initContainers=[container("init", requests={"cpu": "3"})],
        overhead={"cpu": "250m", "memory": "120Mi"},
    )
    assert pod_requests(spec) == {"cpu": 3250, "memory": 2**30 + 120 * 2**20}


def test_a_limit_without_a_request_stands_for_it_as_the_api_server_defaults() -> None:
    spec = pod(containers=[{"name": "a", "resources": {"limits": {"cpu": "1", "memory": "1Gi"}}}])
    assert pod_requests(spec) == {"cpu": 1000, "memory": 2**30}


def test_extended_resources_count_and_unknown_names_do_not() -> None:
    spec = pod(requests={"nvidia.com/gpu": "2", "hugepages-2Mi": "4Mi", "example": "1"})
    assert pod_requests(spec) == {"nvidia.com/gpu": 2, "hugepages-2Mi": 4 * 2**20}


def test_pod_level_requests_stand_for_the_containers_from_1_34() -> None:
    spec = pod(requests={"cpu": "100m"}, resources={"requests": {"cpu": "2"}})
    assert pod_requests(spec) == {"cpu": 2000}
    assert pod_requests(spec, pod_level_resources=False) == {"cpu": 100}


def test_terminal_pods_no_longer_take_room_on_their_node() -> None:
    done = pod("done", node_name="n", requests={"cpu": "1"}, phase="Succeeded")
    running = pod("running", node_name="n", requests={"cpu": "300m"})
    assert requested([done, running]) == {"cpu": 300}


def test_allocatable_reads_pods_as_a_count() -> None:
    assert allocatable(node("n", cpu="3500m", memory="1Gi", pods="20")) == {
        "cpu": 3500,
        "memory": 2**30,
        "pods": 20,
    }


def _limited(name: str, limits: dict, **extra) -> dict:
    return {"name": name, "image": "busybox", "resources": {"limits": limits}, **extra}


def test_limits_add_up_as_requests_do_with_the_biggest_init_container_and_sidecars() -> None:
    spec = pod(
        containers=[_limited("app", {"cpu": "1", "memory": "1Gi"})],
        initContainers=[
            _limited("proxy", {"cpu": "500m"}, restartPolicy="Always"),
            _limited("migrate", {"cpu": "2", "memory": "512Mi"}),
        ],
    )
    # cpu: running app 1 + proxy 0.5 = 1.5 against migrate 2 + proxy 0.5 = 2.5; memory: 1Gi
    assert in_scheduler_units(pod_limit_amounts(spec)) == {"cpu": 2500, "memory": 2**30}


def test_a_resource_no_container_limits_stays_unbounded_and_takes_no_overhead() -> None:
    spec = pod(
        containers=[_limited("app", {"memory": "1Gi"})],
        overhead={"cpu": "250m", "memory": "120Mi"},
    )
    # PodLimits adds the overhead only where a limit is set: memory, not cpu
    assert in_scheduler_units(pod_limit_amounts(spec)) == {"memory": 2**30 + 120 * 2**20}


def test_a_request_does_not_stand_for_a_missing_limit() -> None:
    spec = pod(requests={"cpu": "1"})
    assert pod_limit_amounts(spec) == {}
    assert counted_limits(spec) == {}
