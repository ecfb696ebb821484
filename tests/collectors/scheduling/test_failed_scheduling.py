"""The shapes kube-scheduler's FailedScheduling message has taken, read into reasons and counts."""

from __future__ import annotations

import pytest

from explorer.collectors.scheduling.failed_scheduling import (
    Preemption,
    Reason,
    parse_failed_scheduling,
)

NOT_HELPFUL = "Preemption is not helpful for scheduling"
NO_VICTIMS = "No preemption victims found for incoming pod"


def test_filter_reasons_come_with_the_number_of_nodes_that_gave_each() -> None:
    found = parse_failed_scheduling(
        "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint {k: v}. "
        f"preemption: 0/3 nodes are available: 1 {NO_VICTIMS}, 2 {NOT_HELPFUL}."
    )
    assert found.parsed
    assert (found.available_nodes, found.total_nodes) == (0, 3)
    assert found.reasons == (
        Reason("Insufficient cpu", 1),
        Reason("node(s) had untolerated taint {k: v}", 2),
    )
    assert found.preemption == Preemption(
        f"0/3 nodes are available: 1 {NO_VICTIMS}, 2 {NOT_HELPFUL}",
        3,
        (Reason(NO_VICTIMS, 1), Reason(NOT_HELPFUL, 2)),
    )
    assert found.post_filter == ""


def test_a_message_ending_in_two_dots_reads_like_one_ending_in_one() -> None:
    one = "0/3 nodes are available: 3 Insufficient memory. preemption: 0/3 nodes are available: "
    one += f"3 {NO_VICTIMS}."
    two, single = parse_failed_scheduling(one + "."), parse_failed_scheduling(one)
    assert two.reasons == single.reasons == (Reason("Insufficient memory", 3),)
    assert two.preemption == single.preemption
    assert two.preemption.reasons == (Reason(NO_VICTIMS, 3),)


def test_the_taint_reason_before_1_25_keeps_its_own_comma() -> None:
    found = parse_failed_scheduling(
        "0/4 nodes are available: 1 node(s) had taint {node-role.kubernetes.io/master: }, that "
        "the pod didn't tolerate, 3 Insufficient cpu."
    )
    assert found.reasons == (
        Reason(
            "node(s) had taint {node-role.kubernetes.io/master: }, that the pod didn't tolerate", 1
        ),
        Reason("Insufficient cpu", 3),
    )
    assert found.preemption is None


def test_commas_and_full_stops_inside_a_taint_or_a_quoted_name_stay_in_their_reason() -> None:
    found = parse_failed_scheduling(
        "0/2 nodes are available: 1 node(s) had untolerated taint {team: a, 2 b. c}, "
        '1 node(s) had something about "x, 3 y. z". preemption: 0/2 nodes are available: '
        f"2 {NOT_HELPFUL}."
    )
    assert found.reasons == (
        Reason("node(s) had untolerated taint {team: a, 2 b. c}", 1),
        Reason('node(s) had something about "x, 3 y. z"', 1),
    )
    assert found.preemption.reasons == (Reason(NOT_HELPFUL, 2),)


def test_a_prefilter_verdict_has_no_node_count() -> None:
    found = parse_failed_scheduling('0/3 nodes are available: persistentvolumeclaim "x" not found.')
    assert found.parsed and found.total_nodes == 3
    assert found.reasons == (Reason('persistentvolumeclaim "x" not found', None),)
    assert found.preemption is None and found.post_filter == ""


def test_the_post_filter_part_of_1_34_holds_other_plugins_words_before_the_preemption() -> None:
    found = parse_failed_scheduling(
        "0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 Insufficient cpu. "
        "no new claims to deallocate, preemption: 0/3 nodes are available: "
        f"1 {NOT_HELPFUL}, 2 {NO_VICTIMS}."
    )
    assert found.reasons == (
        Reason("node(s) had untolerated taint(s)", 1),
        Reason("Insufficient cpu", 2),
    )
    assert found.post_filter == "no new claims to deallocate"
    assert found.preemption.total_nodes == 3
    assert found.preemption.reasons == (Reason(NOT_HELPFUL, 1), Reason(NO_VICTIMS, 2))


def test_counts_sorted_as_strings_are_read_as_numbers() -> None:
    found = parse_failed_scheduling(
        "0/12 nodes are available: 10 node(s) didn't match Pod's node affinity/selector, "
        "2 Insufficient nvidia.com/gpu."
    )
    assert [(r.nodes, r.text) for r in found.reasons] == [
        (10, "node(s) didn't match Pod's node affinity/selector"),
        (2, "Insufficient nvidia.com/gpu"),
    ]


def test_a_preemption_that_is_not_a_node_histogram_is_kept_as_its_words() -> None:
    found = parse_failed_scheduling(
        "0/1 nodes are available: 1 Insufficient memory. "
        "preemption: not eligible due to preemptionPolicy=Never."
    )
    assert found.preemption == Preemption("not eligible due to preemptionPolicy=Never", None, ())


def test_an_aggregated_event_message_is_read_past_its_prefix() -> None:
    found = parse_failed_scheduling(
        "(combined from similar events): 0/2 nodes are available: 2 Insufficient cpu."
    )
    assert found.parsed and found.reasons == (Reason("Insufficient cpu", 2),)
    assert found.message.startswith("(combined from similar events)")


def test_the_predicates_form_before_the_framework_puts_counts_after_each_reason() -> None:
    found = parse_failed_scheduling(
        "No nodes are available that match all of the following predicates:: "
        "Insufficient cpu (3), MatchNodeSelector (1), PodToleratesNodeTaints (1)."
    )
    assert found.parsed and (found.available_nodes, found.total_nodes) == (0, None)
    assert found.reasons == (
        Reason("Insufficient cpu", 3),
        Reason("MatchNodeSelector", 1),
        Reason("PodToleratesNodeTaints", 1),
    )


@pytest.mark.parametrize(
    "message",
    [
        "skip schedule deleting pod: shop/trainer-0",
        'binding rejected: running Bind plugin "DefaultBinder": pods "x" not found',
        "no nodes available to schedule pods",
        "",
        "0/x nodes are available: 1 a",
    ],
)
def test_text_of_another_shape_comes_back_unparsed_as_it_was(message: str) -> None:
    found = parse_failed_scheduling(message)
    assert not found.parsed and found.message == message
    assert found.reasons == () and found.preemption is None


@pytest.mark.parametrize(
    "message",
    [
        "0/3 nodes are available",
        "0/3 nodes are available: ",
        '0/3 nodes are available: 1 an "unbalanced quote, 2 b. preemption: x',
        "0/3 nodes are available: 1 {unclosed, 2 b. preemption: 0/3 nodes are available: 3",
        "0/3 nodes are available: }}, 1 a. preemption: preemption: ..",
        "0/3 nodes are available: 1 a. 2 b. something else. preemption: 0/3 nodes are available:",
    ],
)
def test_odd_text_in_the_right_frame_never_raises(message: str) -> None:
    found = parse_failed_scheduling(message)
    assert found.parsed and found.total_nodes == 3
    assert all(r.text for r in found.reasons)
