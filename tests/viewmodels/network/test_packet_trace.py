from datetime import UTC, datetime

import pytest

from explorer.demo import build_demo
from explorer.viewmodels.network.packet_trace import packet_trace
from explorer.viewmodels.registry import get_view
from tests.service_lookup import pods_for_service

from ..kubeproxy_states import nftables_cluster


@pytest.fixture(scope="module")
def demo():
    return build_demo(now=datetime(2025, 6, 2, 9, tzinfo=UTC))


def _a_pod(state, namespace, node):
    pod = next(p for p in state.list("Pod", namespace) if p["spec"].get("nodeName") == node)
    return f"pod:{namespace}/{pod['metadata']['name']}"


def test_kubernetes_service_from_a_pod_ends_at_the_api_server_pod_with_probability_one(demo):
    model = packet_trace(demo, _a_pod(demo, "shop", "demo-worker"), "10.96.0.1:443/tcp")
    assert (model["node"], model["hook"], model["mode"]) == (
        "demo-worker",
        "PREROUTING",
        "iptables",
    )
    (end,) = model["ends"]
    assert end["action"] == "DNAT"
    assert end["probability"] == pytest.approx(1.0, abs=1e-9)
    assert end["pod"] == "kube-system/kube-apiserver-demo-control-plane"
    assert end["node"] == "demo-control-plane"
    assert model["trace"]["outcomes"][0]["owner"]["services"] == ["default/kubernetes"]


def test_three_endpoint_service_ends_at_its_three_pods(demo):
    svc = demo.get("Service", "shop", "web")
    model = packet_trace(
        demo, _a_pod(demo, "shop", "demo-worker"), f"{svc['spec']['clusterIP']}:80/tcp"
    )
    pods = {p["metadata"]["name"] for p in pods_for_service(demo, "shop", "web")}
    assert len(pods) == 3
    assert {end["pod"] for end in model["ends"]} == {f"shop/{name}" for name in pods}
    assert sum(end["probability"] for end in model["ends"]) == pytest.approx(1.0, abs=1e-9)


def test_node_source_uses_output_and_its_own_address(demo):
    model = packet_trace(demo, "node:demo-gpu-worker", "10.96.0.10:53/udp")
    assert (model["hook"], model["trace"]["packet"]["source"]) == ("OUTPUT", "172.18.0.4")
    assert {end["pod"].split("/")[1].split("-")[0] for end in model["ends"]} == {"coredns"}
    assert all(o["masquerade"] for o in model["trace"]["outcomes"])


def test_unknown_address_falls_through_with_no_owner(demo):
    model = packet_trace(demo, "node:demo-worker", "10.96.250.1:80/tcp")
    assert [(e["action"], e["pod"]) for e in model["ends"]] == [("fall through", None)]


@pytest.mark.parametrize(
    ("source", "destination", "says"),
    [
        ("pod:shop/nope", "10.96.0.1:443/tcp", "no pod"),
        ("box:x", "10.96.0.1:443/tcp", "source must be"),
        ("node:demo-worker", "10.96.0.1/tcp", "destination must be"),
        ("node:demo-worker", "10.96.0.1:443/icmp", "protocol must be"),
    ],
)
def test_bad_parameters_are_explained_not_raised(demo, source, destination, says):
    assert says in packet_trace(demo, source, destination)["error"]


def test_node_without_kube_proxy_cannot_be_traced_and_says_why(real_fixtures):
    model = packet_trace(nftables_cluster(real_fixtures), "node:n2", "10.43.0.1:443/tcp")
    assert "cannot be traced" in model["error"] and "none" in model["error"]


def test_packet_trace_is_a_registered_view(demo):
    view = get_view("packet-trace")
    assert view.params == ("cluster", "source", "destination")
    model = view.build(
        demo,
        {"cluster": "demo", "source": "node:demo-worker", "destination": "10.96.0.1:443/tcp"},
        view.memo(),
    )
    assert model["ends"][0]["node"] == "demo-control-plane"
