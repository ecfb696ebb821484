"""Where the API server's writes are kept, each answered with its revision.

kube-apiserver keeps objects in etcd and serves etcd's revision of a write as the object's
resourceVersion. The project's API server keeps its objects in its ClusterState and asks a
`Storage` for each write's revision: `MemoryRevisions` counts them itself; the demo's
`EtcdStorage` (etcd_storage.py) writes each change through to a real etcd and serves the
revision etcd gave it.
"""

from __future__ import annotations

from typing import Protocol

from explorer.lib.objects import resource_version_of


class Storage(Protocol):
    def load(self, objects: list[tuple[str, dict]]) -> list[int]:
        """Keep the objects a store starts with; their revisions, in the same order."""
        ...

    def put(self, kind: str, obj: dict) -> int:
        """Keep a created or changed object; its revision."""
        ...

    def delete(self, kind: str, obj: dict) -> int:
        """Forget an object; the deletion's revision."""
        ...


def numeric_rv(obj: dict) -> int:
    rv = resource_version_of(obj)
    return int(rv) if isinstance(rv, str) and rv.isdigit() else 0


class MemoryRevisions:
    """Revisions counted in memory, one a write; objects loaded with a numeric resourceVersion
    keep it (a bundle read back serves the versions it was saved with)."""

    def __init__(self) -> None:
        self.revision = 0

    def load(self, objects: list[tuple[str, dict]]) -> list[int]:
        self.revision = max((numeric_rv(obj) for _, obj in objects), default=0)
        return [numeric_rv(obj) or self._next() for _, obj in objects]

    def put(self, kind: str, obj: dict) -> int:
        return self._next()

    def delete(self, kind: str, obj: dict) -> int:
        return self._next()

    def _next(self) -> int:
        self.revision += 1
        return self.revision
