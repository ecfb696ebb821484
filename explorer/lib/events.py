"""When an Event was last said, and how long kube-apiserver keeps it.

An Event is written again each time it is said once more (its count, `lastTimestamp` or series
raised), and kube-apiserver deletes it `--event-ttl` after its last write (default one hour).
"""

from __future__ import annotations

from .objects import meta_of

DEFAULT_EVENT_TTL_SECONDS = 3600.0  # kube-apiserver's --event-ttl


def event_time(event: dict) -> str:
    """When an event was last seen: lastTimestamp, else series/eventTime, else creation."""
    series = event.get("series") or {}
    return str(
        event.get("lastTimestamp")
        or series.get("lastObservedTime")
        or event.get("eventTime")
        or event.get("firstTimestamp")
        or meta_of(event).get("creationTimestamp")
        or ""
    )
