"""Who can read a cluster's etcd, and how: one `EtcdReader` per cluster, registered by the part
of the process that knows the way in.

- the demo's own etcd (runtime/demo_cluster.py registers an `EtcdClient` for it);
- etcd's endpoints from the settings (EXPLORER_ETCD_*), for the cluster they name;
- the node agent on a control-plane node (jobs/), an opt-in privileged path;
- `etcdctl` through exec in the etcd static pod (kube/), an opt-in privileged path.

Every reader answers the same read-only calls as `EtcdClient` (client.py), synchronously: the
pages call them in a thread, never on the event loop. A cluster with no reader (a managed one,
where nobody can read etcd) gets the key space derived from its objects (derived.py).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from .client import EtcdStatus, KeyHistory, KeySize, LeaseInfo, StoredValue
    from .records import KeyRecord
    from .watch import Watch


class EtcdReader(Protocol):
    def revision(self) -> int: ...

    def count(self, prefix: str | bytes | None = None) -> int: ...

    def keys(self, prefix: str | bytes | None = None) -> Iterator[KeyRecord]: ...

    def sizes(
        self, prefix: str | bytes | None = None, *, after: bytes | None = None
    ) -> Iterator[KeySize]:
        """Every key under `prefix` after `after`, in key order at one revision, with its
        value's size and encryption but never its value: one pass, for the pages' sizes."""
        ...

    def value(self, key: str | bytes, revision: int | None = None) -> StoredValue | None: ...

    def history(self, key: str | bytes) -> KeyHistory: ...

    def status(self) -> EtcdStatus: ...

    def leases(self) -> list[LeaseInfo]: ...

    def lease(self, lease_id: int) -> LeaseInfo | None: ...

    def watch(
        self, prefix: str | bytes | None = None, start_revision: int | None = None
    ) -> Watch: ...


# a cluster's name -> (how it is read, in words for the page; a factory of its reader)
_READERS: dict[str, tuple[str, Callable[[], EtcdReader]]] = {}
_LOCK = threading.Lock()


def register(cluster: str, way: str, reader: Callable[[], EtcdReader]) -> None:
    """`way`: how this etcd is reached, as the pages say it ("the demo's own etcd", "the node
    agent on cp-1", ...)."""
    with _LOCK:
        _READERS[cluster] = (way, reader)


def unregister(cluster: str) -> None:
    with _LOCK:
        _READERS.pop(cluster, None)


def reader_for(cluster: str) -> tuple[str, EtcdReader] | None:
    """How `cluster`'s etcd is read and a reader for it; None when nothing here can read it."""
    with _LOCK:
        found = _READERS.get(cluster)
    if found is None:
        return None
    way, factory = found
    return way, factory()
