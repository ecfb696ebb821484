"""The demo's iptables-save, read back: its Service ports are the demo's Services, with the
endpoints of their EndpointSlices."""

import pytest

from explorer.collectors.iptables import parse, service_ports
from explorer.demo import build_demo
from explorer.lib import kubeproxy
from tests.demo.conftest import NOW
from tests.service_lookup import endpoint_slices_for_service


@pytest.fixture(scope="module")
def demo():
    return build_demo(now=NOW)


def _ready_addresses(demo, namespace, name, port_name):
    found = set()
    for eps in endpoint_slices_for_service(demo, namespace, name):
        ports = eps.get("ports") or []
        number = next((p["port"] for p in ports if (p.get("name") or "") == port_name), None)
        for endpoint in eps.get("endpoints") or [] if number is not None else []:
            if (endpoint.get("conditions") or {}).get("ready") is not False:
                found.add(f"{endpoint['addresses'][0]}:{number}")
    return found


@pytest.mark.parametrize("node", ["demo-control-plane", "demo-worker", "demo-gpu-worker"])
def test_every_demo_service_port_is_found_with_its_endpoints(demo, node):
    ports = {p.name: p for p in service_ports(parse(demo.node_facts[node]["iptables-save"]))}
    expected = set()
    for svc in demo.list("Service"):
        meta, spec = svc["metadata"], svc["spec"]
        if spec.get("clusterIP") in (None, "None"):
            continue
        for port in spec["ports"]:
            name = kubeproxy.service_port_name(
                meta["namespace"], meta["name"], port.get("name", "")
            )
            expected.add(name)
            found = ports[name]
            assert (found.cluster_ip, found.port) == (spec["clusterIP"], port["port"])
            assert found.protocol == port.get("protocol", "TCP").lower()
            assert found.node_port == port.get("nodePort")
            ready = _ready_addresses(demo, meta["namespace"], meta["name"], port.get("name", ""))
            if not ready:
                assert found.chain is None and found.no_endpoints, name
                continue
            assert found.chain == kubeproxy.service_chain(name, found.protocol)
            assert {e.address for e in found.endpoints} == ready
            assert sum(e.probability for e in found.endpoints) == pytest.approx(1.0)
            assert all(
                e.chain == kubeproxy.endpoint_chain(name, found.protocol, e.address)
                for e in found.endpoints
            )
    assert set(ports) == expected


def test_local_external_policy_sends_node_port_traffic_to_this_nodes_endpoints_only(demo):
    seen = 0
    for node in ("demo-worker", "demo-gpu-worker"):
        ports = {p.name: p for p in service_ports(parse(demo.node_facts[node]["iptables-save"]))}
        public = ports["shop/web-public:http"]
        assert public.node_port == 30080 and public.external_chain.startswith("KUBE-EXT-")
        local_ips = {
            pod["status"].get("podIP")
            for pod in demo.pods_on_node(node)
            if pod["metadata"]["name"].startswith("web-")
        }
        assert {e.address.rsplit(":", 1)[0] for e in public.local_endpoints} <= local_ips
        if public.local_endpoints:
            assert sum(e.probability for e in public.local_endpoints) == pytest.approx(1.0)
        seen += len(public.local_endpoints)
    assert seen > 0
