"""Node facts from the first page: in a process that watches its clusters itself (`serve`, the
embedded install: no beat, no agents) each cluster's node facts are collected once its watcher
has listed it, then every `every` seconds — with the probes the operator turned on
(explorer/jobs/collect.py). The team install's beat does the same through the workers
(explorer/jobs/schedule.py)."""

from __future__ import annotations

import asyncio
import logging
import threading
import uuid

from django.db import connection

from explorer.jobs.collect import collect_cluster
from explorer.jobs.progress import deliver_on

from .process import Runtime

log = logging.getLogger(__name__)

SYNC_TIMEOUT = 120.0


class CollectSchedule:
    def __init__(
        self, runtime: Runtime, every: float, loop: asyncio.AbstractEventLoop | None = None
    ) -> None:
        self.runtime = runtime
        self.every = every
        self.loop = loop
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="collect schedule", daemon=True)

    def start(self) -> CollectSchedule:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def _run(self) -> None:
        if self.loop is not None:
            deliver_on(self.loop)
        self.runtime.wait_synced(SYNC_TIMEOUT)
        try:
            while not self._stop.is_set():
                for cluster in self.runtime.states.clusters():
                    if self._stop.is_set():
                        break
                    self._collect(cluster)
                if self._stop.wait(self.every):
                    break
        finally:
            connection.close()

    def _collect(self, cluster: str) -> None:
        try:
            collect_cluster.apply(kwargs={"cluster": cluster}, task_id=str(uuid.uuid4()))
        except Exception:  # a collection that fails is reported; the schedule goes on
            log.exception("scheduled collection of %s failed", cluster)
