"""Equal parts of held objects kept once (explorer/state/shared_parts.py): the objects read as
before, every view of the demo draws the same model, and no view changes a shared part."""

from __future__ import annotations

import sys
from datetime import UTC, datetime

import orjson
import pytest

from explorer.demo import build_demo
from explorer.state.cluster_state import ClusterState
from explorer.state.shared_parts import SharedParts
from explorer.viewmodels.registry import VIEWS

from .views_of_the_demo import copied, every_view_with_its_params, model_of

MOMENT = datetime(2026, 12, 7, 3, 12, tzinfo=UTC)


def _copied(demo: ClusterState, *, share_parts: bool) -> ClusterState:
    """The demo's objects as a watcher would take them in: parsed afresh from their JSON."""
    return copied(demo, ClusterState("demo", share_parts=share_parts))


@pytest.fixture(scope="module")
def demo() -> ClusterState:
    return build_demo(nodes=6, now=MOMENT)


def _deep_size(obj: object, seen: set[int]) -> int:
    if id(obj) in seen:
        return 0
    seen.add(id(obj))
    size = sys.getsizeof(obj)
    if isinstance(obj, dict):
        size += sum(_deep_size(k, seen) + _deep_size(v, seen) for k, v in obj.items())
    elif isinstance(obj, list):
        size += sum(_deep_size(v, seen) for v in obj)
    return size


def _pods_size(state: ClusterState) -> int:
    seen: set[int] = set()
    return sum(_deep_size(pod, seen) for pod in state.list("Pod"))


def _token_volume(pod: dict) -> str:
    return next(v["name"] for v in pod["spec"]["volumes"] if v["name"].startswith("kube-api"))


def test_replicas_of_a_pod_hold_one_copy_of_their_equal_parts(demo: ClusterState) -> None:
    state = _copied(demo, share_parts=True)
    web = [
        p
        for p in state.list("Pod", "shop")
        if p["metadata"].get("generateName", "").startswith("web-")
    ]
    first, second = web[0], web[1]

    assert first["metadata"]["labels"] is second["metadata"]["labels"]
    assert first["metadata"]["ownerReferences"] is second["metadata"]["ownerReferences"]
    assert first["spec"]["tolerations"] is second["spec"]["tolerations"]
    assert (
        first["spec"]["containers"][0]["resources"] is second["spec"]["containers"][0]["resources"]
    )
    assert first["spec"]["containers"][0]["image"] is second["spec"]["containers"][0]["image"]
    config = [v for v in first["spec"]["volumes"] if v["name"] == "config"]
    assert config and config[0] is second["spec"]["volumes"][0]  # an equal volume, once
    # what is a pod's own stays its own, its token volume's name one string in all its mounts
    assert first["metadata"]["uid"] != second["metadata"]["uid"]
    assert _token_volume(first) != _token_volume(second)
    token = _token_volume(first)
    mounts = [m for m in first["spec"]["containers"][0]["volumeMounts"] if m["name"] == token]
    assert mounts and mounts[0]["name"] is next(
        v["name"] for v in first["spec"]["volumes"] if v["name"] == token
    )


def test_a_replica_set_s_template_shares_its_parts_with_its_pods(demo: ClusterState) -> None:
    state = _copied(demo, share_parts=True)
    pod = next(p for p in state.list("Pod", "shop") if p["metadata"]["name"].startswith("web-"))
    owner = pod["metadata"]["ownerReferences"][0]["name"]
    replica_set = state.get("ReplicaSet", "shop", owner)
    assert replica_set is not None
    template = replica_set["spec"]["template"]

    assert template["metadata"]["labels"] is pod["metadata"]["labels"]
    assert (
        template["spec"]["containers"][0]["resources"] is pod["spec"]["containers"][0]["resources"]
    )
    assert template["spec"]["containers"][0]["image"] is pod["spec"]["containers"][0]["image"]


def test_endpoints_share_their_conditions_and_ports(demo: ClusterState) -> None:
    state = _copied(demo, share_parts=True)
    endpoints = [
        e for s in state.list("EndpointSlice") for e in s.get("endpoints") or () if e["conditions"]
    ]
    ready = [
        e["conditions"]
        for e in endpoints
        if e["conditions"] == {"ready": True, "serving": True, "terminating": False}
    ]

    assert len(ready) > 1 and all(c is ready[0] for c in ready)


def test_nodes_share_their_images_and_capacities_and_take_under_two_thirds_their_size(
    demo: ClusterState,
) -> None:
    plain = _copied(demo, share_parts=False)
    state = _copied(demo, share_parts=True)
    held: dict[bytes, dict] = {}
    images = [i for n in state.list("Node") for i in n["status"]["images"]]
    for image in images:
        assert image is held.setdefault(orjson.dumps(image), image)
    assert len(held) < len(images)  # nodes pulled some of the same images
    capacities = [n["status"]["capacity"] for n in state.list("Node")]
    assert all(c is capacities[0] for c in capacities if c == capacities[0])
    seen: set[int] = set()
    shared_size = sum(_deep_size(n, seen) for n in state.list("Node"))
    seen = set()
    assert shared_size < sum(_deep_size(n, seen) for n in plain.list("Node")) * 2 / 3


def test_the_objects_read_exactly_as_the_ones_taken_in(demo: ClusterState) -> None:
    plain = _copied(demo, share_parts=False)
    shared = _copied(demo, share_parts=True)

    for kind in demo.kinds():
        assert orjson.dumps(list(shared.list(kind))) == orjson.dumps(list(plain.list(kind))), kind


def test_a_bigger_demo_s_pods_take_under_half_their_unshared_size() -> None:
    bigger = build_demo(nodes=30, pods_per_node=20, now=MOMENT)
    plain = _copied(bigger, share_parts=False)
    shared = _copied(bigger, share_parts=True)

    assert _pods_size(shared) < _pods_size(plain) / 2


def test_every_view_draws_the_same_model_and_changes_no_shared_part(demo: ClusterState) -> None:
    plain = _copied(demo, share_parts=False)
    shared = _copied(demo, share_parts=True)
    views = every_view_with_its_params(plain)
    assert len({name for name, _ in views}) == len(VIEWS)  # a new view joins this test

    for name, params in views:
        assert model_of(shared, name, params) == model_of(plain, name, params), (name, params)
    assert shared.parts is not None and shared.parts.altered() == []


def test_a_changed_pod_leaves_the_parts_other_pods_share_as_they_were(
    demo: ClusterState,
) -> None:
    state = _copied(demo, share_parts=True)
    first, second = [
        p for p in state.list("Pod", "shop") if p["metadata"]["name"].startswith("web-")
    ][:2]
    before = orjson.dumps(second)
    changed = orjson.loads(orjson.dumps(first))
    changed["spec"]["tolerations"].append({"key": "new", "operator": "Exists"})
    changed["spec"]["containers"][0]["resources"]["limits"] = {"cpu": "9"}

    state.upsert(changed)

    assert orjson.dumps(second) == before
    held = state.get("Pod", "shop", first["metadata"]["name"])
    assert held is not None and held["spec"]["tolerations"][-1]["key"] == "new"
    assert state.parts is not None and state.parts.altered() == []


def test_parts_no_held_object_points_at_are_swept(demo: ClusterState) -> None:
    state = _copied(demo, share_parts=True)
    parts = state.parts
    assert parts is not None
    parts.sweep()
    held = len(parts)
    for pod in list(state.list("Pod")):
        state.delete("Pod", pod["metadata"]["namespace"], pod["metadata"]["name"])

    swept = parts.sweep()

    assert swept > 0 and len(parts) == held - swept
    assert parts.sweep() == 0  # what is left is held by the other kinds' objects


def test_a_part_that_is_not_json_is_kept_as_it_is() -> None:
    parts = SharedParts()
    odd = {"metadata": {"name": "x", "labels": {1: "an int key, as YAML may give"}}}

    parts.share("ConfigMap", odd)
    parts.share(
        "ConfigMap", {"metadata": {"name": "y", "labels": {1: "an int key, as YAML may give"}}}
    )

    assert odd["metadata"]["labels"] == {1: "an int key, as YAML may give"}
    assert len(parts) == 0


def test_a_list_shared_page_by_page_is_held_as_if_shared_whole_and_not_shared_twice(
    demo: ClusterState,
) -> None:
    pods = orjson.loads(orjson.dumps(list(demo.list("Pod"))))
    half = len(pods) // 2
    first_page, second_page = pods[:half], pods[half:]
    state = ClusterState("demo", share_parts=True)
    state.share_page("Pod", first_page)
    state.share_page("Pod", second_page)
    # the second page's replicas point at the parts the first page brought, before the list is in
    tolerations = {id(p["spec"]["tolerations"]) for p in pods if p["spec"].get("tolerations")}
    assert len(tolerations) < len([p for p in pods if p["spec"].get("tolerations")]) / 2

    shared_again: list[str] = []
    share = state.parts.share
    state.parts.share = lambda kind, obj: (shared_again.append(kind), share(kind, obj))
    state.replace("Pod", pods)

    assert shared_again == []
    assert list(state.list("Pod")) == list(demo.list("Pod"))
    state.replace("Pod", orjson.loads(orjson.dumps(pods)))  # a relist without pages
    assert shared_again == []  # every pod equal to the one held: nothing taken in
    changed = orjson.loads(orjson.dumps(pods[0]))
    changed["metadata"]["labels"] = {"moved": "yes"}
    state.replace("Pod", [changed, *pods[1:]])
    assert shared_again == ["Pod"]
