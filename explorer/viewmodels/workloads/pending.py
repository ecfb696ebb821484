"""Why a pod is Pending, in words: what kube-scheduler said last (its latest FailedScheduling
event, else the PodScheduled condition — not a gated pod's, which no scheduler tried:
not_picked_up.py says so), each reason as a sentence with its node count, what
preemption said, and when and how often it was said.

Every string is plain text: the page puts it in the DOM as text.
"""

from __future__ import annotations

import re
from typing import TypedDict

from explorer.collectors.scheduling.failed_scheduling import (
    Preemption,
    Reason,
    parse_failed_scheduling,
)
from explorer.lib.events import event_time
from explorer.lib.objects import condition, spec_of, status_of
from explorer.lib.timestamps import utc_second

from .events import event_count, first_seen
from .not_picked_up import GATED

FAILED_SCHEDULING = "FailedScheduling"

# (the scheduler's reason, the words after "N node(s)"); {verb} forms agree with the count
_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), words)
    for pattern, words in (
        (r"Insufficient (?P<what>.+)", "{have} too little {what}"),
        (
            r"node\(s\) had untolerated taint (?P<taint>\{.*\})",
            "{have} a taint it does not tolerate ({taint})",
        ),
        (
            r"node\(s\) had taint (?P<taint>\{.*\}), that the pod didn't tolerate",
            "{have} a taint it does not tolerate ({taint})",
        ),
        (r"node\(s\) had untolerated taint\(s\)", "{have} a taint it does not tolerate"),
        (
            r"node\(s\) had taints that the pod didn't tolerate",
            "{have} taints it does not tolerate",
        ),
        (
            r"node\(s\) didn't match (?:Pod's node affinity/selector|node selector)",
            "{do} not match its node selector or node affinity",
        ),
        (r"node\(s\) didn't match pod affinity rules", "{do} not match its pod affinity rules"),
        (r"node\(s\) didn't match pod anti-affinity rules", "would break its pod anti-affinity"),
        (
            r"node\(s\) didn't satisfy existing pods anti-affinity rules",
            "{run} pods whose anti-affinity keeps it away",
        ),
        (
            r"node\(s\) didn't match pod topology spread constraints.*",
            "would break its topology spread constraints",
        ),
        (
            r"node\(s\) didn't have free ports for the requested pod ports",
            "{have} no free host port it asks for",
        ),
        (r"node\(s\) were unschedulable", "{are} cordoned (unschedulable)"),
        (
            r"node\(s\) had volume node affinity conflict",
            "cannot reach its volumes (volume node affinity conflict)",
        ),
        (
            r"node\(s\) didn't find available persistent volumes to bind",
            "{have} no PersistentVolume it could bind",
        ),
        (r"Too many pods", "already {run} as many pods as they may"),
        (
            r"Preemption is not helpful for scheduling",
            "{fail} for a reason that evicting pods would not remove",
        ),
        (
            r"No preemption victims found for incoming pod",
            "{have} no lower-priority pod whose eviction would make room",
        ),
    )
)
_VERBS = {
    "have": ("has", "have"),
    "do": ("does", "do"),
    "run": ("runs", "run"),
    "are": ("is", "are"),
    "fail": ("fails", "fail"),
}


class ReasonWords(TypedDict):
    nodes: int | None  # None: said once for the pod, before any node was tried
    said: str  # the scheduler's words
    words: str  # the same in plain words, with the node count


class WhyPending(TypedDict):
    headline: str  # "0 of 3 nodes can run it"
    reasons: list[ReasonWords]
    preemption: str  # "Preemption would not help", "Preemption: …", or "" when it said nothing
    preemption_reasons: list[ReasonWords]
    also: str  # other PostFilter words, e.g. "no new claims to deallocate"
    parsed: bool  # False: `message` is a shape the parser does not read; show it as it is
    message: str
    source: str  # "event" or "condition"
    last_seen: str  # utc_second
    first_seen: str
    times: int | None  # how many times it was said; None when the condition is all there is


def why_pending(pod: dict, events: list[dict]) -> WhyPending | None:
    """None unless the pod waits for a node and the scheduler said why."""
    if spec_of(pod).get("nodeName") or status_of(pod).get("phase", "Pending") != "Pending":
        return None
    failed = [e for e in events if e.get("reason") == FAILED_SCHEDULING]
    if failed:
        latest = max(failed, key=event_time)
        message = str(latest.get("message") or latest.get("note") or "")
        seen = (utc_second(event_time(latest)), utc_second(first_seen(latest)))
        return _words(message, "event", seen, event_count(latest))
    scheduled = condition(pod, "PodScheduled") or {}
    if scheduled.get("reason") == GATED:
        return None
    if scheduled.get("status") == "False" and scheduled.get("message"):
        when = utc_second(str(scheduled.get("lastTransitionTime") or ""))
        return _words(str(scheduled["message"]), "condition", (when, when), None)
    return None


def _words(message: str, source: str, seen: tuple[str, str], times: int | None) -> WhyPending:
    found = parse_failed_scheduling(message)
    if found.total_nodes is not None:
        headline = f"{found.available_nodes} of {found.total_nodes} nodes can run it"
    else:
        headline = "No node can run it" if found.parsed else "The scheduler cannot place it"
    return {
        "headline": headline,
        "reasons": [reason_words(r) for r in found.reasons],
        "preemption": _preemption_headline(found.preemption),
        "preemption_reasons": [
            reason_words(r) for r in (found.preemption.reasons if found.preemption else ())
        ],
        "also": found.post_filter,
        "parsed": found.parsed,
        "message": message,
        "source": source,
        "last_seen": seen[0],
        "first_seen": seen[1],
        "times": times,
    }


def _preemption_headline(preemption: Preemption | None) -> str:
    if preemption is None:
        return ""
    if preemption.total_nodes is not None:  # its own "0/N nodes are available": no candidate
        return "Preemption would not help"
    return f"Preemption: {preemption.text}"


def reason_words(reason: Reason) -> ReasonWords:
    """One reason as a sentence: "2 nodes have too little cpu"."""
    if reason.nodes is None:
        words = f"{reason.text} (before any node was tried)"
    else:
        words = _sentence(reason.text, reason.nodes)
    return {"nodes": reason.nodes, "said": reason.text, "words": words}


def _sentence(text: str, count: int) -> str:
    nodes = f"{count} node" if count == 1 else f"{count} nodes"
    verbs = {verb: forms[0 if count == 1 else 1] for verb, forms in _VERBS.items()}
    for pattern, words in _PHRASES:
        if found := pattern.fullmatch(text):
            return f"{nodes} " + words.format(**verbs, **found.groupdict())
    if text.startswith("node(s) "):
        return f"{nodes} {text.removeprefix('node(s) ')}"
    return f"{nodes}: {text}"
