"""Events on a timeline: for the cluster, one namespace or one object.

Params: `cluster`, `namespace` (`*` for every one) and `object`: `*`, or `Kind/name` of an
object in that namespace (a Node: `Node/name` with namespace `*`).

The model:
- `header`: cluster, scope, counts (shown and in scope), the reasons in order of first sight.
- `events`: uid → `{time, first, reason, type, count, object, message, hover, link}`; `time` is
  when it was last seen and `first` when first seen (both `utc_second`), `hover` is Plotly
  pseudo-HTML with every cluster string escaped, `object` is plain text (for the page to set as
  text), `link` is `{"kind", "namespace", "name"}` of the involved object.
- `groups`: the same events as the list shows them, one row per reason, object and message:
  digest → `{reason, type, object, message, link, count, events, first, last}` (`count`: times
  said, summed over the group's `events` Event objects).
At most MAX_EVENTS, the latest kept, and no more than MAX_BYTES of points as JSON (a message can
be long: 2,000 of the demo's short ones were 1.05 MB, more than a websocket message carries; the
groups repeat less than the points, so both fit in one); the page plots reason against time,
coloured by type, sized by count, and lists the groups a page at a time.
"""

from __future__ import annotations

import hashlib
import heapq
from collections.abc import Iterable
from operator import attrgetter
from typing import Any, TypedDict

import orjson

from explorer.lib.events import event_time
from explorer.lib.objects import key_of, meta_of
from explorer.lib.timestamps import utc_second
from explorer.state.cluster_state import ClusterState
from explorer.state.records import EventRecord, records

from ..base import Params, View
from ..plotly_text import hover_lines, plotly_text

MAX_EVENTS = 2000
MAX_BYTES = 384 * 1024  # of the points as JSON: with the groups, under a websocket message (1 MiB)
ALL = "*"
TYPE_COLOURS = {"Normal": "#2a5db0", "Warning": "#d62728"}
OTHER_TYPE_COLOUR = "#7f7f7f"


class Link(TypedDict):
    kind: str
    namespace: str
    name: str


class EventPoint(TypedDict):
    time: str
    first: str
    reason: str
    tick: str  # the reason escaped for Plotly (a tick label); `reason` is for the DOM
    type: str
    count: int
    object: str
    message: str
    hover: str
    link: Link


class EventGroup(TypedDict):
    reason: str
    type: str  # the latest event's
    object: str
    message: str
    link: Link
    count: int
    events: int
    first: str
    last: str


def first_seen(event: dict) -> str:
    """When an event was first seen: firstTimestamp, else eventTime (an events.k8s.io series)."""
    return str(event.get("firstTimestamp") or event.get("eventTime") or "")


def event_count(event: dict) -> int:
    """How many times the event was said: count, else its series' count, else once."""
    return int(event.get("count") or (event.get("series") or {}).get("count") or 1)


def events_for(
    state: ClusterState, kind: str, namespace: str, name: str, uid: str = ""
) -> list[dict]:
    """The events about one object, oldest first. Node events are filed in `default`."""
    scope = None if kind == "Node" or not namespace else namespace
    found = [r for r in records(state, "Event", scope) if r.involves(kind, namespace, name, uid)]
    return _read(state, sorted(found, key=attrgetter("in_time_order")))


def _read(state: ClusterState, chosen: Iterable[EventRecord]) -> list[dict]:
    """The Events of `chosen` records, in their order (Events are held packed)."""
    return [e for r in chosen if (e := state.get("Event", r.namespace, r.name)) is not None]


def in_time_order(event: dict) -> tuple:
    """When it was said, then its name: the same order however the state holds them (a
    snapshot's state and the live one hold them in different orders)."""
    return (event_time(event), *key_of(event))


def points(events: Iterable[dict]) -> dict[str, EventPoint]:
    """The latest events as timeline points, keyed by uid (or namespace/name), oldest first: at
    most MAX_EVENTS, and as many as fit in MAX_BYTES of JSON."""
    latest: list[tuple[str, EventPoint]] = []
    size = 0
    for event in reversed(sorted(events, key=in_time_order)[-MAX_EVENTS:]):
        meta = meta_of(event)
        key = meta.get("uid") or f"{meta.get('namespace', '')}/{meta.get('name', '')}"
        shown = point(event)
        size += len(orjson.dumps({key: shown}))
        if size > MAX_BYTES:
            break
        latest.append((key, shown))
    return dict(reversed(latest))


def point(event: dict) -> EventPoint:
    involved = event.get("involvedObject") or event.get("regarding") or {}
    kind, name = str(involved.get("kind") or "?"), str(involved.get("name") or "?")
    namespace = str(involved.get("namespace") or "")
    count = event_count(event)
    reason = str(event.get("reason") or "?")
    etype = str(event.get("type") or "Normal")
    message = str(event.get("message") or event.get("note") or "")
    source = event.get("source") or {}
    component = event.get("reportingComponent") or source.get("component") or "?"
    shown = f"{kind} {namespace + '/' if namespace else ''}{name}"
    last, first = utc_second(event_time(event)), utc_second(first_seen(event))
    seen = [("last seen", last)] + ([("first seen", first)] if first and first != last else [])
    return {
        "time": last,
        "first": first,
        "reason": reason,
        "tick": plotly_text(reason),
        "type": etype,
        "count": count,
        "object": shown,
        "message": message,
        "hover": hover_lines(
            f"{etype} {reason}",
            [*seen, ("object", shown), ("count", count), ("from", component)],
        )
        + "<br>"
        + _wrap(plotly_text(message)),
        "link": {"kind": kind, "namespace": namespace, "name": name},
    }


def groups(shown: dict[str, EventPoint]) -> dict[str, EventGroup]:
    """The points as list rows: one per reason, object and message, keyed by a digest of them."""
    found: dict[str, EventGroup] = {}
    for point in sorted(shown.values(), key=lambda p: p["time"]):
        said = "\0".join((point["reason"], point["object"], point["message"]))
        key = hashlib.blake2b(said.encode(), digest_size=8).hexdigest()
        first = point["first"] or point["time"]
        group = found.get(key)
        if group is None:
            found[key] = {
                "reason": point["reason"],
                "type": point["type"],
                "object": point["object"],
                "message": point["message"],
                "link": {**point["link"]},
                "count": point["count"],
                "events": 1,
                "first": first,
                "last": point["time"],
            }
            continue
        group["type"], group["last"] = point["type"], point["time"]
        group["count"] += point["count"]
        group["events"] += 1
        group["first"] = min(group["first"], first)
    return found


def _wrap(text: str, width: int = 90) -> str:
    """Escaped text broken at spaces into lines for a hover box."""
    words, lines, line = text.split(" "), [], ""
    for word in words:
        if line and len(line) + len(word) + 1 > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return "<br>".join(lines)


def timeline(state: ClusterState, params: Params, memo: Any = None) -> dict[str, Any]:
    namespace, obj = params["namespace"], params["object"]
    if obj != ALL:
        kind, _, name = obj.partition("/")
        held = state.get(kind, "" if namespace == ALL else namespace, name)
        uid = (held or {}).get("metadata", {}).get("uid", "") if held else ""
        scoped = events_for(state, kind, "" if namespace == ALL else namespace, name, uid)
        in_scope = len(scoped)
        scope = f"{kind} {name}" + ("" if namespace == ALL else f" in {namespace}")
    else:
        every = list(records(state, "Event", None if namespace == ALL else namespace))
        latest = heapq.nlargest(MAX_EVENTS, every, key=attrgetter("in_time_order"))
        scoped = _read(state, reversed(latest))
        scope = "the cluster" if namespace == ALL else f"namespace {namespace}"
        in_scope = len(every)
    shown = points(scoped)
    reasons = list(dict.fromkeys(p["reason"] for p in shown.values()))
    return {
        "header": {
            "cluster": state.cluster,
            "scope": scope,
            "namespace": namespace,
            "object": obj,
            "counts": {"in_scope": in_scope, "shown": len(shown)},
            "reasons": reasons,
        },
        "colours": {**TYPE_COLOURS, "other": OTHER_TYPE_COLOUR},
        "events": shown,
        "groups": groups(shown),
    }


VIEW = View("events", timeline, frozenset({"Event"}), params=("cluster", "namespace", "object"))
