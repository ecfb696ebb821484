"""EventRecorder: the churn's Events as client-go's recorder writes them and kube-apiserver keeps
them.

An event said again about the same object (same reason, message, type and source) raises the
count and `lastTimestamp` of the Event already written instead of adding one, as client-go's
EventCorrelator does ("x5 over 10m" in kubectl). Every Event expires `ttl` after it was last
said (its `lastTimestamp`, or its series' last time), as kube-apiserver's `--event-ttl` expires it
after its last write; the Events there are when the churn starts count as said then.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from explorer.lib.deadlines import Deadlines
from explorer.lib.events import event_time
from explorer.lib.objects import Key, key_of
from explorer.lib.timestamps import parse_utc

from .pods import copy

Held = Callable[[Key], dict | None]  # the Event written under a key, if it is still there


class EventRecorder:
    def __init__(self, events: Iterable[dict], start: datetime, ttl: timedelta) -> None:
        self.ttl = ttl
        self._deadlines: Deadlines[Key] = Deadlines()
        self._written_for: dict[tuple, Key] = {}
        self._said_by: dict[Key, tuple] = {}
        for event in events:
            self._deadlines.set(key_of(event), start + ttl)

    def say(self, event: dict, held: Held, now: datetime) -> dict:
        """The Event to write for `event`: the one already written for it said once more, or
        `event` itself."""
        said = _what_is_said(event)
        key = self._written_for.get(said) if said else None
        written = held(key) if key else None
        if written is not None:
            again = copy(written)
            again["metadata"].pop("resourceVersion", None)
            again["count"] = int(again.get("count") or 1) + int(event.get("count") or 1)
            again["lastTimestamp"] = event["lastTimestamp"]
            event = again
        self.written(event, now)
        if said:
            self._written_for[said] = key_of(event)
            self._said_by[key_of(event)] = said
        return event

    def written(self, event: dict, now: datetime) -> None:
        """`event` was written at `now`: it expires a TTL after it says it was last said."""
        said_at = parse_utc(event_time(event)) or now
        self._deadlines.set(key_of(event), min(said_at, now) + self.ttl)

    def expired(self, now: datetime) -> list[Key]:
        """The Events whose time is up, to be deleted."""
        keys = self._deadlines.due(now)
        for key in keys:
            said = self._said_by.pop(key, None)
            if said is not None and self._written_for.get(said) == key:
                del self._written_for[said]
        return keys


def _what_is_said(event: dict) -> tuple | None:
    """What makes two core/v1 events the same one said twice; None for an events.k8s.io one
    (the scheduler's), whose repeats are a series."""
    if not event.get("lastTimestamp"):
        return None
    involved = event.get("involvedObject") or {}
    source = event.get("source") or {}
    return (
        involved.get("namespace"),
        involved.get("uid"),
        involved.get("fieldPath", ""),
        event.get("reason"),
        event.get("message"),
        event.get("type"),
        source.get("component"),
        source.get("host", ""),
    )
