"""The state as of an earlier moment: the changes logged since then undone, in what every read
sees (get, list, the pods of a node), and what was changing around a moment."""

from __future__ import annotations

import time

from explorer.state.as_of import in_flight, state_as_of
from explorer.state.change_log import Retention
from explorer.state.store import ClusterStates


def pod(name: str, node: str, ip: str, version: int = 1) -> dict:
    return {
        "kind": "Pod",
        "metadata": {
            "name": name,
            "namespace": "shop",
            "uid": f"uid-{name}",
            "resourceVersion": str(version),
        },
        "spec": {"nodeName": node},
        "status": {"podIP": ip, "podIPs": [{"ip": ip}]},
    }


def slice_of(service: str, version: int) -> dict:
    meta = {
        "name": f"{service}-abc",
        "namespace": "shop",
        "labels": {"kubernetes.io/service-name": service},
        "resourceVersion": str(version),
    }
    return {"kind": "EndpointSlice", "metadata": meta, "endpoints": []}


def watched() -> ClusterStates:
    states = ClusterStates(["c1"], Retention(in_flight_seconds=0.5))
    states.replace("c1", "Pod", [pod("a", "n1", "10.0.0.1")], "1")  # the first list: not logged
    states.replace("c1", "EndpointSlice", [slice_of("web", 1)], "1")
    return states


def test_a_state_as_of_before_changes_sees_the_objects_as_they_were() -> None:
    states = watched()
    before = time.time()
    time.sleep(0.01)
    states.event("c1", "Pod", {"type": "ADDED", "object": pod("b", "n1", "10.0.0.2", 2)})
    states.event("c1", "Pod", {"type": "MODIFIED", "object": pod("a", "n2", "10.0.0.1", 3)})

    with states.read("c1") as state:
        then = state_as_of(state, before)
        assert then.get("Pod", "shop", "b") is None
        assert then.get("Pod", "shop", "a")["spec"]["nodeName"] == "n1"
        assert [p["metadata"]["name"] for p in then.list("Pod", "shop")] == ["a"]
        assert [p["metadata"]["name"] for p in then.pods_on_node("n1")] == ["a"]
        assert then.pods_on_node("n2") == []
        assert then.count("Pod") == 1
        assert then.list("EndpointSlice") is not None and then.count("EndpointSlice") == 1
        now = state_as_of(state, time.time())
        assert sorted(p["metadata"]["name"] for p in now.list("Pod")) == ["a", "b"]


def test_a_deleted_object_is_there_again_as_of_before_its_deletion() -> None:
    states = watched()
    before = time.time()
    time.sleep(0.01)
    states.event("c1", "Pod", {"type": "DELETED", "object": pod("a", "n1", "10.0.0.1")})

    with states.read("c1") as state:
        assert state.get("Pod", "shop", "a") is None
        assert state_as_of(state, before).get("Pod", "shop", "a")["metadata"]["uid"] == "uid-a"


def test_what_changed_around_a_moment_is_in_flight_and_what_changed_long_after_is_not() -> None:
    states = watched()
    states.event("c1", "EndpointSlice", {"type": "MODIFIED", "object": slice_of("web", 2)})
    states.event("c1", "Pod", {"type": "DELETED", "object": pod("a", "n1", "10.0.0.1")})
    moment = time.time()

    with states.read("c1") as state:
        flying = in_flight(state, moment)
        assert flying.services == {"shop/web"}
        assert flying.pod_ips == {"10.0.0.1"} and flying.pod_uids == {"uid-a"}
        assert not in_flight(state, moment - 60)


def test_a_state_without_a_change_log_is_its_own_past() -> None:
    states = ClusterStates(["c1"])
    states.replace("c1", "Pod", [pod("a", "n1", "10.0.0.1")], "1")
    with states.read("c1") as state:
        assert state_as_of(state, 0) is state
        assert not in_flight(state, 0)
