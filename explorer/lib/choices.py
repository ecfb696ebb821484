"""Words the layers share: what a watcher reports of each kind, and the types of watch events."""

from __future__ import annotations

# What a reflector is doing for one kind (explorer.kube.sink.WatchSink.status).
LISTING = "listing"
WATCHING = "watching"
BACKOFF = "backoff"
NOT_VISIBLE = "not visible"
ERROR = "error"

# Watch event types, as the API server sends them.
ADDED = "ADDED"
MODIFIED = "MODIFIED"
DELETED = "DELETED"
BOOKMARK = "BOOKMARK"
