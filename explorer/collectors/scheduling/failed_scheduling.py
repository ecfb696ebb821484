"""A FailedScheduling message (an Event's, or the PodScheduled condition's, which says the same)
read back into what kube-scheduler put in it.

How kube-scheduler writes it (kubernetes/kubernetes, read in `pkg/scheduler/framework/types.go`
`FitError.Error()`, `defaultpreemption.PostFilter` and `Status.Message()`):
- `NoNodeAvailableMsg` ("0/%v nodes are available") and ":", then either " <PreFilterMsg>." (a
  PreFilter plugin turned the pod away before any node was tried: no counts, e.g.
  `persistentvolumeclaim "x" not found`) or the Filter histogram " <N reason>, <N reason>.": each
  reason with the number of nodes that gave it, the strings "N reason" sorted as strings
  (`sortReasonsHistogram`, so "10 …" comes before "2 …") and joined by ", ";
- then " <PostFilterMsg>": every PostFilter plugin's words joined by ", ". DefaultPreemption's
  are "preemption: " and the preemption's own FitError ("0/3 nodes are available: 3 No
  preemption victims found for incoming pod."); in 1.34 DynamicResources' "no new claims to
  deallocate" comes first.
- Releases that appended the PostFilter message with `SeparatorFormat` (" %v.") end in "..".
- Before 1.25 the taint reason was "node(s) had taint {key: value}, that the pod didn't
  tolerate": a ", " inside one reason. Taints sit in `{…}`, object names in `"…"`.
- Before the scheduling framework, `generic_scheduler.go` wrote "No nodes are available that
  match all of the following predicates:: Insufficient cpu (3), …": the count after the reason.
- client-go's event aggregation may prefix "(combined from similar events): ".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from explorer.lib.text import split_top_level

PREEMPTION = "preemption: "
COMBINED = "(combined from similar events): "
_HEADER = re.compile(r"(?P<available>\d+)/(?P<total>\d+) nodes are available:?(?P<body>.*)", re.S)
_PREDICATES = re.compile(
    r"No nodes are available that match all of the following predicates::?(?P<body>.*)", re.S
)
_COUNT_FIRST = re.compile(r"(?P<nodes>\d+) (?P<text>\S.*)", re.S)
_COUNT_LAST = re.compile(r"(?P<text>\S.*) \((?P<nodes>\d+)\)", re.S)
_POST_FILTER_STARTS = (PREEMPTION, "no new claims to deallocate")


@dataclass(frozen=True, slots=True)
class Reason:
    text: str  # the scheduler's words
    nodes: int | None  # how many nodes gave it; None when said once for the pod (PreFilter)


@dataclass(frozen=True, slots=True)
class Preemption:
    text: str  # what follows "preemption: "
    total_nodes: int | None  # None when the text is not a "0/N nodes are available" sentence
    reasons: tuple[Reason, ...]  # why evicting pods would not help, per node


@dataclass(frozen=True, slots=True)
class FailedScheduling:
    message: str  # as it was written
    parsed: bool  # False: not a shape read here; only `message` holds
    total_nodes: int | None  # None also in the predicates form, which did not say
    available_nodes: int | None
    reasons: tuple[Reason, ...]
    preemption: Preemption | None
    post_filter: str  # the other PostFilter plugins' words, e.g. "no new claims to deallocate"


def parse_failed_scheduling(message: str) -> FailedScheduling:
    """The parts of `message`; never raises: text of another shape comes back unparsed."""
    text = message.strip().removeprefix(COMBINED).strip()
    if found := _HEADER.fullmatch(text):
        total, available = int(found["total"]), int(found["available"])
        reasons, post = _filter_part(found["body"])
    elif found := _PREDICATES.fullmatch(text):
        total, available = None, 0
        reasons, post = _predicates(found["body"]), ""
    else:
        return FailedScheduling(message, False, None, None, (), None, "")
    preemption, others = _post_filter(post)
    return FailedScheduling(message, True, total, available, reasons, preemption, others)


def _sentences(body: str) -> list[str]:
    trimmed = body.strip().rstrip(".").strip()  # "." or, in some releases, ".."
    return [s.strip() for s in split_top_level(trimmed, sep=". ", brackets="{}", quote='"')]


def _filter_part(body: str) -> tuple[tuple[Reason, ...], str]:
    """(the PreFilter or Filter reasons, the PostFilter text after them)."""
    sentences = _sentences(body)
    reasons: list[Reason] = []
    index = 0
    if sentences and not _counted(sentences[0]) and not _starts_post_filter(sentences[0]):
        reasons.append(Reason(sentences[0], None))
        index = 1
    while index < len(sentences) and _counted(sentences[index]):
        reasons.extend(_histogram(sentences[index]))
        index += 1
    return tuple(reasons), ". ".join(sentences[index:])


def _counted(sentence: str) -> bool:
    return _COUNT_FIRST.match(sentence) is not None


def _starts_post_filter(sentence: str) -> bool:
    return sentence.startswith(_POST_FILTER_STARTS) or f", {PREEMPTION}" in sentence


def _histogram(sentence: str) -> list[Reason]:
    """`1 a, 2 b` → reasons; a piece without its own count belongs to the reason before it."""
    items: list[str] = []
    for piece in (p.strip() for p in split_top_level(sentence, sep=", ", brackets="{}", quote='"')):
        if items and not _counted(piece):
            items[-1] += ", " + piece
        else:
            items.append(piece)
    counted = (_COUNT_FIRST.fullmatch(item) for item in items)
    return [Reason(m["text"], int(m["nodes"])) for m in counted if m]


def _predicates(body: str) -> tuple[Reason, ...]:
    """`Insufficient cpu (3), MatchNodeSelector (1)`: the count ends each reason."""
    reasons: list[Reason] = []
    pending = ""
    trimmed = body.strip().rstrip(".").strip()
    for piece in split_top_level(trimmed, sep=", ", brackets="{}", quote='"'):
        pending = f"{pending}, {piece.strip()}" if pending else piece.strip()
        if found := _COUNT_LAST.fullmatch(pending):
            reasons.append(Reason(found["text"], int(found["nodes"])))
            pending = ""
    if pending:
        reasons.append(Reason(pending, None))
    return tuple(reasons)


def _post_filter(text: str) -> tuple[Preemption | None, str]:
    at = text.find(PREEMPTION)
    if at == -1:
        return None, text.strip()
    others = text[:at].strip().rstrip(",.").strip()
    return _preemption(text[at + len(PREEMPTION) :].strip().rstrip(".")), others


def _preemption(text: str) -> Preemption:
    found = _HEADER.fullmatch(text)
    if found is None:
        return Preemption(text, None, ())
    reasons, _ = _filter_part(found["body"])
    return Preemption(text, int(found["total"]), reasons)
