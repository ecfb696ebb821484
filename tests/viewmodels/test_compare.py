"""The compare page's model: the diff of two moments as a list grouped by kind, every node's chain
and cgroup changes in words, and the overview and the service chain Sankey of both moments with
what appeared, vanished and changed marked."""

from __future__ import annotations

import copy

import orjson
import pytest

from explorer.demo import build_demo
from explorer.viewmodels import compare, overview
from explorer.viewmodels.compare import build
from tests.snapshots.known_changes import (
    NOW,
    make_noise,
    refresh_facts,
    remove_endpoint,
    resize_memory,
    roll_out,
    snapshot,
)

RESIZED_POD = "web-5f67cf96b5-5kcmw"
GONE = "10.244.1.4"


@pytest.fixture(scope="module")
def moments():
    a = build_demo(now=NOW)
    b = snapshot(a)
    make_noise(b)
    rollout = roll_out(b, "shop", "api", "api", "registry.example/api:2.0")
    remove_endpoint(b, "shop", "web", GONE)
    resize_memory(b, "shop", RESIZED_POD, "web", "384Mi")
    refresh_facts(b)
    return a, b, rollout


def marked(items: dict) -> dict[str, str]:
    return {item_id: item["mark"] for item_id, item in items.items() if item["mark"]}


def test_the_overview_marks_the_new_pods_the_gone_ones_and_the_resized_one(moments) -> None:
    a, b, rollout = moments
    sectors = build(a, b, {})["overview"]["sectors"]
    assert marked(sectors) == {
        **{f"pod/shop/{name}": "added" for name in rollout["new_pods"]},
        **{f"pod/shop/{name}": "removed" for name in rollout["old_pods"]},
        f"pod/shop/{RESIZED_POD}": "changed",
    }
    gone = sectors[f"pod/shop/{rollout['old_pods'][0]}"]
    assert gone["parent"] in sectors and gone["hover"].endswith("<b>gone in B</b>")


def test_a_folded_overview_marks_the_box_that_holds_a_changed_pod(moments, monkeypatch) -> None:
    a, b, _ = moments
    # one sector per namespace on a node, with the nodes (12 namespace boxes, 3 nodes)
    monkeypatch.setattr(overview, "MAX_SECTORS", 15)
    model = build(a, b, {})["overview"]
    assert model["detail"] == {"a": "namespaces", "b": "namespaces"}
    assert marked(model["sectors"]) == {"node/demo-worker/ns/shop": "changed"}


def test_the_sankey_of_a_changed_service_marks_the_gone_endpoint_and_the_new_shares(moments):
    a, b, _ = moments
    chains = build(a, b, {"node": "demo-worker", "service": "shop/web"})["chains"]
    assert (chains["node"], chains["service"]) == ("demo-worker", "shop/web")
    boxes = marked(chains["nodes"])
    assert boxes[f"endpoint:{GONE}:8080"] == "removed"
    assert boxes[f"pod:shop/{RESIZED_POD}"] == "removed"
    kept = [i for i, box in chains["nodes"].items() if box["column"] == "sep" and not box["mark"]]
    assert kept == []  # the two endpoints left: their share went from a third to a half
    assert (
        sum(box["mark"] == "changed" for box in chains["nodes"].values() if box["column"] == "sep")
        == 2
    )
    links = marked(chains["links"])
    assert all(mark in ("removed", "changed") for mark in links.values())
    assert any(
        link_id.endswith(f"endpoint:{GONE}:8080") for link_id, m in links.items() if m == "removed"
    )
    assert {c["id"] for c in chains["columns"]} >= {"service", "chain", "sep", "endpoint"}


def test_without_parameters_the_first_node_and_service_whose_chains_changed_are_drawn(moments):
    a, b, _ = moments
    chains = build(a, b, {})["chains"]
    assert chains["node"] == "demo-control-plane"
    assert chains["service"] == "shop/api"
    assert chains["choices"] == {
        "nodes": ["demo-control-plane", "demo-gpu-worker", "demo-worker"],
        "services": ["shop/api", "shop/web"],
    }


def test_the_list_groups_changes_by_kind_with_their_fields_and_links(moments) -> None:
    a, b, rollout = moments
    model = build(a, b, {})
    assert model["header"]["counts"] == {"added": 3, "removed": 2, "changed": 6, "nodes": 3}
    kinds = {group["kind"]: group for group in model["kinds"]}
    assert list(kinds) == ["Deployment", "EndpointSlice", "Endpoints", "Pod", "ReplicaSet"]
    pods = kinds["Pod"]
    assert [e["name"] for e in pods["added"]] == rollout["new_pods"]
    assert all(
        e["link"] == {"page": "pod", "namespace": "shop", "name": e["name"]} for e in pods["added"]
    )
    assert all("link" not in e for e in pods["removed"])  # B does not hold them: nowhere to go
    resized = pods["changed"][0]
    assert resized["text"] == f"shop/{RESIZED_POD}"
    assert (
        resized["fields"][0]["text"]
        == "spec.containers[name=web].resources.limits.memory: 256Mi → 384Mi"
    )
    worker = next(n for n in model["nodes"] if n["node"] == "demo-worker")
    assert f"shop/web:http (tcp): endpoint {GONE}:8080 removed" in worker["lines"]


def test_a_long_list_is_cut_and_says_how_many_were_left_out(moments, monkeypatch) -> None:
    a, b, _ = moments
    monkeypatch.setattr(compare, "MAX_LISTED", 1)
    pods = next(g for g in build(a, b, {})["kinds"] if g["kind"] == "Pod")
    assert len(pods["added"]) == 1 and pods["more"] == {"added": 1, "removed": 1}


def test_cluster_strings_stay_plain_for_the_dom_and_escaped_for_plotly() -> None:
    a = build_demo(now=NOW)
    b = snapshot(a)
    pod = copy.deepcopy(b.get("Pod", "shop", RESIZED_POD))
    pod["metadata"]["labels"]["note"] = "<img src=x onerror=alert(1)>"
    b.upsert(pod)
    model = build(a, b, {})
    field = model["kinds"][0]["changed"][0]["fields"][0]
    assert field["after"] == "<img src=x onerror=alert(1)>"  # text for the DOM, as it is
    hover = model["overview"]["sectors"][f"pod/shop/{RESIZED_POD}"]["hover"]
    assert "&lt;img src=x onerror=alert(1)&gt;" in hover and "<img" not in hover


def test_a_secret_canary_is_nowhere_in_the_model() -> None:
    canary = "c2VjcmV0LWNhbmFyeS01Njc4"
    a = build_demo(now=NOW)
    b = snapshot(a)
    b.upsert(
        {
            "kind": "Secret",
            "metadata": {"name": "leak", "namespace": "shop"},
            "data": {"password": canary},
            "stringData": {"password": "secret-canary-5678"},
        }
    )
    text = orjson.dumps(build(a, b, {})).decode()
    assert '"name":"leak"' in text
    assert canary not in text and "secret-canary" not in text


def test_two_equal_moments_give_a_model_with_nothing_marked() -> None:
    a = build_demo(now=NOW)
    model = build(a, snapshot(a), {})
    assert model["kinds"] == [] and model["nodes"] == []
    assert marked(model["overview"]["sectors"]) == {}
    assert marked(model["chains"]["nodes"]) == {} and model["chains"]["service"] == "*"
