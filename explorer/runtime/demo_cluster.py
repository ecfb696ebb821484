"""The demo cluster served by the project's API server, with its churn, in a background thread.

`make run` uses it when there is no kubeconfig (or EXPLORER_DEMO=1): the app then watches the demo
through the official client exactly as it would watch a real cluster.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from explorer.apiserver import ApiServer, ApiStore
from explorer.lib.events import DEFAULT_EVENT_TTL_SECONDS
from explorer.lib.objects import name_of, spec_of
from explorer.state.cluster_state import ClusterState

if TYPE_CHECKING:
    from explorer.apiserver.etcd_storage import EtcdStorage
    from explorer.demo.pace import Pace
    from explorer.runtime.etcd_process import EtcdProcess

DEMO_CONTEXT = "demo"


# kube-proxy programs every Service on every node: a change to one is a change to all nodes' rules
_EVERY_NODES_RULES = frozenset({"Service", "EndpointSlice"})


def touched_nodes(events: list[dict], all_nodes: Iterable[str]) -> set[str]:
    """Nodes whose facts a churn step may have changed: the nodes of the pods it touched, and
    every node when a Service or EndpointSlice changed."""
    nodes = set()
    for event in events:
        obj = event.get("object") or {}
        if obj.get("kind") in _EVERY_NODES_RULES:
            return set(all_nodes)
        if obj.get("kind") == "Pod":
            node = spec_of(obj).get("nodeName")
            if node:
                nodes.add(node)
        elif obj.get("kind") == "Node":
            nodes.add(name_of(obj))
    return nodes - {""}


def churn_once(store: ApiStore, churn, stop: threading.Event | None = None) -> list[dict]:
    """Apply one churn step through the store and refresh the facts of the nodes it touched,
    node by node until `stop` is set (a demo of 5,000 nodes, stopped, went on for minutes
    building every node's rules, and grew by gigabytes as it did, in the tests' process)."""
    from explorer.demo.facts import each_node_facts

    events = churn.step()
    store.apply_many(events)
    touched = touched_nodes(events, (name_of(n) for n in store.state.list("Node")))
    for node, facts in each_node_facts(store.state, touched) if touched else ():
        store.set_node_facts(node, facts)
        if stop is not None and stop.is_set():
            break
    return events


def churn_forever(store: ApiStore, churn, interval: float, stop: threading.Event) -> None:
    """Apply the demo churn every `interval` seconds until `stop` is set."""
    while not stop.wait(interval):
        churn_once(store, churn, stop)


def demo_state(
    nodes: int = 3, pods_per_node: int | None = None, services: int | None = None, seed: int = 0
) -> ClusterState:
    from explorer.demo import build_demo

    return build_demo(
        nodes=nodes, pods_per_node=pods_per_node, services=services, seed=seed, cluster=DEMO_CONTEXT
    )


@dataclass
class DemoEtcd:
    """The demo's own etcd, which its API server writes through to as kube-apiserver does."""

    process: EtcdProcess
    storage: EtcdStorage
    directory: Path

    @property
    def endpoint(self) -> str:
        return self.process.endpoint

    def stop(self) -> None:
        from explorer.etcd import readers

        readers.unregister(DEMO_CONTEXT)
        self.storage.stop()
        self.process.stop()
        shutil.rmtree(self.directory, ignore_errors=True)


@dataclass
class DemoCluster:
    """A running demo: API server on a loopback port, churn thread, and a kubeconfig for it;
    and its etcd when it has one."""

    server: ApiServer
    store: ApiStore
    kubeconfig: Path
    etcd: DemoEtcd | None = None
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def stop(self) -> None:
        from explorer.probes.node_sources import unregister

        unregister(DEMO_CONTEXT)
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self.server.stop()
        if self.etcd is not None:
            self.etcd.stop()
        self.kubeconfig.unlink(missing_ok=True)


def start_demo_cluster(
    churn_interval: float = 3.0,
    seed: int = 0,
    pace: Pace | None = None,
    *,
    with_etcd: bool = False,
    **sizes,
) -> DemoCluster:
    """Build the demo, serve it on 127.0.0.1 (a free port) and churn it every `churn_interval` s
    at `pace` (default: the human one of `demo/pace.py`); its Events expire as kube-apiserver's
    do by default. `with_etcd`: keep it in a private etcd (Debian's; EtcdStartError when it
    cannot start), written through as kube-apiserver writes."""
    from explorer.demo.churn import DemoChurn
    from explorer.demo.pace import HUMAN_PACE

    state = demo_state(seed=seed, **sizes)
    etcd = _start_etcd() if with_etcd else None
    if etcd is None:
        store = ApiStore(state, event_ttl=DEFAULT_EVENT_TTL_SECONDS)
    else:
        store = ApiStore(state, storage=etcd.storage)
        etcd.storage.start(store)
    # etcdctl exec'd in the demo's etcd pod reads its etcd (the opt-in etcd-exec way, shown)
    endpoint = etcd.endpoint if etcd is not None else None
    server = ApiServer(store, host="127.0.0.1", port=0, etcd_endpoint=endpoint).start()
    demo = DemoCluster(server, store, write_kubeconfig(server.url), etcd)
    _register_for_collection(demo)
    if churn_interval > 0:
        churn = DemoChurn(store.state, seed=seed, pace=pace or HUMAN_PACE)
        demo._thread = threading.Thread(
            target=churn_forever,
            args=(store, churn, churn_interval, demo._stop),
            name="demo churn",
            daemon=True,
        )
        demo._thread.start()
    return demo


def _start_etcd() -> DemoEtcd:
    from explorer.apiserver.etcd_storage import EtcdStorage
    from explorer.apiserver.etcd_writes import EtcdWrites
    from explorer.runtime.etcd_process import scratch_dir, start_etcd

    directory = scratch_dir()
    try:
        process = start_etcd(directory)
    except Exception:
        shutil.rmtree(directory, ignore_errors=True)
        raise
    storage = EtcdStorage(EtcdWrites(process.endpoint), event_ttl=int(DEFAULT_EVENT_TTL_SECONDS))
    _register_etcd_reader(process.endpoint)
    return DemoEtcd(process, storage, directory)


def _register_etcd_reader(endpoint: str) -> None:
    """The explorer reads the demo's etcd as it would any cluster's: with the read-only client."""
    from explorer.etcd import readers
    from explorer.etcd.access import EtcdAccess
    from explorer.etcd.client import EtcdClient

    access = EtcdAccess(endpoints=(endpoint,))
    readers.register(DEMO_CONTEXT, "the demo's own etcd", lambda: EtcdClient(access))


def _register_for_collection(demo: DemoCluster) -> None:
    """Node collection (explorer/jobs/collect.py) reaches the demo's nodes through its API
    server (exec and nodes/proxy, turned on here: that server is the demo's own and answers
    them from recorded facts), or else reads the facts its store recorded."""
    from explorer.lib.choices import NODE_ACCESS
    from explorer.probes.node_sources import NodeSource, register

    state = demo.store.state
    source = NodeSource(
        kubeconfig=demo.kubeconfig,
        recorded=lambda: dict(state.node_facts),
        node_access=frozenset(NODE_ACCESS),
    )
    register(DEMO_CONTEXT, source)


def write_kubeconfig(url: str) -> Path:
    """A private kubeconfig with one context, `demo`, pointing at the demo's API server."""
    handle, name = tempfile.mkstemp(prefix="explorer-demo-", suffix=".kubeconfig")
    with os.fdopen(handle, "w") as out:
        out.write(
            "apiVersion: v1\nkind: Config\n"
            f"current-context: {DEMO_CONTEXT}\n"
            f"clusters:\n- name: {DEMO_CONTEXT}\n  cluster:\n    server: {url}\n"
            f"users:\n- name: {DEMO_CONTEXT}\n  user:\n    token: demo\n"
            f"contexts:\n- name: {DEMO_CONTEXT}\n  context:\n"
            f"    cluster: {DEMO_CONTEXT}\n    user: {DEMO_CONTEXT}\n"
        )
    return Path(name)
