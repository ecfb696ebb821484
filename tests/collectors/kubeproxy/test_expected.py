import pytest

from explorer.collectors.kubeproxy.expected import expected_port, expected_ports
from explorer.lib import kubeproxy

from .conftest import expected_on


def _service(name="web", *, kind="ClusterIP", external="Cluster", internal="Cluster", **spec):
    body = {
        "clusterIP": "10.96.1.1",
        "type": kind,
        "internalTrafficPolicy": internal,
        "ports": [{"name": "http", "port": 80, "protocol": "TCP", "nodePort": 30080}],
        **spec,
    }
    if kind != "ClusterIP":
        body["externalTrafficPolicy"] = external
    return {"metadata": {"namespace": "ns", "name": name}, "spec": body}


def _slice(*endpoints):
    return {
        "metadata": {"namespace": "ns", "name": "web-abc"},
        "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}],
        "endpoints": [
            {
                "addresses": [ip],
                "nodeName": node,
                "conditions": conditions,
                "targetRef": {"kind": "Pod", "name": f"pod-{ip.rsplit('.', 1)[1]}"},
            }
            for ip, node, conditions in endpoints
        ],
    }


READY = {"ready": True, "serving": True, "terminating": False}
TERMINATING = {"ready": False, "serving": True, "terminating": True}
NOT_READY = {"ready": False, "serving": False, "terminating": False}


def test_kubernetes_service_port_gets_the_chain_names_seen_on_real_clusters(demo):
    port = next(p for p in expected_on(demo, "demo-worker") if p.name == "default/kubernetes:https")
    assert port.chain == "KUBE-SVC-NPX46M4PTMTKRN6Y"
    assert port.protocol == "tcp"
    assert [e.address for e in port.cluster_endpoints] == ["172.18.0.2:6443"]
    assert port.cluster_endpoints[0].chain == kubeproxy.endpoint_chain(
        "default/kubernetes:https", "tcp", "172.18.0.2:6443"
    )


def test_endpoints_are_sorted_by_address_and_share_evenly_with_one_over_remaining_rules():
    svc = _service()
    port = expected_port(
        svc,
        svc["spec"]["ports"][0],
        [_slice(("10.0.0.9", "a", READY), ("10.0.0.10", "b", READY), ("10.0.0.2", "a", READY))],
        "a",
    )
    assert [e.address for e in port.cluster_endpoints] == [
        "10.0.0.10:8080",
        "10.0.0.2:8080",
        "10.0.0.9:8080",
    ]
    assert [e.share for e in port.cluster_endpoints] == pytest.approx([1 / 3] * 3)
    assert [e.rule_probability for e in port.cluster_endpoints] == [
        "0.3333333333",
        "0.5000000000",
        None,
    ]
    assert port.cluster_endpoints[0].pod == "ns/pod-10"


def test_terminating_endpoints_are_used_only_when_none_is_ready():
    svc = _service()
    both = [_slice(("10.0.0.1", "a", READY), ("10.0.0.2", "a", TERMINATING))]
    only_terminating = [_slice(("10.0.0.2", "a", TERMINATING), ("10.0.0.3", "a", NOT_READY))]
    port = svc["spec"]["ports"][0]
    assert [e.ip for e in expected_port(svc, port, both, "a").cluster_endpoints] == ["10.0.0.1"]
    fallback = expected_port(svc, port, only_terminating, "a")
    assert [e.ip for e in fallback.cluster_endpoints] == ["10.0.0.2"]


def test_external_traffic_policy_local_keeps_this_nodes_endpoints_for_the_svl_chain():
    svc = _service(kind="NodePort", external="Local")
    slices = [_slice(("10.0.0.1", "a", READY), ("10.0.0.2", "b", READY))]
    on_a = expected_port(svc, svc["spec"]["ports"][0], slices, "a")
    assert [e.ip for e in on_a.cluster_endpoints] == ["10.0.0.1", "10.0.0.2"]
    assert [e.ip for e in on_a.local_endpoints] == ["10.0.0.1"]
    assert on_a.has_external
    on_c = expected_port(svc, svc["spec"]["ports"][0], slices, "c")
    assert on_c.local_endpoints == []
    assert on_c.has_internal and not on_c.has_external


def test_internal_traffic_policy_local_sends_cluster_ip_traffic_to_svl():
    svc = _service(internal="Local")
    slices = [_slice(("10.0.0.1", "a", READY), ("10.0.0.2", "b", READY))]
    port = expected_port(svc, svc["spec"]["ports"][0], slices, "b")
    assert port.internal_chain == port.local_chain
    assert port.cluster_endpoints == []
    assert [e.ip for e in port.local_endpoints] == ["10.0.0.2"]


def test_load_balancer_ingress_and_external_ips_are_entry_points():
    svc = _service(kind="LoadBalancer", externalIPs=["192.0.2.7"])
    svc["status"] = {"loadBalancer": {"ingress": [{"ip": "203.0.113.5"}, {"hostname": "x"}]}}
    port = expected_port(svc, svc["spec"]["ports"][0], [], "a")
    assert port.load_balancer_ips == ["203.0.113.5"]
    assert port.external_ips == ["192.0.2.7"]
    assert port.node_port == 30080
    assert not port.has_endpoints


def test_headless_and_external_name_services_are_not_programmed():
    headless = _service("db", clusterIP="None")
    external = _service("ext", kind="ExternalName")
    normal = _service("web")
    assert [p.service for p in expected_ports([headless, external, normal], {}, "a")] == ["web"]
