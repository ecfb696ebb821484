import base64
from collections import Counter

import orjson

from explorer.demo import build_demo
from explorer.state.state_dump import dump_state
from tests.service_lookup import endpoint_slices_for_service, pods_for_service

from .conftest import NOW
from .invariants import all_problems


def test_demo_objects_are_consistent(demo):
    assert all_problems(demo) == []


def test_cluster_has_a_control_plane_and_two_workers_one_with_gpus_behind_a_taint(demo):
    nodes = {n["metadata"]["name"]: n for n in demo.list("Node")}
    assert set(nodes) == {"demo-control-plane", "demo-worker", "demo-gpu-worker"}
    gpu = nodes["demo-gpu-worker"]
    assert gpu["status"]["capacity"]["nvidia.com/gpu"] == "4"
    assert gpu["spec"]["taints"] == [
        {"effect": "NoSchedule", "key": "nvidia.com/gpu", "value": "present"}
    ]
    assert (
        "node-role.kubernetes.io/control-plane" in nodes["demo-control-plane"]["metadata"]["labels"]
    )
    leases = {lease["metadata"]["name"] for lease in demo.list("Lease", "kube-node-lease")}
    assert leases == set(nodes)


def test_static_control_plane_pods_are_mirror_pods_owned_by_the_node(demo):
    node = demo.get("Node", "", "demo-control-plane")
    for component in ("kube-apiserver", "kube-controller-manager", "kube-scheduler", "etcd"):
        pod = demo.get("Pod", "kube-system", f"{component}-demo-control-plane")
        owner = pod["metadata"]["ownerReferences"][0]
        assert (owner["kind"], owner["uid"]) == ("Node", node["metadata"]["uid"])
        assert pod["spec"]["hostNetwork"] is True
        assert pod["status"]["podIP"] == "172.18.0.2"
        assert pod["metadata"]["annotations"]["kubernetes.io/config.source"] == "file"


def test_kubernetes_service_points_at_the_apiserver_and_dns_at_coredns(demo):
    svc = demo.get("Service", "default", "kubernetes")
    assert svc["spec"]["clusterIP"] == "10.96.0.1"
    (eps,) = endpoint_slices_for_service(demo, "default", "kubernetes")
    assert eps["endpoints"][0]["addresses"] == ["172.18.0.2"]
    assert eps["ports"] == [{"name": "https", "port": 6443, "protocol": "TCP"}]
    dns = demo.get("Service", "kube-system", "kube-dns")
    assert dns["spec"]["clusterIP"] == "10.96.0.10"
    assert [p["name"] for p in dns["spec"]["ports"]] == ["dns", "dns-tcp", "metrics"]
    assert len(pods_for_service(demo, "kube-system", "kube-dns")) == 2


def test_pending_gpu_pod_has_the_schedulers_failed_scheduling_message(demo):
    (pod,) = [p for p in demo.list("Pod", "shop") if p["status"]["phase"] == "Pending"]
    message = (
        "0/3 nodes are available: 1 Insufficient nvidia.com/gpu, 1 node(s) had untolerated taint "
        "{node-role.kubernetes.io/control-plane: }, 1 node(s) had untolerated taint "
        "{nvidia.com/gpu: present}. preemption: 0/3 nodes are available: 1 No preemption victims "
        "found for incoming pod, 2 Preemption is not helpful for scheduling."
    )
    (event,) = [
        e
        for e in demo.list("Event", "shop")
        if e["reason"] == "FailedScheduling"
        and e["involvedObject"]["uid"] == pod["metadata"]["uid"]
    ]
    assert event["message"] == message
    assert event["reportingComponent"] == "default-scheduler"
    scheduled = [c for c in pod["status"]["conditions"] if c["type"] == "PodScheduled"]
    assert scheduled[0]["reason"] == "Unschedulable" and scheduled[0]["message"] == message


def test_qos_classes_cover_all_three_kinds(demo):
    qos = Counter(p["status"]["qosClass"] for p in demo.list("Pod"))
    assert {"Guaranteed", "Burstable", "BestEffort"} <= set(qos)


def test_statefulset_claims_are_bound_to_csi_volumes_attached_to_the_pods_node(demo):
    for ordinal in (0, 1):
        pod = demo.get("Pod", "shop", f"db-{ordinal}")
        claim = demo.get("PersistentVolumeClaim", "shop", f"data-db-{ordinal}")
        volume = demo.volume_for_claim("shop", f"data-db-{ordinal}")
        assert claim["status"]["phase"] == volume["status"]["phase"] == "Bound"
        assert volume["spec"]["csi"]["driver"] == "rbd.csi.ceph.com"
        attachments = [
            a
            for a in demo.list("VolumeAttachment")
            if a["spec"]["source"]["persistentVolumeName"] == volume["metadata"]["name"]
        ]
        assert [a["spec"]["nodeName"] for a in attachments] == [pod["spec"]["nodeName"]]


def test_pod_with_an_init_container_reports_it_completed(demo):
    pods = [p for p in demo.list("Pod", "shop") if p["spec"].get("initContainers")]
    assert pods
    for pod in pods:
        (init,) = pod["status"]["initContainerStatuses"]
        assert init["state"]["terminated"]["reason"] == "Completed"


def test_secret_values_are_dropped_by_the_state(demo):
    # explorer/demo/namespaces.py makes these Secrets with values in `data`, as an API serves them.
    held = {(s["metadata"]["namespace"], s["metadata"]["name"]): s for s in demo.list("Secret")}
    assert held[("shop", "db-credentials")]["type"] == "Opaque"
    assert held[("kube-system", "bootstrap-token-abcdef")]["type"] == (
        "bootstrap.kubernetes.io/token"
    )
    assert all("data" not in s and "stringData" not in s for s in held.values())
    everything = orjson.dumps(dump_state(demo))
    for value in ("demo-only-not-a-secret", "AQDemoOnlyKeyxxxxxxxxxxxxxxxxxxxx=="):
        assert value.encode() not in everything
        assert base64.b64encode(value.encode()) not in everything


def test_every_namespace_has_a_default_service_account_and_root_ca(demo):
    namespaces = list(demo.list("Namespace"))
    assert len(namespaces) > 1
    for namespace in namespaces:
        name = namespace["metadata"]["name"]
        assert demo.get("ServiceAccount", name, "default") is not None
        assert demo.get("ConfigMap", name, "kube-root-ca.crt") is not None


def test_kube_proxy_config_says_iptables_mode(demo):
    config = demo.get("ConfigMap", "kube-system", "kube-proxy")["data"]["config.conf"]
    assert "\nmode: iptables\n" in config


def test_pod_dns_follows_the_dns_policy(demo):
    resolv = demo.node_facts["demo-worker"]["pod-resolv.conf"]
    web = next(text for key, text in resolv.items() if key.startswith("shop/web-"))
    assert web == (
        "search shop.svc.cluster.local svc.cluster.local cluster.local demo.internal\n"
        "nameserver 10.96.0.10\noptions ndots:5\n"
    )
    proxy = next(text for key, text in resolv.items() if key.startswith("kube-system/kube-proxy"))
    assert "10.96.0.10" not in proxy
    plugin = next(text for key, text in resolv.items() if "nodeplugin" in key)
    assert "nameserver 10.96.0.10" in plugin


def test_guaranteed_pod_cgroup_sits_under_kubepods_with_its_limits(demo):
    pod = next(p for p in demo.list("Pod", "shop") if p["status"]["qosClass"] == "Guaranteed")
    tree = demo.node_facts[pod["spec"]["nodeName"]]["cgroups"]
    assert (tree["version"], tree["driver"]) == (2, "systemd")
    uid = pod["metadata"]["uid"].replace("-", "_")
    files = tree["nodes"][f"kubepods.slice/kubepods-pod{uid}.slice"]
    assert files["memory.max"] == str(512 * 2**20)
    assert files["cpu.max"] == "50000 100000"


def test_same_seed_gives_the_same_cluster_and_another_seed_does_not():
    first, again = build_demo(seed=3, now=NOW), build_demo(seed=3, now=NOW)
    other = build_demo(seed=4, now=NOW)
    uids = sorted(p["metadata"]["uid"] for p in first.list("Pod"))
    assert uids == sorted(p["metadata"]["uid"] for p in again.list("Pod"))
    assert uids != sorted(p["metadata"]["uid"] for p in other.list("Pod"))
    assert first.node_facts["demo-worker"] == again.node_facts["demo-worker"]
