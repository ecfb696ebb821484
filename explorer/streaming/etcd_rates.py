"""The live watch behind the /etcd/ page's write rate: one thread per cluster watching its etcd
prefix while at least one tab looks (`acquire`), stopped when the last one goes (`release`).
Each event is counted by its key's resource (explorer/viewmodels/etcd/write_rate.py); values are
never read out of a watch event (explorer/etcd/watch.py keeps only key, revisions and size).

The tabs' consumers (consumers.py) read `model()` once a second and send it; the thread never
touches the event loop. A watch that fails says so in the model and is retried after a pause
while someone still looks.
"""

from __future__ import annotations

import logging
import threading
import time

from explorer.etcd.errors import EtcdError
from explorer.etcd.listing_read import prefix_of
from explorer.etcd.readers import reader_for
from explorer.viewmodels.etcd.write_rate import RateModel, WriteTally

log = logging.getLogger(__name__)

RETRY_SECONDS = 5.0


class RateWatch:
    def __init__(self, cluster: str) -> None:
        self.cluster = cluster
        self.users = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._watch = None
        self._tally = WriteTally("/registry", time.time())
        self._thread = threading.Thread(
            target=self._run, name=f"etcd rate {cluster[:40]}", daemon=True
        )

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        with self._lock:
            watch = self._watch
        if watch is not None:
            watch.cancel()

    @property
    def stopped(self) -> bool:
        return not self._thread.is_alive()

    def model(self) -> RateModel:
        with self._lock:
            return self._tally.model(time.time())

    def _run(self) -> None:
        while not self._stop.is_set():
            found = reader_for(self.cluster)
            if found is None:
                self._said("nothing here can read this cluster's etcd any more")
                return
            way, reader = found
            with self._lock:
                self._tally.prefix = prefix_of(reader)
            try:
                watch = reader.watch()
                with self._lock:
                    self._watch = watch
                    self._tally.problem = ""
                if self._stop.is_set():
                    watch.cancel()
                for event in watch:
                    with self._lock:
                        self._tally.add(event.text, event.type, event.revision, time.time())
                    if self._stop.is_set():
                        break
            except EtcdError as error:
                self._said(f"the watch of {way} ended: {error}")
            except Exception as error:  # the stream broke: say so, retry while someone looks
                log.warning("etcd rate watch of %s broke: %s", self.cluster, error)
                self._said(f"the watch of {way} broke ({type(error).__name__})")
            finally:
                with self._lock:
                    watch, self._watch = self._watch, None
                if watch is not None:
                    watch.cancel()
            self._stop.wait(RETRY_SECONDS)

    def _said(self, problem: str) -> None:
        with self._lock:
            self._tally.problem = problem


class RateWatches:
    """The process's watches, one per cluster, shared by every tab that looks at it."""

    def __init__(self) -> None:
        self._watches: dict[str, RateWatch] = {}
        self._lock = threading.Lock()

    def acquire(self, cluster: str) -> RateWatch | None:
        """The cluster's watch (started when it is the first look); None when nothing here can
        read the cluster's etcd."""
        if reader_for(cluster) is None:
            return None
        with self._lock:
            watch = self._watches.get(cluster)
            if watch is None or watch.stopped:
                watch = self._watches[cluster] = RateWatch(cluster)
                watch.start()
            watch.users += 1
            return watch

    def release(self, watch: RateWatch) -> None:
        with self._lock:
            watch.users -= 1
            if watch.users > 0:
                return
            if self._watches.get(watch.cluster) is watch:
                del self._watches[watch.cluster]
        watch.stop()

    def watching(self) -> list[str]:
        with self._lock:
            return sorted(self._watches)


WATCHES = RateWatches()
