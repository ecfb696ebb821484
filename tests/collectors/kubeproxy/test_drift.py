import pytest

from explorer.collectors.iptables import parse
from explorer.collectors.kubeproxy import drift
from explorer.lib import kubeproxy
from tests.service_lookup import endpoint_slices_for_service

from .conftest import expected_on
from .drifting import web_endpoint_chains, without_chain_lines, without_lines

WEB = "shop/web:http"


def _drift(state, node, text=None):
    text = text if text is not None else state.node_facts[node]["iptables-save"]
    return drift.iptables_drift(node, expected_on(state, node), parse(text))


def _kinds(items):
    return [(i["kind"], i["service"]) for i in items]


@pytest.mark.parametrize("node", ["demo-control-plane", "demo-worker", "demo-gpu-worker"])
def test_demo_nodes_have_exactly_what_kube_proxy_should_program(demo, node):
    assert _drift(demo, node) == []


def test_removed_endpoint_jump_and_chain_is_one_missing_endpoint(demo):
    text = demo.node_facts["demo-worker"]["iptables-save"]
    jump, sep = web_endpoint_chains(text)[0]
    broken = without_chain_lines(without_lines(text, jump), sep)
    items = _drift(demo, "demo-worker", broken)
    assert _kinds(items) == [(drift.MISSING_ENDPOINT, WEB)]
    assert items[0]["endpoint_chain"] == sep
    assert items[0]["chain"] == kubeproxy.service_chain(WEB, "tcp")
    assert items[0]["pod"].startswith("shop/web-")
    assert items[0]["node"] == "demo-worker"


def test_endpoint_of_a_deleted_pod_still_programmed_is_stale(fresh_demo):
    text = fresh_demo.node_facts["demo-worker"]["iptables-save"]
    eps = endpoint_slices_for_service(fresh_demo, "shop", "web")[0]
    gone = eps["endpoints"][0]
    fresh_demo.delete("Pod", "shop", gone["targetRef"]["name"])
    eps = {**eps, "endpoints": eps["endpoints"][1:]}  # what the EndpointSlice controller does
    fresh_demo.upsert(eps)
    items = _drift(fresh_demo, "demo-worker", text)
    stale = [i for i in items if i["service"] == WEB]
    assert _kinds(stale) == [(drift.STALE_ENDPOINT, WEB)]
    assert stale[0]["endpoint"] == f"{gone['addresses'][0]}:8080"
    assert stale[0]["found"] == pytest.approx(1 / 3, abs=1e-9)
    # web-public selects the same pods: its chains are stale in the same way, nothing else is
    assert {i["kind"] for i in items} == {drift.STALE_ENDPOINT}


def test_a_chain_no_service_explains_is_a_leftover(demo):
    text = demo.node_facts["demo-worker"]["iptables-save"]
    leftover = kubeproxy.endpoint_chain("gone/svc:http", "tcp", "10.244.9.9:80")
    text = text.replace("*nat\n", f"*nat\n:{leftover} - [0:0]\n", 1)
    items = _drift(demo, "demo-worker", text)
    assert [(i["kind"], i["chain"]) for i in items] == [(drift.LEFTOVER_CHAIN, leftover)]


def test_deleted_service_leaves_its_chains_behind(fresh_demo):
    text = fresh_demo.node_facts["demo-control-plane"]["iptables-save"]
    fresh_demo.delete("Service", "kube-system", "kube-dns")
    items = _drift(fresh_demo, "demo-control-plane", text)
    assert {i["kind"] for i in items} == {drift.LEFTOVER_CHAIN}
    services = {i["service"] for i in items}
    assert services == {
        "kube-system/kube-dns:dns",
        "kube-system/kube-dns:dns-tcp",
        "kube-system/kube-dns:metrics",
    }
    assert kubeproxy.service_chain("kube-system/kube-dns:dns", "udp") in {i["chain"] for i in items}


def test_service_port_without_any_rule_is_a_missing_service(demo):
    text = demo.node_facts["demo-gpu-worker"]["iptables-save"]
    port = next(p for p in expected_on(demo, "demo-gpu-worker") if p.name == WEB)
    seps = "|".join(e.chain for e in port.reachable)
    broken = without_chain_lines(text, port.chain, seps)
    broken = "\n".join(line for line in broken.splitlines() if port.chain not in line) + "\n"
    items = _drift(demo, "demo-gpu-worker", broken)
    assert _kinds(items) == [(drift.MISSING_SERVICE, WEB)]
    assert items[0]["expected"] == f"{port.cluster_ip}:80"


def test_tampered_probability_is_reported_as_numbers_not_text(demo):
    text = demo.node_facts["demo-worker"]["iptables-save"]
    jump, _ = web_endpoint_chains(text)[0]
    items = _drift(demo, "demo-worker", text.replace(jump, jump.replace("0.33333333349", "0.9")))
    assert {i["kind"] for i in items} == {drift.WRONG_PROBABILITY}
    first = items[0]
    assert first["expected"] == pytest.approx(1 / 3)
    assert first["found"] == pytest.approx(0.9)


def test_probabilities_as_the_kernel_prints_them_are_not_drift(demo):
    text = demo.node_facts["demo-worker"]["iptables-save"]
    assert "0.33333333349" in text  # eleven decimals, not kube-proxy's ten
    assert not [i for i in _drift(demo, "demo-worker", text) if i["kind"] == "wrong-probability"]


def test_node_that_rejects_a_service_with_endpoints_misses_each_endpoint(demo):
    port = next(p for p in expected_on(demo, "demo-worker") if p.name == "default/kubernetes:https")
    broken = without_chain_lines(
        demo.node_facts["demo-worker"]["iptables-save"], port.chain, port.reachable[0].chain
    )
    broken = "\n".join(line for line in broken.splitlines() if port.chain not in line)
    reject = (
        f"-A KUBE-SERVICES -d {port.cluster_ip}/32 -p tcp -m comment --comment "
        '"default/kubernetes:https has no endpoints" -m tcp --dport 443 -j REJECT'
    )
    broken = broken.replace(":KUBE-SERVICES - [0:0]\n", f":KUBE-SERVICES - [0:0]\n{reject}\n", 1)
    items = _drift(demo, "demo-worker", broken + "\n")
    assert [i["kind"] for i in items] == [drift.MISSING_ENDPOINT]
    assert "has no endpoints" in items[0]["detail"]
