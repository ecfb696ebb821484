from __future__ import annotations

import pytest

from explorer.lib.qos import (
    BEST_EFFORT,
    BURSTABLE,
    GUARANTEED,
    explain_pod_qos,
    pod_qos_class,
)
from explorer.snapshots.object_files import load_files


def container(name: str, requests: dict | None = None, limits: dict | None = None) -> dict:
    resources: dict = {}
    if requests is not None:
        resources["requests"] = requests
    if limits is not None:
        resources["limits"] = limits
    return {"name": name, "image": "busybox", "resources": resources}


def pod(*containers: dict, init: tuple[dict, ...] = (), resources: dict | None = None) -> dict:
    spec: dict = {"containers": list(containers)}
    if init:
        spec["initContainers"] = list(init)
    if resources is not None:
        spec["resources"] = resources
    return {"kind": "Pod", "metadata": {"name": "p", "namespace": "default"}, "spec": spec}


EQUAL = {"cpu": "500m", "memory": "128Mi"}


def test_pod_without_requests_or_limits_is_best_effort():
    verdict = explain_pod_qos(pod(container("app")))
    assert verdict.qos_class == BEST_EFFORT
    assert "No container requests or limits" in verdict.reasons[0]


def test_requests_equal_to_limits_in_every_container_is_guaranteed():
    assert pod_qos_class(pod(container("a", EQUAL, EQUAL), container("b", EQUAL, EQUAL))) == (
        GUARANTEED
    )


def test_limits_alone_imply_equal_requests_and_give_guaranteed():
    assert pod_qos_class(pod(container("app", limits=EQUAL))) == GUARANTEED


def test_equal_values_in_other_units_still_count_as_equal():
    requests = {"cpu": "0.5", "memory": "134217728"}
    assert pod_qos_class(pod(container("app", requests, EQUAL))) == GUARANTEED


def test_request_below_limit_is_burstable_and_says_which_container_and_resource():
    verdict = explain_pod_qos(pod(container("app", {"cpu": "250m", "memory": "128Mi"}, EQUAL)))
    assert verdict.qos_class == BURSTABLE
    assert verdict.reasons == ("Container 'app' requests 250m cpu but its limit is 500m.",)


def test_missing_memory_limit_is_burstable_and_named():
    verdict = explain_pod_qos(pod(container("app", {"cpu": "1"}, {"cpu": "1"})))
    assert verdict.qos_class == BURSTABLE
    assert verdict.reasons == ("Container 'app' has no memory limit.",)


def test_one_container_without_resources_makes_a_guaranteed_pod_burstable():
    assert pod_qos_class(pod(container("a", EQUAL, EQUAL), container("sidecar"))) == BURSTABLE


def test_init_container_without_limits_makes_the_pod_burstable_as_the_kubelet_does():
    verdict = explain_pod_qos(pod(container("a", EQUAL, EQUAL), init=(container("setup"),)))
    assert verdict.qos_class == BURSTABLE
    assert "Init container 'setup' has no cpu limit." in verdict.reasons


def test_only_requests_is_burstable():
    assert pod_qos_class(pod(container("a", requests={"cpu": "10m"}))) == BURSTABLE


def test_zero_quantities_and_other_resources_do_not_count():
    zero = {"cpu": "0", "memory": "0", "ephemeral-storage": "1Gi", "nvidia.com/gpu": "1"}
    assert pod_qos_class(pod(container("a", zero, zero))) == BEST_EFFORT


def test_explicit_zero_request_with_a_limit_is_burstable():
    verdict = explain_pod_qos(pod(container("a", {"cpu": "0", "memory": "1Gi"}, EQUAL)))
    assert verdict.qos_class == BURSTABLE
    assert "Container 'a' requests no cpu but its limit is 500m." in verdict.reasons


def test_pod_level_resources_take_the_place_of_the_containers():
    p = pod(container("a"), container("b"), resources={"requests": EQUAL, "limits": EQUAL})
    assert pod_qos_class(p) == GUARANTEED


@pytest.mark.parametrize(
    "name",
    ["minikube-v1.34-pods.yaml", "minikube-v1.34-kubelet-pods.json"],
)
def test_computed_qos_class_matches_the_kubelets_for_every_real_pod(real_fixtures, name):
    state = load_files([real_fixtures / "kubectl" / name])
    classes = {}
    for p in state.list("Pod"):
        assert pod_qos_class(p) == p["status"]["qosClass"], p["metadata"]["name"]
        classes[p["metadata"]["name"]] = p["status"]["qosClass"]
    assert classes["kindnet-zqk2n"] == GUARANTEED
    assert classes["kube-proxy-nz2nc"] == BEST_EFFORT
    assert classes["coredns-66bc5c9577-d98t2"] == BURSTABLE


def test_computed_qos_class_matches_the_openshift_pod(real_fixtures):
    path = real_fixtures / "kubectl" / "openshift-pod-csi-snapshot-controller-operator.json"
    (p,) = load_files([path]).list("Pod")
    verdict = explain_pod_qos(p)
    assert verdict.qos_class == p["status"]["qosClass"] == BURSTABLE
    assert any("has no cpu limit" in reason for reason in verdict.reasons)
