"""How a collection lands in a node's entry of ClusterState.node_facts."""

from __future__ import annotations

from explorer.state.node_facts import (
    clock_skew,
    merged,
    node_facts,
    passed_over_for,
    taken_moment,
    unreadable,
)


def test_a_collection_replaces_what_it_read_drops_what_failed_and_keeps_other_facts() -> None:
    existing = {
        "iptables-save": "old rules",
        "nft": "old ruleset",
        "cgroups": {"kubepods.slice": {}},
        "errors": {"resolv.conf": "stale"},
    }
    collected = node_facts(
        "n1",
        "exec",
        {"iptables-save": "new rules"},
        {"nft": "nft: exit code 127"},
        taken_at="2026-05-06T07:08:09Z",
    )
    assert merged(existing, collected) == {
        "iptables-save": "new rules",
        "cgroups": {"kubepods.slice": {}},
        "taken_at": "2026-05-06T07:08:09Z",
        "probe": "exec",
        "errors": {"nft": "nft: exit code 127"},
    }


def test_a_node_that_could_not_be_reached_keeps_its_last_facts_and_says_when_it_failed() -> None:
    existing = {"iptables-save": "rules", "taken_at": "2026-05-06T07:08:09Z", "probe": "local"}
    failed = unreadable("n1", "exec", "no running kube-proxy pod on n1")
    entry = merged(existing, failed)
    assert {k: entry[k] for k in existing} == existing
    assert entry["unreachable_at"] == failed["taken_at"]
    assert set(entry["errors"].values()) == {"no running kube-proxy pod on n1"}
    collected = node_facts("n1", "local", {"iptables-save": "new"}, {})
    assert "unreachable_at" not in merged(entry, collected)


def test_why_other_probes_were_passed_over_is_kept_per_collection_and_per_fact() -> None:
    collected = node_facts("n1", "recorded", {"iptables-save": "rules"}, {})
    collected["passed_over"] = {
        "local": "no agents without a broker",
        "exec": "not turned on",
        "proxy": "forbidden",
    }
    entry = merged({}, collected)

    assert passed_over_for(entry, "iptables-save") == {
        "local": "no agents without a broker",
        "exec": "not turned on",
    }
    assert passed_over_for(entry, "cgroups") == {
        "local": "no agents without a broker",
        "proxy": "forbidden",
    }
    by_the_agent = merged(entry, node_facts("n1", "local", {"iptables-save": "new"}, {}))
    assert "passed_over" not in by_the_agent


def test_an_agents_clock_skew_is_what_its_time_lies_outside_the_asking_and_the_answer() -> None:
    sent, received = 1_800_000_000.0, 1_800_000_002.0
    assert clock_skew("2027-01-15T08:00:01Z", sent, received) == 0.0  # inside: none seen
    assert clock_skew("2027-01-15T08:00:10Z", sent, received) == 8.0  # ahead
    assert clock_skew("2027-01-15T07:59:50Z", sent, received) == -10.0  # behind
    entry = merged({}, {**node_facts("n1", "local", {"nft": "{}"}, {}), "clock_skew": 8.0})
    assert taken_moment({**entry, "taken_at": "2027-01-15T08:00:10Z"}) == received
