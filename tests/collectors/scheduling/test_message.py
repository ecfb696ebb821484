"""The summary as the scheduler writes it, and read back by failed_scheduling.py."""

from __future__ import annotations

from explorer.collectors.scheduling import message as m
from explorer.collectors.scheduling.failed_scheduling import Reason, parse_failed_scheduling
from explorer.collectors.scheduling.versions import Version


def test_histogram_entries_are_sorted_as_strings_so_ten_comes_before_two() -> None:
    reasons = [["Insufficient cpu"]] * 10 + [["node(s) were unschedulable"]] * 2
    assert m.histogram(reasons) == ["10 Insufficient cpu", "2 node(s) were unschedulable"]
    reasons = [["b reason"]] * 2 + [["a reason"]] * 10
    assert m.histogram(reasons) == ["10 a reason", "2 b reason"]


def test_a_node_with_several_reasons_counts_in_each_so_counts_exceed_n() -> None:
    text = m.fit_error(2, [["Insufficient cpu", "Insufficient memory"], ["Insufficient cpu"]])
    # three counts for two nodes, and "1 …" sorts before "2 …"
    assert text == "0/2 nodes are available: 1 Insufficient memory, 2 Insufficient cpu."


def test_a_prefilter_message_replaces_the_histogram() -> None:
    text = m.fit_error(3, [["ignored"]] * 3, prefilter='persistentvolumeclaim "x" not found')
    assert text == '0/3 nodes are available: persistentvolumeclaim "x" not found.'


def test_the_post_filter_words_follow_with_a_space_and_before_1_28_a_second_dot() -> None:
    inner = m.fit_error(1, [[m.NO_VICTIMS]])
    words = m.post_filter([m.preemption_words(inner)])
    new = m.fit_error(1, [["Insufficient cpu"]], post_filter=words, version=Version(1, 30))
    old = m.fit_error(1, [["Insufficient cpu"]], post_filter=words, version=Version(1, 26))
    assert new == (
        "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: "
        "1 No preemption victims found for incoming pod."
    )
    assert old == new + "."


def test_every_post_filter_plugin_is_joined_with_a_comma() -> None:
    words = m.post_filter([m.NO_NEW_CLAIMS, m.preemption_words(m.PREEMPTION_NEVER)])
    assert (
        words
        == "no new claims to deallocate, preemption: not eligible due to preemptionPolicy=Never."
    )


def test_nodes_left_out_by_a_prefilter_result_name_the_plugins_sorted() -> None:
    assert m.absent_nodes_reason(["VolumeBinding", "NodeAffinity"]) == (
        "node(s) didn't satisfy plugin(s) [NodeAffinity VolumeBinding]"
    )


def test_what_we_write_reads_back_into_the_same_counts() -> None:
    per_node = [["Insufficient cpu"]] * 10 + [["node(s) had untolerated taint {a: b}"]] * 2
    inner = m.fit_error(12, [[m.NOT_HELPFUL]] * 2 + [[m.NO_VICTIMS]] * 10)
    post = m.post_filter([m.NO_NEW_CLAIMS, m.preemption_words(inner)])
    found = parse_failed_scheduling(m.fit_error(12, per_node, post_filter=post))
    assert found.parsed and found.total_nodes == 12
    assert found.reasons == (
        Reason("Insufficient cpu", 10),
        Reason("node(s) had untolerated taint {a: b}", 2),
    )
    assert found.post_filter == m.NO_NEW_CLAIMS
    assert found.preemption.reasons == (Reason(m.NO_VICTIMS, 10), Reason(m.NOT_HELPFUL, 2))
