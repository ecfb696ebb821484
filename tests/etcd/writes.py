"""Setting up a test etcd's data with etcdctl (the client under test only reads)."""

from __future__ import annotations

import json

from tests.etcd_server import EtcdServer

TXN_OPS = 100  # under etcd's --max-txn-ops (128)


def put_many(etcd: EtcdServer, items: list[tuple[str, str]]) -> None:
    """Put many keys with few etcdctl runs: transactions of TXN_OPS puts each."""
    for start in range(0, len(items), TXN_OPS):
        puts = "".join(f"put {key} {value}\n" for key, value in items[start : start + TXN_OPS])
        etcd.ctl("txn", input=f"\n{puts}\n\n".encode())


def revision_of(etcd: EtcdServer) -> int:
    """The current revision, as etcdctl reports it."""
    return int(json.loads(etcd.ctl("get", "x", "-w", "json"))["header"]["revision"])
