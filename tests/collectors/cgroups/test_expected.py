"""What the kubelet and the runtime should set, by cgroup version (expected.py)."""

from __future__ import annotations

import pytest

from explorer.collectors.cgroups.expected import (
    container_expected,
    kubepods_expected,
    millicpu_to_quota,
    millicpu_to_shares,
    pod_expected,
    qos_level_expected,
    weight_linear,
    weight_quadratic,
)


def _pod(*containers: dict, init: tuple[dict, ...] = (), qos: str | None = None) -> dict:
    pod = {
        "metadata": {"uid": "u", "name": "p", "namespace": "ns"},
        "spec": {
            "containers": [{"name": f"c{i}", "resources": r} for i, r in enumerate(containers)],
            "initContainers": list(init),
        },
        "status": {"phase": "Running"},
    }
    if qos:
        pod["status"]["qosClass"] = qos
    return pod


@pytest.mark.parametrize(
    ("millicpu", "shares"), [(0, 2), (1, 2), (10, 10), (100, 102), (250, 256), (1000, 1024)]
)
def test_v1_shares_are_millicpu_times_1024_over_1000_with_a_floor_of_2(millicpu, shares):
    assert millicpu_to_shares(millicpu) == shares


def test_v1_quota_is_millicpu_times_the_period_with_a_floor_of_1ms_and_none_without_limit():
    assert millicpu_to_quota(500) == 50_000
    assert millicpu_to_quota(2000) == 200_000
    assert millicpu_to_quota(5) == 1_000
    assert millicpu_to_quota(0) is None


@pytest.mark.parametrize(
    ("shares", "linear", "quadratic"),
    [(2, 1, 1), (102, 4, 17), (1024, 39, 100), (2000, 77, 170), (262144, 10000, 10000)],
)
def test_v2_weight_by_both_runtime_mappings(shares, linear, quadratic):
    assert weight_linear(shares) == linear
    assert weight_quadratic(shares) == quadratic


def test_container_gets_shares_from_its_request_quota_and_memory_from_its_limits():
    expected = container_expected(
        {
            "resources": {
                "requests": {"cpu": "100m", "memory": "128Mi"},
                "limits": {"cpu": "500m", "memory": "256Mi"},
            }
        }
    )
    assert expected == {
        "cpu_shares": 102,
        "cpu_quota_us": 50_000,
        "cpu_period_us": 100_000,
        "memory_limit_bytes": 256 * 2**20,
    }


def test_a_container_with_only_limits_gets_its_shares_from_the_limit():
    expected = container_expected({"resources": {"limits": {"cpu": "1", "memory": "1Gi"}}})
    assert expected["cpu_shares"] == 1024 and expected["cpu_quota_us"] == 100_000


def test_a_container_without_resources_gets_2_shares_and_no_limits():
    assert container_expected({}) == {
        "cpu_shares": 2,
        "cpu_quota_us": None,
        "cpu_period_us": 100_000,
        "memory_limit_bytes": None,
    }


def test_guaranteed_pod_limits_are_the_sum_of_its_containers():
    pod = _pod(
        {"limits": {"cpu": "500m", "memory": "512Mi"}},
        {"limits": {"cpu": "250m", "memory": "256Mi"}},
    )
    assert pod_expected(pod) == {
        "cpu_shares": 768,
        "cpu_quota_us": 75_000,
        "cpu_period_us": 100_000,
        "memory_limit_bytes": 768 * 2**20,
    }


def test_burstable_pod_gets_a_quota_only_when_every_container_has_a_cpu_limit():
    limited = {
        "requests": {"cpu": "100m", "memory": "64Mi"},
        "limits": {"cpu": "1", "memory": "1Gi"},
    }
    open_ended = {"requests": {"cpu": "200m"}}
    assert pod_expected(_pod(limited)) == {
        "cpu_shares": 102,
        "cpu_quota_us": 100_000,
        "cpu_period_us": 100_000,
        "memory_limit_bytes": 2**30,
    }
    assert pod_expected(_pod(limited, open_ended)) == {"cpu_shares": 307}


def test_a_big_init_container_sets_the_pod_request():
    init = ({"name": "i", "resources": {"requests": {"cpu": "2"}}},)
    assert pod_expected(_pod({"requests": {"cpu": "100m"}}, init=init))["cpu_shares"] == 2048


def test_besteffort_pod_and_level_get_2_shares_and_burstable_level_the_sum_of_its_pods():
    assert pod_expected(_pod({})) == {"cpu_shares": 2}
    pods = [_pod({"requests": {"cpu": "100m"}}), _pod({"requests": {"cpu": "400m"}}), _pod({})]
    levels = qos_level_expected(pods)
    assert levels["burstable"] == {"cpu_shares": 512}
    assert levels["besteffort"] == {"cpu_shares": 2}


def test_kubepods_shares_come_from_the_node_cpu_capacity():
    assert kubepods_expected({"status": {"capacity": {"cpu": "4"}}}) == {"cpu_shares": 4096}
