"""One cluster's connection state, summed up from what its watcher says of each kind."""

from __future__ import annotations

from typing import TypedDict

from explorer.lib.choices import BACKOFF, ERROR, LISTING, NOT_VISIBLE, WATCHING
from explorer.state.store import ClusterStates

LIVE, CONNECTING, RECONNECTING, FAILED = "live", "connecting", "reconnecting", "error"
MAX_REASON = 300


class ClusterStatus(TypedDict):
    cluster: str
    state: str  # live, connecting, reconnecting or error
    reason: str  # why it is not live, one line
    not_visible: dict[str, str]  # kind -> why the user may not see it


def summarise(
    cluster: str, kinds: dict[str, tuple[str, str]], not_visible: dict[str, str]
) -> ClusterStatus:
    """`kinds`: kind -> (status, reason) as the watcher last reported it.

    An error anywhere is the cluster's state; then a kind backing off (the API server is gone or
    refusing) makes it "reconnecting"; a kind still listing, or none reported yet, "connecting".
    """
    state, reason = LIVE, ""
    for wanted, meaning in ((ERROR, FAILED), (BACKOFF, RECONNECTING), (LISTING, CONNECTING)):
        troubled = sorted(kind for kind, (status, _) in kinds.items() if status == wanted)
        if troubled:
            state = meaning
            why = kinds[troubled[0]][1]
            reason = f"{troubled[0]}: {why}" if why else troubled[0]
            break
    else:
        if not any(status in (WATCHING, NOT_VISIBLE) for status, _ in kinds.values()):
            state, reason = CONNECTING, "waiting for the first list"
    return ClusterStatus(
        cluster=cluster,
        state=state,
        reason=reason[:MAX_REASON],
        not_visible=dict(sorted(not_visible.items())),
    )


def status_of(states: ClusterStates, cluster: str) -> ClusterStatus:
    """The connection state of one cluster of `states`, without waiting for its lock."""
    return summarise(cluster, states.statuses(cluster), states.not_visible(cluster))
