"""The exec probe through the project's API server over the demo: the official client's
websocket exec into each node's kube-proxy pod."""

from __future__ import annotations

import pytest

from explorer.apiserver import ApiServer, Policy
from explorer.kube.config import Cluster
from explorer.probes.exec_probe import ExecProbe
from explorer.state.cluster_state import ClusterState
from explorer.state.node_facts import FACTS, reached

NODES = ["demo-control-plane", "demo-worker", "demo-gpu-worker"]


@pytest.mark.parametrize("node", NODES)
def test_exec_reads_each_nodes_rules_and_resolv_conf_from_its_kube_proxy_pod(
    cluster: Cluster, demo: ClusterState, node: str
) -> None:
    collected = ExecProbe(cluster.api_client).collect(node)
    recorded = demo.node_facts[node]
    assert (collected["node"], collected["probe"]) == (node, "exec")
    assert collected["facts"]["iptables-save"] == recorded["iptables-save"]
    # kube-proxy runs with the host's network: the kubelet gives it the node's resolv.conf
    # (as it re-writes it: the same servers, search list and options).
    pod = ExecProbe(cluster.api_client).kube_proxy_pod(node)
    assert collected["facts"]["resolv.conf"] == recorded["pod-resolv.conf"][f"kube-system/{pod}"]
    assert "nameserver 172.18.0.1" in collected["facts"]["resolv.conf"]
    assert collected["taken_at"].endswith("Z")


def test_what_the_kube_proxy_image_cannot_print_is_each_facts_own_error(
    cluster: Cluster,
) -> None:
    collected = ExecProbe(cluster.api_client).collect("demo-worker")
    assert set(collected["errors"]) == {"ip6tables-save", "nft"}
    assert collected["errors"]["nft"].startswith("nft: exit code 127: ")
    assert "executable file not found" in collected["errors"]["nft"]


def test_a_node_without_a_kube_proxy_pod_is_reported_not_read(cluster: Cluster) -> None:
    collected = ExecProbe(cluster.api_client).collect("ebpf-node")
    assert not reached(collected)
    assert collected["errors"] == dict.fromkeys(FACTS, "no running kube-proxy pod on ebpf-node")


@pytest.mark.parametrize("policy", [Policy(["pods/exec"])])
def test_a_cluster_that_forbids_exec_gives_a_reported_error_not_a_crash(
    cluster: Cluster,
) -> None:
    collected = ExecProbe(cluster.api_client).collect("demo-worker")
    assert not reached(collected)
    assert set(collected["errors"]) == set(FACTS)
    reason = collected["errors"]["iptables-save"]
    assert reason.startswith("exec in kube-system/kube-proxy-")
    assert '403 Forbidden: pods "kube-proxy-' in reason
    assert 'cannot get resource "pods/exec"' in reason


def test_a_server_that_is_gone_gives_a_reported_error(cluster: Cluster, server: ApiServer) -> None:
    server.stop()
    collected = ExecProbe(cluster.api_client).collect("demo-worker")
    assert not reached(collected)
    assert collected["errors"]["iptables-save"].startswith("cannot list kube-proxy pods: 0 ")
