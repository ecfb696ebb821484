"""The recorded probe over the demo's node facts (and a bundle's, which have the same shape)."""

from __future__ import annotations

from explorer.probes import RecordedProbe
from explorer.state.cluster_state import ClusterState
from explorer.state.node_facts import reached


def test_recorded_facts_are_returned_as_recorded_with_what_was_never_recorded_as_errors(
    demo: ClusterState,
) -> None:
    collected = RecordedProbe(demo.node_facts, taken_at="2026-01-02T03:04:05Z").collect(
        "demo-gpu-worker"
    )
    recorded = demo.node_facts["demo-gpu-worker"]
    assert collected["probe"] == "recorded"
    assert collected["taken_at"] == "2026-01-02T03:04:05Z"
    assert collected["facts"] == {
        "iptables-save": recorded["iptables-save"],
        "resolv.conf": recorded["resolv.conf"],
    }
    assert collected["errors"] == {"ip6tables-save": "not recorded", "nft": "not recorded"}


def test_facts_collected_earlier_keep_the_time_they_were_taken() -> None:
    recorded = {"n1": {"resolv.conf": "nameserver 10.0.0.1\n", "taken_at": "2026-03-01T00:00:00Z"}}
    assert RecordedProbe(recorded).collect("n1")["taken_at"] == "2026-03-01T00:00:00Z"


def test_a_node_with_nothing_recorded_is_not_reached(demo: ClusterState) -> None:
    collected = RecordedProbe(demo.node_facts).collect("nowhere")
    assert not reached(collected)
    assert set(collected["errors"].values()) == {"no recorded facts for nowhere"}
