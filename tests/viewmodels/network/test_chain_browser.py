"""The chain browser model: every table, chain and rule, jumps as links, counters kept."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from explorer.collectors import iptables, nft
from explorer.demo import build_demo
from explorer.viewmodels.network.chain_browser import MAX_RULES, browser_model, chain_browser

NOW = datetime(2025, 6, 2, 9, 0, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def demo():
    return build_demo(now=NOW)


def _text(rule) -> str:
    return "".join(part for part, _ in rule["parts"])


def _links(rule) -> list[str]:
    return [anchor for _, anchor in rule["parts"] if anchor]


def test_every_rule_of_the_kind_dump_is_shown_as_iptables_save_prints_it(real_fixtures):
    text = (real_fixtures / "iptables/kind-v1.23.5-traefik-iptables-save.txt").read_text()
    model = browser_model(iptables.parse(text))
    shown = [
        _text(rule)
        for table in model["tables"].values()
        for chain in table["chains"].values()
        for rule in chain["rules"]
    ]
    dumped = [line for line in text.splitlines() if line.startswith("-A ")]
    assert sorted(shown) == sorted(dumped)
    assert model["counts"]["nat"]["rules"] == len(model_rules(model, "nat"))


def model_rules(model, table):
    return [r for chain in model["tables"][table]["chains"].values() for r in chain["rules"]]


def test_jump_targets_link_to_chains_of_the_same_table_and_builtin_targets_do_not(demo):
    model = chain_browser(demo, "demo-worker")
    services = model["tables"]["nat"]["chains"]["KUBE-SERVICES"]["rules"]
    first = services[0]
    assert _links(first) == ["nat/KUBE-SVC-NPX46M4PTMTKRN6Y"]
    assert _text(first).endswith("-j KUBE-SVC-NPX46M4PTMTKRN6Y")
    dnat = model["tables"]["nat"]["chains"]["KUBE-SEP-34ZZ2QFGO32YYXXO"]["rules"][-1]
    assert "-j DNAT --to-destination 10.244.1.5:8080" in _text(dnat) and _links(dnat) == []
    assert all(
        anchor.split("/", 1)[1] in model["tables"]["nat"]["chains"]
        for rule in model_rules(model, "nat")
        for anchor in _links(rule)
    )


def test_policies_and_counters_are_shown(demo):
    model = chain_browser(demo, "demo-worker")
    prerouting = model["tables"]["nat"]["chains"]["PREROUTING"]
    assert prerouting["policy"] == "ACCEPT" and prerouting["kind"] == "built-in"
    assert prerouting["counters"].startswith("[") and ":" in prerouting["counters"]
    counted = iptables.parse("*filter\n:INPUT ACCEPT [1:2]\n[5:600] -A INPUT -j DROP\nCOMMIT\n")
    rule = browser_model(counted)["tables"]["filter"]["chains"]["INPUT"]["rules"][0]
    assert rule["counters"] == "[5:600]"


def test_nft_rules_and_verdict_maps_link_to_their_chains(real_fixtures):
    text = (real_fixtures / "iptables/k3s-nftables-kube-proxy-nft-list-table.txt").read_text()
    model = browser_model(nft.parse(text))
    table = model["tables"]["ip kube-proxy"]
    assert table["chains"]["nat-prerouting"]["kind"] == "base chain"
    service_ips = table["chains"]["service-ips"]
    assert service_ips["kind"] == "map"
    links = [a for rule in service_ips["rules"] for a in _links(rule)]
    assert links and all(a.split("/", 1)[1] in table["chains"] for a in links)


def test_a_huge_dump_keeps_the_first_rules_and_says_how_many_are_left_out():
    rules = "\n".join(
        f"-A BIG -s 10.0.{i // 256}.{i % 256}/32 -j ACCEPT" for i in range(MAX_RULES + 5)
    )
    model = browser_model(iptables.parse(f"*filter\n:BIG - [0:0]\n{rules}\nCOMMIT\n"))
    chain = model["tables"]["filter"]["chains"]["BIG"]
    assert len(chain["rules"]) == MAX_RULES and chain["omitted"] == 5
    assert "5 rules past the first" in model["notes"][0]


def test_a_node_without_the_dump_asked_for_says_what_is_missing(demo):
    model = chain_browser(demo, "demo-worker", "nft")
    assert model["tables"] == {}
    assert model["missing"] == "No nft has been collected from node demo-worker yet."
    assert "No such dump" in chain_browser(demo, "demo-worker", "bogus")["missing"]


def test_the_nat_table_comes_first_where_services_become_pods(demo):
    assert next(iter(chain_browser(demo, "demo-worker")["tables"])) == "nat"
