"""Kinds held packed (explorer/state/packed.py) and the records kept beside them
(explorer/state/records.py): read as fresh dicts equal to what was taken in, changes said as
before, records that follow every change, every view of the demo drawn exactly as from plain
objects, the held Events a fraction of their plain size, and checkpoints written from the
packed JSON."""

from __future__ import annotations

import time
import tracemalloc
from datetime import UTC, datetime

import orjson
import pytest

from explorer.demo import build_demo
from explorer.lib.choices import ADDED, DELETED, MODIFIED
from explorer.state.as_of import state_as_of
from explorer.state.change_log import Retention
from explorer.state.cluster_state import ClusterState
from explorer.state.packed import PACKED_KINDS, Packed, PackedObjects
from explorer.state.recorder_files import read_checkpoint, write_checkpoint
from explorer.state.records import event_record, record_by_uid, records
from explorer.state.state_dump import captured, restore_state
from explorer.state.store import ClusterStates

from .views_of_the_demo import copied, every_view_with_its_params, listed, model_of

MOMENT = datetime(2026, 12, 7, 3, 12, tzinfo=UTC)


def event(name: str, reason: str, about: str, last: str, count: int = 1) -> dict:
    return {
        "kind": "Event",
        "metadata": {"name": name, "namespace": "shop", "uid": f"uid-{name}"},
        "involvedObject": {"kind": "Pod", "namespace": "shop", "name": about, "uid": f"p-{about}"},
        "reason": reason,
        "message": f"{reason} {about}",
        "count": count,
        "lastTimestamp": last,
        "type": "Normal",
    }


@pytest.fixture(scope="module")
def demo() -> ClusterState:
    return build_demo(nodes=6, now=MOMENT)


def test_the_app_s_states_pack_events_endpoints_slices_pods_and_replicated_controllers() -> None:
    assert {
        "Event",
        "Endpoints",
        "EndpointSlice",
        "Pod",
        "ReplicaSet",
        "Deployment",
    } <= PACKED_KINDS
    assert ClusterState.compact("c").packed == PACKED_KINDS
    with ClusterStates(["c"]).read("c") as watched:
        assert watched.packed == PACKED_KINDS


def test_a_packed_object_reads_as_a_fresh_dict_equal_to_the_one_taken_in() -> None:
    state = ClusterState.compact("c")
    taken = event("e1", "Pulled", "web-1", "2026-12-07T03:00:00Z")
    state.upsert(orjson.loads(orjson.dumps(taken)), "Event")

    first = state.get("Event", "shop", "e1")
    first["reason"] = "changed by a reader"
    again = state.get("Event", "shop", "e1")
    assert again == {**taken, "apiVersion": "v1"} and again is not first
    assert list(state.list("Event")) == [again] == list(state.list("Event", "shop"))


def test_packed_changes_say_what_was_held_and_an_equal_object_changes_nothing() -> None:
    state = ClusterState.compact("c")
    first = event("e1", "Pulled", "web-1", "2026-12-07T03:00:00Z")
    assert state.upsert(dict(first), "Event").type == ADDED
    assert state.upsert(orjson.loads(orjson.dumps(first)), "Event") is None

    again = event("e1", "Pulled", "web-1", "2026-12-07T03:05:00Z", count=2)
    change = state.upsert(again, "Event")
    assert change.type == MODIFIED and change.old["count"] == 1 and change.object["count"] == 2
    gone = state.delete("Event", "shop", "e1")
    assert gone.type == DELETED and gone.old["count"] == 2
    assert state.get("Event", "shop", "e1") is None and state.count("Event") == 0


def test_records_follow_adds_changes_deletes_and_relists() -> None:
    state = ClusterState.compact("c")
    state.replace("Event", [event("e1", "Pulled", "a", "T1"), event("e2", "Killing", "b", "T2")])
    state.upsert(event("e1", "Pulled", "a", "T3", count=2), "Event")
    state.delete("Event", "shop", "e2")
    state.upsert(event("e3", "Started", "c", "T4"), "Event")

    assert sorted(records(state, "Event")) == sorted(map(event_record, state.list("Event")))
    assert [r.time for r in sorted(records(state, "Event", "shop"))] == ["T3", "T4"]
    assert list(records(state, "Event", "elsewhere")) == []
    state.replace("Event", [event("e4", "Pulled", "d", "T5")])
    assert [r.name for r in records(state, "Event")] == ["e4"]


def test_a_record_finds_an_event_by_uid_else_by_kind_namespace_and_name() -> None:
    record = event_record(event("e1", "Pulled", "web-1", "T1"))
    assert record.involves("Pod", "shop", "web-1", "p-web-1")
    assert not record.involves("Pod", "shop", "web-1", "p-another-web-1")  # a pod of that name
    assert record.involves("Pod", "shop", "web-1")
    assert not record.involves("Pod", "other", "web-1")


def test_records_as_of_an_earlier_moment_are_of_the_events_as_they_were() -> None:
    states = ClusterStates(["c1"], Retention(in_flight_seconds=0.5))
    states.replace("c1", "Event", [event("e1", "Pulled", "a", "T1")], "1")
    before = time.time()
    time.sleep(0.01)
    states.event("c1", "Event", {"type": "MODIFIED", "object": event("e1", "Pulled", "a", "T2")})
    states.event("c1", "Event", {"type": "ADDED", "object": event("e2", "Started", "a", "T3")})

    with states.read("c1") as state:
        then = state_as_of(state, before)
        assert [(r.name, r.time) for r in records(then, "Event")] == [("e1", "T1")]
        assert sorted(r.time for r in records(state, "Event")) == ["T2", "T3"]


def _event_views(demo: ClusterState) -> list[tuple[str, dict[str, str]]]:
    """The views that pick Events by their records, scoped every way they can be."""
    about = next(demo.list("Event"))["involvedObject"]
    return [
        ("events", {"namespace": "*", "object": "*"}),
        ("events", {"namespace": "shop", "object": "*"}),
        ("events", {"namespace": "*", "object": "Node/demo-worker"}),
        ("events", {"namespace": about["namespace"], "object": f"{about['kind']}/{about['name']}"}),
        ("scheduling-history", {}),
    ]


def test_the_compact_state_draws_every_view_of_the_demo_exactly_as_plain_objects_do(
    demo: ClusterState,
) -> None:
    plain = copied(demo, ClusterState("demo"))
    compact = copied(demo, ClusterState.compact("demo"))
    assert compact.count("Event") > 100 and compact.count("Endpoints") > 5

    for name, params in every_view_with_its_params(plain) + _event_views(plain):
        assert model_of(compact, name, params) == model_of(plain, name, params), (name, params)
    for kind in demo.kinds():
        assert orjson.dumps(list(compact.list(kind))) == orjson.dumps(list(plain.list(kind)))


def test_a_compact_state_listed_from_json_pages_draws_every_view_as_plain_objects_do(
    demo: ClusterState,
) -> None:
    """The watcher's way in: pods, Events and Endpoints as their JSON, page by page
    (explorer/state/listed_json.py), the other kinds parsed."""
    plain = copied(demo, ClusterState("demo"))
    compact = listed(demo, ClusterState.compact("demo"))
    assert {"Pod", "Event", "Endpoints"} <= {
        kind for kind in demo.kinds() if compact.takes_json(kind)
    }
    for name, params in every_view_with_its_params(plain) + _event_views(plain):
        assert model_of(compact, name, params) == model_of(plain, name, params), (name, params)
    for kind in demo.kinds():
        assert list(compact.list(kind)) == list(plain.list(kind)), kind


def _held_bytes(demo: ClusterState, state: ClusterState, kind: str) -> float:
    """What `state` holds a demo object of `kind` (traced Python allocations), once it holds
    some: the first half are listed, the bytes each of the rest adds measured."""
    objects = list(demo.list(kind))
    half = len(objects) // 2
    state.replace(kind, orjson.loads(orjson.dumps(objects[:half])))
    rest = orjson.dumps(objects[half:])
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for obj in orjson.loads(rest):
            state.upsert(obj, kind)
        return (tracemalloc.get_traced_memory()[0] - before) / (len(objects) - half)
    finally:
        tracemalloc.stop()


def test_packed_events_take_under_half_of_what_shared_dicts_take(demo: ClusterState) -> None:
    shared = _held_bytes(demo, ClusterState("demo", share_parts=True), "Event")
    packed = _held_bytes(demo, ClusterState.compact("demo"), "Event")
    assert packed < shared / 2, (packed, shared)  # 893 vs 2,211 bytes: indexes are the rest


def test_packed_pods_with_their_records_take_under_a_third_of_what_shared_dicts_take() -> None:
    demo = build_demo(nodes=20, pods_per_node=20, now=MOMENT)  # 20 pods a template, as at scale
    shared = _held_bytes(demo, ClusterState("demo", share_parts=True), "Pod")
    packed = _held_bytes(demo, ClusterState.compact("demo"), "Pod")
    assert packed < shared / 3, (packed, shared)  # 1.7 vs 7.6 KB


def test_packed_replica_sets_and_deployments_take_under_half_of_what_shared_dicts_take() -> None:
    demo = build_demo(nodes=60, pods_per_node=30, now=MOMENT)  # 154 of each
    for kind in ("ReplicaSet", "Deployment"):
        shared = _held_bytes(demo, ClusterState("demo", share_parts=True), kind)
        packed = _held_bytes(demo, ClusterState.compact("demo"), kind)
        assert packed < shared / 2, (kind, packed, shared)  # 1.8 and 1.4 vs 4.9 and 5.5 KB


def test_a_replica_set_s_owner_is_read_from_its_record_as_from_the_object(
    demo: ClusterState,
) -> None:
    plain = copied(demo, ClusterState("demo"))
    compact = copied(demo, ClusterState.compact("demo"))
    replica_sets = list(plain.list("ReplicaSet"))
    assert len(replica_sets) > 5
    for rs in replica_sets:
        ref = rs["metadata"]["ownerReferences"][0]
        owner = (ref["kind"], ref["name"], ref["uid"])
        assert record_by_uid(compact, rs["metadata"]["uid"]).controller == owner
        assert record_by_uid(plain, rs["metadata"]["uid"]).controller == owner
    deployment = next(plain.list("Deployment"))
    assert record_by_uid(compact, deployment["metadata"]["uid"]).controller is None
    a_node = next(plain.list("Node"))
    assert record_by_uid(compact, a_node["metadata"]["uid"]) is None  # no records of Nodes


def test_the_workload_hierarchy_hangs_pods_under_their_deployment_unpacking_no_replica_set(
    demo: ClusterState, monkeypatch
) -> None:
    compact = copied(demo, ClusterState.compact("demo"))
    model_of(compact, "hierarchy", {"namespace": "*", "size": "count"})  # the packers exist
    unpacked: list[bytes] = []
    packer = compact._packers["ReplicaSet"]
    unpack = packer.unpack
    monkeypatch.setattr(packer, "unpack", lambda blob: unpacked.append(blob) or unpack(blob))

    model = orjson.loads(model_of(compact, "hierarchy", {"namespace": "shop", "size": "count"}))
    assert any(key.startswith("ns/shop/Deployment/") for key in model["sectors"])
    assert unpacked == []


@pytest.mark.parametrize(
    ("view", "params"),
    [
        ("service-chains", {"node": "demo-worker", "service": "shop/web"}),
        ("packet-trace", {"source": "pod:shop/db-0", "destination": "10.96.178.167:80/tcp"}),
        ("network-index", {}),
    ],
)
def test_the_network_pages_read_endpoint_slices_from_their_records_unpacking_none(
    demo: ClusterState, monkeypatch, view, params
) -> None:
    compact = copied(demo, ClusterState.compact("demo"))
    plain = copied(demo, ClusterState("demo"))
    unpacked: list[bytes] = []
    packer = compact._packers["EndpointSlice"]
    unpack = packer.unpack
    monkeypatch.setattr(packer, "unpack", lambda blob: unpacked.append(blob) or unpack(blob))

    assert model_of(compact, view, params) == model_of(plain, view, params)
    assert unpacked == []


def test_a_packed_kind_s_list_is_packed_page_by_page_and_its_changes_carry_it_packed(
    demo: ClusterState,
) -> None:
    pods = orjson.loads(orjson.dumps(list(demo.list("Pod"))))
    state = ClusterState.compact("demo")
    listed: list = []
    for start in range(0, len(pods), 10):  # as the reflector hands pages to the store
        page = pods[start : start + 10]
        state.share_page("Pod", page)
        assert not any(isinstance(obj, dict) for obj in page)  # each taken in as held
        listed += page

    changes = state.replace("Pod", listed)
    assert len(changes) == len(pods) and all(c.type == ADDED for c in changes)
    assert all(isinstance(c.held_object, Packed) for c in changes)  # none unpacked for it
    assert changes[0].object == state.get("Pod", changes[0].namespace, changes[0].name)
    assert list(state.list("Pod")) == list(demo.list("Pod"))
    assert sorted(records(state, "Pod")) == sorted(records(demo, "Pod"))


def test_the_change_log_keeps_a_packed_kind_packed_and_reads_it_whole() -> None:
    states = ClusterStates(["c"], retention=Retention())
    pod = {"kind": "Pod", "metadata": {"name": "web-1", "namespace": "shop", "uid": "u1"}}
    states.replace("c", "Pod", [dict(pod)], "1")
    moved = {**pod, "spec": {"nodeName": "n1"}}
    states.event("c", "Pod", {"type": "MODIFIED", "object": orjson.loads(orjson.dumps(moved))})

    with states.read("c") as state:
        (entry,) = state.change_log.in_memory()
    assert isinstance(entry.held_before, Packed) and isinstance(entry.held_after, Packed)
    assert entry.before == {**pod, "apiVersion": "v1"}
    assert entry.after == {**moved, "apiVersion": "v1"}


def test_a_checkpoint_takes_packed_events_as_they_are_held_and_writes_them_whole(tmp_path) -> None:
    state = ClusterState.compact("c")
    events = [event(f"e{i}", "Pulled", f"web-{i}", f"2026-12-07T03:00:{i:02}Z") for i in range(30)]
    state.replace("Event", orjson.loads(orjson.dumps(events)))
    state.replace("Pod", [{"kind": "Pod", "metadata": {"name": "web-1", "namespace": "shop"}}])

    dump = captured(state)
    assert isinstance(dump["objects"]["Event"], PackedObjects)  # nothing unpacked under the lock
    path = write_checkpoint(tmp_path, 1.0, 1, dump)
    at, read = read_checkpoint(path)

    assert at == 1.0 and read["objects"]["Event"] == list(state.list("Event"))
    assert len(read["objects"]["Event"]) == 30 and read["objects"]["Pod"] == list(state.list("Pod"))
    assert list(restore_state(dump).list("Event")) == list(state.list("Event"))


def test_a_list_whose_pages_change_shape_gets_a_dictionary_for_them_and_relists_equal() -> None:
    demo = build_demo(nodes=60, pods_per_node=30, now=MOMENT)
    pods = sorted(
        demo.list("Pod"), key=lambda p: (p["metadata"]["namespace"], p["metadata"]["name"])
    )
    state = ClusterState.compact("demo")
    listed: list = []
    for start in range(0, len(pods), 200):  # in the API's order: kube-system's first
        page = orjson.loads(orjson.dumps(pods[start : start + 200]))
        state.share_page("Pod", page)
        listed += page
    state.replace("Pod", listed)

    blobs = [taken.blob for taken in listed]
    assert state._packers["Pod"].dictionaries > 1
    assert sum(map(len, blobs)) / len(blobs) < 450  # ~800 against the first page's dictionary
    assert list(state.list("Pod")) == pods
    relisted = state.replace("Pod", orjson.loads(orjson.dumps(pods)))  # packed against the last
    assert relisted == [] and list(state.list("Pod")) == pods  # an equal pod changes nothing


@pytest.mark.parametrize(
    "pod",
    [
        {"metadata": {"name": "p"}, "status": [{"phase": "Running"}]},
        {"metadata": {"name": "p", "labels": ["a"], "ownerReferences": {"kind": "x"}}, "spec": "x"},
        {
            "metadata": {"name": "p"},
            "spec": {"containers": 3, "volumes": "v", "initContainers": [1]},
        },
        {
            "metadata": {"name": "p"},
            "status": {
                "conditions": {"type": "PodScheduled"},
                "containerStatuses": [{"restartCount": "9", "state": "running"}, 7],
                "podIPs": "10.0.0.1",
            },
        },
    ],
)
def test_a_pod_of_any_shape_is_held_with_a_record_of_what_it_says(pod: dict) -> None:
    state = ClusterState.compact("c")
    state.upsert(orjson.loads(orjson.dumps({**pod, "kind": "Pod"})), "Pod")

    (found,) = records(state, "Pod")
    assert (found.name, found.node, found.restarts, found.claims, found.ips) == ("p", "", 0, (), ())
    assert isinstance(found.labels, dict) and found.owners == []
