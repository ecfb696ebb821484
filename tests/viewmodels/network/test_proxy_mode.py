from datetime import UTC, datetime

from explorer.demo import build_demo
from explorer.viewmodels.network.proxy_mode import proxy_mode
from explorer.viewmodels.registry import get_view

from ..kubeproxy_states import nftables_cluster


def _by_node(model):
    return {n["node"]: n for n in model["nodes"]}


def test_demo_nodes_run_kube_proxy_in_iptables_mode_as_their_rules_show():
    model = proxy_mode(build_demo(now=datetime(2025, 6, 2, 9, tzinfo=UTC)))
    assert model["counts"] == {"iptables": 3}
    for found in model["nodes"]:
        assert (found["readable"], found["data"]) == (True, "iptables-save")
        assert {e["source"] for e in found["evidence"]} == {"node facts", "config", "pods"}


def test_configured_nftables_with_an_nft_ruleset_is_nftables_and_a_node_without_kube_proxy_none(
    real_fixtures,
):
    nodes = _by_node(proxy_mode(nftables_cluster(real_fixtures)))
    assert (nodes["n1"]["mode"], nodes["n1"]["data"]) == ("nftables", "nft")
    says = [e["says"] for e in nodes["n1"]["evidence"]]
    assert any("table ip kube-proxy" in s for s in says)
    assert any("mode: nftables" in s for s in says)
    assert nodes["n2"]["mode"] == "none" and not nodes["n2"]["readable"]
    assert "no kube-proxy pod" in nodes["n2"]["evidence"][-1]["says"]


def test_proxy_mode_is_a_registered_view_taking_only_the_cluster(real_fixtures):
    view = get_view("proxy-mode")
    assert view.params == ("cluster",)
    model = view.build(nftables_cluster(real_fixtures), {"cluster": "nft"}, view.memo())
    assert model["counts"] == {"nftables": 1, "none": 1}
