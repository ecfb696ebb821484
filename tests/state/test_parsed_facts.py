"""Node facts parsed once: by content, shared by every state that holds the text, bounded by a
budget, errors remembered; the network and cgroup views read the parses and parse nothing."""

from __future__ import annotations

import copy

import pytest

from explorer.collectors.kubeproxy.node_rules import NodeRules
from explorer.demo import build_demo
from explorer.state.node_facts import CGROUPS, IPTABLES, NFT, STORAGE, VOLUME_USAGE, node_facts
from explorer.state.parsed_facts import PARSED_FACTS, ParsedFacts, parsed_fact
from explorer.state.state_dump import dump_state, restore_state
from explorer.state.store import ClusterStates
from explorer.viewmodels.network.chain_browser import chain_browser
from explorer.viewmodels.network.drift import drift_model
from explorer.viewmodels.network.service_chain import service_chains
from explorer.viewmodels.objects.page import object_view
from explorer.viewmodels.workloads.cgroup_tree import cgroup_tree
from explorer.viewmodels.workloads.node_volumes import node_volumes

KIND = "iptables/kind-v1.23.5-traefik-iptables-save.txt"
K3S_NFT = "iptables/k3s-nftables-kube-proxy-nft-list-table.txt"


@pytest.fixture
def kind_text(real_fixtures) -> str:
    return (real_fixtures / KIND).read_text()


def test_the_same_rules_brought_again_by_a_new_collection_are_not_parsed_again(kind_text):
    cache = ParsedFacts(budget=64 * 1024 * 1024)
    first = cache.parse(IPTABLES, kind_text)
    again = cache.parse(IPTABLES, "".join([kind_text[:10], kind_text[10:]]))  # another str object
    assert isinstance(first, NodeRules) and first.ports
    assert again is first
    assert cache.parses == 1


def test_rules_that_differ_by_one_line_are_parsed_on_their_own(kind_text):
    cache = ParsedFacts(budget=64 * 1024 * 1024)
    cache.parse(IPTABLES, kind_text)
    changed = kind_text.replace("-A KUBE-SERVICES", "-A KUBE-SERVICES -m comment --comment x", 1)
    assert cache.parse(IPTABLES, changed) is not cache.parse(IPTABLES, kind_text)
    assert cache.parses == 2


def test_nft_text_parses_to_its_ruleset_and_service_ports(real_fixtures):
    cache = ParsedFacts(budget=64 * 1024 * 1024)
    rules = cache.parse(NFT, (real_fixtures / K3S_NFT).read_text())
    assert rules.nft is not None and rules.iptables is None
    assert rules.ports


def test_a_dump_that_cannot_be_read_raises_each_time_without_being_parsed_again():
    cache = ParsedFacts(budget=1024 * 1024)
    garbage = "this is not a ruleset\n" * 10
    for _ in range(2):
        with pytest.raises(ValueError):
            cache.parse(NFT, garbage)
    assert cache.parses == 1


def test_past_its_budget_the_cache_drops_the_least_recently_read_parse_first(kind_text):
    texts = [f"{kind_text}# copy {i}\n" for i in range(3)]
    cache = ParsedFacts(budget=len(texts[0]) * 2 + 100)  # room for two of the three
    first = cache.parse(IPTABLES, texts[0])
    cache.parse(IPTABLES, texts[1])
    assert cache.parse(IPTABLES, texts[0]) is first  # read again: now the most recent
    cache.parse(IPTABLES, texts[2])  # drops texts[1], the least recently read
    assert cache.parses == 3
    assert cache.parse(IPTABLES, texts[0]) is first
    assert cache.parses == 3
    cache.parse(IPTABLES, texts[1])
    assert cache.parses == 4, "the dropped parse was not made again"


def test_a_cgroup_tree_changed_in_place_is_parsed_again():
    cache = ParsedFacts(budget=64 * 1024 * 1024)
    state = build_demo()
    tree = copy.deepcopy(state.node_facts["demo-worker"][CGROUPS])
    first = cache.parse(CGROUPS, tree)
    assert first.pods
    path = next(iter(tree["nodes"]))
    tree["nodes"][path] = {**tree["nodes"][path], "memory.max": "1"}
    assert cache.parse(CGROUPS, tree) is not first
    assert cache.parses == 2


def test_views_read_the_parses_made_when_the_facts_were_put_and_parse_nothing():
    demo = build_demo()
    states = ClusterStates()
    states.add("demo", restore_state(dump_state(demo)))  # facts as new str objects
    for node, facts in demo.node_facts.items():
        text_facts = {k: v for k, v in facts.items() if k in (IPTABLES, CGROUPS)}
        assert text_facts, f"the demo recorded no rules or cgroups for {node}"
        states.put_node_facts("demo", node_facts(node, "recorded", text_facts, {}))
    parses = PARSED_FACTS.parses
    with states.read("demo") as state:
        chains = service_chains(state, "demo-worker")
        browsed = chain_browser(state, "demo-worker")
        drift = drift_model(state)
        tree = cgroup_tree(state, {"cluster": "demo", "node": "demo-worker", "size": "limit"})
    assert chains["links"] and browsed["tables"]["nat"]["chains"]
    assert drift["checked"] == len(demo.node_facts)
    assert tree["sectors"]
    assert PARSED_FACTS.parses == parses


def test_the_storage_pages_read_the_mount_tables_and_usage_parsed_when_put_and_parse_nothing():
    demo = build_demo()
    states = ClusterStates()
    states.add("demo", restore_state(dump_state(demo)))
    recorded = demo.node_facts["demo-worker"][STORAGE]
    usage = {
        "volumes": [
            {"pod_uid": v["pod_uid"], "volume": "data", "claim": None, **v["usage"]}
            for v in recorded["volumes"]
        ],
        "probe": "proxy",
    }
    collected = node_facts("demo-worker", "local", {STORAGE: recorded, VOLUME_USAGE: usage}, {})
    states.put_node_facts("demo", collected)
    parses = PARSED_FACTS.parses
    with states.read("demo") as state:
        volumes = node_volumes(state, {"cluster": "demo", "name": "demo-worker"})
        claim = object_view(
            state,
            {"cluster": "demo", "kind": "PersistentVolumeClaim", "namespace": "shop",
             "name": "data-db-0"},
        )  # fmt: skip
    assert volumes["header"]["counts"]["mounted"] == 4
    assert any(s["id"] == "usage" and s["rows"] for s in claim["sections"])
    assert PARSED_FACTS.parses == parses


def test_a_copy_of_a_state_shares_the_parses_of_the_state_it_was_copied_from():
    live = build_demo()
    first = parsed_fact(live, "demo-worker", IPTABLES)
    parses = PARSED_FACTS.parses
    snapshot = restore_state(dump_state(live))
    assert parsed_fact(snapshot, "demo-worker", IPTABLES) is first
    assert PARSED_FACTS.parses == parses


def test_a_node_without_the_fact_has_no_parse():
    state = build_demo()
    assert parsed_fact(state, "demo-worker", NFT) is None
    assert parsed_fact(state, "no-such-node", IPTABLES) is None
