"""explorer/lib/objects.py: the words for a Kubernetes object, read without ever failing."""

from explorer.lib.objects import (
    annotations_of,
    condition,
    conditions_of,
    container_statuses,
    containers_and_statuses,
    containers_of,
    controller_reference,
    key_of,
    labels_of,
    meta_of,
    name_of,
    namespace_of,
    namespaced_name,
    owner_references,
    resource_version_of,
    spec_of,
    status_of,
    template_spec_of,
    uid_of,
)

POD = {
    "metadata": {
        "name": "web-1",
        "namespace": "shop",
        "uid": "u-1",
        "resourceVersion": "42",
        "labels": {"app": "web"},
        "annotations": {"note": "x"},
        "ownerReferences": [
            {"kind": "Other", "name": "o", "uid": "u-o"},
            "not a reference",
            {"kind": "ReplicaSet", "name": "web", "uid": "u-rs", "controller": True},
        ],
    },
    "spec": {
        "initContainers": [{"name": "init"}],
        "containers": [{"name": "app"}, {"name": "sidecar"}],
    },
    "status": {
        "initContainerStatuses": [{"name": "init"}],
        "containerStatuses": [{"name": "app"}],
        "conditions": [{"type": "Ready", "status": "True"}, None],
    },
}


def test_name_namespace_and_uid_of_an_object_are_its_metadata_fields():
    assert (name_of(POD), namespace_of(POD), uid_of(POD)) == ("web-1", "shop", "u-1")
    assert resource_version_of(POD) == "42"


def test_name_of_an_object_without_metadata_is_empty():
    assert name_of({}) == ""
    assert name_of({"metadata": None}) == ""
    assert name_of({"metadata": {"name": None}}) == ""


def test_accessors_of_a_missing_object_read_as_empty():
    assert meta_of(None) == {} and spec_of(None) == {} and status_of(None) == {}
    assert key_of(None) == ("", "") and uid_of(None) == ""
    assert controller_reference(None) is None and condition(None, "Ready") is None


def test_parts_that_are_null_read_as_empty_dicts():
    obj = {"metadata": None, "spec": None, "status": None}
    assert (meta_of(obj), spec_of(obj), status_of(obj)) == ({}, {}, {})


def test_key_of_a_namespaced_object_is_its_namespace_and_name():
    assert key_of(POD) == ("shop", "web-1")


def test_key_of_a_cluster_scoped_object_has_an_empty_namespace():
    assert key_of({"metadata": {"name": "node-1"}}) == ("", "node-1")


def test_namespaced_name_joins_namespace_and_name_with_a_slash():
    assert namespaced_name(POD) == "shop/web-1"


def test_namespaced_name_of_a_cluster_scoped_object_is_its_name():
    assert namespaced_name({"metadata": {"name": "node-1"}}) == "node-1"


def test_labels_and_annotations_are_empty_dicts_when_missing():
    assert labels_of(POD) == {"app": "web"} and annotations_of(POD) == {"note": "x"}
    assert labels_of({"metadata": {"labels": None}}) == {} and annotations_of({}) == {}


def test_owner_references_skip_entries_that_are_not_dicts():
    assert [ref["name"] for ref in owner_references(POD)] == ["o", "web"]
    assert owner_references({}) == []


def test_controller_reference_is_the_owner_with_controller_true():
    assert controller_reference(POD)["kind"] == "ReplicaSet"


def test_an_object_owned_by_no_controller_has_no_controller_reference():
    obj = {"metadata": {"ownerReferences": [{"kind": "Other", "controller": False}]}}
    assert controller_reference(obj) is None


def test_template_spec_of_a_workload_is_its_pod_spec():
    deployment = {"spec": {"template": {"spec": {"containers": [{"name": "app"}]}}}}
    assert template_spec_of(deployment) == {"containers": [{"name": "app"}]}
    assert template_spec_of({"spec": {}}) == {}


def test_containers_of_a_pod_leave_init_containers_out_unless_asked():
    assert [c["name"] for c in containers_of(POD)] == ["app", "sidecar"]
    assert [c["name"] for c in containers_of(POD, init=True)] == ["init", "app", "sidecar"]
    assert containers_of({}) == []


def test_container_statuses_put_init_statuses_first_when_asked():
    assert [s["name"] for s in container_statuses(POD)] == ["app"]
    assert [s["name"] for s in container_statuses(POD, init=True)] == ["init", "app"]


def test_condition_finds_the_condition_of_a_type():
    assert condition(POD, "Ready") == {"type": "Ready", "status": "True"}
    assert condition(POD, "PodScheduled") is None
    assert conditions_of(POD) == [{"type": "Ready", "status": "True"}]


def test_containers_and_statuses_pair_each_container_with_its_status_by_role():
    pod = {
        "spec": {
            "containers": [{"name": "app"}, "not a container", {"name": "log"}],
            "initContainers": [{"name": "init"}],
            "ephemeralContainers": [{"name": "debug"}],
        },
        "status": {"containerStatuses": [{"name": "app", "ready": True}]},
    }
    assert [(role, order, c["name"], s) for role, order, c, s in containers_and_statuses(pod)] == [
        ("init", 1, "init", {}),
        ("container", 1, "app", {"name": "app", "ready": True}),
        ("container", 3, "log", {}),
        ("ephemeral", 1, "debug", {}),
    ]
