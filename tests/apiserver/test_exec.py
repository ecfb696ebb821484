"""`pods/exec` over the demo cluster: real kubectl and a raw websocket client speak the channel
protocol to the API server, which answers the read-only commands from the nodes' facts."""

from __future__ import annotations

import aiohttp
import orjson
import pytest

from explorer.apiserver import ApiServer, ApiStore, Policy
from explorer.demo import build_demo

from .conftest import Kubectl

NODE = "demo-worker"


@pytest.fixture
def store() -> ApiStore:
    return ApiStore(build_demo())


def kube_proxy_pod(store: ApiStore, node: str = NODE) -> str:
    return next(
        p["metadata"]["name"]
        for p in store.state.list("Pod", "kube-system")
        if p["metadata"].get("labels", {}).get("k8s-app") == "kube-proxy"
        and p["spec"].get("nodeName") == node
    )


def exec_url(server: ApiServer, pod: str, *argv: str, namespace: str = "kube-system") -> str:
    query = "&".join(f"command={a}" for a in argv)
    return f"{server.url}/api/v1/namespaces/{namespace}/pods/{pod}/exec?{query}&stdout=1&stderr=1"


async def channels_of(http: aiohttp.ClientSession, url: str, protocol: str) -> dict[int, bytes]:
    """Everything the server sent, per channel, until it closed."""
    received: dict[int, bytes] = {}
    async with http.ws_connect(url, protocols=(protocol,)) as socket:
        assert socket.protocol == protocol
        async for message in socket:
            assert message.type == aiohttp.WSMsgType.BINARY
            received[message.data[0]] = received.get(message.data[0], b"") + message.data[1:]
    return received


def test_kubectl_exec_iptables_save_in_a_kube_proxy_pod_prints_its_nodes_rules(
    kubectl: Kubectl, store: ApiStore
) -> None:
    done = kubectl("-n", "kube-system", "exec", kube_proxy_pod(store), "--", "iptables-save", "-c")
    assert done.returncode == 0, done.stderr
    assert done.stdout == store.state.node_facts[NODE]["iptables-save"]


def test_kubectl_exec_of_anything_but_a_node_fact_command_says_no_container_runs_here(
    kubectl: Kubectl, store: ApiStore
) -> None:
    done = kubectl("-n", "kube-system", "exec", kube_proxy_pod(store), "--", "ls", "/")
    assert done.returncode != 0
    assert "this API server runs no containers" in done.stderr
    assert "executable file not found" not in done.stderr


@pytest.mark.parametrize("protocol", ["v5.channel.k8s.io", "v4.channel.k8s.io"])
async def test_cat_resolv_conf_sends_stdout_then_a_success_status_on_the_error_channel(
    http: aiohttp.ClientSession, server: ApiServer, store: ApiStore, protocol: str
) -> None:
    pod = kube_proxy_pod(store)
    received = await channels_of(http, exec_url(server, pod, "cat", "/etc/resolv.conf"), protocol)
    expected = store.state.node_facts[NODE]["pod-resolv.conf"][f"kube-system/{pod}"]
    assert received[1].decode() == expected
    assert orjson.loads(received[3]) == {"metadata": {}, "status": "Success"}


async def test_a_failed_command_reports_its_exit_code_as_the_status_cause(
    http: aiohttp.ClientSession, server: ApiServer, store: ApiStore
) -> None:
    url = exec_url(server, kube_proxy_pod(store), "cat", "/etc/shadow")
    received = await channels_of(http, url, "v5.channel.k8s.io")
    assert received[2] == b"cat: /etc/shadow: No such file or directory\n"
    status = orjson.loads(received[3])
    assert (status["status"], status["reason"]) == ("Failure", "NonZeroExitCode")
    assert status["details"]["causes"] == [{"reason": "ExitCode", "message": "1"}]


async def test_iptables_save_without_c_leaves_the_rule_counters_out(
    http: aiohttp.ClientSession, server: ApiServer, store: ApiStore
) -> None:
    rules = "*nat\n:KUBE-SERVICES - [0:0]\n[12:720] -A KUBE-SERVICES -j KUBE-NODEPORTS\nCOMMIT\n"
    store.set_node_facts(NODE, {"iptables-save": rules})
    pod = kube_proxy_pod(store)
    plain = await channels_of(http, exec_url(server, pod, "iptables-save"), "v5.channel.k8s.io")
    counted = await channels_of(
        http, exec_url(server, pod, "iptables-save", "-c"), "v5.channel.k8s.io"
    )
    assert plain[1].decode() == rules.replace("[12:720] ", "")
    assert counted[1].decode() == rules


async def test_iptables_save_is_not_found_outside_a_kube_proxy_pod(
    http: aiohttp.ClientSession, server: ApiServer, store: ApiStore
) -> None:
    other = next(
        p
        for p in store.state.pods_on_node(NODE)
        if p["metadata"].get("labels", {}).get("k8s-app") != "kube-proxy"
    )
    meta = other["metadata"]
    url = exec_url(server, meta["name"], "iptables-save", namespace=meta["namespace"])
    if len(other["spec"]["containers"]) > 1:
        url += f"&container={other['spec']['containers'][0]['name']}"
    received = await channels_of(http, url, "v5.channel.k8s.io")
    assert 1 not in received
    assert orjson.loads(received[3])["details"]["causes"][0]["message"] == "127"


@pytest.mark.parametrize("policy", [Policy(["pods/exec"])])
async def test_a_policy_forbidding_pods_exec_is_answered_403_before_the_upgrade(
    http: aiohttp.ClientSession, server: ApiServer, store: ApiStore
) -> None:
    pod = kube_proxy_pod(store)
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        await channels_of(http, exec_url(server, pod, "iptables-save"), "v5.channel.k8s.io")
    assert refused.value.status == 403
    async with http.get(exec_url(server, pod, "iptables-save")) as response:
        body = await response.json()
    assert (response.status, body["reason"]) == (403, "Forbidden")
    assert 'cannot get resource "pods/exec"' in body["message"]


async def test_exec_without_a_websocket_upgrade_is_a_bad_request(
    http: aiohttp.ClientSession, server: ApiServer, store: ApiStore
) -> None:
    async with http.get(exec_url(server, kube_proxy_pod(store), "iptables-save")) as response:
        body = await response.json()
    assert (response.status, body["message"]) == (400, "Upgrade request required")


async def test_exec_in_a_pod_that_does_not_exist_is_404(
    http: aiohttp.ClientSession, server: ApiServer
) -> None:
    async with http.get(exec_url(server, "kube-proxy-gone", "iptables-save")) as response:
        body = await response.json()
    assert (response.status, body["reason"]) == (404, "NotFound")
