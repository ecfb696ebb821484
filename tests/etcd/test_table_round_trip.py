"""The demo's objects of every kind these tables cover survive encode → decode unchanged, through
Python and through a real etcd; a StatefulSet's claim templates keep their apiVersion and kind."""

from __future__ import annotations

import copy

import pytest

from explorer.demo import build_demo
from explorer.etcd.proto_objects import EncodeError, decode_object, encode_object
from explorer.etcd.values import as_json, decode_value, parse_etcdctl_get
from explorer.lib.resources import BY_KIND

from .stored_form import as_stored as _as_stored

GROUPS_OF_THESE_TABLES = (
    "apps/",
    "autoscaling/",
    "coordination.k8s.io/",
    "discovery.k8s.io/",
    "networking.k8s.io/",
    "policy/",
    "rbac.authorization.k8s.io/",
    "scheduling.k8s.io/",
    "storage.k8s.io/",
)


@pytest.fixture(scope="module")
def demo_objects() -> dict[str, list[dict]]:
    state = build_demo()
    by_kind: dict[str, list[dict]] = {}
    for kind_name in state.kinds():
        for obj in state.list(kind_name):
            if str(obj.get("apiVersion", "")).startswith(GROUPS_OF_THESE_TABLES):
                by_kind.setdefault(kind_name, []).append(obj)
    return by_kind


KINDS_OF_THESE_TABLES = sorted(
    resource.kind
    for resource in BY_KIND.values()
    if resource.api_version.startswith(GROUPS_OF_THESE_TABLES)
)


@pytest.mark.parametrize("kind_name", KINDS_OF_THESE_TABLES)
def test_every_demo_object_of_the_kind_survives_encode_then_decode(kind_name, demo_objects):
    objects = demo_objects.get(kind_name)
    if not objects:
        pytest.skip(f"the demo has no {kind_name}")
    for obj in objects:
        problems: list[str] = []
        decoded = decode_object(encode_object(obj), problems=problems)
        assert problems == []
        assert decoded == _as_stored(obj), obj["metadata"]["name"]


def test_a_statefulsets_claim_templates_come_back_as_persistent_volume_claims(demo_objects):
    statefulset = demo_objects["StatefulSet"][0]
    without_type_meta = copy.deepcopy(statefulset)
    for claim in without_type_meta["spec"]["volumeClaimTemplates"]:
        del claim["apiVersion"], claim["kind"]

    decoded = decode_object(encode_object(without_type_meta), problems=[])

    claims = decoded["spec"]["volumeClaimTemplates"]
    assert [(c["apiVersion"], c["kind"]) for c in claims] == [("v1", "PersistentVolumeClaim")]
    assert encode_object(statefulset) == encode_object(without_type_meta)


def test_a_claim_template_of_another_kind_is_refused_naming_its_place(demo_objects):
    statefulset = copy.deepcopy(demo_objects["StatefulSet"][0])
    statefulset["spec"]["volumeClaimTemplates"][0]["kind"] = "ConfigMap"

    with pytest.raises(EncodeError, match=r"\.spec\.volumeClaimTemplates\[0\]: apiVersion/kind"):
        encode_object(statefulset)


# Kinds the demo does not have, as a kube-apiserver shows them.
NOT_IN_THE_DEMO = {
    "autoscaling/v1 HorizontalPodAutoscaler": {
        "apiVersion": "autoscaling/v1",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {
            "annotations": {
                "autoscaling.alpha.kubernetes.io/conditions": '[{"type":"AbleToScale"}]',
            },
            "creationTimestamp": "2021-11-02T10:00:00Z",
            "name": "web",
            "namespace": "shop",
            "uid": "6c0d5e0a-1f6b-4a37-9d51-0d8a3b2c1e01",
        },
        "spec": {
            "maxReplicas": 5,
            "minReplicas": 1,
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
            "targetCPUUtilizationPercentage": 80,
        },
        "status": {"currentReplicas": 0, "desiredReplicas": 0},
    },
    "ControllerRevision": {
        "apiVersion": "apps/v1",
        "kind": "ControllerRevision",
        "metadata": {
            "creationTimestamp": "2024-05-01T08:00:00Z",
            "name": "node-exporter-5d8b7c9f4",
            "namespace": "monitoring",
            "uid": "0b7e0f7c-7a0d-4c53-9f65-3f4f3b0e9a11",
        },
        "data": {"spec": {"template": {"$patch": "replace", "spec": {"containers": []}}}},
        "revision": 1,
    },
    "IngressClass": {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "IngressClass",
        "metadata": {
            "creationTimestamp": "2024-05-01T08:00:00Z",
            "name": "nginx",
            "uid": "9a1c2f0e-4b1d-4c7e-8a3b-5d6e7f8a9b0c",
        },
        "spec": {
            "controller": "k8s.io/ingress-nginx",
            "parameters": {"kind": "IngressParameters", "name": "external", "scope": "Cluster"},
        },
    },
}


@pytest.mark.parametrize("name", sorted(NOT_IN_THE_DEMO))
def test_a_kind_the_demo_lacks_survives_encode_then_decode(name):
    obj = NOT_IN_THE_DEMO[name]
    problems: list[str] = []

    assert decode_object(encode_object(obj), problems=problems) == obj
    assert problems == []


# A few kinds, each with a form of its own: microtimes (Lease), a map of times and
# meta.v1.Conditions (PodDisruptionBudget), an embedded struct (Ingress), quantities and
# pointers to zero (HorizontalPodAutoscaler), an aggregation rule (ClusterRole), claim templates
# (StatefulSet), a pod template (Deployment), `endpoints` that Go always shows (EndpointSlice).
THROUGH_ETCD = [
    "Lease",
    "PodDisruptionBudget",
    "Ingress",
    "HorizontalPodAutoscaler",
    "ClusterRole",
    "StatefulSet",
    "Deployment",
    "EndpointSlice",
]


def _key(obj: dict) -> str:
    resource = BY_KIND[obj["kind"]]
    segment = "ingress" if resource.plural == "ingresses" else resource.plural
    namespace = obj["metadata"].get("namespace")
    name = obj["metadata"]["name"]
    return f"/registry/{segment}/{namespace}/{name}" if namespace else f"/registry/{segment}/{name}"


@pytest.mark.parametrize("kind_name", THROUGH_ETCD)
def test_a_value_written_to_a_real_etcd_reads_back_as_the_same_object(
    kind_name, demo_objects, etcd
):
    obj = demo_objects[kind_name][0]
    value = encode_object(obj)

    etcd.ctl("put", _key(obj), input=value)  # no value argument: etcdctl reads it from stdin
    printed = etcd.ctl("get", _key(obj), "--print-value-only")

    assert printed == value + b"\n"  # etcdctl ends the value with a newline of its own
    problems: list[str] = []
    assert decode_object(printed[:-1], problems=problems) == _as_stored(obj)
    assert problems == []


def test_every_value_of_these_groups_in_a_real_etcd_shows_through_etcdctl_get_prefix(
    demo_objects, etcd
):
    # One read of the whole prefix, as an engineer would paste it: each value is found, named
    # and decoded to the object the API serves.
    by_key = {_key(obj): obj for objects in demo_objects.values() for obj in objects}
    for key, obj in by_key.items():
        etcd.ctl("put", key, input=encode_object(obj))

    entries = parse_etcdctl_get(etcd.ctl("get", "/registry/", "--prefix"))

    assert sorted(key.decode() for key, _ in entries) == sorted(by_key)
    for key, raw in entries:
        shown = as_json(decode_value(key, raw))
        obj = by_key[key.decode()]
        assert (shown["encoding"], shown["apiVersion"], shown["kind"], shown["problems"]) == (
            "protobuf",
            obj["apiVersion"],
            obj["kind"],
            [],
        )
        assert (shown["namespace"], shown["name"]) == (
            obj["metadata"].get("namespace"),
            obj["metadata"]["name"],
        )
        assert shown["object"] == _as_stored(obj)
