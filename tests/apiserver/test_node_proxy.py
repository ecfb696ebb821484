"""`nodes/proxy` on the project's API server over the demo: the kubelet's /metrics/cadvisor and
/stats/summary made from each node's recorded cgroup tree, read by the real kubectl and by the
project's own parsers, in the form a real kubelet writes."""

from __future__ import annotations

from pathlib import Path

import aiohttp
import pytest

from explorer.apiserver import ApiServer, ApiStore, Policy
from explorer.collectors.cgroups import map_pods, parse_cadvisor, tree_from_recorded
from explorer.collectors.cgroups.expected import shares_from_weight
from explorer.collectors.cgroups.prometheus import samples
from explorer.collectors.storage.usage import volume_usage
from explorer.demo import build_demo
from tests.kubelet_summary import parse_summary

from .conftest import Kubectl

NODES = ["demo-control-plane", "demo-worker", "demo-gpu-worker"]
CADVISOR = "/api/v1/nodes/{}/proxy/metrics/cadvisor"
SUMMARY = "/api/v1/nodes/{}/proxy/stats/summary"
LIMITS = ("memory_limit_bytes", "cpu_quota_us", "cpu_period_us", "cpu_limit_cores", "pids_max")
REAL_CADVISOR = "minikube-v1.34-containerd-cgroupfs-kubelet-metrics-cadvisor.prom"
METRICS = (
    "container_memory_usage_bytes",
    "container_spec_memory_limit_bytes",
    "container_spec_cpu_quota",
    "container_spec_cpu_period",
    "container_spec_cpu_shares",
)


@pytest.fixture
def store() -> ApiStore:
    return ApiStore(build_demo())


async def _get(http: aiohttp.ClientSession, server: ApiServer, path: str) -> tuple[int, str, str]:
    async with http.get(server.url + path) as response:
        return response.status, response.headers["Content-Type"], await response.text()


@pytest.mark.parametrize("node", NODES)
async def test_the_cadvisor_text_parses_to_the_same_pods_and_limits_as_the_recorded_tree(
    http: aiohttp.ClientSession, server: ApiServer, store: ApiStore, node: str
) -> None:
    status, content_type, text = await _get(http, server, CADVISOR.format(node))
    assert (status, content_type) == (200, "text/plain; version=0.0.4; charset=utf-8")

    read = parse_cadvisor(text)
    recorded = tree_from_recorded(store.state.node_facts[node]["cgroups"])
    assert (read.driver, read.version) == ("systemd", 2)  # v2: cAdvisor's pressure samples
    assert sorted((p.uid, p.qos, p.path) for p in read.pods) == sorted(
        (p.uid, p.qos, p.path) for p in recorded.pods
    )
    pods = {
        f"{p['metadata']['namespace']}/{p['metadata']['name']}": p
        for p in store.state.pods_on_node(node)
    }
    for pod in read.pods:
        expected = recorded.pod(pod.uid)
        assert pods[pod.name]["metadata"]["uid"] == pod.uid
        assert {k: pod.limits.get(k) for k in LIMITS} == {k: expected.limits.get(k) for k in LIMITS}
        assert pod.limits["cpu_shares"] == shares_from_weight(expected.limits["cpu_weight"])
        assert sorted(c.id for c in pod.containers) == sorted(c.id for c in expected.containers)
        for container in pod.containers:
            want = expected.container(container.id)
            assert {k: container.limits.get(k) for k in LIMITS} == {
                k: want.limits.get(k) for k in LIMITS
            }
        names = {c.name for c in pod.containers if not c.sandbox}
        statuses = pods[pod.name]["status"]["containerStatuses"]
        # a container still waiting (the restore pod's, its volume not attached) has no scope
        assert names == {c["name"] for c in statuses if "running" in c["state"]}
        assert sum(1 for c in pod.containers if c.sandbox) == 1


def _label_sets(text: str, metric: str) -> set[frozenset[str]]:
    return {frozenset(s.labels) for s in samples(text, {metric})}


async def test_every_sample_has_the_labels_and_families_of_a_real_kubelets(
    http: aiohttp.ClientSession, server: ApiServer, real_fixtures: Path
) -> None:
    _, _, text = await _get(http, server, CADVISOR.format("demo-worker"))
    real = (real_fixtures / "metrics" / REAL_CADVISOR).read_text()
    for metric in METRICS:
        assert _label_sets(text, metric) == _label_sets(real, metric), metric
        assert f"# TYPE {metric} gauge" in text
    sandbox = next(
        s for s in samples(text, {"container_spec_memory_limit_bytes"}) if s.labels["name"]
    )
    assert (sandbox.labels["container"], sandbox.labels["image"], sandbox.value) == (
        "",
        "registry.k8s.io/pause:3.10",
        0,  # no limit
    )


async def test_the_summary_gives_each_pod_and_container_with_its_memory_limit(
    http: aiohttp.ClientSession, server: ApiServer, store: ApiStore
) -> None:
    status, content_type, text = await _get(http, server, SUMMARY.format("demo-worker"))
    assert (status, content_type) == (200, "application/json")

    summary = parse_summary(text)
    recorded = tree_from_recorded(store.state.node_facts["demo-worker"]["cgroups"])
    assert summary.node == "demo-worker" and summary.pressure  # PSI: cgroup v2
    assert [p.uid for p in summary.pods] == [p.uid for p in recorded.pods]
    map_pods(recorded, store.state.pods_on_node("demo-worker"))  # names the containers
    for pod in summary.pods:
        want = recorded.pod(pod.uid)
        assert pod.usage.memory_limit_bytes == want.limits["memory_limit_bytes"]
        assert {name: u.memory_limit_bytes for name, u in pod.containers.items()} == {
            c.name: c.limits["memory_limit_bytes"] for c in want.containers if not c.sandbox
        }
        containers = sum(c.memory_usage_bytes or 0 for c in pod.containers.values())
        assert pod.usage.memory_usage_bytes > containers, "the pause sandbox counts in its pod"
    assert summary.pods_cgroup.memory_limit_bytes == recorded.kubepods.limits["memory_limit_bytes"]


async def test_the_summary_gives_each_mounted_claim_with_its_bytes_as_the_demo_recorded_them(
    http: aiohttp.ClientSession, server: ApiServer, store: ApiStore
) -> None:
    _, _, text = await _get(http, server, SUMMARY.format("demo-worker"))

    usages = {u.claim: u for u in volume_usage(text)}
    recorded = {
        (v["pod_uid"], v["name"]): v["usage"]
        for v in store.state.node_facts["demo-worker"]["storage"]["volumes"]
    }
    assert set(usages) == {("shop", "data-db-0"), ("shop", "data-db-1")}
    for (namespace, claim), usage in usages.items():
        pod = store.state.get("Pod", namespace, usage.pod_name)
        volume = store.state.volume_for_claim(namespace, claim)
        figures = recorded[(pod["metadata"]["uid"], volume["metadata"]["name"])]
        assert (usage.pod_uid, usage.volume) == (pod["metadata"]["uid"], "data")
        assert (usage.capacity_bytes, usage.used_bytes, usage.available_bytes) == (
            figures["capacity_bytes"],
            figures["used_bytes"],
            figures["available_bytes"],
        )
        assert 0 < usage.used_bytes < usage.capacity_bytes
    # The claim grown to 20Gi waits for its filesystem: the node still measures 10Gi.
    assert usages[("shop", "data-db-1")].capacity_bytes == 10 * 2**30
    assert "restore" not in {u.pod_name for u in usages.values()}, "its attachment failed"


def test_kubectl_get_raw_prints_the_kubelets_cadvisor_metrics(
    kubectl: Kubectl, store: ApiStore
) -> None:
    done = kubectl("get", "--raw", CADVISOR.format("demo-worker"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("# HELP container_memory_usage_bytes ")
    read = parse_cadvisor(done.stdout)
    recorded = tree_from_recorded(store.state.node_facts["demo-worker"]["cgroups"])
    assert {p.uid for p in read.pods} == {p.uid for p in recorded.pods}


@pytest.mark.parametrize("policy", [Policy(["nodes/proxy"])])
def test_a_policy_that_forbids_nodes_proxy_gets_403_as_kubectl_shows_it(kubectl: Kubectl) -> None:
    done = kubectl("get", "--raw", CADVISOR.format("demo-worker"))
    assert done.returncode == 1
    assert done.stderr.strip() == (
        'Error from server (Forbidden): nodes "demo-worker" is forbidden: User '
        '"system:anonymous" cannot get resource "nodes/proxy" in API group "" at the cluster scope'
    )


async def test_other_kubelet_paths_and_unknown_nodes_are_not_found(
    http: aiohttp.ClientSession, server: ApiServer
) -> None:
    status, _, text = await _get(http, server, "/api/v1/nodes/demo-worker/proxy/pods/extra")
    assert (status, text) == (404, "404 page not found\n")
    status, _, text = await _get(http, server, CADVISOR.format("nowhere"))
    assert status == 404 and '"message":"nodes \\"nowhere\\" not found"' in text


async def test_a_node_with_no_recorded_tree_is_a_kubelet_the_server_cannot_reach(
    http: aiohttp.ClientSession, server: ApiServer, store: ApiStore
) -> None:
    node = store.get("Node", "", "demo-worker")
    store.apply({"type": "ADDED", "object": {**node, "metadata": {"name": "bare-node"}}})
    status, _, text = await _get(http, server, SUMMARY.format("bare-node"))
    assert status == 503 and '"reason":"ServiceUnavailable"' in text
