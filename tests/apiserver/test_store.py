"""ApiStore: versions, identity, no-op updates, deletes, Secret values, node facts."""

from __future__ import annotations

import copy
import threading

from explorer.apiserver import ApiStore
from explorer.state.cluster_state import ClusterState

from .objects import pod, secret, small_cluster


def test_wrapping_a_state_gives_every_object_a_distinct_version_uid_and_creation_time() -> None:
    store = ApiStore(small_cluster())
    objects = [obj for kind in store.state.kinds() for obj in store.state.list(kind)]
    versions = [int(o["metadata"]["resourceVersion"]) for o in objects]
    assert sorted(versions) == list(range(1, len(objects) + 1))
    assert store.resource_version == len(objects)
    assert all(o["metadata"]["uid"] and o["metadata"]["creationTimestamp"] for o in objects)
    assert all(o["apiVersion"] for o in objects)


def test_objects_with_numeric_versions_keep_them_and_the_counter_starts_above() -> None:
    state = ClusterState()
    known = pod("default", "a", "n1")
    known["metadata"]["resourceVersion"] = "4711"
    state.upsert(known)
    state.upsert(pod("default", "b", "n1"))
    store = ApiStore(state)
    assert store.get("Pod", "default", "a")["metadata"]["resourceVersion"] == "4711"
    assert store.get("Pod", "default", "b")["metadata"]["resourceVersion"] == "4712"


def test_apply_assigns_the_next_version_and_keeps_uid_across_updates() -> None:
    store = ApiStore()
    added = store.apply({"type": "ADDED", "object": pod("default", "a", "n1")})
    assert added is not None and added.type == "ADDED" and added.rv == 1
    uid = added.object["metadata"]["uid"]
    changed = copy.deepcopy(added.object)
    changed["status"]["phase"] = "Succeeded"
    del changed["metadata"]["uid"]
    modified = store.apply({"type": "MODIFIED", "object": changed})
    assert (modified.type, modified.rv, modified.object["metadata"]["uid"]) == ("MODIFIED", 2, uid)
    assert modified.old is added.object


def test_an_update_that_changes_nothing_is_not_an_event() -> None:
    store = ApiStore()
    store.apply({"type": "ADDED", "object": pod("default", "a", "n1")})
    same = copy.deepcopy(store.get("Pod", "default", "a"))
    same["metadata"]["resourceVersion"] = "999"
    assert store.apply({"type": "MODIFIED", "object": same}) is None
    assert store.resource_version == 1


def test_deleting_a_missing_object_is_ignored_and_a_delete_gets_its_own_version() -> None:
    store = ApiStore()
    assert store.apply({"type": "DELETED", "object": pod("default", "ghost", None)}) is None
    store.apply({"type": "ADDED", "object": pod("default", "a", "n1")})
    deleted = store.apply({"type": "DELETED", "object": pod("default", "a", None)})
    assert deleted.type == "DELETED" and deleted.object["metadata"]["resourceVersion"] == "2"
    assert store.get("Pod", "default", "a") is None
    assert store.page("Pod", None).items == []


def test_apply_does_not_touch_the_callers_object() -> None:
    store = ApiStore()
    mine = pod("default", "a", "n1")
    before = copy.deepcopy(mine)
    store.apply({"type": "ADDED", "object": mine})
    assert mine == before


def test_secret_values_are_never_held() -> None:
    store = ApiStore()
    store.apply({"type": "ADDED", "object": secret("default", "s")})
    held = store.get("Secret", "default", "s")
    assert "data" not in held and held["type"] == "Opaque"


def test_pages_follow_key_order_with_namespaces_as_prefixes() -> None:
    store = ApiStore()
    for namespace, name in [("b", "x"), ("a-b", "y"), ("a", "z"), ("a", "b")]:
        store.apply({"type": "ADDED", "object": pod(namespace, name, "n1")})
    keys = [
        (o["metadata"]["namespace"], o["metadata"]["name"]) for o in store.page("Pod", None).items
    ]
    assert keys == [
        ("a-b", "y"),
        ("a", "b"),
        ("a", "z"),
        ("b", "x"),
    ]  # etcd's byte order of ns/name
    assert [o["metadata"]["name"] for o in store.page("Pod", "a").items] == ["b", "z"]


def test_concurrent_writers_get_unique_increasing_versions() -> None:
    store = ApiStore()

    def write(prefix: str) -> None:
        for i in range(200):
            store.apply({"type": "ADDED", "object": pod("default", f"{prefix}-{i}", "n1")})

    threads = [threading.Thread(target=write, args=(p,)) for p in "abcd"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    versions = sorted(int(o["metadata"]["resourceVersion"]) for o in store.page("Pod", None).items)
    assert versions == list(range(1, 801))


def test_node_facts_are_set_through_the_store() -> None:
    store = ApiStore()
    store.set_node_facts("n1", {"logs": {"default/a/app": "hello\n"}})
    assert store.node_fact("n1", "logs") == {"default/a/app": "hello\n"}
    assert store.node_fact("n2", "logs") is None
