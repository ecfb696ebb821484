"""Past moments of a watched cluster, rebuilt from its flight recorder (explorer/state/
recorded_moments.py) under EXPLORER_STATE_DIR/changes/: from any process that sees that
directory — the watcher's, or the web process and workers of a team install sharing it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings

from explorer.state.as_of import change_log_of
from explorer.state.change_log import ChangeLog
from explorer.state.cluster_state import ClusterState
from explorer.state.recorded_moments import NotRecorded, state_at
from explorer.state.recorded_moments import recorded_window as window
from explorer.state.store import watched


class MomentUnavailable(LookupError):
    """No recorder, or a moment outside its window; str() is one line."""


def recorder_directory() -> Path:
    return Path(settings.EXPLORER_STATE_DIR) / "changes"


def moment_state(cluster: str, at: float) -> ClusterState:
    """`cluster` as it was at `at`; from this process's own log when it watches the cluster (what
    it recorded a moment ago is on disk first), else from the recorder's files."""
    log = _own_log(cluster)
    try:
        if log is not None:
            return log.state_at(at)
        return state_at(recorder_directory(), cluster, at)
    except NotRecorded as error:
        raise MomentUnavailable(str(error)) from None


def recorded_window(cluster: str) -> tuple[datetime, datetime] | None:
    """The earliest and latest moments of `cluster` the recorder can rebuild, or None (as its
    files say: the last second or so may not be on disk yet)."""
    found = window(recorder_directory(), cluster)
    if found is None:
        return None
    return datetime.fromtimestamp(found[0], UTC), datetime.fromtimestamp(found[1], UTC)


def _own_log(cluster: str) -> ChangeLog | None:
    states = watched()
    if states is None or cluster not in states:
        return None
    with states.read(cluster) as state:
        return change_log_of(state)
