"""A list's pods, Events and Endpoints taken from their JSON (explorer/state/listed_json.py):
the fields decoded make the same record as the whole object, the JSON held is what redaction
leaves and says its kind, an object that needs more than keeping is parsed whole, and a state
fed a list's JSON holds what a state fed the parsed list holds."""

from __future__ import annotations

import copy
from pathlib import Path

import msgspec
import orjson
import pytest
import yaml

from explorer.demo import build_demo
from explorer.lib.redact import LAST_APPLIED
from explorer.state.cluster_state import ClusterState, _take
from explorer.state.listed_json import READS, TakenJson, take_json
from explorer.state.records import RECORDED, records

KINDS = sorted(READS)


def real_objects(real: Path) -> dict[str, list[dict]]:
    kubectl = real / "kubectl"
    pods = yaml.safe_load((kubectl / "minikube-v1.34-pods.yaml").read_text())["items"]
    pods += orjson.loads((kubectl / "minikube-v1.34-kubelet-pods.json").read_bytes())["items"]
    pods.append(
        orjson.loads((kubectl / "openshift-pod-csi-snapshot-controller-operator.json").read_bytes())
    )
    endpoints = yaml.safe_load((kubectl / "minikube-v1.34-endpoints.yaml").read_text())["items"]
    return {"Pod": pods, "Endpoints": endpoints}


def real_pods(real: Path) -> list[dict]:
    return real_objects(real)["Pod"]


@pytest.fixture(scope="module")
def demo():
    return build_demo(nodes=6)


@pytest.fixture(scope="module")
def demo_pods(demo) -> list[dict]:
    return list(demo.list("Pod"))


def listed(obj: dict, *, indent: bool = False, keep_kind: bool = False) -> msgspec.Raw:
    """The object as a list's item: without kind and apiVersion, as kube-apiserver writes it."""
    item = obj if keep_kind else {k: v for k, v in obj.items() if k not in ("kind", "apiVersion")}
    return msgspec.Raw(orjson.dumps(item, option=orjson.OPT_INDENT_2 if indent else 0))


def taken(obj: dict, kind: str = "Pod") -> dict:
    """The object as the state takes it parsed."""
    obj = copy.deepcopy(obj)
    assert _take(kind, obj)
    return obj


@pytest.mark.parametrize("kind", KINDS)
def test_a_listed_objects_fields_make_the_record_of_the_whole_object(
    kind, demo, real_fixtures
) -> None:
    objects = list(demo.list(kind)) + real_objects(real_fixtures).get(kind, [])
    for obj in objects:
        read = take_json(kind, listed(obj))
        assert read.__class__ is TakenJson, obj["metadata"]["name"]
        assert RECORDED[kind](read.fields) == RECORDED[kind](taken(obj, kind))
    assert len(objects) >= 5  # the demo's of every state, and the real ones


def test_a_listed_pods_json_is_held_as_redaction_leaves_it_saying_its_kind(real_fixtures) -> None:
    for pod in real_pods(real_fixtures):
        with_fields = copy.deepcopy(pod)
        with_fields["metadata"]["managedFields"] = [{"manager": "kubelet", "operation": "Update"}]
        for raw in (listed(with_fields), listed(with_fields, indent=True)):
            read = take_json("Pod", raw)
            held = orjson.loads(read.json)
            assert held == taken(pod)  # no managedFields; kind and apiVersion said
            assert list(held)[:2] == ["kind", "apiVersion"]
            assert read.key == (pod["metadata"]["namespace"], pod["metadata"]["name"])


def test_a_pod_that_needs_more_than_keeping_is_parsed_whole(demo_pods) -> None:
    pod = demo_pods[0]
    applied = copy.deepcopy(pod)
    applied["metadata"].setdefault("annotations", {})[LAST_APPLIED] = '{"kind":"Secret"}'
    no_namespace = copy.deepcopy(pod)
    del no_namespace["metadata"]["namespace"]
    odd_status = copy.deepcopy(pod) | {"status": ["Running"]}
    partial = copy.deepcopy(pod) | {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1"}
    for raw in (
        listed(applied),
        listed(no_namespace),
        listed(odd_status),
        listed(partial, keep_kind=True),
    ):
        assert take_json("Pod", raw) == orjson.loads(bytes(raw))
    # parsed, it is taken as any object: the annotation that repeats a Secret goes
    state = ClusterState.compact("c")
    page = [listed(applied)]
    state.share_page("Pod", page)
    state.replace("Pod", page)
    held = state.get("Pod", pod["metadata"]["namespace"], pod["metadata"]["name"])
    assert LAST_APPLIED not in held["metadata"]["annotations"]


def fed(objects: list[dict], as_json: bool, kind: str = "Pod", page_size: int = 50) -> ClusterState:
    """A compact state that listed `objects` a page at a time, as the reflector hands them over."""
    state = ClusterState.compact("c")
    items: list = []
    for start in range(0, len(objects), page_size):
        chunk = objects[start : start + page_size]
        page = [listed(obj) for obj in chunk] if as_json else copy.deepcopy(chunk)
        state.share_page(kind, page)
        items.extend(page)
    state.replace(kind, items, "7")
    return state


@pytest.mark.parametrize("kind", KINDS)
def test_a_state_fed_a_lists_json_holds_what_one_fed_it_parsed_holds(kind, demo, real_fixtures):
    objects = list(demo.list(kind)) + real_objects(real_fixtures).get(kind, [])
    from_json, parsed = fed(objects, True, kind), fed(objects, False, kind)
    assert sorted(records(from_json, kind)) == sorted(records(parsed, kind))
    assert list(from_json.list(kind)) == list(parsed.list(kind))
    for obj in objects:
        meta = obj["metadata"]
        assert from_json.by_uid(meta["uid"]) == parsed.by_uid(meta["uid"])
        for owner in meta.get("ownerReferences") or ():
            assert from_json.children(owner["uid"]) == parsed.children(owner["uid"])
        node = obj.get("spec", {}).get("nodeName") if kind == "Pod" else None
        if node:
            assert from_json.pods_on_node(node) == parsed.pods_on_node(node)


def test_a_pod_relisted_as_json_after_a_watch_wrote_it_otherwise_is_no_change(demo_pods):
    """The JSON a list holds is the server's (its key order, Go's escapes); a watched pod's is
    orjson's: equal pods written either way are the same pod."""
    pod = copy.deepcopy(demo_pods[0])
    pod["metadata"].setdefault("annotations", {})["note"] = "a <b> & c"
    state = fed([pod], as_json=True)
    state.upsert(copy.deepcopy(pod), "Pod")
    go_escaped = bytes(listed(pod)).replace(b"<", b"\\u003c").replace(b"&", b"\\u0026")
    reversed_keys = orjson.dumps(dict(reversed(orjson.loads(go_escaped).items())))
    page = [msgspec.Raw(reversed_keys)]
    state.share_page("Pod", page)
    assert state.replace("Pod", page, "8") == []
    changed = copy.deepcopy(pod)
    changed["status"]["phase"] = "Failed"
    page = [listed(changed)]
    state.share_page("Pod", page)
    assert [change.type for change in state.replace("Pod", page, "9")] == ["MODIFIED"]
