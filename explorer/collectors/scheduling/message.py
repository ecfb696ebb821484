"""The FailedScheduling message, byte for byte as kube-scheduler writes it.

`FitError.Error()` (kubernetes/kubernetes `pkg/scheduler/framework/types.go`, read):
- "0/N nodes are available:" with N every node the scheduler knows;
- then, when a PreFilter plugin turned the pod away, " <its message>." and no counts (every node
  carries that one status, so counting it again would say it twice);
- else " <histogram>.": each reason of each rejected node counted (a node may give several, so
  the counts may add up to more than N; nodes a PreFilter result left out count with their own
  "node(s) didn't satisfy plugin(s) [...]"), written `<count> <reason>`, sorted as strings —
  "10 …" before "2 …" — and joined with ", ";
- then the PostFilter plugins' words (their reasons joined with ", "): " <words>" from 1.28,
  " <words>." before (so those releases end in "..": kubernetes#117588).
The PostFilter words: DynamicResources' "no new claims to deallocate" first (1.34 on, a pod
without claims), then DefaultPreemption's "preemption: " and either "not eligible due to
preemptionPolicy=Never." or its own FitError over every node — "Preemption is not helpful for
scheduling" where the node's rejection was unresolvable, "No preemption victims found for
incoming pod" where no pod of lower priority runs, or why the pod still does not fit once they
are gone. When preemption finds a node, PostFilter succeeds and adds nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from .versions import Version

NO_NODE_AVAILABLE = "0/{} nodes are available:"
PREEMPTION = "preemption: "
NOT_HELPFUL = "Preemption is not helpful for scheduling"
NO_VICTIMS = "No preemption victims found for incoming pod"
PREEMPTION_NEVER = "not eligible due to preemptionPolicy=Never."
NO_NEW_CLAIMS = "no new claims to deallocate"
CURRENT = Version(1, 34)  # the release assumed when none is said


def absent_nodes_reason(plugins: Iterable[str]) -> str:
    """The status of the nodes a PreFilter result left out (`sets.List`: sorted names)."""
    return f"node(s) didn't satisfy plugin(s) [{' '.join(sorted(plugins))}]"


def histogram(reasons_per_node: Iterable[Sequence[str]]) -> list[str]:
    """`<count> <reason>` for every reason any node gave, sorted as strings."""
    counts = Counter(reason for reasons in reasons_per_node for reason in reasons)
    return sorted(f"{count} {reason}" for reason, count in counts.items())


def fit_error(
    total_nodes: int,
    reasons_per_node: Iterable[Sequence[str]] = (),
    *,
    prefilter: str = "",
    post_filter: str = "",
    version: Version = CURRENT,
) -> str:
    """The scheduler's message: header, PreFilter message or histogram, PostFilter words."""
    text = NO_NODE_AVAILABLE.format(total_nodes)
    if prefilter:
        text += f" {prefilter}."
    else:
        entries = histogram(reasons_per_node)
        if entries:
            text += f" {', '.join(entries)}."
    if post_filter:
        text += f" {post_filter}" if version >= Version(1, 28) else f" {post_filter}."
    return text


def post_filter(words: Sequence[str]) -> str:
    """The PostFilter plugins' reasons as the scheduler joins them."""
    return ", ".join(w for w in words if w)


def preemption_words(fit_error_text: str) -> str:
    return PREEMPTION + fit_error_text
