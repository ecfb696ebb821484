"""The latest Event of some reasons about an object, as the pages quote it: its own text, how many
times it was said, and when first and last. Plain text."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypedDict

from explorer.lib.events import event_time
from explorer.lib.timestamps import utc_second

from .events import event_count, first_seen


class Said(TypedDict):
    reason: str
    message: str
    count: int
    last_seen: str  # utc_second
    first_seen: str


def latest_said(events: Iterable[dict], reasons: Iterable[str], contains: str = "") -> Said | None:
    """The latest event whose reason is one of `reasons` (and whose text holds `contains`)."""
    wanted = set(reasons)
    found = [
        e
        for e in events
        if e.get("reason") in wanted and contains in str(e.get("message") or e.get("note") or "")
    ]
    if not found:
        return None
    event = max(found, key=event_time)
    return {
        "reason": str(event.get("reason") or ""),
        "message": str(event.get("message") or event.get("note") or ""),
        "count": event_count(event),
        "last_seen": utc_second(event_time(event)),
        "first_seen": utc_second(first_seen(event)),
    }
