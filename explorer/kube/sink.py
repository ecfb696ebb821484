"""Where watched objects go: a small protocol, so kube/ need not know the state it feeds."""

from __future__ import annotations

from typing import Any, Protocol

from explorer.lib.choices import BACKOFF, ERROR, LISTING, NOT_VISIBLE, WATCHING

__all__ = ["BACKOFF", "ERROR", "LISTING", "NOT_VISIBLE", "WATCHING", "WatchSink"]


class WatchSink(Protocol):
    """Receives what a ClusterWatcher sees; called from the watcher's threads (one per kind)."""

    def takes_json(self, cluster: str, kind: str) -> bool:
        """Whether `page` takes `kind`'s list items unparsed, as their JSON (`msgspec.Raw`).
        Optional: a sink without it takes them parsed."""

    def page(self, cluster: str, kind: str, objects: list[Any]) -> None:
        """One page of a list as it is read, before `replace` hands over the whole list: the
        sink may make the page's objects compact now (replacing them in the list), so that a
        list of 165,000 pods never exists in full at once."""

    def replace(
        self, cluster: str, kind: str, objects: list[dict[str, Any]], resource_version: str
    ) -> None:
        """A complete fresh list of `kind` (first list or relist): hold exactly these."""

    def event(self, cluster: str, kind: str, event: dict[str, Any]) -> None:
        """One watch event `{"type": ADDED|MODIFIED|DELETED, "object": {...}}`."""

    def status(self, cluster: str, kind: str, status: str, reason: str = "") -> None:
        """LISTING, WATCHING, BACKOFF, NOT_VISIBLE or ERROR, with a one-line reason."""
