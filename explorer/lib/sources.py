"""The names under which pages and views ask for what they show (`?cluster=` and a view's
`cluster` parameter): a live cluster by its own name, a snapshot as `snapshot:<id>`, and a past
moment of a live cluster's flight recorder as `moment:<milliseconds since the epoch>:<cluster>`.
Every link a page makes carries the name it was drawn from, so a snapshot's pages lead to the
same snapshot's pages and a past moment's to the same moment."""

from __future__ import annotations

import re
from dataclasses import dataclass

SNAPSHOT_PREFIX = "snapshot:"
MOMENT_PREFIX = "moment:"
LIVE, SNAPSHOT, MOMENT = "live", "snapshot", "moment"
_SNAPSHOT_ID = re.compile(r"^[A-Za-z0-9_-]{8,16}$")
_MOMENT = re.compile(r"^(\d{1,15}):(.+)$", re.DOTALL)


@dataclass(frozen=True, slots=True)
class SourceName:
    kind: str  # LIVE, SNAPSHOT or MOMENT
    cluster: str  # a live or recorded cluster's name ("" for a snapshot: its record says)
    snapshot: str = ""  # a snapshot's id
    at: float | None = None  # a moment, seconds since the epoch

    @property
    def frozen(self) -> bool:
        return self.kind != LIVE


def snapshot_source(snapshot_id: str) -> str:
    return f"{SNAPSHOT_PREFIX}{snapshot_id}"


def moment_source(cluster: str, at: float) -> str:
    return f"{MOMENT_PREFIX}{round(at * 1000)}:{cluster}"


def parse_source(name: str) -> SourceName | None:
    """What `name` names; None for a malformed snapshot or moment name. Any other name is a
    live cluster's: kubeconfig contexts are named `user@cluster` or `arn:…`, never with these
    prefixes, and one that were would be read as a snapshot's or a moment's name."""
    if name.startswith(SNAPSHOT_PREFIX):
        snapshot_id = name[len(SNAPSHOT_PREFIX) :]
        return (
            SourceName(SNAPSHOT, "", snapshot=snapshot_id)
            if _SNAPSHOT_ID.match(snapshot_id)
            else None
        )
    if name.startswith(MOMENT_PREFIX):
        found = _MOMENT.match(name[len(MOMENT_PREFIX) :])
        if found is None:
            return None
        return SourceName(MOMENT, found.group(2), at=int(found.group(1)) / 1000)
    return SourceName(LIVE, name)


def is_frozen(name: str) -> bool:
    return name.startswith((SNAPSHOT_PREFIX, MOMENT_PREFIX))
