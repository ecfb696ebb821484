"""Find, the network pages and the scheduling history walk every pod by its record, not the pod
(a pod held packed is unpacked at each read): they unpack only the pods they show, and the
scheduling history's memo keeps records and samples, never a pod."""

from __future__ import annotations

import copy
from typing import Any

from explorer.demo.cluster import build_demo
from explorer.state.cluster_state import ClusterState
from explorer.state.records import ID_KEPT, PodRecord, records
from explorer.viewmodels.network.index import network_index
from explorer.viewmodels.network.packet_trace import owner_of
from explorer.viewmodels.network.service_chain import endpoint_owners
from explorer.viewmodels.objects.services import describe_service
from explorer.viewmodels.workloads.not_picked_up import scheduler_seen
from explorer.viewmodels.workloads.scheduling_history import (
    HistoryMemo,
    history,
    sample,
    sample_of,
    update_history,
)
from explorer.viewmodels.workloads.search import search

from .pod_dicts import pod_dicts

PARAMS = {"cluster": "demo"}


class CountedPodReads:
    """A state that counts the pods unpacked from it: listed or got one by one."""

    def __init__(self, state: ClusterState) -> None:
        self._state = state
        self.listed = 0
        self.got: list[tuple[str, str]] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._state, name)

    def list(self, kind: str, namespace: str | None = None) -> Any:
        if kind == "Pod":
            self.listed += 1
        return self._state.list(kind, namespace)

    def get(self, kind: str, namespace: str, name: str) -> dict | None:
        if kind == "Pod":
            self.got.append((namespace, name))
        return self._state.get(kind, namespace, name)


def _pod(state: ClusterState, found: PodRecord) -> dict:
    held = state.get("Pod", found.namespace, found.name)
    assert held is not None
    return held


def test_search_by_pod_ip_finds_the_pod_from_records_unpacking_none() -> None:
    state = build_demo(nodes=5)
    found = next(r for r in records(state, "Pod") if r.ips and not r.host_network)
    counted = CountedPodReads(state)
    model = search(counted, {"cluster": "demo", "q": found.ips[0]})  # type: ignore[arg-type]
    assert [(r["kind"], r["namespace"], r["name"]) for r in model["results"]] == [
        ("Pod", found.namespace, found.name)
    ]
    assert model["results"][0]["why"] == f"pod IP {found.ips[0]}"
    assert counted.listed == 0 and counted.got == []


def test_search_by_a_container_id_prefix_unpacks_only_the_pod_running_it() -> None:
    state = build_demo(nodes=5)
    pod = next(p for p in state.list("Pod") if p["status"].get("containerStatuses"))
    status = pod["status"]["containerStatuses"][0]
    bare = status["containerID"].split("://", 1)[1]
    counted = CountedPodReads(state)

    model = search(counted, {"cluster": "demo", "q": bare[:12]})  # type: ignore[arg-type]
    whole = search(state, {"cluster": "demo", "q": status["containerID"]})  # with its scheme

    assert [(r["namespace"], r["name"], r["why"]) for r in model["results"]] == [
        (
            pod["metadata"]["namespace"],
            pod["metadata"]["name"],
            f"container {status['name']} has ID {bare}",
        )
    ]
    assert counted.listed == 0 and counted.got == [
        (pod["metadata"]["namespace"], pod["metadata"]["name"])
    ]
    assert whole["results"] == model["results"]


def test_a_whole_container_id_that_differs_past_what_records_keep_finds_nothing() -> None:
    state = build_demo(nodes=5)
    pod = next(p for p in state.list("Pod") if p["status"].get("containerStatuses"))
    bare = pod["status"]["containerStatuses"][0]["containerID"].split("://", 1)[1]
    other = bare[:ID_KEPT] + ("e" if bare[ID_KEPT] != "e" else "f") + bare[ID_KEPT + 1 :]

    assert search(state, {"cluster": "demo", "q": other})["results"] == []
    assert len(search(state, {"cluster": "demo", "q": bare})["results"]) == 1


def test_search_by_a_host_network_pods_ip_says_it_is_the_nodes() -> None:
    state = build_demo(nodes=5)
    found = next(r for r in records(state, "Pod") if r.ips and r.host_network)
    model = search(state, {"cluster": "demo", "q": found.ips[0]})
    pods = [r for r in model["results"] if r["kind"] == "Pod"]
    assert {"namespace": found.namespace, "name": found.name} in [
        {"namespace": r["namespace"], "name": r["name"]} for r in pods
    ]
    assert all(r["why"].endswith("(hostNetwork: the node's IP)") for r in pods)


def test_search_by_label_finds_pods_from_records_unpacking_none() -> None:
    state = build_demo(nodes=5)
    found = next(r for r in records(state, "Pod") if r.labels)
    key, value = next(iter(found.labels.items()))
    counted = CountedPodReads(state)
    model = search(counted, {"cluster": "demo", "q": f"{key}={value}"})  # type: ignore[arg-type]
    pods = {(r["namespace"], r["name"]) for r in model["results"] if r["kind"] == "Pod"}
    assert (found.namespace, found.name) in pods
    assert not model["truncated"]
    assert pods == {r.key for r in records(state, "Pod") if r.labels.get(key) == value}
    assert counted.listed == 0 and counted.got == []


def test_the_network_index_and_endpoint_owners_unpack_no_pod() -> None:
    state = build_demo(nodes=5)
    counted = CountedPodReads(state)
    index = network_index(counted)  # type: ignore[arg-type]
    owners = endpoint_owners(counted)  # type: ignore[arg-type]
    assert counted.listed == 0 and counted.got == []
    pods = list(records(state, "Pod"))
    assert index["pods"] == {f"{r.namespace}/{r.name}": r.node for r in pods}
    routed = next(r for r in pods if r.ips and not r.host_network)
    assert owners[routed.ips[0]].pod == f"{routed.namespace}/{routed.name}"
    assert owners[routed.ips[0]].node == routed.node


def test_who_answers_at_a_pods_address_is_found_unpacking_only_host_network_pods() -> None:
    state = build_demo(nodes=5)
    routed = next(r for r in records(state, "Pod") if r.ips and not r.host_network)
    counted = CountedPodReads(state)
    owner = owner_of(counted, f"{routed.ips[0]}:1")  # type: ignore[arg-type]
    assert owner["pod"] == f"{routed.namespace}/{routed.name}" and owner["node"] == routed.node
    host = {r.key for r in records(state, "Pod") if r.host_network}
    assert counted.listed == 0 and set(counted.got) <= host


def test_a_scheduler_is_seen_running_from_the_pods_records() -> None:
    state = build_demo(nodes=5)
    placed = next(r for r in records(state, "Pod") if r.node)
    by_name = copy.deepcopy(_pod(state, placed))
    by_name["metadata"] |= {"name": "bin-packer-7f9c", "uid": "uid-bin-packer"}
    by_label = copy.deepcopy(_pod(state, placed))
    by_label["metadata"] |= {"name": "packer", "uid": "uid-packer", "labels": {"app": "gpu-packer"}}
    state.upsert(by_name, "Pod")
    state.upsert(by_label, "Pod")
    counted = CountedPodReads(state)
    ns = placed.namespace
    assert scheduler_seen(counted, "bin-packer") == f"pod {ns}/bin-packer-7f9c"  # type: ignore[arg-type]
    assert scheduler_seen(counted, "gpu-packer") == f"pod {ns}/packer"  # type: ignore[arg-type]
    assert scheduler_seen(counted, "nobody-runs-this") == ""  # type: ignore[arg-type]
    assert counted.listed == 0 and counted.got == []


def test_a_services_page_unpacks_only_the_pods_it_shows() -> None:
    state = build_demo(nodes=5)
    service = next(s for s in state.list("Service") if s["spec"].get("selector"))
    counted = CountedPodReads(state)
    described = describe_service(counted, service)  # type: ignore[arg-type]
    assert counted.listed == 0
    pods = next(s for s in described.sections if s["id"] == "pods")
    # the pods behind it, and the one a DNS lookup is traced from
    assert pods["rows"] and len(set(counted.got)) <= len(pods["rows"]) + 1
    assert len(set(counted.got)) < state.count("Pod")


def test_a_sample_from_a_pods_record_equals_its_sample() -> None:
    state = build_demo(nodes=5)
    pods = list(records(state, "Pod"))
    assert any(r.disrupted for r in pods) and any(not r.node for r in pods)
    for found in pods:
        assert sample_of(state, found) == sample(_pod(state, found)), found.key


def test_a_sample_from_a_record_tells_a_pod_with_no_phase_from_an_unknown_one() -> None:
    state = build_demo(nodes=5)
    waiting = next(r for r in records(state, "Pod") if not r.node and r.phase == "Pending")
    pod = copy.deepcopy(_pod(state, waiting))
    pod["status"].pop("phase")
    unknown = copy.deepcopy(pod)
    unknown["metadata"]["name"] += "-unknown"
    unknown["status"]["phase"] = "Unknown"
    state.upsert(pod, "Pod")
    state.upsert(unknown, "Pod")
    for held in (pod, unknown):
        meta = held["metadata"]
        found = next(r for r in records(state, "Pod") if r.key == (meta["namespace"], meta["name"]))
        assert sample_of(state, found) == sample(held)
    assert sample(pod).waiting and not sample(unknown).waiting


def test_the_scheduling_historys_memo_holds_no_pod_dicts_after_a_build_or_an_update() -> None:
    state = build_demo(nodes=5)
    memo = HistoryMemo()
    history(state, PARAMS, memo)
    assert len(memo.pods) == state.count("Pod")
    kept = {r.key: r for r in records(state, "Pod")}
    for held, _ in memo.pods.values():
        assert held is kept[held.key]  # the state's own record, not a copy
    assert pod_dicts(memo.pods) == []
    moved = next(r for r in records(state, "Pod") if r.node)
    pod = copy.deepcopy(_pod(state, moved))
    pod["metadata"]["labels"] = {**(pod["metadata"].get("labels") or {}), "moved": "yes"}
    change = state.upsert(pod, "Pod")
    assert change is not None
    update_history(state, PARAMS, memo, [change])
    held, _ = memo.pods[f"pod/{moved.namespace}/{moved.name}"]
    assert held is state.record("Pod", moved.namespace, moved.name)
    assert pod_dicts(memo.pods) == []


def test_a_build_again_samples_only_the_pods_whose_records_changed() -> None:
    state = build_demo(nodes=5)
    memo = HistoryMemo()
    history(state, PARAMS, memo)
    before = {key: entry[1] for key, entry in memo.pods.items()}
    changed = next(r for r in records(state, "Pod") if r.node)
    pod = copy.deepcopy(_pod(state, changed))
    pod["metadata"]["labels"] = {"changed": "yes"}
    state.upsert(pod, "Pod")
    counted = CountedPodReads(state)
    history(counted, PARAMS, memo)  # type: ignore[arg-type]
    resampled = {key for key, entry in memo.pods.items() if entry[1] is not before[key]}
    assert resampled == {f"pod/{changed.namespace}/{changed.name}"}
    assert counted.listed == 0


def test_the_scheduling_history_of_pods_held_packed_is_that_of_plain_ones() -> None:
    demo = build_demo(nodes=5)
    state = ClusterState("demo", pack=frozenset({"Pod"}))
    for kind in demo.kinds():
        state.replace(kind, copy.deepcopy(list(demo.list(kind))))
    model = history(state, PARAMS)
    assert model == history(demo, PARAMS)
    # a preemptor is told by its uid: two reads of a packed pod are never the same dict
    preempted = [d for d in model["disrupted"] if d["kind"] == "preempted"]
    assert preempted and all(d["by"] and d["by"]["link"] for d in preempted)


def test_search_by_label_unpacks_only_the_events_and_endpoints_so_labelled() -> None:
    state = ClusterState.compact("demo")
    plain = {"kind": "Event", "reason": "Pulled", "involvedObject": {"kind": "Pod", "name": "a"}}
    state.replace(
        "Event",
        [{**plain, "metadata": {"name": f"e{i}", "namespace": "shop"}} for i in range(20)]
        + [{**plain, "metadata": {"name": "marked", "namespace": "shop", "labels": {"t": "x"}}}],
    )
    state.replace(
        "Endpoints", [{"metadata": {"name": "web", "namespace": "shop", "labels": {"t": "x"}}}]
    )
    got: list[tuple[str, str]] = []
    reads = CountedPodReads(state)
    listed: list[str] = []
    reads.list = lambda kind, ns=None: listed.append(kind) or state.list(kind, ns)  # type: ignore[method-assign]
    reads.get = lambda kind, ns, name: got.append((kind, name)) or state.get(kind, ns, name)  # type: ignore[method-assign]

    model = search(reads, {"cluster": "demo", "q": "t=x"})  # type: ignore[arg-type]

    assert sorted((r["kind"], r["name"]) for r in model["results"]) == [
        ("Endpoints", "web"),
        ("Event", "marked"),
    ]
    assert sorted(got) == [("Endpoints", "web"), ("Event", "marked")]
    assert not {"Event", "Endpoints"} & set(listed)  # neither kind read whole
