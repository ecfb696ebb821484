"""The app's Celery tasks (found by the app's autodiscovery; queues: explorer/jobs/queues.py).

- `download_bundle`: a cluster's state as a bundle file for its user, with progress per kind.
- `prune_downloads`: the beat schedule's hourly clean-up of old downloads (each new bundle
  cleans up too, for installs without beat).
- `agent_probe`: node-scoped; answered by the agent on that node, it says which machine took it.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Any, TypedDict

from celery import Task
from celery.signals import task_revoked

from explorer.lib.resources import RESOURCES
from explorer.snapshots import downloads
from explorer.snapshots.capture import cluster_state

from .celery import app
from .progress import report_progress
from .queues import NodeTask

BUNDLE_STEPS = len(RESOURCES) + 1  # each kind, then writing the file


@app.task(bind=True, name="explorer.jobs.tasks.download_bundle")
def download_bundle(self: Task, cluster: str, user_id: int) -> downloads.Download:
    task_id = self.request.id
    done = 0

    def kind_copied(kind: str, objects: int, kinds_done: int, kinds: int) -> None:
        nonlocal done
        done = kinds_done
        noun = "object" if objects == 1 else "objects"
        report_progress(task_id, done, BUNDLE_STEPS, f"{kind}: {objects} {noun}")

    try:
        report_progress(task_id, 0, BUNDLE_STEPS, f"reading the state of {cluster}")
        state = cluster_state(cluster, kind_copied)
        done = BUNDLE_STEPS - 1
        report_progress(task_id, done, BUNDLE_STEPS, f"writing the bundle ({len(state)} objects)")
        downloads.prune()  # without beat (make run) this is what keeps the directory small
        download = downloads.save(task_id, user_id, state)
    except Exception as error:
        report_progress(task_id, done, BUNDLE_STEPS, f"failed: {error}", state="failed")
        raise
    report_progress(
        task_id,
        BUNDLE_STEPS,
        BUNDLE_STEPS,
        f"{len(state)} objects, {_size(download['size'])}",
        state="done",
        download=download["filename"],
    )
    return download


@app.task(name="explorer.jobs.tasks.prune_downloads")
def prune_downloads() -> int:
    return downloads.prune()


class AgentAnswer(TypedDict):
    node: str  # the node asked for
    hostname: str  # the machine that answered
    kernel: str
    cgroup: str  # v1 or v2 (the unified hierarchy mounted at /sys/fs/cgroup)
    queue: str  # the queue it came from


@app.task(bind=True, base=NodeTask, name="explorer.jobs.tasks.agent_probe")
def agent_probe(self: Task, node: str) -> AgentAnswer:
    delivery: dict[str, Any] = self.request.delivery_info or {}
    unified = Path("/sys/fs/cgroup/cgroup.controllers").exists()
    return AgentAnswer(
        node=node,
        hostname=socket.gethostname(),
        kernel=os.uname().release,
        cgroup="v2" if unified else "v1",
        queue=str(delivery.get("routing_key") or ""),
    )


@task_revoked.connect
def _expired_is_failed(request: Any = None, expired: bool = False, **_: Any) -> None:
    """A task that expired before a worker took it: tell the pages that follow it."""
    if expired and request is not None:
        report_progress(request.id, 0, 0, "expired: no worker took it in time", state="failed")


def _size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"
