"""A pod's way from created to ready, as it happened: created → scheduled → initialized →
containers started → ready, each step when it happened and how long after the one before, in
words ("scheduled 2 s after it was created, after 3 failed attempts").

Read from the pod alone and its Events: the conditions' lastTransitionTime (PodScheduled,
Initialized, Ready), the containers' startedAt, and the Events the scheduler and the kubelet
wrote (FailedScheduling and how often, Scheduled, Pulling/Pulled, Created, Started). The API keeps
creationTimestamp and conditions to the second, so the durations are to the second too; Events
go after an hour, so an older pod's steps say less. A step that did not happen (yet) says so, and
so does one nothing records. Every string is plain text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import TypedDict

from explorer.lib.durations import duration_words
from explorer.lib.events import event_time
from explorer.lib.objects import condition, container_statuses, meta_of, spec_of, status_of
from explorer.lib.timestamps import seconds_of, utc_moment, utc_second

from .events import event_count
from .pending import FAILED_SCHEDULING

SCHEDULED = "Scheduled"
KUBELET_REASONS = ("Pulling", "Pulled", "Created", "Started")
STEPS = ("created", "scheduled", "initialized", "started", "ready")
LABELS = {
    "created": "Created",
    "scheduled": "Scheduled",
    "initialized": "Initialized",
    "started": "Containers started",
    "ready": "Ready",
}
DONE, WAITING, UNKNOWN = "done", "waiting", "not recorded"
MAX_DETAILS = 20  # kubelet events listed under a step
_PULLED_IN = re.compile(r"Successfully pulled image \"(?P<image>[^\"]*)\" in (?P<took>[0-9.]+m?s)")


class Step(TypedDict):
    step: str  # one of STEPS
    label: str
    state: str  # DONE, WAITING or UNKNOWN
    at: str  # utc_second, "" when it did not happen or nothing says when
    seconds: float | None  # since the pod was created
    since: str  # the same in words, "" when not known
    words: str  # "2 s after it was created, after 3 failed attempts"
    details: list[str]  # the Events behind it, oldest first


class PodTimeline(TypedDict):
    steps: list[Step]
    summary: str  # the steps in one sentence
    failed_attempts: int  # FailedScheduling, counted as often as the scheduler said it
    latency: float | None  # created → scheduled, seconds


def scheduled_at(pod: dict) -> float | None:
    """When the pod was bound to its node: the PodScheduled condition's turn to True."""
    scheduled = condition(pod, "PodScheduled") or {}
    if scheduled.get("status") != "True":
        return None
    return seconds_of(scheduled.get("lastTransitionTime"))


def scheduling_latency(pod: dict) -> float | None:
    """Seconds from created to scheduled (never negative), None when it is not scheduled or
    a time is missing."""
    return latency_of(meta_of(pod).get("creationTimestamp"), condition(pod, "PodScheduled"))


def latency_of(
    created: object, scheduled: dict | None, moment: Callable[[object], float | None] = seconds_of
) -> float | None:
    """Seconds from `created` (a creationTimestamp) to the PodScheduled condition `scheduled`
    turning True, read by `moment` (a cached reader, for a view of every pod)."""
    if not scheduled or scheduled.get("status") != "True":
        return None
    start, end = moment(created), moment(scheduled.get("lastTransitionTime"))
    if start is None or end is None:
        return None
    return max(0.0, end - start)


def failed_attempts(events: Iterable[dict]) -> int:
    return sum(event_count(e) for e in events if e.get("reason") == FAILED_SCHEDULING)


def attempts_words(count: int) -> str:
    return f"{count} failed attempt" + ("" if count == 1 else "s")


def pod_timeline(pod: dict, events: list[dict]) -> PodTimeline:
    """The steps of `pod`, with `events` (those about it, any order)."""
    ordered = sorted(events, key=event_time)
    attempts = failed_attempts(ordered)
    created = seconds_of(meta_of(pod).get("creationTimestamp"))
    steps = [
        _step("created", created, created, "", []),
        _scheduled(pod, ordered, created, attempts),
        _initialized(pod, created),
        _started(pod, ordered, created),
        _ready(pod, created),
    ]
    return {
        "steps": steps,
        "summary": summary(steps),
        "failed_attempts": attempts,
        "latency": scheduling_latency(pod),
    }


def summary(steps: list[Step]) -> str:
    """The steps after creation in one sentence: a step that happened as "scheduled 2 s after
    it was created", one that did not in its own words."""
    said = [
        f"{s['label'].lower()} {s['words']}" if s["state"] == DONE else s["words"]
        for s in steps[1:]
        if s["words"]
    ]
    text = "; ".join(said)
    return text[:1].upper() + text[1:] + "." if text else ""


def _step(
    name: str, at: float | None, created: float | None, words: str, details: list[str]
) -> Step:
    since = None if at is None or created is None else max(0.0, at - created)
    return {
        "step": name,
        "label": LABELS[name],
        "state": DONE if at is not None else UNKNOWN,
        "at": _when(at),
        "seconds": since,
        "since": "" if since is None else duration_words(since),
        "words": words,
        "details": details[-MAX_DETAILS:],
    }


def _waiting(name: str, words: str, details: list[str] | None = None) -> Step:
    return {
        "step": name,
        "label": LABELS[name],
        "state": WAITING,
        "at": "",
        "seconds": None,
        "since": "",
        "words": words,
        "details": (details or [])[-MAX_DETAILS:],
    }


def _after(at: float, before: float | None, what: str) -> str:
    if before is None:
        return ""
    return f"{duration_words(at - before)} after {what}"


def _scheduled(pod: dict, events: list[dict], created: float | None, attempts: int) -> Step:
    tried = [
        f"{utc_second(event_time(e))} {e.get('reason')}: {_message(e)}"
        for e in events
        if e.get("reason") in (FAILED_SCHEDULING, SCHEDULED)
    ]
    node = spec_of(pod).get("nodeName") or ""
    at = scheduled_at(pod)
    if at is not None:
        said = [
            _after(at, created, "it was created"),
            f"after {attempts_words(attempts)}" if attempts else "",
            f"to {node}" if node else "",
        ]
        return _step("scheduled", at, created, ", ".join(w for w in said if w), tried)
    state = condition(pod, "PodScheduled") or {}
    if state.get("status") == "False":
        why = str(state.get("reason") or "not yet")
        so_far = f", {attempts_words(attempts)} so far" if attempts else ""
        return _waiting("scheduled", f"not scheduled yet ({why}{so_far})", tried)
    if node:
        words = f"bound to {node}; the pod's conditions do not say when"
        return _step("scheduled", None, created, words, tried)
    if status_of(pod).get("phase") in (None, "", "Pending"):
        return _waiting("scheduled", "not scheduled yet: no scheduler has said a word", tried)
    return _step("scheduled", None, created, "", tried)


def _initialized(pod: dict, created: float | None) -> Step:
    init = spec_of(pod).get("initContainers") or ()
    state = condition(pod, "Initialized") or {}
    if state.get("status") == "True":
        at = seconds_of(state.get("lastTransitionTime"))
        if at is None:
            return _step("initialized", None, created, "", [])
        ran = f"{len(init)} init container" + ("" if len(init) == 1 else "s") if init else ""
        after = _after(at, scheduled_at(pod), "it was scheduled")
        words = ", ".join(w for w in (after, f"{ran} ran" if ran else "no init containers") if w)
        return _step("initialized", at, created, words, [])
    if state.get("status") == "False":
        why = state.get("message") or state.get("reason") or "init containers still running"
        return _waiting("initialized", f"not initialized yet: {why}")
    if scheduled_at(pod) is None:
        return _waiting("initialized", "")
    return _step("initialized", None, created, "", [])


def _started(pod: dict, events: list[dict], created: float | None) -> Step:
    said = [
        f"{utc_second(event_time(e))} {e.get('reason')}: {_message(e)}"
        for e in events
        if e.get("reason") in KUBELET_REASONS
    ]
    statuses = container_statuses(pod)
    names = [str(c.get("name") or "?") for c in spec_of(pod).get("containers") or ()]
    started = {
        str(s.get("name")): moment for s in statuses if (moment := _started_at(s)) is not None
    }
    pulls = [f"{m['image']} in {m['took']}" for e in events if (m := _pulled(e))]
    if names and all(name in started for name in names):
        at = max(started[name] for name in names)
        initialized = seconds_of((condition(pod, "Initialized") or {}).get("lastTransitionTime"))
        words = [_after(at, initialized, "it was initialized")]
        if len(names) > 1:
            words.append(f"the last of {len(names)} containers")
        if pulls:
            words.append("image pulled: " + ", ".join(pulls[-3:]))
        restarted = sum(int(s.get("restartCount") or 0) for s in statuses)
        if restarted:
            words.append(f"the times are of the latest start ({restarted} restarts since)")
        return _step("started", at, created, ", ".join(w for w in words if w), said)
    if scheduled_at(pod) is None and not spec_of(pod).get("nodeName"):
        return _waiting("started", "", said)
    waiting = [name for name in names if name not in started]
    if status_of(pod).get("phase") in ("Succeeded", "Failed") and not statuses:
        return _step("started", None, created, "", said)
    return _waiting(
        "started",
        f"{len(names) - len(waiting)} of {len(names)} containers started, waiting for "
        + ", ".join(_why_waiting(pod, name) for name in waiting[:5]),
        said,
    )


def _ready(pod: dict, created: float | None) -> Step:
    state = condition(pod, "Ready") or {}
    at = seconds_of(state.get("lastTransitionTime"))
    if state.get("status") == "True" and at is not None:
        started = [m for s in container_statuses(pod) if (m := _started_at(s)) is not None]
        words = _after(at, max(started) if started else None, "its containers started")
        return _step("ready", at, created, words, [])
    phase = status_of(pod).get("phase")
    if phase in ("Succeeded", "Failed"):
        why = status_of(pod).get("reason")
        words = f"no longer ready: the pod {phase.lower()}" + (f" ({why})" if why else "")
        return _step("ready", None, created, words, [])
    if state.get("status") == "False":
        why = state.get("message") or state.get("reason") or "not ready"
        return _waiting("ready", f"not ready since {_when(at) or 'an unknown time'}: {why}")
    return _waiting("ready", "")


def _started_at(status: dict) -> float | None:
    state = status.get("state") or {}
    for key in ("running", "terminated"):
        if isinstance(state.get(key), dict) and state[key].get("startedAt"):
            return seconds_of(state[key]["startedAt"])
    return None


def _why_waiting(pod: dict, name: str) -> str:
    status = next((s for s in container_statuses(pod) if s.get("name") == name), {})
    waiting = (status.get("state") or {}).get("waiting") or {}
    return f"{name} ({waiting['reason']})" if waiting.get("reason") else name


def _pulled(event: dict) -> re.Match[str] | None:
    if event.get("reason") != "Pulled":
        return None
    return _PULLED_IN.search(_message(event))


def _message(event: dict) -> str:
    return str(event.get("message") or event.get("note") or "")


def _when(at: float | None) -> str:
    return "" if at is None else utc_moment(at)
