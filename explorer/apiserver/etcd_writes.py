"""The writes kube-apiserver makes to etcd, over etcd's JSON gateway (etcd3gw's session).

Used only by the demo's API server, which keeps its cluster in a real etcd as kube-apiserver
does. Nothing that reads a user's cluster writes to etcd: the explorer's own etcd client
(`explorer/etcd/`) only reads, and an import-linter contract keeps this module out of reach of
everything but the API server and the process that starts it.

Each call answers with the revision etcd gave the write (the response header's), which the API
server serves as the object's resourceVersion.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import etcd3gw
from etcd3gw import exceptions as etcd_exceptions

# etcd 3.4's default --max-request-bytes is 1.5 MiB: a transaction stays well under it
MAX_TXN_BYTES = 1_000_000
MAX_TXN_OPS = 128  # etcd's default --max-txn-ops


class EtcdWriteError(RuntimeError):
    """etcd refused or could not be reached."""


@dataclass(frozen=True, slots=True)
class Put:
    key: str
    value: bytes
    lease: int = 0


@dataclass(frozen=True, slots=True)
class WatchedChange:
    key: str
    revision: int
    deleted: bool


def _b64(data: str | bytes) -> str:
    return base64.b64encode(data.encode() if isinstance(data, str) else data).decode()


def _range_end(prefix: str) -> bytes:
    """The end of the range of keys starting with `prefix` (its last byte plus one)."""
    raw = prefix.encode()
    return raw[:-1] + bytes([raw[-1] + 1])


class EtcdWrites:
    def __init__(self, endpoint: str, timeout: float = 10.0) -> None:
        host, _, port = endpoint.removeprefix("http://").rstrip("/").rpartition(":")
        self._client = etcd3gw.client(host=host, port=int(port), timeout=timeout)

    def _post(self, path: str, body: dict) -> dict:
        try:
            return self._client.post(self._client.get_url(path), json=body)
        except etcd_exceptions.Etcd3Exception as error:
            raise EtcdWriteError(f"etcd {path}: {error.detail_text or error}") from None

    def revision(self) -> int:
        """The current revision of the whole key space."""
        answer = self._post("/kv/range", {"key": _b64("\0"), "count_only": True, "limit": 1})
        return int(answer["header"]["revision"])

    def put(self, put: Put) -> int:
        body = {"key": _b64(put.key), "value": _b64(put.value)}
        if put.lease:
            body["lease"] = put.lease
        return int(self._post("/kv/put", body)["header"]["revision"])

    def delete(self, key: str) -> tuple[int, int]:
        """(revision, keys deleted): a key that is not there leaves the revision as it was."""
        answer = self._post("/kv/deleterange", {"key": _b64(key)})
        return int(answer["header"]["revision"]), int(answer.get("deleted", 0))

    def put_all(self, puts: list[Put]) -> list[int]:
        """Many puts in as few transactions as etcd's request limits allow; each put's revision
        (the puts of one transaction share theirs, as etcd gives them)."""
        revisions: list[int] = []
        batch: list[dict] = []
        size = 0
        for put in puts:
            op = {"key": _b64(put.key), "value": _b64(put.value)}
            if put.lease:
                op["lease"] = put.lease
            op_size = len(op["key"]) + len(op["value"]) + 64
            if batch and (size + op_size > MAX_TXN_BYTES or len(batch) == MAX_TXN_OPS):
                revisions += self._commit(batch)
                batch, size = [], 0
            batch.append({"request_put": op})
            size += op_size
        if batch:
            revisions += self._commit(batch)
        return revisions

    def _commit(self, ops: list[dict]) -> list[int]:
        revision = int(self._post("/kv/txn", {"success": ops})["header"]["revision"])
        return [revision] * len(ops)

    def keys(self, prefix: str, revision: int) -> set[str]:
        """The keys under `prefix` as of `revision` (names only, never a value)."""
        body = {
            "key": _b64(prefix),
            "range_end": _b64(_range_end(prefix)),
            "keys_only": True,
            "revision": revision,
        }
        kvs = self._post("/kv/range", body).get("kvs") or []
        return {base64.b64decode(kv["key"]).decode("utf-8", "backslashreplace") for kv in kvs}

    def grant_lease(self, ttl: int) -> int:
        return int(self._post("/lease/grant", {"TTL": ttl, "ID": 0})["ID"])

    def compare_version_and_put(self, key: str, version: int, value: str) -> tuple[bool, int, int]:
        """kube-apiserver's compaction step: put `key` if its version is `version`; (succeeded,
        the revision after, the key's version now)."""
        answer = self._post(
            "/kv/txn",
            {
                "compare": [
                    {
                        "key": _b64(key),
                        "target": "VERSION",
                        "result": "EQUAL",
                        "version": version,
                    }
                ],
                "success": [{"request_put": {"key": _b64(key), "value": _b64(value)}}],
                "failure": [{"request_range": {"key": _b64(key)}}],
            },
        )
        revision = int(answer["header"]["revision"])
        if answer.get("succeeded"):
            return True, revision, version + 1
        kvs = answer["responses"][0]["response_range"].get("kvs") or [{}]
        return False, revision, int(kvs[0].get("version", 0))

    def compact(self, revision: int) -> None:
        self._post("/kv/compaction", {"revision": revision, "physical": False})

    def watch_prefix(
        self, prefix: str, start_revision: int
    ) -> tuple[Iterator[WatchedChange], Callable[[], None]]:
        """The changes under `prefix` from `start_revision` on, and how to stop watching."""
        events, cancel = self._client.watch(
            prefix.encode(), range_end=_range_end(prefix), start_revision=start_revision
        )

        def changes() -> Iterator[WatchedChange]:
            for event in events:
                kv = event["kv"]
                yield WatchedChange(
                    key=kv["key"].decode("utf-8", "backslashreplace"),
                    revision=int(kv["mod_revision"]),
                    deleted=event.get("type") == "DELETE",
                )

        return changes(), cancel

    def close(self) -> None:
        self._client.session.close()
