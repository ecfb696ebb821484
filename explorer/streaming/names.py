"""Channel-layer names shared by the publisher (watcher side) and the consumers (web side).

Group names are hashes, so any view name, parameters or cluster name make a valid one.
"""

from __future__ import annotations

import hashlib

import orjson

PUBLISHER_PREFIX = "explorer.publisher."


def _digest(*parts: object) -> str:
    return hashlib.sha256(orjson.dumps(parts, option=orjson.OPT_SORT_KEYS)).hexdigest()[:32]


def view_group(view: str, params: dict[str, str]) -> str:
    """Every consumer subscribed to one view with the same parameters joins this group."""
    return f"explorer.view.{_digest(view, params)}"


def status_group(cluster: str) -> str:
    """Consumers showing anything of a cluster hear of its watcher's connection state here."""
    return f"explorer.status.{_digest(cluster)}"


def task_group(task_id: str) -> str:
    """Consumers following a long task (a Celery job) hear of its progress here."""
    return f"explorer.task.{_digest(task_id)}"


def publisher_channel(cluster: str) -> str:
    """The channel the process watching `cluster` reads requests (full models) from."""
    return f"{PUBLISHER_PREFIX}{_digest(cluster)}"


def share_group(link_id: int) -> str:
    """The websockets a share link opened; revoking the link closes them (`share.revoked`)."""
    return f"explorer.share.{_digest(link_id)}"
