"""Past moments of a watched cluster, rebuilt from its flight recorder (explorer/state/
recorded_moments.py) under EXPLORER_STATE_DIR/changes/: from any process that sees that
directory — the watcher's, or the web process and workers of a team install sharing it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings

from explorer.state.cluster_state import ClusterState


class MomentUnavailable(LookupError):
    """No recorder, or a moment outside its window; str() is one line."""


def recorder_directory() -> Path:
    return Path(settings.EXPLORER_STATE_DIR) / "changes"


def moment_state(cluster: str, at: float) -> ClusterState:
    from explorer.state.recorded_moments import NotRecorded, state_at

    try:
        return state_at(recorder_directory(), cluster, at)
    except NotRecorded as error:
        raise MomentUnavailable(str(error)) from None


def recorded_window(cluster: str) -> tuple[datetime, datetime] | None:
    """The earliest and latest moments of `cluster` the recorder can rebuild, or None."""
    from explorer.state.recorded_moments import recorded_window as window

    found = window(recorder_directory(), cluster)
    if found is None:
        return None
    return datetime.fromtimestamp(found[0], UTC), datetime.fromtimestamp(found[1], UTC)
