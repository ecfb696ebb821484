"""The overview's pods that no node runs yet: a group of their own, readable at any cluster size.

Up to MAX_PODS_SHOWN pods are drawn one by one, each labelled with its name and the reason the
scheduler gives; past that, one sector per reason with its count (the first MAX_REASONS_SHOWN
reasons by count, the rest folded into one). Every sector of the group gets the same value,
chosen so that it covers at least SECTOR_SHARE of the figure while the group covers at most
GROUP_SHARE: a pod that waits is what a reader looks for first, not a 2-pixel line beside
3,000 running ones. A reason group of more pods than that value counts its pods instead.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict

from explorer.collectors.scheduling.failed_scheduling import parse_failed_scheduling

from .links import object_link
from .plotly_text import hover_lines, plotly_text
from .pod_summary import STATE_COLOURS, PodSummary, pod_sector, states_of, worst
from .sectors import Sector
from .workloads.pending import reason_words

UNSCHEDULED = "unscheduled"  # the id of the group's own box
UNSCHEDULED_COLOUR = "#fbeec1"
MAX_PODS_SHOWN = 10
MAX_REASONS_SHOWN = 10
SECTOR_SHARE = 0.06
GROUP_SHARE = 0.3
MAX_LABEL_REASON = 60
NO_WORD = "no word from the scheduler yet"


def waiting_reason(message: str) -> str:
    """The reason a waiting pod is filed under: of the scheduler's reasons, the one the most nodes
    gave (a shortage, "Insufficient …", first among equals); an unread message as it is."""
    found = parse_failed_scheduling(message)
    if found.reasons:
        top = min(
            found.reasons,
            key=lambda r: (-(r.nodes or 0), not r.text.startswith("Insufficient"), r.text),
        )
        return top.text
    return message.strip() or NO_WORD


def sector_value(sectors: int, scheduled: int) -> int:
    """The value each of the group's `sectors` gets beside `scheduled` pods worth 1 each."""
    if sectors <= 0:
        return 1
    share = min(GROUP_SHARE, sectors * SECTOR_SHARE)
    return max(1, round(scheduled * share / (1 - share) / sectors))


def unscheduled_sectors(pods: list[PodSummary], scheduled: int, leaf: bool) -> dict[str, Sector]:
    """The group's sectors: its box, then its pods or reasons (none when `leaf`: the box alone,
    as the overview's coarsest level draws each node)."""
    if not pods:
        return {}
    ordered = sorted(pods, key=lambda p: (p.namespace, p.name))
    by_reason: dict[str, list[PodSummary]] = defaultdict(list)
    for pod in ordered:
        by_reason[waiting_reason(pod.scheduler_says)].append(pod)
    one_by_one = len(ordered) <= MAX_PODS_SHOWN
    shown = len(ordered) if one_by_one else min(len(by_reason), MAX_REASONS_SHOWN + 1)
    value = sector_value(1 if leaf else shown, scheduled)
    sectors: dict[str, Sector] = {UNSCHEDULED: _box(ordered, by_reason, value if leaf else 0)}
    if leaf:
        return sectors
    if one_by_one:
        for pod in ordered:
            sectors[f"pod/{pod.namespace}/{pod.name}"] = _pod_sector(pod, value)
        return sectors
    ranked = sorted(by_reason.items(), key=lambda item: (-len(item[1]), item[0]))
    if len(ranked) > MAX_REASONS_SHOWN + 1:
        rest = [pod for _, members in ranked[MAX_REASONS_SHOWN:] for pod in members]
        ranked = [
            *ranked[:MAX_REASONS_SHOWN],
            (f"{len(ranked) - MAX_REASONS_SHOWN} other reasons", rest),
        ]
    for reason, members in ranked:
        sectors[_reason_id(reason)] = _reason_sector(reason, members, value)
    return sectors


def _box(pods: list[PodSummary], by_reason: dict[str, list[PodSummary]], value: int) -> Sector:
    rows: list[tuple[str, object]] = [("pods", len(pods))]
    rows += [(reason, len(members)) for reason, members in sorted(by_reason.items())]
    return {
        "parent": "",
        "label": f"not scheduled \u00d7{len(pods)}" if value else "not scheduled",
        "value": value,
        "colour": UNSCHEDULED_COLOUR,
        "hover": hover_lines("pods waiting for a node", rows),
        "kind": "node",
    }


def _pod_sector(pod: PodSummary, value: int) -> Sector:
    reason = waiting_reason(pod.scheduler_says)
    rows: list[tuple[str, object]] = [
        ("namespace", pod.namespace),
        ("state", pod.state),
        ("owner", pod.owner or "none"),
        *(("why", words) for words in _words(pod.scheduler_says)),
        ("click", "open the pod's page"),
    ]
    return {
        "parent": UNSCHEDULED,
        "label": f"{plotly_text(pod.name)}<br>{plotly_text(_short(reason))}",
        "value": value,
        "colour": STATE_COLOURS[pod.state],
        "hover": hover_lines(f"pod {pod.name}, waiting for a node", rows),
        **pod_sector(pod),
    }


def _reason_sector(reason: str, pods: list[PodSummary], value: int) -> Sector:
    example = pods[0]
    states = states_of(pods)
    rows: list[tuple[str, object]] = [("pods", len(pods))]
    rows += [(f"{pod.namespace}/{pod.name}", pod.state) for pod in pods[:8]]
    if len(pods) > 8:
        rows.append(("…", f"{len(pods) - 8} more"))
    rows.append(("click", f"open {example.namespace}/{example.name}'s page"))
    return {
        "parent": UNSCHEDULED,
        "label": f"{plotly_text(_short(reason))} \u00d7{len(pods)}",
        "value": max(value, len(pods)),
        "colour": STATE_COLOURS[worst(list(states))],
        "hover": hover_lines(f"{len(pods)} pods waiting: {reason}", rows),
        "kind": "pods",
        "link": object_link("Pod", example.namespace, example.name),
    }


def _words(message: str) -> list[str]:
    found = parse_failed_scheduling(message)
    if not found.parsed:
        return [message or NO_WORD]
    return [reason_words(reason)["words"] for reason in found.reasons]


def _short(text: str) -> str:
    return text if len(text) <= MAX_LABEL_REASON else text[: MAX_LABEL_REASON - 1] + "…"


def _reason_id(reason: str) -> str:
    return f"{UNSCHEDULED}/reason/{hashlib.blake2b(reason.encode(), digest_size=8).hexdigest()}"
