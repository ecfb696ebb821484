from datetime import UTC, datetime

import pytest

from explorer.collectors.kubeproxy.drift import MISSING_ENDPOINT
from explorer.demo import build_demo
from explorer.viewmodels.network.drift import CHECKED, NO_PROXY, NOT_COLLECTED, drift_model
from explorer.viewmodels.registry import get_view

from ..kubeproxy_states import nftables_cluster


@pytest.fixture(scope="module")
def demo():
    return build_demo(now=datetime(2025, 6, 2, 9, tzinfo=UTC))


def _by_node(model):
    return {n["node"]: n for n in model["nodes"]}


def test_every_demo_node_is_checked_and_clean(demo):
    model = drift_model(demo)
    assert model["checked"] == 3
    assert sorted(model["clean"]) == ["demo-control-plane", "demo-gpu-worker", "demo-worker"]
    assert set(model["totals"].values()) == {0}


def test_node_whose_rules_were_not_collected_says_so_instead_of_missing_everything(demo):
    state = build_demo(now=datetime(2025, 6, 2, 9, tzinfo=UTC))
    state.node_facts["demo-gpu-worker"].pop("iptables-save")
    found = _by_node(drift_model(state))["demo-gpu-worker"]
    assert (found["status"], found["items"]) == (NOT_COLLECTED, [])
    assert "iptables-save" in found["reason"]


def test_node_without_kube_proxy_is_reported_as_such(real_fixtures):
    found = _by_node(drift_model(nftables_cluster(real_fixtures)))["n2"]
    assert (found["status"], found["mode"], found["items"]) == (NO_PROXY, "none", [])


def test_nftables_node_is_compared_by_its_nft_chain_names(real_fixtures):
    nodes = _by_node(drift_model(nftables_cluster(real_fixtures)))
    assert nodes["n1"]["status"] == CHECKED
    mine = [i for i in nodes["n1"]["items"] if i["service"] == "default/kubernetes:https"]
    assert mine == []  # the cluster's one Service port is programmed as expected
    assert nodes["n1"]["counts"]["leftover-chain"] > 0  # the dump's other Services are not here

    two = nftables_cluster(real_fixtures, "10.34.4.142", "10.34.4.143")
    items = [
        i
        for i in _by_node(drift_model(two))["n1"]["items"]
        if i["service"] == "default/kubernetes:https"
    ]
    assert [(i["kind"], i["endpoint"]) for i in items] == [(MISSING_ENDPOINT, "10.34.4.143:6443")]
    assert items[0]["endpoint_chain"].startswith("endpoint-")
    assert items[0]["endpoint_chain"].endswith("default/kubernetes/tcp/https__10.34.4.143/6443")


def test_drift_is_a_registered_view_with_a_parse_cache(demo):
    view = get_view("drift")
    memo = view.memo()
    first = view.build(demo, {"cluster": "demo"}, memo)
    assert view.build(demo, {"cluster": "demo"}, memo) == first
    assert "EndpointSlice" in view.kinds and "NodeFacts" in view.kinds
