"""The diff of two moments lists exactly the changes made between them — a rollout, an endpoint
gone, a memory limit resized — down to the fields, the Service chains and the cgroup limits of
every node, and nothing of the noise a quiet cluster makes."""

from __future__ import annotations

import copy

import orjson
import pytest

from explorer.demo import build_demo
from explorer.snapshots.diff import diff_as_json, diff_as_text, diff_states
from explorer.state.object_diff import MAX_VALUE_CHARS, field_changes

from .known_changes import (
    NOW,
    make_noise,
    refresh_facts,
    remove_endpoint,
    resize_memory,
    roll_out,
    snapshot,
)

NEW_IMAGE = "registry.example/api:2.0"
RESIZED_POD = "web-5f67cf96b5-5kcmw"
GONE = "10.244.1.4"  # the resized pod's address, gone from the web Service's slice
NODES = ("demo-control-plane", "demo-gpu-worker", "demo-worker")


@pytest.fixture(scope="module")
def moments():
    a = build_demo(now=NOW)
    b = snapshot(a)
    make_noise(b)
    rollout = roll_out(b, "shop", "api", "api", NEW_IMAGE)
    web_slice = remove_endpoint(b, "shop", "web", GONE)
    resize_memory(b, "shop", RESIZED_POD, "web", "384Mi")
    refresh_facts(b)
    return a, b, rollout, web_slice


def refs(items: list[dict]) -> set[tuple[str, str, str]]:
    return {(item["kind"], item["namespace"], item["name"]) for item in items}


def paths(diff, kind: str, name: str) -> list[str]:
    change = next(c for c in diff["changed"] if (c["kind"], c["name"]) == (kind, name))
    return [field["path"] for field in change["fields"]]


def test_a_rollout_an_endpoint_gone_and_a_resize_are_the_only_objects_listed(moments) -> None:
    a, b, rollout, web_slice = moments
    diff = diff_states(a, b)
    assert refs(diff["added"]) == {
        ("ReplicaSet", "shop", rollout["new_rs"]),
        *(("Pod", "shop", name) for name in rollout["new_pods"]),
    }
    assert refs(diff["removed"]) == {("Pod", "shop", name) for name in rollout["old_pods"]}
    assert refs(diff["changed"]) == {
        ("Deployment", "shop", "api"),
        ("ReplicaSet", "shop", rollout["old_rs"]),
        ("EndpointSlice", "shop", "api-9dj28"),
        ("Endpoints", "shop", "api"),
        ("EndpointSlice", "shop", web_slice),
        ("Pod", "shop", RESIZED_POD),
    }


def test_each_change_names_its_fields_and_leaves_the_noise_out(moments) -> None:
    a, b, rollout, web_slice = moments
    diff = diff_states(a, b)
    assert paths(diff, "Deployment", "api") == [
        'metadata.annotations["deployment.kubernetes.io/revision"]',
        "spec.template.spec.containers[name=api].image",
    ]
    image = next(f for f in diff["changed"][0]["fields"] if f["path"].endswith(".image"))
    assert image["after"] == NEW_IMAGE and image["before"] != NEW_IMAGE
    # the trigger time and generation moved too: only the endpoint is a change
    assert paths(diff, "EndpointSlice", web_slice) == [f"endpoints[address={GONE}]"]
    assert paths(diff, "Pod", RESIZED_POD) == [
        "spec.containers[name=web].resources.limits.memory",
        "status.containerStatuses[name=web].resources.limits.memory",
    ]
    assert paths(diff, "EndpointSlice", "api-9dj28") == sorted(
        f"endpoints[address={ip}]" for ip in rollout["old_ips"] + rollout["new_ips"]
    )


def test_every_node_s_chains_lose_the_old_endpoints_and_gain_the_new(moments) -> None:
    a, b, rollout, _ = moments
    diff = diff_states(a, b)
    assert sorted(diff["nodes"]) == list(NODES)  # kube-proxy writes every Service on every node
    for node in NODES:
        chains = diff["nodes"][node]["chains"]
        removed = {(e["service"], e["address"]) for e in chains["endpoints_removed"]}
        added = {(e["service"], e["address"]) for e in chains["endpoints_added"]}
        assert removed == {
            ("shop/web:http (tcp)", f"{GONE}:8080"),
            *(("shop/api:http (tcp)", f"{ip}:8080") for ip in rollout["old_ips"]),
            *(("shop/api:metrics (tcp)", f"{ip}:9090") for ip in rollout["old_ips"]),
        }
        assert added == {
            *(("shop/api:http (tcp)", f"{ip}:8080") for ip in rollout["new_ips"]),
            *(("shop/api:metrics (tcp)", f"{ip}:9090") for ip in rollout["new_ips"]),
        }
        # the two web endpoints left now take half of the new connections each
        assert [(s["before"], s["after"]) for s in chains["shares_changed"]] == [
            (pytest.approx(1 / 3), pytest.approx(1 / 2))
        ] * 2
        assert chains["ports_added"] == chains["ports_removed"] == []
        assert chains["rules_only_in_a"]["count"] and chains["rules_only_in_b"]["count"]
        assert all(
            any(ip in rule for ip in (*rollout["old_ips"], GONE))
            for rule in chains["rules_only_in_a"]["first"]
        )


def test_the_resized_container_s_cgroup_memory_limit_is_the_only_limit_changed(moments) -> None:
    a, b, rollout, _ = moments
    diff = diff_states(a, b)
    worker = diff["nodes"]["demo-worker"]["cgroups"]
    assert [
        (c["pod"], c["container"], c["limit"], c["before"], c["after"])
        for c in worker["limits_changed"]
    ] == [
        (
            f"shop/{RESIZED_POD}",
            "",
            "memory limit",
            "256Mi (268435456 bytes)",
            "384Mi (402653184 bytes)",
        ),
        (
            f"shop/{RESIZED_POD}",
            "web",
            "memory limit",
            "256Mi (268435456 bytes)",
            "384Mi (402653184 bytes)",
        ),
    ]
    assert {c["pod"] for c in worker["added"]} == {f"shop/{name}" for name in rollout["new_pods"]}
    assert {c["pod"] for c in worker["removed"]} == {f"shop/{name}" for name in rollout["old_pods"]}
    for node in ("demo-control-plane", "demo-gpu-worker"):  # no api or web pod runs there
        assert diff["nodes"][node]["cgroups"] == {
            "problem": "",
            "added": [],
            "removed": [],
            "limits_changed": [],
        }


def test_a_moment_compared_with_a_later_one_where_only_noise_happened_shows_nothing() -> None:
    a = build_demo(now=NOW)
    b = snapshot(a)
    make_noise(b)
    refresh_facts(b)  # the rules' header carries the lease's renewal time: the text differs
    assert any(a.node_facts[n]["iptables-save"] != b.node_facts[n]["iptables-save"] for n in NODES)
    assert diff_states(a, b) == {"added": [], "removed": [], "changed": [], "nodes": {}}


def test_the_same_two_moments_give_the_same_diff_in_the_same_order(moments) -> None:
    a, b, _, _ = moments
    first, again = diff_states(a, b), diff_states(snapshot(a), snapshot(b))
    assert orjson.dumps(first) == orjson.dumps(again)
    keys = [(c["kind"], c["namespace"], c["name"]) for c in first["changed"]]
    assert keys == sorted(keys)
    for change in first["changed"]:
        assert [f["path"] for f in change["fields"]] == sorted(f["path"] for f in change["fields"])


def test_the_json_form_lists_objects_and_field_paths_without_values(moments) -> None:
    a, b, _, _ = moments
    form = diff_as_json(diff_states(a, b))
    assert sorted(form) == ["added", "changed", "nodes", "removed"]
    deployment = next(c for c in form["changed"] if c["kind"] == "Deployment")
    assert deployment == {
        "kind": "Deployment",
        "namespace": "shop",
        "name": "api",
        "fields": [
            'metadata.annotations["deployment.kubernetes.io/revision"]',
            "spec.template.spec.containers[name=api].image",
        ],
    }
    assert NEW_IMAGE not in orjson.dumps(form["changed"]).decode()
    assert orjson.loads(orjson.dumps(form)) == form  # JSON-ready as it is


def test_the_text_form_says_each_change_with_its_values(moments) -> None:
    a, b, rollout, _ = moments
    text = diff_as_text(diff_states(a, b))
    assert text.startswith("3 added, 2 removed, 6 changed; 3 nodes")
    assert f"+ ReplicaSet shop/{rollout['new_rs']}\n" in text
    assert f"- Pod shop/{rollout['old_pods'][0]}\n" in text
    assert "spec.template.spec.containers[name=api].image: " in text
    assert f"→ {NEW_IMAGE}\n" in text
    assert f"shop/web:http (tcp): endpoint {GONE}:8080 removed" in text
    assert "memory limit 256Mi (268435456 bytes) → 384Mi (402653184 bytes)" in text


def test_the_text_form_shows_a_terminal_escape_from_the_cluster_as_text() -> None:
    a = build_demo(now=NOW)
    b = snapshot(a)
    namespace = copy.deepcopy(b.get("Namespace", "", "shop"))
    namespace["metadata"]["labels"]["note"] = "\x1b]0;owned\x07\x1b[2J"
    b.upsert(namespace)
    text = diff_as_text(diff_states(a, b))
    assert "\x1b" not in text and "\x07" not in text
    assert "\\x1b]0;owned\\x07\\x1b[2J" in text


def test_a_secret_canary_appears_in_no_form_of_the_diff() -> None:
    canary = "c2VjcmV0LWNhbmFyeS0xMjM0"  # base64 of secret-canary-1234
    a = build_demo(now=NOW)
    a.upsert(_secret("api-token", {"token": canary}))
    b = snapshot(a)
    changed = _secret("api-token", {"token": canary + "Zm9v"}, labels={"rotated": "yes"})
    b.upsert(changed)
    b.upsert(_secret("new-token", {"token": canary}))
    diff = diff_states(a, b)
    assert refs(diff["added"]) == {("Secret", "shop", "new-token")}
    assert paths(diff, "Secret", "api-token") == ["metadata.labels.rotated"]
    for form in (
        orjson.dumps(diff).decode(),
        orjson.dumps(diff_as_json(diff)).decode(),
        diff_as_text(diff),
    ):
        assert canary not in form and "secret-canary" not in form


def test_a_secret_s_values_are_not_read_even_when_handed_over_whole() -> None:
    before = _secret("s", {"token": "b2xk"})
    after = _secret("s", {"token": "bmV3"})
    after["stringData"] = {"password": "hunter2"}
    after["metadata"]["annotations"] = {
        "kubectl.kubernetes.io/last-applied-configuration": '{"data":{"token":"bmV3"}}'
    }
    assert field_changes("Secret", before, after) == ([], 0)


def test_noise_alone_is_no_change_but_a_real_field_beside_it_is() -> None:
    node = {
        "metadata": {"name": "n", "resourceVersion": "1", "generation": 1},
        "status": {"conditions": [{"type": "Ready", "status": "True", "lastHeartbeatTime": "t1"}]},
    }
    later = copy.deepcopy(node)
    later["metadata"].update(resourceVersion="2", generation=2)
    later["status"]["conditions"][0]["lastHeartbeatTime"] = "t2"
    assert field_changes("Node", node, later) == ([], 0)
    later["status"]["conditions"][0]["status"] = "False"
    fields, _ = field_changes("Node", node, later)
    assert fields == [
        {"path": "status.conditions[type=Ready].status", "before": "True", "after": "False"}
    ]
    lease = {"metadata": {"name": "l"}, "spec": {"renewTime": "t1", "holderIdentity": "a"}}
    moved = {"metadata": {"name": "l"}, "spec": {"renewTime": "t2", "holderIdentity": "b"}}
    assert [f["path"] for f in field_changes("Lease", lease, moved)[0]] == ["spec.holderIdentity"]
    # a renewTime is noise on a Lease only
    assert [f["path"] for f in field_changes("Widget", lease, moved)[0]] == [
        "spec.holderIdentity",
        "spec.renewTime",
    ]


def test_list_items_without_a_name_are_told_by_their_place_and_values_are_cut() -> None:
    before = {"metadata": {"name": "p"}, "spec": {"args": ["a", "b"], "blob": "x"}}
    after = {"metadata": {"name": "p"}, "spec": {"args": ["a", "c", "d"], "blob": "y" * 10_000}}
    fields, more = field_changes("Pod", before, after)
    assert more == 0
    assert [(f["path"], f["before"], f["after"]) for f in fields[:2]] == [
        ("spec.args[1]", "b", "c"),
        ("spec.args[2]", None, "d"),
    ]
    assert fields[2]["path"] == "spec.blob"
    assert len(fields[2]["after"]) == MAX_VALUE_CHARS and fields[2]["after"].endswith("…")


def test_a_node_collected_on_one_side_only_is_said_and_not_compared() -> None:
    a = build_demo(now=NOW)
    b = snapshot(a)
    del b.node_facts["demo-gpu-worker"]
    diff = diff_states(a, b)
    assert list(diff["nodes"]) == ["demo-gpu-worker"]
    assert diff["nodes"]["demo-gpu-worker"]["facts"] == "only A"
    assert "facts collected only A: not compared" in diff_as_text(diff)


def test_rules_that_cannot_be_read_are_said_not_compared() -> None:
    a = build_demo(now=NOW)
    b = snapshot(a)
    b.node_facts["demo-worker"]["nft"] = "{not json"
    a.node_facts["demo-worker"]["nft"] = '{"nftables": []}'
    del a.node_facts["demo-worker"]["iptables-save"], b.node_facts["demo-worker"]["iptables-save"]
    chains = diff_states(a, b)["nodes"]["demo-worker"]["chains"]
    assert chains["fact"] == "nft"
    assert chains["problem"].startswith("the recorded nft could not be read")


def _secret(name: str, data: dict, labels: dict | None = None) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": name, "namespace": "shop", "labels": labels or {}},
        "type": "Opaque",
        "data": data,
    }
