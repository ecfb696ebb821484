from __future__ import annotations

from explorer.demo import build_demo
from explorer.viewmodels.workloads.pod import describe_probe, pod_view

from ..workload_states import HOSTILE, add_hostile_pod, every_plotly_text, real_state


def _pod(state, namespace: str, name: str) -> dict:
    return pod_view(state, {"cluster": "demo", "namespace": namespace, "name": name})


def test_statefulset_pod_volume_walks_claim_to_volume_to_storage_class() -> None:
    model = _pod(build_demo(), "shop", "db-0")
    (data,) = [v for v in model["volumes"] if v["name"] == "data"]
    assert data["claim"] == {"name": "data-db-0", "phase": "Bound", "requested": "10Gi"}
    assert data["volume"]["name"].startswith("pvc-") and data["volume"]["capacity"] == "10Gi"
    assert data["storage_class"]["name"] == "ceph-rbd"
    assert data["storage_class"]["provisioner"] == "rbd.csi.ceph.com"


def _shop_pod_named(state, prefix: str) -> str:
    """The name of the first shop pod whose name starts with `prefix`."""
    return next(
        p["metadata"]["name"]
        for p in state.list("Pod", "shop")
        if p["metadata"]["name"].startswith(prefix)
    )


def test_qos_class_comes_with_the_reason_the_kubelet_has() -> None:
    model = _pod(build_demo(), "shop", "db-0")
    assert model["qos"]["class"] == "Burstable" == model["qos"]["reported"]
    assert model["qos"]["reasons"] == ["Container 'postgres' requests 1 cpu but its limit is 2."]


def test_owner_chain_reaches_the_deployment_and_services_select_it() -> None:
    state = build_demo()
    web = _shop_pod_named(state, "web-")
    model = _pod(state, "shop", web)
    assert [o["kind"] for o in model["owners"]] == ["ReplicaSet", "Deployment"]
    assert model["owners"][-1]["name"] == "web"
    assert {s["name"] for s in model["services"]} >= {"web"}


def test_every_running_container_and_the_sandbox_link_to_their_cgroup_on_the_node() -> None:
    model = _pod(build_demo(), "shop", "db-0")
    (postgres,) = model["containers"]
    assert postgres["cgroup"].endswith(f"cri-containerd-{postgres['container_id']}.scope")
    assert postgres["cgroup"].startswith(model["sandbox"]["pod_cgroup"] + "/")
    assert model["sandbox"]["cgroup"].startswith(model["sandbox"]["pod_cgroup"] + "/")
    assert model["sandbox"]["cgroup"] != postgres["cgroup"]


def test_effective_resolv_conf_uses_the_cluster_dns_and_the_pod_namespace() -> None:
    dns = _pod(build_demo(), "shop", "db-0")["dns"]
    assert dns["applied"] == "cluster"
    assert "search shop.svc.cluster.local svc.cluster.local cluster.local" in dns["text"]
    assert "options ndots:5" in dns["text"]


def test_pending_pod_shows_its_failed_scheduling_event_on_the_timeline() -> None:
    state = build_demo()
    trainer = _shop_pod_named(state, "trainer-")
    model = _pod(state, "shop", trainer)
    assert model["header"]["state"] == "Pending" and model["header"]["node"] == ""
    reasons = {e["reason"] for e in model["events"].values()}
    assert "FailedScheduling" in reasons


def test_init_containers_come_first_in_their_order() -> None:
    state = build_demo()
    with_init = next(p for p in state.list("Pod") if (p["spec"].get("initContainers") or []))
    model = _pod(state, with_init["metadata"]["namespace"], with_init["metadata"]["name"])
    roles = [c["role"] for c in model["containers"]]
    inits = [c for c in model["containers"] if c["role"] in ("init", "sidecar")]
    assert roles[: len(inits)] == [c["role"] for c in inits]
    assert [c["order"] for c in inits] == list(range(1, len(inits) + 1))


def test_real_openshift_pod_probes_and_terminations_read(real_fixtures) -> None:
    state = real_state(real_fixtures)
    model = _pod(
        state,
        "openshift-cluster-storage-operator",
        "csi-snapshot-controller-operator-c9886b54b-d5j84",
    )
    assert model["found"] and model["qos"]["class"] == "Burstable"
    assert model["containers"][0]["image"]
    crashed = _pod(state, "scraper", "e2e-container-creating")
    assert crashed["qos"]["class"] == "Guaranteed"


def test_unknown_pod_says_not_found() -> None:
    assert _pod(build_demo(), "shop", "nope")["found"] is False


def test_probe_description_says_handler_and_timing() -> None:
    probe = {"httpGet": {"path": "/healthz", "port": 8080}, "periodSeconds": 5}
    assert (
        describe_probe(probe)
        == "HTTP GET http://:8080/healthz (every 5s, timeout 1s, after 0s, 3 failures to fail)"
    )


def test_hostile_strings_stay_out_of_event_hover_markup() -> None:
    state = build_demo()
    pod = add_hostile_pod(state)
    state.upsert(
        {
            "kind": "Event",
            "metadata": {"name": "evil.1", "namespace": "shop", "uid": "e-1"},
            "involvedObject": {
                "kind": "Pod",
                "name": "evil",
                "namespace": "shop",
                "uid": pod["metadata"]["uid"],
            },
            "reason": HOSTILE,
            "message": HOSTILE,
            "type": "Warning",
            "lastTimestamp": "2026-01-01T00:00:00Z",
        },
        "Event",
    )
    model = _pod(state, "shop", "evil")
    assert all("<img" not in t for t in every_plotly_text(model))
    assert model["containers"][0]["name"] == HOSTILE  # plain text, for the page to set as text
