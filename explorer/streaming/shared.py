"""What a websocket opened by a share session may show (explorer/web/share_sessions.py puts it in
the scope as `scope["share"]`): one snapshot's views, nothing live, no logs, no tasks — and it
closes when its link is revoked."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from channels.db import database_sync_to_async

from .names import share_group

SCOPE_KEY = "share"
CLOSE_REVOKED = 4410  # the link was revoked while the tab was open
REVOKED = "share.revoked"  # the message the revoke view sends to the link's group


@dataclass(frozen=True, slots=True)
class SharedSource:
    link: int  # the ShareLink's id
    source: str  # the only `cluster` a subscription may name: "snapshot:<id>"

    @property
    def group(self) -> str:
        return share_group(self.link)

    def refuses_message(self, message_type: object) -> str | None:
        """Why this share may not send a message of this type (None: it may)."""
        if message_type in ("logs", "follow", "etcdrates"):
            return "a shared snapshot has no logs, no tasks and no live etcd watch"
        return None

    def refuses_cluster(self, cluster: str) -> str | None:
        """Why this share may not subscribe to a view of `cluster` (None: it may)."""
        return None if cluster == self.source else "a share link shows its own snapshot only"


LinkCheck = Callable[[int], bool]  # a link's id -> whether it is still open
_check: LinkCheck | None = None


def serve_share_checks_from(check: LinkCheck | None) -> None:
    """How a socket asks whether its link is still open (the web layer installs it)."""
    global _check
    _check = check


async def still_open(share: SharedSource) -> bool:
    """Asked afresh before each subscription: a revoked link's socket shows nothing more, even
    if the revoke view's message to it was lost."""
    if _check is None:
        return False
    return await database_sync_to_async(_check)(share.link)
