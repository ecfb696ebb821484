"""Taking a snapshot (explorer/snapshots/store.py) as a job, with progress: a live cluster's
state as this install sees it now (explorer/snapshots/capture.py: the watched store, or a listing
of the cluster), or a past moment rebuilt from the flight recorder. The snapshot's id is chosen
by who starts the job, so the page can lead to it before it exists.

With `fresh`, every node's facts are collected first (explorer/jobs/collect.py, through the node
queues): the job starts the collection, then looks again every POLL_SECONDS — a retry of itself,
so it never holds a worker that is also a node's agent — until the collection has ended, its
progress shown as the snapshot's; each round claimed by its message (explorer/jobs/once.py), so
one delivered again after it sent the next starts no second collection. Without a broker the
collection runs first, in line."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from celery import Task
from django.contrib.auth import get_user_model

from explorer.lib.resources import RESOURCES
from explorer.lib.sources import LIVE, parse_source
from explorer.snapshots import store
from explorer.snapshots.bundle import iso
from explorer.snapshots.capture import cluster_state
from explorer.snapshots.extras import captured_extras
from explorer.snapshots.moments import moment_state

from .celery import app
from .collect import collect_cluster
from .once import FIRST_ROUND, begin_round
from .progress import latest_progress, report_progress

TAKE_STEPS = len(RESOURCES) + 1  # each kind, then writing the file
POLL_SECONDS = 1.0
FINISHED = ("done", "failed")


@app.task(bind=True, name="explorer.jobs.snapshot.take_snapshot", max_retries=None)
def take_snapshot(
    self: Task,
    source: str,
    snapshot_id: str,
    user_id: int | None,
    title: str = "",
    fresh: bool = False,
    collection: str = "",
    round: int = 0,
    round_id: str = FIRST_ROUND,
) -> str:
    task_id = self.request.id
    named = parse_source(source)
    if named is None or named.kind not in (LIVE, "moment"):
        report_progress(
            task_id, 0, TAKE_STEPS, f"{source[:80]!r}: not a cluster or moment", state="failed"
        )
        raise ValueError("not a live cluster or a past moment")
    if fresh and named.kind == LIVE:
        begin_round(self, round, round_id)
        _collect_first(self, named.cluster, collection, round)

    def kind_copied(kind: str, objects: int, kinds_done: int, kinds: int) -> None:
        noun = "object" if objects == 1 else "objects"
        report_progress(task_id, kinds_done, TAKE_STEPS, f"{kind}: {objects} {noun}")

    try:
        if named.kind == LIVE:
            taken_at = datetime.now(UTC)
            report_progress(task_id, 0, TAKE_STEPS, f"reading the state of {named.cluster}")
            state = cluster_state(named.cluster, kind_copied)
        else:
            assert named.at is not None
            taken_at = datetime.fromtimestamp(named.at, UTC)
            report_progress(
                task_id, 0, TAKE_STEPS, f"rebuilding {named.cluster} at {iso(taken_at)}"
            )
            state = moment_state(named.cluster, named.at)
        report_progress(task_id, TAKE_STEPS - 1, TAKE_STEPS, f"writing ({len(state)} objects)")
        creator = get_user_model()._default_manager.filter(pk=user_id).first() if user_id else None
        snapshot = store.keep(
            state,
            snapshot_id=snapshot_id,
            title=title,
            taken_at=taken_at,
            creator=creator,
            extras=captured_extras(state),
        )
    except Exception as error:
        report_progress(task_id, 0, TAKE_STEPS, f"failed: {error}", state="failed")
        raise
    objects = snapshot.object_count
    report_progress(
        task_id, TAKE_STEPS, TAKE_STEPS, f"{objects} objects, {snapshot.size:,} bytes", state="done"
    )
    return snapshot.id


def _collect_first(task: Task, cluster: str, collection: str, round: int) -> None:
    """Collect every node's facts before the state is read: returns once the collection ended
    (in line without a broker), else retries `task` until it has."""
    task_id = task.request.id
    if task.request.is_eager:
        report_progress(task_id, 0, TAKE_STEPS, f"collecting every node of {cluster} first")
        collect_cluster.apply(kwargs={"cluster": cluster})
        return
    if not collection:
        collection = collect_cluster.apply_async(kwargs={"cluster": cluster}).id
        report_progress(task_id, 0, TAKE_STEPS, f"collecting every node of {cluster} first")
    else:
        latest = latest_progress(collection)
        if latest is not None and latest["state"] in FINISHED:
            return
        if latest is not None:
            counted = f" ({latest['done']}/{latest['total']} nodes)" if latest["total"] else ""
            report_progress(task_id, 0, TAKE_STEPS, f"collecting: {latest['message']}{counted}")
    again = {"collection": collection, "round": round + 1, "round_id": uuid.uuid4().hex}
    raise task.retry(kwargs={**task.request.kwargs, **again}, countdown=POLL_SECONDS)
