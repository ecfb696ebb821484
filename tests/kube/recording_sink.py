"""A WatchSink that keeps what it is given, for tests; it can hold a watcher mid-event."""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from typing import Any

Ref = tuple[str, str, str, str]  # kind, namespace, name, resourceVersion


class RecordingSink:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.objects: dict[str, dict[tuple[str, str], dict[str, Any]]] = defaultdict(dict)
        self.replaces: dict[str, int] = defaultdict(int)
        self.pages: dict[str, int] = defaultdict(int)
        self.statuses: dict[str, list[tuple[str, str]]] = defaultdict(list)
        self.clusters: set[str] = set()
        # While `gate` is clear, event() waits in it (and sets `held`): the watcher stops reading.
        self.gate = threading.Event()
        self.gate.set()
        self.held = threading.Event()

    def page(self, cluster: str, kind: str, objects: list[dict[str, Any]]) -> None:
        with self._lock:
            self.pages[kind] += 1

    def replace(
        self, cluster: str, kind: str, objects: list[dict[str, Any]], resource_version: str
    ) -> None:
        with self._lock:
            self.clusters.add(cluster)
            self.objects[kind] = {_key(o): o for o in objects}
            self.replaces[kind] += 1

    def event(self, cluster: str, kind: str, event: dict[str, Any]) -> None:
        if not self.gate.is_set():
            self.held.set()
            self.gate.wait(30)
        obj = event["object"]
        with self._lock:
            self.clusters.add(cluster)
            if event["type"] == "DELETED":
                self.objects[kind].pop(_key(obj), None)
            else:
                self.objects[kind][_key(obj)] = obj

    def status(self, cluster: str, kind: str, status: str, reason: str = "") -> None:
        with self._lock:
            self.statuses[kind].append((status, reason))

    def refs(self) -> set[Ref]:
        with self._lock:
            return {
                (kind, ns, name, obj["metadata"]["resourceVersion"])
                for kind, held in self.objects.items()
                for (ns, name), obj in held.items()
            }

    def last_status(self, kind: str) -> tuple[str, str] | None:
        with self._lock:
            return self.statuses[kind][-1] if self.statuses[kind] else None


def _key(obj: dict[str, Any]) -> tuple[str, str]:
    meta = obj["metadata"]
    return meta.get("namespace") or "", meta["name"]


def eventually(check, timeout: float = 10.0, interval: float = 0.05) -> bool:
    """Poll `check()` until it is true or `timeout` passes; return its last answer."""
    deadline = time.monotonic() + timeout
    while True:
        if check():
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(interval)
