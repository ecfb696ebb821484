"""The cluster's requested fraction per resource over the flight recorder's window: what the
pods bound to nodes requested, over what the nodes offered, at `SAMPLES` moments.

Cheap by construction: no moment is rebuilt. The totals of now (`headroom.py`) are walked back
through the change log's Pod and Node changes (`state/change_log.py` `after`), newest first,
each change undone on the totals (a pod's requests counted by `resources.py`, a node's
allocatable), and the totals are read at each sampled moment. A subscription then follows the
pod changes on the sums it keeps (`HistoryMemo`): the newest point moves, a new one each step.
The window is the log's: from when this process started recording (or `MAX_HOURS` ago,
whichever is later) to now. A source
without a change log (a snapshot, a past moment) has only its present: the model says so.

Params: `cluster`. The model: `recorded`, `why` (when not), `from` and `to`, `changes` (how many
were walked), and `series` per resource: `x` (UTC times) and `y` (percent requested, None
when nothing was offered).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from explorer.collectors.scheduling import resources as res
from explorer.collectors.scheduling.headroom import resources_present, totals
from explorer.collectors.scheduling.versions import Version
from explorer.lib.objects import spec_of
from explorer.state.as_of import change_log_of
from explorer.state.cluster_state import Change, ClusterState

from ..base import Params, View
from .headroom import headroom_rows, percent

SAMPLES = 60
MAX_HOURS = 6
NOT_RECORDED = (
    "This source has no flight recorder of its own (a snapshot, a past moment, or a cluster "
    "watched without a change log): only the moment it shows is known, above."
)


def _pod_share(pod: Mapping | None, pod_level: bool) -> dict[str, int]:
    if pod is None or not spec_of(pod).get("nodeName") or res.is_terminal(pod):
        return {}
    return {res.PODS: 1, **res.counted_requests(pod, pod_level_resources=pod_level)}


def _node_share(node: Mapping | None) -> dict[str, int]:
    return res.allocatable(node) if node is not None else {}


def _shift(sums: dict[str, int], leaving: Mapping[str, int], arriving: Mapping[str, int]) -> None:
    """Take `leaving` out of the sums and put `arriving` in (resources not summed ignored)."""
    for name, amount in leaving.items():
        if name in sums:
            sums[name] -= amount
    for name, amount in arriving.items():
        if name in sums:
            sums[name] += amount


def _when(moment: float) -> str:
    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%d %H:%M:%S")


@dataclass
class HistoryMemo:
    """A subscription's series: the sums of now and the points so far, so that a change moves
    the sums and the newest point instead of walking the log again."""

    pod_level: bool = True
    start: float = 0.0
    step: float = 0.0
    changes: int = 0
    asked: dict[str, int] = field(default_factory=dict)
    offered: dict[str, int] = field(default_factory=dict)
    points: list[tuple[float, dict[str, int], dict[str, int]]] = field(default_factory=list)


def headroom_history(
    state: ClusterState, params: Params, memo: HistoryMemo | None = None
) -> dict[str, Any]:
    memo = memo if memo is not None else HistoryMemo()
    memo.points = []
    log = change_log_of(state)
    if log is None:
        return {"cluster": state.cluster, "recorded": False, "why": NOT_RECORDED}
    rows, version = headroom_rows(state)
    memo.pod_level = version >= Version(1, 34)
    resources, _ = resources_present(rows)
    now_totals = totals(rows, resources)
    memo.asked = {r: now_totals[r]["requested"] for r in resources}
    memo.offered = {r: now_totals[r]["allocatable"] for r in resources}
    asked, offered = dict(memo.asked), dict(memo.offered)
    end = log.retention.clock()
    memo.start = max(log.started_at, end - MAX_HOURS * 3600)
    entries = [e for e in log.after(memo.start) if e.ref[0] in ("Pod", "Node") and e.at <= end]
    memo.changes = len(entries)
    memo.step = (end - memo.start) / (SAMPLES - 1) if end > memo.start else 0.0
    moments = [end - i * memo.step for i in range(SAMPLES)] if memo.step else [end]
    index = len(entries) - 1
    for moment in moments:  # newest first
        while index >= 0 and entries[index].at > moment:
            entry = entries[index]  # undone: what it brought leaves, what it replaced returns
            if entry.ref[0] == "Pod":
                leaving = _pod_share(entry.after, memo.pod_level)
                _shift(asked, leaving, _pod_share(entry.before, memo.pod_level))
            else:
                _shift(offered, _node_share(entry.after), _node_share(entry.before))
            index -= 1
        memo.points.append((moment, dict(asked), dict(offered)))
    memo.points.reverse()
    return _model(state, memo)


def update_history(
    state: ClusterState, params: Params, memo: HistoryMemo, changes: Iterable[Change]
) -> dict[str, Any] | None:
    """The sums moved by the pod changes and the newest point redrawn (a new point once a step
    has passed since the one before); None before a build, and on a node change (it may bring
    a resource the series do not have yet), so that the caller builds again."""
    if not memo.points:
        return None
    log = change_log_of(state)
    if log is None:
        return None
    for change in changes:
        if change.kind == "Node":
            return None
        if change.kind != "Pod":
            continue
        after = None if change.type == "DELETED" else change.object
        leaving = _pod_share(change.old, memo.pod_level)
        _shift(memo.asked, leaving, _pod_share(after, memo.pod_level))
        memo.changes += 1
    now = log.retention.clock()
    point = (now, dict(memo.asked), dict(memo.offered))
    if len(memo.points) > 1 and now - memo.points[-2][0] < memo.step:
        memo.points[-1] = point
    else:
        memo.points.append(point)
    memo.start = max(memo.start, now - MAX_HOURS * 3600)
    while len(memo.points) > 1 and memo.points[0][0] < memo.start:
        memo.points.pop(0)
    return _model(state, memo)


def _model(state: ClusterState, memo: HistoryMemo) -> dict[str, Any]:
    return {
        "cluster": state.cluster,
        "recorded": True,
        "from": _when(memo.points[0][0]),
        "to": _when(memo.points[-1][0]),
        "changes": memo.changes,
        "series": {
            r: {
                "x": [_when(moment) for moment, _, _ in memo.points],
                "y": [percent(a[r], o[r]) for _, a, o in memo.points],
            }
            for r in memo.asked
        },
    }


VIEW = View(
    "headroom-history",
    headroom_history,
    frozenset({"Node", "Pod"}),
    memo=HistoryMemo,
    update=update_history,
)
