"""Which clusters are watched, for web processes that do not watch them (the team install).

The watcher process writes the connection state of its clusters to a Redis hash every REFRESH
seconds, each entry stamped with the time written; a web process lists the entries written
within STALE seconds, so the clusters of a watcher that died drop out on their own.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import orjson
import redis

from .cluster_status import ClusterStatus

log = logging.getLogger(__name__)

KEY = "explorer:clusters"
REFRESH = 10.0
STALE = 35.0


class Directory:
    def __init__(self, url: str, key: str = KEY) -> None:
        self.key = key
        self._redis = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)

    def write(self, statuses: list[ClusterStatus]) -> None:
        if not statuses:
            return
        now = time.time()
        entries = {s["cluster"]: orjson.dumps({**s, "written": now}) for s in statuses}
        with self._redis.pipeline() as pipe:
            pipe.hset(self.key, mapping=entries)
            pipe.expire(self.key, int(STALE * 2))
            pipe.execute()

    def remove(self, clusters: list[str]) -> None:
        if clusters:
            self._redis.hdel(self.key, *clusters)

    def read(self) -> list[ClusterStatus]:
        oldest = time.time() - STALE
        found = []
        for raw in self._redis.hvals(self.key):
            entry = orjson.loads(raw)
            if entry.pop("written", 0) >= oldest:
                found.append(ClusterStatus(**entry))
        return sorted(found, key=lambda s: s["cluster"])

    def advertise(
        self, statuses: Callable[[], list[ClusterStatus]], stop: threading.Event
    ) -> threading.Thread:
        """Write `statuses()` every REFRESH seconds until `stop` is set, then remove them."""

        def run() -> None:
            clusters: list[str] = []
            while True:
                try:
                    current = statuses()
                    clusters = [s["cluster"] for s in current]
                    self.write(current)
                except redis.RedisError as error:
                    log.warning("cannot write the cluster directory: %s", error)
                if stop.wait(REFRESH):
                    break
            try:
                self.remove(clusters)
            except redis.RedisError as error:
                log.warning("cannot clear the cluster directory: %s", error)

        thread = threading.Thread(target=run, name="cluster directory", daemon=True)
        thread.start()
        return thread
