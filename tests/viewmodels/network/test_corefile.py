"""The Corefile as the chain a query passes (plugin.cfg order) with the Corefile's own order."""

from __future__ import annotations

from datetime import UTC, datetime

from explorer.demo import build_demo
from explorer.viewmodels.network.corefile import corefile_chain, corefile_model

NOW = datetime(2025, 6, 2, 9, 0, 0, tzinfo=UTC)


def _order(block) -> list[str]:
    return [link["plugin"] for link in block["chain"]]


def test_the_demo_corefile_runs_cache_before_kubernetes_though_written_after_it():
    model = corefile_chain(build_demo(now=NOW))
    (block,) = model["blocks"]
    assert model["source"] == "ConfigMap kube-system/coredns"
    order = _order(block)
    assert order.index("cache") < order.index("kubernetes") < order.index("forward")
    assert block["written_order"].index("cache") > block["written_order"].index("kubernetes")
    cache = next(link for link in block["chain"] if link["plugin"] == "cache")
    assert cache["order_note"].startswith("written after kubernetes, forward")
    kubernetes = next(link for link in block["chain"] if link["plugin"] == "kubernetes")
    assert kubernetes["order_note"] == ""
    assert {p["plugin"] for p in block["setup"]} == {"health", "ready", "reload"}
    assert [link["position"] for link in block["chain"]] == list(range(1, len(order) + 1))


def test_the_aks_configmap_notes_its_custom_imports(real_fixtures):
    text = (real_fixtures / "coredns/aks-coredns-configmap.yaml").read_text()
    model = corefile_model(text)
    assert model["blocks"][0]["unresolved_imports"] == ["custom/*.override"]
    assert "import custom/*.server" in model["notes"][0]


def test_the_kubeadm_configmap_reads_as_one_default_block(real_fixtures):
    text = (
        real_fixtures / "coredns/docker-desktop-kubeadm-coredns-configmap-edit.yaml"
    ).read_text()
    model = corefile_model(text)
    assert model["blocks"][0]["keys"] == ".:53"
    assert model["blocks"][0]["kubernetes"]["zones"][0] == "cluster.local"


def test_a_stub_domain_block_is_marked_and_its_upstream_shown():
    text = (
        ".:53 {\n  forward . 8.8.8.8\n}\ncorp.example:53 {\n  forward . 10.0.0.53\n  cache 10\n}\n"
    )
    model = corefile_model(text)
    stub = model["blocks"][1]
    assert stub["stub_domain"] and stub["forward"] == [". → 10.0.0.53"]
    assert _order(stub) == ["cache", "forward"] and stub["order_differs"]


def test_no_configmap_and_garbage_say_why_there_is_nothing_to_show():
    state = build_demo(now=NOW)
    state.delete("ConfigMap", "kube-system", "coredns")
    assert "not in kube-system" in corefile_chain(state)["missing"]
    assert corefile_model("{ unbalanced")["missing"]
