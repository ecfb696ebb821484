"""Finished bundle downloads: files in EXPLORER_DOWNLOAD_DIR, each with a small record beside it.

    <task id>.cxb.zst    the bundle (explorer.snapshots.bundle format)
    <task id>.json       {"task", "user", "cluster", "created", "size", "filename"}

The worker writes them (bundle first, record last: a record means a complete file); the web
process serves the file only to the user whose record it is. In the team install web and workers
share the directory (a volume). The beat job `prune_downloads` removes them after KEEP.
"""

from __future__ import annotations

import asyncio
import re
import time
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypedDict

import orjson
from django.conf import settings

from explorer.snapshots.bundle import SUFFIX, write_bundle
from explorer.state.cluster_state import ClusterState

KEEP = timedelta(hours=24)
CHUNK = 256 * 1024
_RECORD = ".json"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class Download(TypedDict):
    task: str
    user: int
    cluster: str
    created: str  # ISO 8601, UTC
    size: int
    filename: str  # what the browser saves it as


def directory() -> Path:
    return Path(settings.EXPLORER_DOWNLOAD_DIR)


def _paths(task_id: str) -> tuple[Path, Path]:
    """The bundle and its record; a task id that is not a UUID names no file (ValueError)."""
    name = str(uuid.UUID(task_id))
    return directory() / f"{name}{SUFFIX}", directory() / f"{name}{_RECORD}"


def save(task_id: str, user_id: int, state: ClusterState) -> Download:
    bundle, record = _paths(task_id)
    bundle.parent.mkdir(parents=True, exist_ok=True)
    created = datetime.now(UTC)
    write_bundle(state, bundle, created)
    stamp = created.strftime("%Y%m%d-%H%M%S")
    download = Download(
        task=task_id,
        user=user_id,
        cluster=state.cluster,
        created=created.isoformat(timespec="seconds"),
        size=bundle.stat().st_size,
        filename=f"{_UNSAFE.sub('_', state.cluster)}-{stamp}{SUFFIX}",
    )
    partial = record.with_name(record.name + ".partial")
    partial.write_bytes(orjson.dumps(download))
    partial.replace(record)
    return download


def find(task_id: str) -> tuple[Download, Path] | None:
    """The finished download of `task_id` and its file, or None."""
    try:
        bundle, record = _paths(task_id)
        download: Download = orjson.loads(record.read_bytes())
    except (ValueError, OSError):
        return None
    return (download, bundle) if bundle.is_file() else None


async def chunks(path: Path) -> AsyncIterator[bytes]:
    """The file's bytes for an ASGI response, read off the event loop."""
    with path.open("rb") as file:
        while chunk := await asyncio.to_thread(file.read, CHUNK):
            yield chunk


def prune(keep: timedelta = KEEP) -> int:
    """Remove downloads (and leftovers of unfinished ones) older than `keep`; return how many
    files went."""
    if not directory().is_dir():
        return 0
    oldest = time.time() - keep.total_seconds()
    removed = 0
    for path in directory().iterdir():
        if path.is_file() and path.stat().st_mtime < oldest:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
