"""The service chain Sankey model, from the demo's node facts and from the real kind dump."""

from __future__ import annotations

import pytest

from explorer.collectors.kubeproxy.node_rules import analyse_iptables, analyse_nft
from explorer.viewmodels.network.service_chain import ALL, VIEW, chain_model, service_chains

HOSTILE = "<img src=x onerror=alert(1)>"
KIND = "iptables/kind-v1.23.5-traefik-iptables-save.txt"


@pytest.fixture(scope="module")
def kind(real_fixtures):
    return analyse_iptables((real_fixtures / KIND).read_text())


def _out(model, source):
    return {
        link["target"]: link["value"]
        for link in model["links"].values()
        if link["source"] == source
    }


def _column(model, column):
    return {box_id: box for box_id, box in model["nodes"].items() if box["column"] == column}


def test_kind_dump_kube_dns_port_splits_between_two_endpoints_half_and_half(kind):
    model = chain_model(kind, service="kube-system/kube-dns")
    assert _out(model, "KUBE-SVC-TCOU7JCQXEZGVUNU") == {
        "KUBE-SEP-6E7XQMQ4RAYOWTTM": pytest.approx(0.5),
        "KUBE-SEP-WXWGHGKZOCNYRYI7": pytest.approx(0.5),
    }
    assert _out(model, "KUBE-SEP-6E7XQMQ4RAYOWTTM") == {"endpoint:10.244.0.3:53": 0.5}
    assert model["nodes"]["endpoint:10.244.0.3:53"]["label"] == "→ 10.244.0.3:53"
    assert model["nodes"]["svc:kube-system/kube-dns:dns (udp)"]["column"] == "service"
    entry = "entry:kube-system/kube-dns:dns (udp):ClusterIP:10.96.0.10:53"
    assert _out(model, "svc:kube-system/kube-dns:dns (udp)") == {entry: 1.0}
    assert _out(model, entry) == {"KUBE-SVC-TCOU7JCQXEZGVUNU": 1.0}
    assert model["width_by"] == "share" and model["missing"] == ""


def test_kind_dump_lists_every_service_for_the_selector(kind):
    model = chain_model(kind)
    assert set(model["services"]) == {
        "default/kubernetes",
        "default/traefik",
        "kube-system/kube-dns",
    }
    assert model["services"]["default/traefik"] == [
        "default/traefik:web (tcp)",
        "default/traefik:websecure (tcp)",
    ]


def test_demo_web_service_reaches_its_three_ready_pods_on_their_node(demo):
    model = service_chains(demo, "demo-worker", "shop/web")
    pods = _column(model, "pod")
    ready = {
        f"pod:shop/{e['targetRef']['name']}"
        for s in demo.list("EndpointSlice", "shop")
        if s["metadata"]["labels"]["kubernetes.io/service-name"] == "web"
        for e in s["endpoints"]
        if e["conditions"].get("ready")
    }
    assert set(pods) == ready and len(pods) == 3
    shares = [
        link["value"] for link in model["links"].values() if link["source"].startswith("KUBE-SVC-")
    ]
    assert sum(shares) == pytest.approx(1.0) and len(shares) == 3
    nodes = {link["target"] for link in model["links"].values() if link["source"] in pods}
    assert nodes == {"node:demo-worker"}


def test_demo_nodeport_service_enters_by_its_node_port_through_kube_ext(demo):
    model = service_chains(demo, "demo-worker", "shop/web-public")
    entries = [box["label"] for box in _column(model, "entry").values()]
    assert "NodePort (any node):30080/tcp" in entries
    (external,) = _column(model, "external")
    assert external.startswith("KUBE-EXT-")
    assert all(target.startswith("KUBE-SVL-") for target in _out(model, external))


def test_demo_service_without_endpoints_is_drawn_as_rejected(demo):
    model = service_chains(demo, "demo-worker", "shop/legacy-api")
    assert [box["label"] for box in _column(model, "chain").values()] == ["no endpoints: rejected"]


def test_the_kubernetes_service_ends_at_the_control_plane_node_address(demo):
    model = service_chains(demo, "demo-worker", "default/kubernetes")
    assert _column(model, "pod") == {}
    (endpoint,) = _column(model, "endpoint")
    assert _out(model, endpoint) == {"node:demo-control-plane": 1.0}


def test_a_node_without_collected_rules_says_so(demo):
    model = service_chains(demo, "no-such-node", ALL)
    assert model["nodes"] == {} and "no-such-node" in model["missing"]


def test_counters_make_the_widths_packets(demo):
    text = demo.node_facts["demo-worker"]["iptables-save"]
    counted = "\n".join(
        f"[7:700] {line}" if line.startswith("-A ") else line for line in text.splitlines()
    )
    model = chain_model(analyse_iptables(counted), service="shop/web")
    assert model["width_by"] == "packets"
    assert set(_out(model, "KUBE-SVC-67NZLRHBNDSAWJRO").values()) == {7.0}


def test_hostile_names_and_comments_are_escaped_in_labels_and_hover():
    comment = f'-m comment --comment "{HOSTILE}"'
    text = "\n".join(
        [
            "*nat",
            ":KUBE-SERVICES - [0:0]",
            ":KUBE-SVC-AAAAAAAAAAAAAAAA - [0:0]",
            ":KUBE-SEP-BBBBBBBBBBBBBBBB - [0:0]",
            '-A KUBE-SERVICES -d 10.0.0.1/32 -p tcp -m comment --comment "ns/svc:web cluster IP'
            f' {HOSTILE}" -m tcp --dport 80 -j KUBE-SVC-AAAAAAAAAAAAAAAA',
            f"-A KUBE-SVC-AAAAAAAAAAAAAAAA {comment} -j KUBE-SEP-BBBBBBBBBBBBBBBB",
            f"-A KUBE-SEP-BBBBBBBBBBBBBBBB -p tcp {comment} -m tcp -j DNAT"
            " --to-destination 10.1.0.5:8080",
            "COMMIT",
        ]
    )
    model = chain_model(analyse_iptables(text))
    texts = [box["label"] + box["hover"] for box in model["nodes"].values()]
    texts += [link["hover"] for link in model["links"].values()]
    assert all("<img" not in t for t in texts)
    assert any("&lt;img src=x onerror=alert(1)&gt;" in t for t in texts)


def test_nft_dump_draws_its_services_from_the_verdict_maps(real_fixtures):
    text = (real_fixtures / "iptables/k3s-nftables-kube-proxy-nft-list-table.txt").read_text()
    model = chain_model(analyse_nft(text), service="kube-system/kube-dns")
    chains = _column(model, "chain")
    assert any(c.startswith("service-") for c in chains)
    assert any("nftables mode" in note for note in model["notes"])


def test_the_view_is_registered_and_rebuilt_when_node_facts_change():
    assert VIEW.params == ("cluster", "node", "service")
    assert "NodeFacts" in VIEW.kinds
