"""The workload hierarchy reads the pods' records (explorer/state/records.py), not the pods: its
memo holds no pod dict, a pod is unpacked only to be drawn alone (once while its record stays the
same), and the model is the one the pods themselves give."""

from __future__ import annotations

import copy
import gc
import types
from collections.abc import Iterator

import orjson
import pytest

from explorer.demo.cluster import build_demo
from explorer.state.cluster_state import ClusterState
from explorer.state.packed import Packer
from explorer.state.records import record
from explorer.viewmodels.workloads import hierarchy as module
from explorer.viewmodels.workloads.hierarchy import hierarchy, update_hierarchy
from explorer.viewmodels.workloads.hierarchy_index import HierarchyIndex, Slim

from ...state.views_of_the_demo import copied

ALL = {"cluster": "demo", "namespace": "*", "size": "count"}
_NOT_HELD = (type, types.ModuleType, types.FunctionType, types.BuiltinFunctionType)


def _reachable(root: object) -> Iterator[object]:
    """Every object `root` holds, directly or not (classes, modules and functions aside)."""
    seen, todo = {id(root)}, [root]
    while todo:
        obj = todo.pop()
        yield obj
        for inner in gc.get_referents(obj):
            if id(inner) not in seen and not isinstance(inner, _NOT_HELD):
                seen.add(id(inner))
                todo.append(inner)


def _packs_pods(demo: ClusterState) -> ClusterState:
    """The demo's objects in a state that holds its pods packed, as it soon will."""
    return copied(demo, ClusterState("demo", share_parts=True, pack=frozenset({"Pod"})))


def _assert_holds_records_and_no_pod(memo: HierarchyIndex, state: ClusterState) -> None:
    held = list(_reachable(memo))
    pods = {id(pod) for pod in state.list("Pod")}  # a plain state's own dicts
    assert not [o for o in held if isinstance(o, dict) and ("metadata" in o or id(o) in pods)]
    slims = [o for o in held if isinstance(o, Slim)]
    assert len(slims) == state.count("Pod")
    assert all(s.record is record(state, "Pod", s.namespace, s.name) for s in slims)


def test_the_memo_holds_the_pods_records_and_no_pod_dict_after_a_build_and_an_update() -> None:
    state = build_demo(nodes=5)
    memo = HierarchyIndex()
    model = hierarchy(state, ALL, memo)
    assert model["header"]["detail"] == module.CONTAINERS  # every pod drawn alone
    _assert_holds_records_and_no_pod(memo, state)
    pod = copy.deepcopy(next(state.list("Pod", "shop")))
    pod["status"]["phase"] = "Failed"
    assert update_hierarchy(state, ALL, memo, [state.upsert(pod, "Pod")]) is not None
    _assert_holds_records_and_no_pod(memo, state)


@pytest.mark.parametrize(
    "params",
    [
        ALL,
        {**ALL, "namespace": "shop", "size": "cpu"},
        {**ALL, "size": "memory"},
        {**ALL, "root": "ns/shop/Deployment/web"},
    ],
)
@pytest.mark.parametrize("bound", [module.MAX_SECTORS, 40])
def test_a_model_of_the_demo_is_the_one_its_pods_copied_in_plain_or_packed_give(
    monkeypatch, params, bound
) -> None:
    monkeypatch.setattr(module, "MAX_SECTORS", bound)
    demo = build_demo(nodes=5)
    expected = orjson.dumps(hierarchy(demo, params))
    for state in (copied(demo, ClusterState("demo")), _packs_pods(demo)):
        assert orjson.dumps(hierarchy(state, params)) == expected


def test_with_pods_packed_a_build_unpacks_only_the_pods_it_draws_alone_once(monkeypatch) -> None:
    state = _packs_pods(build_demo(nodes=5))
    unpacked: list[str] = []
    unpack = Packer.unpack

    def counted(packer: Packer, packed: bytes) -> dict:
        obj = unpack(packer, packed)
        unpacked.append(obj["metadata"]["name"])
        return obj

    monkeypatch.setattr(Packer, "unpack", counted)
    memo = HierarchyIndex()
    model = hierarchy(state, ALL, memo)
    drawn = sorted(s["pod"].split("/")[1] for s in model["sectors"].values() if s["kind"] == "pod")
    assert drawn and sorted(unpacked) == drawn
    unpacked.clear()
    assert hierarchy(state, ALL, memo) == model and unpacked == []
    monkeypatch.setattr(module, "MAX_SECTORS", 40)  # folded: no pod drawn alone
    folded = hierarchy(state, ALL, memo)
    assert folded["header"]["detail"] != module.CONTAINERS
    assert not [s for s in folded["sectors"].values() if s["kind"] == "pod"]
    assert unpacked == []
