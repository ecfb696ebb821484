from __future__ import annotations

from explorer.demo import build_demo
from explorer.viewmodels.workloads.cgroup_tree import GUARANTEED_LEVEL, NOMINAL_MIB, cgroup_tree

from ..workload_states import ESCAPED, HOSTILE, every_plotly_text


def _tree(state, node: str = "demo-worker", size: str = "limit") -> dict:
    return cgroup_tree(state, {"cluster": "demo", "node": node, "size": size})


def test_demo_worker_tree_is_kubepods_qos_pod_container_with_every_pod_mapped() -> None:
    state = build_demo()
    model = _tree(state)
    sectors = model["sectors"]
    assert model["header"]["found"] and model["header"]["driver"] == "systemd"
    assert sectors["/kubepods.slice"]["parent"] == ""
    assert sectors["/kubepods.slice/kubepods-burstable.slice"]["parent"] == "/kubepods.slice"
    db = state.get("Pod", "shop", "db-0")
    uid = db["metadata"]["uid"].replace("-", "_")
    pod_path = f"/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod{uid}.slice"
    assert sectors[pod_path]["pod"] == "shop/db-0"
    cid = db["status"]["containerStatuses"][0]["containerID"].removeprefix("containerd://")
    container = sectors[f"{pod_path}/cri-containerd-{cid}.scope"]
    assert (container["container"], container["kind"], container["parent"]) == (
        "postgres",
        "container",
        pod_path,
    )
    assert container["value"] == 2048  # its 2Gi memory limit, in MiB
    assert "memory limit: 2Gi" in container["hover"] and f"path: {pod_path}" in container["hover"]
    sandboxes = [s for s in sectors.values() if s["kind"] == "sandbox" and s["parent"] == pod_path]
    assert len(sandboxes) == 1 and sandboxes[0]["value"] == NOMINAL_MIB


def test_guaranteed_pods_get_a_level_of_their_own_under_kubepods() -> None:
    sectors = _tree(build_demo())["sectors"]
    guaranteed = [
        s for s in sectors.values() if s["kind"] == "pod" and s["parent"] == GUARANTEED_LEVEL
    ]
    assert guaranteed, "the demo worker runs Guaranteed pods"
    assert sectors[GUARANTEED_LEVEL]["parent"] == "/kubepods.slice"


def test_demo_cgroups_match_their_specs_and_a_changed_limit_is_flagged() -> None:
    state = build_demo()
    assert _tree(state)["differences"] == []
    facts = state.node_facts["demo-worker"]["cgroups"]["nodes"]
    db = state.get("Pod", "shop", "db-0")
    cid = db["status"]["containerStatuses"][0]["containerID"].removeprefix("containerd://")
    path = next(p for p in facts if p.endswith(f"cri-containerd-{cid}.scope"))
    facts[path] = {**facts[path], "memory.max": str(512 * 1024 * 1024)}
    model = _tree(state)
    (difference,) = model["differences"]
    assert difference["what"] == "memory limit" and difference["container"] == "postgres"
    sector = model["sectors"]["/" + path]
    assert sector["differs"] and "DIFFERS" in sector["hover"]


def test_usage_sizing_says_when_no_usage_was_recorded() -> None:
    header = _tree(build_demo(), size="usage")["header"]
    assert header["sized_by"] == "memory limit (no usage recorded for this node)"


def test_usage_sizing_uses_memory_current_when_recorded() -> None:
    state = build_demo()
    nodes = state.node_facts["demo-worker"]["cgroups"]["nodes"]
    for path, files in nodes.items():
        if path.endswith(".scope"):
            nodes[path] = {**files, "memory.current": str(3 * 1024 * 1024)}
    model = _tree(state, size="usage")
    assert model["header"]["sized_by"] == "memory usage"
    assert {
        s["value"] for s in model["sectors"].values() if s["kind"] in ("container", "sandbox")
    } == {3}


def test_node_without_facts_and_unknown_node_say_why() -> None:
    state = build_demo()
    state.node_facts["demo-worker"].pop("cgroups")
    assert _tree(state)["header"] == {
        "cluster": "demo",
        "node": "demo-worker",
        "size": "limit",
        "found": False,
        "reason": "no cgroup facts",
    }
    assert _tree(state, "ghost")["header"]["reason"] == "no such node"


def test_hostile_pod_name_is_escaped_in_cgroup_labels_and_hover() -> None:
    state = build_demo()
    db = state.get("Pod", "shop", "db-0")
    state.delete("Pod", "shop", "db-0")
    db["metadata"]["name"] = HOSTILE
    state.upsert(db, "Pod")
    model = _tree(state)
    texts = every_plotly_text(model)
    assert any(ESCAPED in t for t in texts) and not any(HOSTILE in t for t in texts)
    # the selected cgroup's description goes to the DOM as text: plain, never escaped
    facts = [line for s in model["sectors"].values() for line in s["facts"]]
    assert f"pod: shop/{HOSTILE}" in facts
    assert not any("&lt;" in line or "&amp;" in line for line in facts)
