from __future__ import annotations

from explorer.demo import build_demo
from explorer.viewmodels.workloads.search import search

from ..workload_states import HOSTILE, real_state


def _find(state, q: str) -> list[dict]:
    return search(state, {"cluster": "demo", "q": q})["results"]


def test_finds_a_pod_by_its_ip_and_a_node_by_its_ip_first() -> None:
    state = build_demo()
    db = state.get("Pod", "shop", "db-0")
    (found,) = _find(state, db["status"]["podIP"])
    assert (found["kind"], found["name"], found["link"]["page"]) == ("Pod", "db-0", "pod")
    node_hits = _find(state, "172.18.0.3")
    assert node_hits[0]["kind"] == "Node" and node_hits[0]["name"] == "demo-worker"
    assert any("hostNetwork" in r["why"] for r in node_hits[1:])


def test_finds_by_uid_label_and_name() -> None:
    state = build_demo()
    db = state.get("Pod", "shop", "db-0")
    assert _find(state, db["metadata"]["uid"])[0]["name"] == "db-0"
    by_label = _find(state, "statefulset.kubernetes.io/pod-name=db-0")
    assert [(r["kind"], r["name"]) for r in by_label] == [("Pod", "db-0")]
    by_name = _find(state, "db-0")
    assert by_name[0]["why"] == "name" and by_name[0]["name"] == "db-0"


def test_finds_a_container_by_its_id_with_or_without_scheme_or_by_a_prefix() -> None:
    state = build_demo()
    status = state.get("Pod", "shop", "db-0")["status"]["containerStatuses"][0]
    for query in (
        status["containerID"],
        status["containerID"].removeprefix("containerd://"),
        status["containerID"][13:25],
    ):
        (hit,) = _find(state, query)
        assert hit["name"] == "db-0" and hit["link"]["container"] == "postgres"


def test_finds_the_sandbox_by_its_id_through_the_node_cgroups() -> None:
    state = build_demo()
    db = state.get("Pod", "shop", "db-0")
    known = {
        s["containerID"].removeprefix("containerd://") for s in db["status"]["containerStatuses"]
    }
    uid = db["metadata"]["uid"].replace("-", "_")
    sandbox = next(
        p.rsplit("cri-containerd-", 1)[1].removesuffix(".scope")
        for p in state.node_facts["demo-worker"]["cgroups"]["nodes"]
        if uid in p and p.endswith(".scope") and not any(k in p for k in known)
    )
    hits = _find(state, sandbox)
    assert hits[0]["kind"] == "Node" and hits[0]["link"]["cgroup"].endswith(f"{sandbox}.scope")
    assert hits[1]["name"] == "db-0"


def test_finds_by_cgroup_path_even_with_the_mount_prefix() -> None:
    state = build_demo()
    db = state.get("Pod", "shop", "db-0")
    cid = db["status"]["containerStatuses"][0]["containerID"].removeprefix("containerd://")
    path = next(
        p for p in state.node_facts["demo-worker"]["cgroups"]["nodes"] if p.endswith(f"{cid}.scope")
    )
    hits = _find(state, "/sys/fs/cgroup/" + path)
    assert hits[0]["link"] == {"page": "node", "name": "demo-worker", "cgroup": "/" + path}
    assert hits[1]["name"] == "db-0"


def test_real_fixtures_are_searchable(real_fixtures) -> None:
    state = real_state(real_fixtures)
    pod = state.get("Pod", "scraper", "e2e-statefulset-0")
    assert _find(state, pod["status"]["podIP"])[0]["name"] == "e2e-statefulset-0"
    cid = pod["status"]["containerStatuses"][0]["containerID"]
    assert _find(state, cid)[0]["name"] == "e2e-statefulset-0"


def test_nothing_found_and_hostile_queries_are_just_text() -> None:
    model = search(build_demo(), {"cluster": "demo", "q": HOSTILE})
    assert model["results"] == [] and model["query"] == HOSTILE


def test_finds_an_event_by_its_uid_though_events_are_kept_out_of_the_uid_index() -> None:
    state = build_demo(nodes=3)
    event = next(state.list("Event"))
    uid = event["metadata"]["uid"]
    assert state.by_uid(uid) is None  # ~110 bytes an Event spared (cluster_state UNINDEXED_UIDS)

    model = search(state, {"cluster": "demo", "q": uid.upper()})

    assert [(r["kind"], r["name"], r["why"]) for r in model["results"]] == [
        ("Event", event["metadata"]["name"], "UID")
    ]
