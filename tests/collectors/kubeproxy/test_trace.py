import pytest

from explorer.collectors.iptables import parse
from explorer.collectors.kubeproxy.matches import Packet, Where
from explorer.collectors.kubeproxy.trace import trace
from explorer.lib import kubeproxy

from .conftest import expected_on


def _node_ip(state, node):
    addresses = state.get("Node", "", node)["status"]["addresses"]
    return next(a["address"] for a in addresses if a["type"] == "InternalIP")


def _pod_ip(state, namespace, prefix, node):
    pod = next(
        p
        for p in state.list("Pod", namespace)
        if p["metadata"]["name"].startswith(prefix) and p["spec"].get("nodeName") == node
    )
    return pod["status"]["podIP"]


def _trace_demo(state, node, destination, port, protocol="tcp", *, source=None, hook=None):
    ruleset = parse(state.node_facts[node]["iptables-save"])
    source = source or _pod_ip(state, "shop", "web-", node)
    packet = Packet(source, destination, port, protocol)
    where = Where(frozenset({_node_ip(state, node)}))
    return trace(ruleset, packet, hook or "PREROUTING", where)


def _summary(result):
    return [(o["action"], o["destination"]) for o in result["outcomes"]]


def test_kubernetes_service_from_a_pod_ends_at_the_api_server_with_probability_one(demo):
    result = _trace_demo(demo, "demo-worker", "10.96.0.1", 443)
    control_plane = _node_ip(demo, "demo-control-plane")
    assert _summary(result) == [("DNAT", f"{control_plane}:6443")]
    outcome = result["outcomes"][0]
    assert outcome["probability"] == pytest.approx(1.0, abs=1e-9)
    assert outcome["chains"] == [
        "PREROUTING",
        "KUBE-SERVICES",
        "KUBE-SVC-NPX46M4PTMTKRN6Y",
        kubeproxy.endpoint_chain("default/kubernetes:https", "tcp", f"{control_plane}:6443"),
    ]
    # from a pod (inside the cluster CIDR) the masquerade rule does not apply
    assert not outcome["masquerade"]
    svc_steps = [s for s in outcome["steps"] if s["chain"] == "KUBE-SVC-NPX46M4PTMTKRN6Y"]
    assert svc_steps[0]["result"] == "no match" and svc_steps[0]["failed"] == ["! -s"]


def test_three_endpoint_service_reaches_each_pod_with_shares_summing_to_one(demo):
    svc = demo.get("Service", "shop", "web")
    result = _trace_demo(demo, "demo-worker", svc["spec"]["clusterIP"], 80)
    expected = next(p for p in expected_on(demo, "demo-worker") if p.name == "shop/web:http")
    assert sorted(o["destination"] for o in result["outcomes"]) == sorted(
        e.address for e in expected.cluster_endpoints
    )
    assert [o["action"] for o in result["outcomes"]] == ["DNAT"] * 3
    probabilities = [o["probability"] for o in result["outcomes"]]
    assert sum(probabilities) == pytest.approx(1.0, abs=1e-9)
    assert probabilities == pytest.approx([1 / 3] * 3, abs=1e-9)


def test_node_port_from_the_nodes_own_output_is_masqueraded_to_the_endpoints(demo):
    node_ip = _node_ip(demo, "demo-worker")
    result = _trace_demo(demo, "demo-worker", node_ip, 30080, source=node_ip, hook="OUTPUT")
    assert {o["action"] for o in result["outcomes"]} == {"DNAT"}
    assert sum(o["probability"] for o in result["outcomes"]) == pytest.approx(1.0, abs=1e-9)
    assert all(o["masquerade"] and o["mark"] == "0x4000" for o in result["outcomes"])
    ext = kubeproxy.service_chain("shop/web-public:http", "tcp", kubeproxy.EXTERNAL)
    assert all(ext in o["chains"] and "KUBE-NODEPORTS" in o["chains"] for o in result["outcomes"])
    nodeports_rule = next(
        s for s in result["outcomes"][0]["steps"] if s["action"] == "jump KUBE-NODEPORTS"
    )
    assert "destination address type LOCAL: yes" in nodeports_rule["why"]


def test_node_port_on_an_address_that_is_not_the_nodes_falls_through(demo):
    result = _trace_demo(demo, "demo-worker", "192.0.2.50", 30080, source="192.0.2.1")
    assert _summary(result) == [("fall through", "192.0.2.50:30080")]
    last = result["outcomes"][0]["steps"][-1]
    assert last["failed"] == ["--dst-type"]


def test_an_ip_no_service_has_falls_through_unchanged(demo):
    result = _trace_demo(demo, "demo-worker", "10.96.200.200", 80)
    assert _summary(result) == [("fall through", "10.96.200.200:80")]
    assert result["outcomes"][0]["probability"] == 1.0
    folded = [s for s in result["outcomes"][0]["steps"] if s["count"] > 1]
    assert folded and folded[0]["failed"] == ["-d"]


def test_service_without_endpoints_falls_through_nat_into_the_filter_reject(demo):
    svc = demo.get("Service", "shop", "legacy-api")
    result = _trace_demo(demo, "demo-worker", svc["spec"]["clusterIP"], 80)
    assert _summary(result)[0][0] == "fall through"
    assert any(
        "REJECT" in note and "has no endpoints" in note for note in result["outcomes"][0]["notes"]
    )


def test_kind_dump_sends_kube_dns_udp_to_two_endpoints_half_each(kind_dump):
    packet = Packet("10.244.0.7", "10.96.0.10", 53, "udp")
    result = trace(parse(kind_dump), packet, "PREROUTING")
    assert sorted(_summary(result)) == [("DNAT", "10.244.0.3:53"), ("DNAT", "10.244.0.4:53")]
    assert [o["probability"] for o in result["outcomes"]] == pytest.approx([0.5, 0.5], abs=1e-9)


def test_kind_dump_tcp_to_the_dns_port_takes_the_dns_tcp_chain(kind_dump):
    packet = Packet("10.244.0.7", "10.96.0.10", 53, "tcp")
    result = trace(parse(kind_dump), packet, "PREROUTING")
    assert all("KUBE-SVC-ERIFXISQEP7F7OF4" in o["chains"] for o in result["outcomes"])


def test_unknown_match_is_assumed_to_match_and_said_so():
    text = """*nat
:PREROUTING ACCEPT [0:0]
:KUBE-SEP-A - [0:0]
-A PREROUTING -m set --match-set SOMESET dst -j KUBE-SEP-A
-A KUBE-SEP-A -p tcp -m tcp -j DNAT --to-destination 10.0.0.9
COMMIT
"""
    result = trace(parse(text), Packet("10.0.0.1", "10.0.0.2", 80, "tcp"))
    (outcome,) = result["outcomes"]
    assert (outcome["action"], outcome["destination"]) == ("DNAT", "10.0.0.9:80")
    assert not outcome["certain"]
    assert outcome["steps"][0]["result"] == "may match"
    assert any("match-set" in why and "may match" in why for why in outcome["steps"][0]["why"])


def test_return_goto_and_mark_follow_the_kernels_rules():
    text = """*nat
:OUTPUT ACCEPT [0:0]
:A - [0:0]
:B - [0:0]
:C - [0:0]
-A OUTPUT -j A
-A OUTPUT -m mark --mark 0x1/0x1 -j ACCEPT
-A OUTPUT -j DNAT --to-destination 10.9.9.9:1
-A A -j MARK --set-xmark 0x1/0x1
-A A -g B
-A A -j DNAT --to-destination 10.0.0.1:1
-A B -p udp -j C
-A B -j RETURN
-A C -j DNAT --to-destination 10.0.0.2:2
COMMIT
"""
    result = trace(parse(text), Packet("10.0.0.1", "10.0.0.2", 80, "tcp"), "OUTPUT")
    (outcome,) = result["outcomes"]
    # B was reached by goto: its RETURN goes back to OUTPUT, past A's DNAT
    assert (outcome["action"], outcome["mark"]) == ("ACCEPT", "0x1")
    assert outcome["chains"] == ["OUTPUT", "A", "B"]
    assert outcome["steps"][3]["failed"] == ["-p"]


def test_a_jump_loop_stops_with_a_note_instead_of_hanging():
    text = "*nat\n:OUTPUT ACCEPT [0:0]\n:L - [0:0]\n-A OUTPUT -j L\n-A L -j L\nCOMMIT\n"
    result = trace(parse(text), Packet("10.0.0.1", "10.0.0.2", 80, "tcp"), "OUTPUT")
    assert [o["action"] for o in result["outcomes"]] == ["gave up"]
