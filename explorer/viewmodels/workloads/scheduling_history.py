"""Scheduling as it happened, across a cluster: how long its pods waited for a node (created →
PodScheduled True, to the second), as a histogram, over time and as percentiles in words; the
slowest pods; and the pods that were scheduled and then evicted or preempted, with why.

The view `scheduling-history` takes `cluster`. It reads the pods the state holds and, for a live
cluster, the pods deleted since that the flight recorder still holds in memory (its last
`memory_entries` changes: `ChangeLog.in_memory`, never the disk), so a preempted pod the
scheduler deleted is still counted and listed. Evictions and preemptions are read from the pod
(`status.reason` Evicted, the DisruptionTarget condition) and from the Events that say them (the
kubelet's Evicted, the scheduler's Preempted: "Preempted by pod <uid> on node <node>", its
preemptor named when the state holds it).

Bounded at any size: a held pod is sampled from its record (explorer/state/records.py; a disrupted
one is unpacked for its status's words: `sample_of`), once per record (the memo keeps each pod's
record and sample, never the pod, while the state holds the same record), and `update` follows
only the pods and Events that changed; the latencies stay in one sorted list, so percentiles,
bins and the slowest pods cost a bisection.
The scatter ships at most MAX_POINTS pods, an even sample chosen by a digest of each pod's key
(the slowest always among them), keyed by pod so that a change is one entry of the delta.

The model: `header` (counts, `sampled`), `percentiles` (seconds and `words`), `bins` (label,
count), `points` (id → created, seconds, hover, link, group), `slowest`, `waiting` (the pods no
node took yet, oldest first), `disrupted`. `hover` is Plotly pseudo-HTML, escaped; every other
string is plain text.
"""

from __future__ import annotations

import bisect
import hashlib
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from explorer.lib.choices import DELETED
from explorer.lib.durations import duration_words
from explorer.lib.events import event_time
from explorer.lib.objects import (
    meta_of,
    name_of,
    namespace_of,
    spec_of,
    status_of,
    uid_of,
)
from explorer.lib.pod_states import UNKNOWN
from explorer.lib.timestamps import seconds_of, utc_moment
from explorer.state.as_of import change_log_of
from explorer.state.cluster_state import Change, ClusterState
from explorer.state.records import PodRecord, record, records

from ..base import Params, View
from ..links import Link, events_link, object_link
from ..plotly_text import hover_lines
from .events import event_count
from .pod_timeline import FAILED_SCHEDULING, attempts_words, latency_of

EVICTED, PREEMPTED = "Evicted", "Preempted"
EVENT_REASONS = frozenset({FAILED_SCHEDULING, EVICTED, PREEMPTED})
MAX_POINTS = 1000
MAX_SLOWEST = 20
MAX_WAITING = 20
MAX_DISRUPTED = 200
MAX_GONE = 5000  # deleted pods remembered, the latest kept
MAX_WHY = 500  # characters of a message shown
PERCENTILES = (50, 90, 99)
# (upper bound in seconds, label): the histogram's bins, each up to its bound
BINS: tuple[tuple[float, str], ...] = (
    (1, "under 1 s"),
    (2, "1 to 2 s"),
    (5, "2 to 5 s"),
    (10, "5 to 10 s"),
    (30, "10 to 30 s"),
    (60, "30 s to 1 min"),
    (300, "1 to 5 min"),
    (1800, "5 to 30 min"),
    (math.inf, "30 min or more"),
)
# the DisruptionTarget condition's reasons (k8s.io/api core/v1), in words
DISRUPTIONS = {
    "PreemptionByScheduler": ("preempted", "preempted by the scheduler for a higher-priority pod"),
    "TerminationByKubelet": ("evicted", "evicted by the kubelet"),
    "EvictionByEvictionAPI": (
        "evicted",
        "evicted through the Eviction API (a drain, an autoscaler)",
    ),
    "DeletionByTaintManager": ("evicted", "deleted for a NoExecute taint it does not tolerate"),
    "DeletionByPodGC": ("evicted", "deleted by the pod garbage collector (its node is gone)"),
}
GROUP_COLOURS = {"at once": "#2a5db0", "retried": "#ff7f0e", "deleted since": "#7f7f7f"}


@dataclass(frozen=True, slots=True)
class Disruption:
    kind: str  # "evicted" or "preempted"
    why: str
    at: float | None
    source: str  # what said it


@dataclass(frozen=True, slots=True)
class Sample:
    key: str  # "pod/<namespace>/<name>", or "gone/<uid>" for a pod deleted since
    uid: str
    namespace: str
    name: str
    created: float | None
    latency: float | None
    node: str
    waiting: bool  # no node yet, and still Pending
    disruption: Disruption | None
    gone: bool  # deleted since (from the flight recorder, or a deletion the view followed)
    gone_at: float | None  # when the watcher saw it deleted, when known
    pick: int  # a digest of the key: the scatter's sample takes the keys whose pick % stride is 0


@dataclass(frozen=True, slots=True)
class Said:
    """An Event of EVENT_REASONS about a pod."""

    reason: str
    namespace: str
    name: str
    uid: str
    count: int
    message: str
    at: float | None


@lru_cache(maxsize=16384)
def _moment(text: object) -> float | None:
    """seconds_of, remembered: a cluster's pods share many of their times (a rollout's pods
    were created in the same second)."""
    return seconds_of(text)


def sample(pod: dict, *, gone: bool = False, gone_at: float | None = None) -> Sample:
    """The sample of a pod read whole: a deleted one's (from the flight recorder or a change),
    or any pod's."""
    meta, spec, status = meta_of(pod), spec_of(pod), status_of(pod)
    namespace, name = str(meta.get("namespace") or ""), str(meta.get("name") or "")
    uid = str(meta.get("uid") or "")
    node = str(spec.get("nodeName") or "")
    phase = status.get("phase") or "Pending"
    scheduled, target = _conditions(status)
    key = f"gone/{uid or namespace + '/' + name}" if gone else f"pod/{namespace}/{name}"
    return Sample(
        key=key,
        uid=uid,
        namespace=namespace,
        name=name,
        created=_moment(meta.get("creationTimestamp")),
        latency=latency_of(meta.get("creationTimestamp"), scheduled, _moment),
        node=node,
        waiting=not node and phase == "Pending" and not gone,
        disruption=disruption_of(status, target),
        gone=gone,
        gone_at=gone_at,
        pick=_pick(key),
    )


def sample_of(state: ClusterState, pod: PodRecord) -> Sample:
    """`sample` of a pod `state` holds, from its record. The pod is unpacked only when its record
    says it was disrupted (the words are its status's), or when it has no node and its phase
    reads Unknown (the record's word for none too, which `sample` takes as Pending)."""
    key = f"pod/{pod.namespace}/{pod.name}"
    scheduled = {"status": "True", "lastTransitionTime": pod.scheduled_at}
    waiting = not pod.node and pod.phase == "Pending"
    disruption = None
    if pod.disrupted or (not pod.node and pod.phase == UNKNOWN):
        status = status_of(state.get("Pod", pod.namespace, pod.name))
        waiting = not pod.node and (status.get("phase") or "Pending") == "Pending"
        disruption = disruption_of(status, _conditions(status)[1])
    return Sample(
        key=key,
        uid=pod.uid,
        namespace=pod.namespace,
        name=pod.name,
        created=_moment(pod.created),
        latency=latency_of(pod.created, scheduled, _moment) if pod.scheduled_at else None,
        node=pod.node,
        waiting=waiting,
        disruption=disruption,
        gone=False,
        gone_at=None,
        pick=_pick(key),
    )


def _conditions(status: dict) -> tuple[dict | None, dict | None]:
    """The status's (PodScheduled, DisruptionTarget) conditions, the last of each type (the API
    keeps one of each)."""
    scheduled = target = None
    for cond in status.get("conditions") or ():
        kind = cond.get("type") if isinstance(cond, dict) else None
        if kind == "PodScheduled":
            scheduled = cond
        elif kind == "DisruptionTarget":
            target = cond
    return scheduled, target


def _pick(key: str) -> int:
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=4).digest(), "big")


def disruption_of(status: dict, target: dict | None) -> Disruption | None:
    """What a pod's status says of an eviction or preemption: the kubelet's `reason` Evicted,
    or its DisruptionTarget condition `target` when True."""
    target = target or {}
    at = _moment(target.get("lastTransitionTime"))
    if status.get("reason") == EVICTED:
        why = str(status.get("message") or "evicted by the kubelet")
        return Disruption("evicted", why, at, "the pod's status (reason Evicted)")
    if target.get("status") == "True":
        kind, words = DISRUPTIONS.get(str(target.get("reason")), ("evicted", "disrupted"))
        message = str(target.get("message") or "")
        why = f"{words}: {message}" if message else words
        return Disruption(kind, why, at, f"its DisruptionTarget condition ({target.get('reason')})")
    return None


def said(event: dict) -> Said | None:
    reason = event.get("reason")
    if reason not in EVENT_REASONS:
        return None
    involved = event.get("involvedObject") or event.get("regarding") or {}
    if involved.get("kind") != "Pod":
        return None
    return Said(
        reason=str(reason),
        namespace=str(involved.get("namespace") or ""),
        name=str(involved.get("name") or ""),
        uid=str(involved.get("uid") or ""),
        count=event_count(event),
        message=str(event.get("message") or event.get("note") or ""),
        at=seconds_of(event_time(event)),
    )


def _events_said(state: ClusterState) -> Iterator[dict]:
    """The Events `said` may take: of its reasons, about a pod (read by their records: Events
    are held packed)."""
    for r in records(state, "Event"):
        if r.reason in EVENT_REASONS and r.involved_kind == "Pod":
            event = state.get("Event", r.namespace, r.name)
            if event is not None:
                yield event


def _event_key(event: dict) -> str:
    return f"{namespace_of(event)}/{name_of(event)}"


class HistoryMemo:
    """One subscription's samples, the Events that matter, the latencies in order, and which
    samples are drawn, waiting or disrupted: each kept up to date change by change."""

    def __init__(self) -> None:
        self.built = False
        # key -> (the pod's record, its sample); no record for a pod the state no longer held
        # when its change came (its deletion follows)
        self.pods: dict[str, tuple[PodRecord | None, Sample]] = {}
        self.gone: dict[str, Sample] = {}
        self.events: dict[str, Said] = {}
        self.order: list[tuple[float, str]] = []  # (latency, key) of every scheduled sample
        self.stride = 1
        self.chosen: set[str] = set()  # keys whose point ships
        self.waiting: set[str] = set()
        self.flagged: set[str] = set()  # keys of samples that say they were disrupted
        self.drawn: dict[str, tuple[Sample, int, dict[str, Any]]] = {}  # points kept

    def load(self, state: ClusterState) -> None:
        held = {id(entry[0]): entry for entry in self.pods.values() if entry[0] is not None}
        fresh = {}
        for pod in records(state, "Pod"):
            entry = held.get(id(pod))
            if entry is None or entry[0] is not pod:
                entry = (pod, sample_of(state, pod))
            fresh[entry[1].key] = entry
        self.pods = fresh
        self.gone = {}
        for gone in _deleted_pods(state):
            self._forget(gone)
        self.events = {
            _event_key(e): found for e in _events_said(state) if (found := said(e)) is not None
        }
        samples = self.samples()
        self.order = sorted((s.latency, s.key) for s in samples if s.latency is not None)
        self.stride = max(1, math.ceil(len(self.order) / MAX_POINTS))
        self.chosen, self.waiting, self.flagged = set(), set(), set()
        for found in samples:
            self._mark(found)
        self.built = True

    def apply(self, changes: Iterable[Change], state: ClusterState) -> None:
        """Follow `changes`, already in `state`: a pod changed is sampled from the record the
        state holds of it now (what `load` would keep), from the change while it holds none."""
        for change in changes:
            if change.kind == "Pod":
                key = f"pod/{change.namespace}/{change.name}"
                old = self.pods.pop(key, None)
                if old is not None:
                    self._drop(old[1])
                if change.type == DELETED:
                    self._forget(sample(change.object, gone=True))
                else:
                    held = record(state, "Pod", change.namespace, change.name)
                    fresh = sample(change.object) if held is None else sample_of(state, held)
                    self.pods[key] = (held, fresh)
                    self._add(fresh)
            elif change.kind == "Event":
                key = f"{change.namespace}/{change.name}"
                found = None if change.type == DELETED else said(change.object)
                if found is None:
                    self.events.pop(key, None)
                else:
                    self.events[key] = found

    def samples(self) -> list[Sample]:
        return [s for _, s in self.pods.values()] + list(self.gone.values())

    def by_key(self, key: str) -> Sample | None:
        held = self.pods.get(key)
        return held[1] if held is not None else self.gone.get(key)

    def _forget(self, gone: Sample) -> None:
        """A deleted pod, kept among the latest MAX_GONE."""
        if gone.latency is None and gone.disruption is None:
            return
        previous = self.gone.pop(gone.key, None)
        if previous is not None:
            self._drop(previous)
        self.gone[gone.key] = gone
        self._add(gone)
        while len(self.gone) > MAX_GONE:
            self._drop(self.gone.pop(next(iter(self.gone))))

    def _add(self, found: Sample) -> None:
        if not self.built:
            return  # load() orders and marks every sample at once
        if found.latency is not None:
            bisect.insort(self.order, (found.latency, found.key))
        self._mark(found)

    def _mark(self, found: Sample) -> None:
        if found.latency is not None and found.pick % self.stride == 0:
            self.chosen.add(found.key)
        if found.waiting:
            self.waiting.add(found.key)
        if found.disruption is not None:
            self.flagged.add(found.key)

    def _drop(self, found: Sample) -> None:
        if found.latency is not None:
            at = bisect.bisect_left(self.order, (found.latency, found.key))
            if at < len(self.order) and self.order[at] == (found.latency, found.key):
                del self.order[at]
        for marks in (self.chosen, self.waiting, self.flagged):
            marks.discard(found.key)


def _deleted_pods(state: ClusterState) -> list[Sample]:
    """The pods the flight recorder's memory saw deleted, oldest first (none for a snapshot or
    a past moment: their states keep no log)."""
    log = change_log_of(state)
    if log is None:
        return []
    return [
        sample(entry.before, gone=True, gone_at=entry.at)
        for entry in log.in_memory()
        if entry.ref[0] == "Pod" and entry.after is None and entry.before is not None
    ]


# ---- the model ---------------------------------------------------------------------------


def history(state: ClusterState, params: Params, memo: HistoryMemo | None = None) -> dict:
    memo = memo or HistoryMemo()
    memo.load(state)
    return _model(state, memo)


def update_history(
    state: ClusterState, params: Params, memo: HistoryMemo, changes: Sequence[Change]
) -> dict | None:
    if not memo.built:
        return None
    memo.apply(changes, state)
    return _model(state, memo)


def _model(state: ClusterState, memo: HistoryMemo) -> dict[str, Any]:
    attempts: dict[str, int] = {}
    for found in memo.events.values():
        if found.reason == FAILED_SCHEDULING:
            key = found.uid or f"{found.namespace}/{found.name}"
            attempts[key] = attempts.get(key, 0) + found.count
    order = memo.order
    slowest = [s for _, key in reversed(order[-MAX_SLOWEST:]) if (s := memo.by_key(key))]
    waiting = sorted(
        (s for key in memo.waiting if (s := memo.by_key(key))),
        key=lambda s: (s.created or 0, s.key),
    )
    points = _points(memo, attempts, [s.key for s in slowest])
    flagged = [s for key in sorted(memo.flagged) if (s := memo.by_key(key))]
    return {
        "header": {
            "cluster": state.cluster,
            "pods": len(memo.pods),
            "scheduled": len(order),
            "waiting": len(waiting),
            "deleted_since": sum(1 for s in memo.gone.values() if s.latency is not None),
            "from_recorder": change_log_of(state) is not None,
            "shown": len(points),
            "sampled": memo.stride > 1,
        },
        "percentiles": percentiles(order),
        "bins": bins(order),
        "points": points,
        "slowest": [_slow(s, attempts) for s in slowest],
        "waiting": [_waiting(s, attempts) for s in waiting[:MAX_WAITING]],
        "disrupted": disrupted(
            state, flagged, memo.events.values(), frozenset(s.uid for s in memo.gone.values())
        ),
        "colours": GROUP_COLOURS,
    }


def percentiles(order: Sequence[tuple[float, str]]) -> dict[str, Any]:
    """p50, p90 and p99 of the latencies (`(seconds, key)` in ascending order, nearest rank),
    and the words."""
    if not order:
        return {"count": 0, "values": {}, "words": "No pod here says when it was scheduled."}
    values = {f"p{p}": order[max(0, math.ceil(p / 100 * len(order)) - 1)][0] for p in PERCENTILES}
    words = (
        f"Of {len(order):,} pods scheduled, half were scheduled {_within(values['p50'])} of "
        f"being created, 90% {_within(values['p90'])} and 99% {_within(values['p99'])}; the "
        f"slowest took {duration_words(order[-1][0])}."
    )
    return {"count": len(order), "values": values, "words": words}


def _within(seconds: float) -> str:
    words = duration_words(seconds)
    return f"in {words}" if words.startswith("under") else f"within {words}"


def bins(order: list[tuple[float, str]]) -> list[dict[str, Any]]:
    """How many latencies fall in each of BINS (a bin holds its lower bound, not its upper)."""
    found, below = [], 0
    for bound, label in BINS:
        upto = len(order) if bound == math.inf else bisect.bisect_left(order, (bound, ""))
        found.append({"label": label, "count": upto - below})
        below = upto
    return found


def _link(s: Sample) -> Link:
    return object_link("Pod", s.namespace, s.name)


def _tries(s: Sample, attempts: dict[str, int]) -> int:
    return attempts.get(s.uid) or attempts.get(f"{s.namespace}/{s.name}", 0)


def _points(memo: HistoryMemo, attempts: dict[str, int], slowest: list[str]) -> dict:
    """The points of the chosen samples and the slowest, each drawn again only when its sample
    or its count of failed attempts changed."""
    shown: dict[str, dict[str, Any]] = {}
    drawn: dict[str, tuple[Sample, int, dict[str, Any]]] = {}
    for key in memo.chosen.union(slowest):
        s = memo.by_key(key)
        if s is None or s.latency is None or s.created is None:
            continue
        tries = _tries(s, attempts)
        kept = memo.drawn.get(key)
        point = kept[2] if kept and kept[0] is s and kept[1] == tries else _point(s, tries)
        drawn[key] = (s, tries, point)
        shown[key] = point
    memo.drawn = drawn
    return shown


def _point(s: Sample, tries: int) -> dict[str, Any]:
    group = "deleted since" if s.gone else "retried" if tries else "at once"
    rows: list[tuple[str, object]] = [
        ("created", utc_moment(s.created or 0)),
        ("scheduled after", duration_words(s.latency or 0)),
        ("node", s.node or "none"),
    ]
    if tries:
        rows.append(("failed attempts", tries))
    if s.gone:
        rows.append(("deleted", utc_moment(s.gone_at) if s.gone_at else "since"))
    return {
        "created": utc_moment(s.created or 0),
        "seconds": s.latency,
        "group": group,
        "hover": hover_lines(f"{s.namespace}/{s.name}", rows),
        "link": _link(s),
    }


def _slow(s: Sample, attempts: dict[str, int]) -> dict[str, Any]:
    tries = _tries(s, attempts)
    words = f"scheduled {duration_words(s.latency or 0)} after it was created"
    if tries:
        words += f", after {attempts_words(tries)}"
    return {
        "pod": f"{s.namespace}/{s.name}",
        "link": _link(s),
        "seconds": s.latency,
        "waited": duration_words(s.latency or 0),
        "words": words,
        "node": s.node,
        "created": utc_moment(s.created) if s.created is not None else "",
        "gone": s.gone,
    }


def _waiting(s: Sample, attempts: dict[str, int]) -> dict[str, Any]:
    tries = _tries(s, attempts)
    return {
        "pod": f"{s.namespace}/{s.name}",
        "link": _link(s),
        "created": utc_moment(s.created) if s.created is not None else "",
        "words": f"no node yet, {attempts_words(tries)} so far" if tries else "no node yet",
    }


def disrupted(
    state: ClusterState,
    samples: Iterable[Sample],
    events: Iterable[Said],
    recorded: frozenset[str] = frozenset(),
) -> list[dict[str, Any]]:
    """The pods evicted or preempted after they were scheduled, newest first, each once: what
    the pod says and what the Events about it say, merged. A pod gone that neither the state
    nor the flight recorder (`recorded`: the uids of the deleted pods it holds) knows leads to
    the Events about it."""
    found: dict[str, dict[str, Any]] = {}
    by_uid: dict[str, str] = {}
    for s in samples:
        if s.disruption is None:
            continue
        entry = _entry(found, s.uid or s.key, s.namespace, s.name, s.node, s.gone)
        by_uid[s.uid] = s.uid or s.key
        _add(entry, s.disruption.kind, s.disruption.why, s.disruption.at, s.disruption.source)
    for event in events:
        if event.reason == FAILED_SCHEDULING:
            continue
        ident = event.uid or f"{event.namespace}/{event.name}"
        held = state.get("Pod", event.namespace, event.name)
        gone = held is None or (bool(event.uid) and uid_of(held) != event.uid)
        node = str(spec_of(held).get("nodeName") or "")
        known = ident in by_uid or ident in recorded or not gone
        entry = _entry(found, by_uid.get(ident, ident), event.namespace, event.name, node, gone)
        if not known and entry["sources"] == []:  # only its Events are left: they are its page
            entry["link"] = events_link("Pod", event.namespace, event.name)
        if event.reason == EVICTED:
            _add(entry, "evicted", event.message, event.at, "the kubelet's Evicted event")
        else:
            _add(entry, "preempted", event.message, event.at, "the scheduler's Preempted event")
            entry["by"] = entry["by"] or _preemptor(state, event.message)
            if not entry["node"]:
                entry["node"] = event.message.rpartition(" on node ")[2]
    shown = sorted(found.values(), key=lambda e: (-(e.pop("_at") or 0), e["pod"]))
    return shown[:MAX_DISRUPTED]


def _entry(
    found: dict[str, dict[str, Any]], ident: str, namespace: str, name: str, node: str, gone: bool
) -> dict[str, Any]:
    entry = found.get(ident)
    if entry is None:
        entry = found[ident] = {
            "pod": f"{namespace}/{name}",
            "link": object_link("Pod", namespace, name),
            "kind": "",
            "why": [],
            "sources": [],
            "at": "",
            "_at": None,
            "node": node,
            "gone": gone,
            "by": None,
        }
    return entry


def _add(entry: dict[str, Any], kind: str, why: str, at: float | None, source: str) -> None:
    entry["kind"] = "preempted" if "preempted" in (entry["kind"], kind) else kind
    why = why.strip()[:MAX_WHY]
    if why and why not in entry["why"]:
        entry["why"].append(why)
    entry["sources"].append(source)
    if at is not None and (entry["_at"] is None or at > entry["_at"]):
        entry["_at"], entry["at"] = at, utc_moment(at)


def _preemptor(state: ClusterState, message: str) -> dict[str, Any] | None:
    """The pod a Preempted event names ("Preempted by pod <uid> on node <node>"), when held: a
    Pod of that uid under the name the uid is filed by (told by uid, not by identity: a pod held
    packed is a fresh dict at each read)."""
    if not message.startswith("Preempted by pod "):
        return None
    uid = message.removeprefix("Preempted by pod ").split(" ", 1)[0]
    found = state.by_uid(uid)
    held = None if found is None else state.get("Pod", namespace_of(found), name_of(found))
    if held is None or uid_of(held) != uid:
        return {"pod": f"uid {uid}", "link": None, "priority": None}
    return {
        "pod": f"{namespace_of(held)}/{name_of(held)}",
        "link": object_link("Pod", namespace_of(held), name_of(held)),
        "priority": spec_of(held).get("priority"),
    }


VIEW = View(
    "scheduling-history",
    history,
    frozenset({"Pod", "Event"}),
    memo=HistoryMemo,
    update=update_history,
)
