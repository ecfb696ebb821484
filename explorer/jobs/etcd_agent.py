"""The node agent's etcd: read requests answered on a control-plane node's queue, with the node's
own etcd client certificates, and a live watch relayed to a channel-layer group.

An opt-in privileged path (explorer/lib/choices.py ETCD_AGENT): the node's etcd client
certificates grant read-write access to everything in etcd, every Secret included. The agent
answers only when its own EXPLORER_NODE_ACCESS lists `etcd-agent` — whatever the sender says —
and only with `EtcdClient`'s read calls. A Secret's value never leaves the agent: the client
withholds it and `etcd_wire` drops it again; a watch event carries no value at all.

- `etcd_read` (node-scoped): one call of READ_CALLS, answered as plain JSON (`etcd_wire`).
  `sizes_page` answers a page of the key space's sizes: the agent reads the values on its node
  and reduces each to its size and encryption before answering (every key, not only Secrets':
  the pages need sizes only), so no value crosses the queue.
- `etcd_watch` (node-scoped): a watch of the prefix for at most `seconds`, from a revision; each
  batch of events goes to the channel-layer group named by the caller, then an `ended` message
  says where the next segment starts. A queue is request and response, not a stream: whoever
  still looks sends the next segment (explorer/jobs/etcd_reader.py). A watch holds one of the
  agent's task slots while it runs: an agent with this way on runs with --concurrency 2 or more.

The agent's etcd is configured by its environment (kubeadm's layout by default, under
EXPLORER_PROBE_ROOT, where the node's files are): EXPLORER_AGENT_ETCD_ENDPOINTS
(https://127.0.0.1:2379), _CA_FILE (etc/kubernetes/pki/etcd/ca.crt), _CERT_FILE and _KEY_FILE
(pki/apiserver-etcd-client.{crt,key}, else pki/etcd/healthcheck-client.{crt,key}), _PREFIX
(/registry), _TIMEOUT (seconds per call, 5).
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from celery import Task
from channels.layers import get_channel_layer
from django.conf import settings

from explorer.env import env_int, env_list, env_str
from explorer.etcd.access import EtcdAccess, access_from_settings
from explorer.etcd.client import EtcdClient
from explorer.etcd.errors import EtcdError
from explorer.lib.choices import ETCD_AGENT, access_off

from . import etcd_wire as wire
from .celery import app
from .queues import NodeTask

PKI = "etc/kubernetes/pki"
# kube-apiserver's own client pair first (kubeadm), then the health check's (it can read too)
CLIENT_PAIRS = (
    (f"{PKI}/apiserver-etcd-client.crt", f"{PKI}/apiserver-etcd-client.key"),
    (f"{PKI}/etcd/healthcheck-client.crt", f"{PKI}/etcd/healthcheck-client.key"),
)
DEFAULT_ENDPOINT = "https://127.0.0.1:2379"
SIZES_PAGE = 20_000  # keys of a sizes page: ~2 MB of answer, ~1 s of reading
MAX_SIZES_PAGE = 50_000
MAX_WATCH_SECONDS = 600  # one segment of a watch, at most
BATCH_SECONDS = 0.2  # events gathered into one message at most this long
BATCH_EVENTS = 500  # and at most this many (a message of ~100 KB: keys are short)

WATCH_STARTED = "etcd.watch.started"
WATCH_EVENTS = "etcd.watch.events"
WATCH_ENDED = "etcd.watch.ended"


def agent_access() -> EtcdAccess:
    """How this agent reaches its node's etcd (EtcdAccessError names a bad setting)."""
    root = Path(env_str("EXPLORER_PROBE_ROOT", "/"))
    cert, key = next(
        ((root / c, root / k) for c, k in CLIENT_PAIRS if (root / c).is_file()),
        (root / CLIENT_PAIRS[0][0], root / CLIENT_PAIRS[0][1]),
    )
    return access_from_settings(
        {
            "endpoints": env_list("EXPLORER_AGENT_ETCD_ENDPOINTS", DEFAULT_ENDPOINT),
            "ca_file": env_str("EXPLORER_AGENT_ETCD_CA_FILE", str(root / PKI / "etcd/ca.crt")),
            "cert_file": env_str("EXPLORER_AGENT_ETCD_CERT_FILE", str(cert)),
            "key_file": env_str("EXPLORER_AGENT_ETCD_KEY_FILE", str(key)),
            "timeout": env_int("EXPLORER_AGENT_ETCD_TIMEOUT", 5, minimum=1, maximum=300),
            "prefix": env_str("EXPLORER_AGENT_ETCD_PREFIX", "/registry"),
        }
    )


_clients = threading.local()


def agent_client() -> EtcdClient:
    """This worker thread's client: its TLS connection kept from one read to the next (a new
    handshake per read costs more than the read)."""
    client = getattr(_clients, "client", None)
    if client is None:
        client = _clients.client = EtcdClient(agent_access())
    return client


def _key(raw: object) -> bytes | None:
    return None if raw is None else wire.unb64(raw)


def _revision(raw: object) -> int | None:
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < 1:
        raise ValueError(f"not a revision: {str(raw)[:20]!r}")
    return raw


def _keys_page(client: EtcdClient, args: dict) -> wire.Json:
    revision = _revision(args.get("revision")) or client.revision()
    limit = args.get("limit", 1000)
    if isinstance(limit, bool) or not isinstance(limit, int):
        raise ValueError("a page's limit is a number of keys")
    records, more = client.keys_page(
        _key(args.get("prefix")), _key(args.get("after")), limit, revision=revision
    )
    prefix = client.access.prefix
    return {
        "records": [wire.record_json(record, prefix) for record in records],
        "more": more,
        "revision": revision,
    }


def _sizes_page(client: EtcdClient, args: dict) -> wire.Json:
    """Up to `limit` keys after `after` with their sizes, at `revision` (default: now)."""
    revision = _revision(args.get("revision")) or client.revision()
    limit = args.get("limit", SIZES_PAGE)
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_SIZES_PAGE:
        raise ValueError(f"a sizes page holds 1 to {MAX_SIZES_PAGE:,} keys")
    prefix = client.access.prefix
    sized = client.sizes(_key(args.get("prefix")), after=_key(args.get("after")), revision=revision)
    rows: list[list[Any]] = []
    more = False
    try:
        for item in sized:
            if len(rows) == limit:
                more = True
                break
            rows.append(wire.sized_json(item, prefix))
    finally:
        sized.close()  # stops its range readers
    return {"sized": rows, "more": more, "revision": revision}


def _lease_id(args: dict) -> int:
    lease = args.get("id")
    if isinstance(lease, bool) or not isinstance(lease, int):
        raise ValueError("a lease is named by its number")
    return lease


def _value(client: EtcdClient, args: dict) -> wire.Json | None:
    found = client.value(wire.unb64(args.get("key")), _revision(args.get("revision")))
    return None if found is None else wire.stored_json(found, client.access.prefix)


def _lease(client: EtcdClient, args: dict) -> wire.Json | None:
    found = client.lease(_lease_id(args))
    return None if found is None else wire.lease_json(found)


# the calls an agent answers: each reads, none writes
READ_CALLS: dict[str, Callable[[EtcdClient, dict], Any]] = {
    "revision": lambda client, args: client.revision(),
    "count": lambda client, args: client.count(_key(args.get("prefix"))),
    "keys_page": _keys_page,
    "sizes_page": _sizes_page,
    "value": _value,
    "history": lambda client, args: wire.history_json(
        client.history(wire.unb64(args.get("key"))), client.access.prefix
    ),
    "status": lambda client, args: wire.status_json(client.status()),
    "leases": lambda client, args: [wire.lease_json(lease) for lease in client.leases()],
    "lease": _lease,
}


def _turned_on() -> None:
    if ETCD_AGENT not in settings.EXPLORER_NODE_ACCESS:
        raise wire.EtcdAgentOff(
            f"etcd through the node agent is {access_off(ETCD_AGENT)} on this node"
        )


@app.task(bind=True, base=NodeTask, name="explorer.jobs.etcd_agent.etcd_read")
def etcd_read(self: Task, node: str, call: str, args: dict | None = None) -> wire.Json:
    """{"answer": ...} or {"error": {"kind", "message", ...}}: never an exception (the result
    backend would carry a traceback)."""
    try:
        _turned_on()
        answering = READ_CALLS.get(call) if isinstance(call, str) else None
        if answering is None:
            raise ValueError(f"{str(call)[:40]!r} is not a read the agent answers")
        if not isinstance(args, dict | None):
            raise ValueError("a read's arguments are an object")
        return {"answer": answering(agent_client(), args or {})}
    except (EtcdError, ValueError) as error:
        return {"error": wire.error_json(error)}


@app.task(bind=True, base=NodeTask, name="explorer.jobs.etcd_agent.etcd_watch")
def etcd_watch(
    self: Task,
    node: str,
    group: str,
    prefix: str | None = None,
    start_revision: int | None = None,
    seconds: float = 60.0,
) -> wire.Json:
    """Watch for `seconds` (at most MAX_WATCH_SECONDS) and relay the events to `group`; the
    `ended` message (also the result) says where the next segment starts, or why it cannot."""
    return asyncio.run(_relay(group, prefix, start_revision, seconds))


async def _relay(
    group: str, prefix: str | None, start_revision: int | None, seconds: float
) -> wire.Json:
    layer = get_channel_layer()
    ended: wire.Json = {"type": WATCH_ENDED, "next_revision": start_revision}
    try:
        _turned_on()
        deadline = time.monotonic() + min(max(float(seconds), 1.0), MAX_WATCH_SECONDS)
        client = EtcdClient(agent_access())
        start = _revision(start_revision) or await asyncio.to_thread(client.revision) + 1
        ended["next_revision"] = start
        watch = await asyncio.to_thread(client.watch, _key(prefix), start)
        await layer.group_send(group, {"type": WATCH_STARTED, "start_revision": start})
        try:
            while (left := deadline - time.monotonic()) > 0:
                batch, failure = await asyncio.to_thread(_batch, watch, min(left, 1.0))
                if batch:
                    ended["next_revision"] = batch[-1].revision + 1
                    events = [wire.event_json(event) for event in batch]
                    await layer.group_send(group, {"type": WATCH_EVENTS, "events": events})
                if failure is not None:
                    raise failure
                if not batch and watch.ended:
                    break
        finally:
            await asyncio.to_thread(watch.cancel)
    except (EtcdError, ValueError) as error:
        ended["error"] = wire.error_json(error)
    await layer.group_send(group, ended)
    return ended


def _batch(watch: Any, wait: float) -> tuple[list, EtcdError | None]:
    """The events that come within `wait` seconds, gathered for BATCH_SECONDS after the first,
    and the watch's error if it failed meanwhile (after the events before it)."""
    batch: list = []
    until = time.monotonic() + wait
    try:
        while len(batch) < BATCH_EVENTS and (left := until - time.monotonic()) > 0:
            event = watch.next_event(timeout=left)
            if event is None:
                break
            if not batch:
                until = time.monotonic() + BATCH_SECONDS
            batch.append(event)
    except EtcdError as error:
        return batch, error
    return batch, None
