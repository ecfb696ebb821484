"""Small cluster states for the proxy-mode, drift and packet-trace view tests."""

from __future__ import annotations

from pathlib import Path

from explorer.state.cluster_state import ClusterState

from .objects import node, pod

NFT_DUMP = Path("iptables") / "k3s-nftables-kube-proxy-nft-list-table.txt"


def kube_proxy_config_map(mode: str) -> dict:
    config = (
        "apiVersion: kubeproxy.config.k8s.io/v1alpha1\n"
        f"kind: KubeProxyConfiguration\nmode: {mode}\n"
    )
    return {
        "kind": "ConfigMap",
        "metadata": {"namespace": "kube-system", "name": "kube-proxy"},
        "data": {"config.conf": config},
    }


def kube_proxy_pod(node_name: str) -> dict:
    found = pod(
        "kube-system", f"kube-proxy-{node_name}", node_name, labels={"k8s-app": "kube-proxy"}
    )
    found["spec"]["hostNetwork"] = True
    return found


def kubernetes_service(cluster_ip: str) -> dict:
    return {
        "kind": "Service",
        "metadata": {"namespace": "default", "name": "kubernetes"},
        "spec": {
            "clusterIP": cluster_ip,
            "type": "ClusterIP",
            "ports": [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": 6443}],
        },
    }


def kubernetes_slice(*ips: str) -> dict:
    return {
        "kind": "EndpointSlice",
        "metadata": {
            "namespace": "default",
            "name": "kubernetes",
            "labels": {"kubernetes.io/service-name": "kubernetes"},
        },
        "ports": [{"name": "https", "port": 6443, "protocol": "TCP"}],
        "endpoints": [{"addresses": [ip], "conditions": {"ready": True}} for ip in ips],
    }


def nftables_cluster(real_fixtures: Path, *endpoint_ips: str) -> ClusterState:
    """n1 runs kube-proxy in nftables mode (the k3s ruleset recorded); n2 runs no kube-proxy."""
    state = ClusterState("nft")
    for number, name in enumerate(("n1", "n2")):
        found = node(name)
        found["status"]["addresses"] = [
            {"type": "InternalIP", "address": f"10.34.4.{246 + number}"}
        ]
        state.upsert(found)
    state.upsert(kube_proxy_config_map("nftables"))
    state.upsert(kube_proxy_pod("n1"))
    state.upsert(pod("default", "app", "n2"))
    state.upsert(kubernetes_service("10.43.0.1"))
    state.upsert(kubernetes_slice(*(endpoint_ips or ("10.34.4.142",))))
    state.set_node_facts("n1", {"nft": (real_fixtures / NFT_DUMP).read_text()})
    return state
