"""An object the state no longer holds, as the change log last saw it: when the watcher saw it go
and what it was then, so that a link to it lands on a page that says so (explorer/state/
change_log.py keeps every change the watcher applied, for hours)."""

from __future__ import annotations

from typing import TypedDict

from explorer.lib.timestamps import utc_moment
from explorer.state.as_of import change_log_of
from explorer.state.change_log import Logged
from explorer.state.cluster_state import ClusterState


class Gone(TypedDict):
    at: str  # when the watcher applied its last change (the deletion), in the one time format
    deleted: bool  # False: the log's last word on it is not a deletion (the log may be cut short)


def last_seen(state: ClusterState, kind: str, namespace: str, name: str) -> Logged | None:
    """The change log's last entry about the object, or None when the log never saw it (or the
    state keeps no log: a bundle, a test's)."""
    log = change_log_of(state)
    return log.last_of((kind, namespace, name)) if log is not None else None


def gone(entry: Logged) -> tuple[Gone, dict]:
    """What the page says of it, and the object as it last was."""
    last = entry.after if entry.after is not None else entry.before
    return {"at": utc_moment(entry.at), "deleted": entry.after is None}, last or {}
