from __future__ import annotations

import logging

import pytest

from explorer.lib.choices import ADDED, DELETED, MODIFIED
from explorer.state.cluster_state import ClusterState
from tests.service_lookup import endpoint_slices_for_service, pods_for_service


def obj(kind: str, name: str, namespace: str | None = "shop", **fields) -> dict:
    metadata = {"name": name, "uid": f"uid-{kind}-{name}", "resourceVersion": "1"}
    if namespace is not None:
        metadata["namespace"] = namespace
    metadata.update(fields.pop("metadata", {}))
    return {"kind": kind, "metadata": metadata, **fields}


def pod(name: str, node: str | None = "node-a", owner: str | None = None, **meta) -> dict:
    metadata = dict(meta)
    if owner:
        metadata["ownerReferences"] = [{"kind": "ReplicaSet", "uid": owner, "controller": True}]
    spec = {"containers": [{"name": "app"}], **({"nodeName": node} if node else {})}
    return obj("Pod", name, metadata=metadata, spec=spec)


def slice_for(service: str, name: str, *pods: str) -> dict:
    endpoints = [{"addresses": ["10.0.0.1"], "targetRef": {"kind": "Pod", "name": p}} for p in pods]
    return obj(
        "EndpointSlice",
        name,
        metadata={"labels": {"kubernetes.io/service-name": service}},
        addressType="IPv4",
        endpoints=endpoints,
    )


def event(etype: str, body: dict) -> dict:
    return {"type": etype, "object": body}


def names(objects) -> list[str]:
    return [o["metadata"]["name"] for o in objects]


def test_added_event_returns_an_added_change_holding_the_object():
    state = ClusterState()
    change = state.apply(event(ADDED, pod("web-1")))
    assert (change.type, change.ref, change.old) == (ADDED, ("Pod", "shop", "web-1"), None)
    assert state.get("Pod", "shop", "web-1") is change.object


def test_modified_event_returns_the_new_and_the_old_object():
    state = ClusterState()
    state.apply(event(ADDED, pod("web-1")))
    newer = pod("web-1", resourceVersion="2")
    newer["metadata"]["labels"] = {"tier": "web"}
    change = state.apply(event(MODIFIED, newer))
    assert change.type == MODIFIED
    assert change.old["metadata"].get("labels") is None
    assert change.object["metadata"]["labels"] == {"tier": "web"}


def test_modified_event_for_an_unknown_object_is_an_addition():
    assert ClusterState().apply(event(MODIFIED, pod("web-1"))).type == ADDED


def test_deleted_event_returns_the_last_object_held_and_forgets_it():
    state = ClusterState()
    state.apply(event(ADDED, pod("web-1", resourceVersion="5")))
    change = state.apply(event(DELETED, pod("web-1", resourceVersion="6")))
    assert change.type == DELETED
    assert change.object["metadata"]["resourceVersion"] == "5"
    assert state.get("Pod", "shop", "web-1") is None
    assert state.apply(event(DELETED, pod("web-1"))) is None


def test_bookmark_changes_nothing_but_records_its_resource_version():
    state = ClusterState()
    bookmark = {"kind": "Pod", "apiVersion": "v1", "metadata": {"resourceVersion": "777"}}
    assert state.apply(event("BOOKMARK", bookmark)) is None
    assert len(state) == 0
    assert state.resource_versions["Pod"] == "777"


def test_error_event_changes_nothing():
    state = ClusterState()
    status = {"kind": "Status", "code": 410, "reason": "Expired", "metadata": {}}
    assert state.apply(event("ERROR", status)) is None
    assert len(state) == 0 and state.resource_versions == {}


def test_reapplying_an_identical_object_reports_no_change():
    state = ClusterState()
    state.apply(event(ADDED, pod("web-1")))
    assert state.apply(event(MODIFIED, pod("web-1"))) is None
    assert state.apply(event(ADDED, pod("web-1"))) is None


def test_identical_object_without_resource_version_reports_no_change():
    state = ClusterState()
    bare = {"kind": "ConfigMap", "metadata": {"name": "c", "namespace": "shop"}, "data": {}}
    state.upsert(dict(bare, metadata=dict(bare["metadata"])))
    assert state.upsert(dict(bare, metadata=dict(bare["metadata"]))) is None


def test_replace_reports_adds_modifies_and_deletes_and_records_the_list_version():
    state = ClusterState()
    state.replace("Pod", [pod("keep"), pod("change"), pod("gone")], "10")
    changed = pod("change", resourceVersion="2")
    changes = state.replace("Pod", [pod("keep"), changed, pod("new")], "20")
    assert sorted((c.type, c.name) for c in changes) == [
        (ADDED, "new"),
        (DELETED, "gone"),
        (MODIFIED, "change"),
    ]
    assert state.resource_versions["Pod"] == "20"
    assert names(state.list("Pod")) == ["keep", "change", "new"]


def test_replace_with_objects_identical_to_those_held_reports_no_change():
    state = ClusterState()
    state.replace("Pod", [pod("a"), pod("b")])
    assert state.replace("Pod", [pod("a"), pod("b")]) == []


def test_replace_leaves_other_kinds_alone():
    state = ClusterState()
    state.upsert(obj("ConfigMap", "settings"))
    state.replace("Pod", [])
    assert state.get("ConfigMap", "shop", "settings") is not None


def test_namespaced_object_without_namespace_is_held_in_default_and_deleted_from_there():
    state = ClusterState()
    change = state.apply(event(ADDED, obj("ConfigMap", "settings", namespace=None)))
    assert change.ref == ("ConfigMap", "default", "settings")
    assert names(state.list("ConfigMap", "default")) == ["settings"]
    gone = state.apply(event(DELETED, obj("ConfigMap", "settings", namespace=None)))
    assert gone is not None and state.count("ConfigMap") == 0


def test_cluster_scoped_object_is_held_without_a_namespace_even_if_given_one():
    state = ClusterState()
    state.upsert(obj("Node", "node-a", namespace="default"))
    assert state.get("Node", "", "node-a") is not None
    assert names(state.list("Node", "default")) == []
    assert names(state.list("Node", "")) == ["node-a"]


def test_object_without_name_is_ignored_with_a_warning(caplog):
    state = ClusterState()
    with caplog.at_level(logging.WARNING, logger="explorer.state.cluster_state"):
        assert state.upsert({"kind": "Pod", "metadata": {"namespace": "shop"}}) is None
    assert len(state) == 0
    assert "without metadata.name" in caplog.text


def test_event_without_kind_needs_one_given():
    with pytest.raises(ValueError, match="no kind"):
        ClusterState().apply(event(ADDED, {"metadata": {"name": "x"}}))
    change = ClusterState().apply(event(ADDED, {"metadata": {"name": "x"}}), kind="Namespace")
    assert change.object["kind"] == "Namespace" and change.object["apiVersion"] == "v1"


def test_node_index_follows_a_pod_that_moves_to_another_node_and_is_deleted():
    state = ClusterState()
    state.upsert(pod("web-1", node="node-a"))
    state.upsert(pod("web-2", node="node-a"))
    state.upsert(pod("pending", node=None))
    assert names(state.pods_on_node("node-a")) == ["web-1", "web-2"]
    state.upsert(pod("web-1", node="node-b", resourceVersion="2"))
    assert names(state.pods_on_node("node-a")) == ["web-2"]
    assert names(state.pods_on_node("node-b")) == ["web-1"]
    state.upsert(pod("pending", node="node-b", resourceVersion="2"))
    assert names(state.pods_on_node("node-b")) == ["pending", "web-1"]
    state.delete("Pod", "shop", "web-1")
    assert names(state.pods_on_node("node-b")) == ["pending"]


def test_owner_index_and_chain_follow_a_change_of_owner_and_deletions():
    state = ClusterState()
    deployment = obj("Deployment", "web")
    rs_old = obj(
        "ReplicaSet",
        "web-1",
        metadata={"ownerReferences": [{"uid": "uid-Deployment-web", "controller": True}]},
    )
    state.upsert(deployment)
    state.upsert(rs_old)
    state.upsert(obj("ReplicaSet", "web-2"))
    state.upsert(pod("web-1-abc", owner="uid-ReplicaSet-web-1"))
    owned = state.get("Pod", "shop", "web-1-abc")
    assert names(state.owner_chain(owned)) == ["web-1", "web"]
    assert names(state.children("uid-ReplicaSet-web-1")) == ["web-1-abc"]

    state.upsert(pod("web-1-abc", owner="uid-ReplicaSet-web-2", resourceVersion="2"))
    assert state.children("uid-ReplicaSet-web-1") == []
    assert names(state.children("uid-ReplicaSet-web-2")) == ["web-1-abc"]
    assert names(state.owner_chain(state.get("Pod", "shop", "web-1-abc"))) == ["web-2"]

    state.delete("Pod", "shop", "web-1-abc")
    assert state.children("uid-ReplicaSet-web-2") == []
    state.delete("Deployment", "shop", "web")
    assert state.owner_chain(state.get("ReplicaSet", "shop", "web-1")) == []


def test_service_reaches_pods_through_its_endpoint_slices_as_they_change():
    state = ClusterState()
    for name in ("web-1", "web-2", "web-3"):
        state.upsert(pod(name))
    state.upsert(slice_for("web", "web-abc", "web-1", "web-2"))
    state.upsert(slice_for("web", "web-def", "web-3"))
    assert names(endpoint_slices_for_service(state, "shop", "web")) == ["web-abc", "web-def"]
    assert sorted(names(pods_for_service(state, "shop", "web"))) == ["web-1", "web-2", "web-3"]

    state.upsert(slice_for("other", "web-def", "web-3"))  # relabelled to another Service
    assert names(endpoint_slices_for_service(state, "shop", "web")) == ["web-abc"]
    assert names(pods_for_service(state, "shop", "other")) == ["web-3"]

    state.delete("Pod", "shop", "web-2")
    assert names(pods_for_service(state, "shop", "web")) == ["web-1"]
    state.delete("EndpointSlice", "shop", "web-abc")
    assert pods_for_service(state, "shop", "web") == []


def test_claim_and_volume_find_each_other_through_binding_changes():
    state = ClusterState()
    claim_ref = {"kind": "PersistentVolumeClaim", "namespace": "shop", "name": "data"}
    state.upsert(obj("PersistentVolume", "pv-1", namespace=None, spec={"claimRef": claim_ref}))
    state.upsert(obj("PersistentVolumeClaim", "data", spec={}))
    assert state.volume_for_claim("shop", "data")["metadata"]["name"] == "pv-1"

    # once bound, the claim names its volume and that wins
    state.upsert(obj("PersistentVolume", "pv-2", namespace=None, spec={}))
    state.upsert(obj("PersistentVolumeClaim", "data", spec={"volumeName": "pv-2"}))
    assert state.volume_for_claim("shop", "data")["metadata"]["name"] == "pv-2"

    state.upsert(obj("PersistentVolumeClaim", "logs", spec={}))
    state.upsert(
        obj(
            "PersistentVolume",
            "pv-1",
            namespace=None,
            spec={"claimRef": {"namespace": "shop", "name": "logs"}},
            metadata={"resourceVersion": "2"},
        )
    )
    assert state.volume_for_claim("shop", "logs")["metadata"]["name"] == "pv-1"
    state.delete("PersistentVolume", "", "pv-1")
    assert state.volume_for_claim("shop", "logs") is None


def test_namespace_index_lists_every_kind_and_forgets_deleted_objects():
    state = ClusterState()
    state.upsert(pod("web-1"))
    state.upsert(obj("ConfigMap", "settings"))
    state.upsert(obj("ConfigMap", "elsewhere", namespace="other"))
    assert names(state.list("ConfigMap", "shop")) == ["settings"]
    assert names(state.list("Pod", "shop")) == ["web-1"]
    assert names(state.list("ConfigMap", "other")) == ["elsewhere"]
    state.delete("ConfigMap", "shop", "settings")
    assert names(state.list("Pod", "shop")) == ["web-1"]
    assert names(state.list("ConfigMap", "shop")) == []


def test_uid_index_follows_an_object_recreated_with_a_new_uid():
    state = ClusterState()
    state.upsert(pod("web-1"))
    recreated = pod("web-1", uid="uid-new", resourceVersion="9")
    state.replace("Pod", [recreated])
    assert state.by_uid("uid-Pod-web-1") is None
    assert state.by_uid("uid-new")["metadata"]["name"] == "web-1"
    state.delete("Pod", "shop", "web-1")
    assert state.by_uid("uid-new") is None


def test_owner_reference_without_uid_makes_no_children_of_the_empty_uid():
    state = ClusterState()
    state.upsert(obj("Pod", "orphan", metadata={"ownerReferences": [{"kind": "ReplicaSet"}]}))
    assert state.children("") == []
