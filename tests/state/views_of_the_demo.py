"""Every view of the demo, with parameters that draw something, and the model each builds: what
tests compare between two states that must answer alike (plain, shared, packed)."""

from __future__ import annotations

import msgspec
import orjson

from explorer.state.cluster_state import ClusterState
from explorer.viewmodels.registry import VIEWS

ASK = {"cpu": "500m", "memory": "256Mi", "extended": "-", "selector": "-", "tolerate": "-"}


def copied(demo: ClusterState, into: ClusterState) -> ClusterState:
    """`into`, given the demo's objects as a watcher would take them in: parsed afresh from
    their JSON."""
    for kind in demo.kinds():
        into.replace(kind, orjson.loads(orjson.dumps(list(demo.list(kind)))))
    for node, facts in demo.node_facts.items():
        into.set_node_facts(node, dict(facts))
    return into


def listed(demo: ClusterState, into: ClusterState, page_size: int = 50) -> ClusterState:
    """`into`, given the demo's objects as the watcher lists them: in pages, each item without
    kind and apiVersion (as kube-apiserver writes a list's), handed over as its JSON
    (`msgspec.Raw`) for a kind the state takes so, else parsed; each page shared, then the
    whole list replaced."""
    for kind in demo.kinds():
        texts = [
            orjson.dumps({k: v for k, v in obj.items() if k not in ("kind", "apiVersion")})
            for obj in demo.list(kind)
        ]
        items: list = []
        for start in range(0, len(texts), page_size):
            chunk = texts[start : start + page_size]
            if into.takes_json(kind):
                page: list = [msgspec.Raw(text) for text in chunk]
            else:
                page = [orjson.loads(text) | {"kind": kind} for text in chunk]
            into.share_page(kind, page)
            items.extend(page)
        into.replace(kind, items, "1")
    for node, facts in demo.node_facts.items():
        into.set_node_facts(node, dict(facts))
    return into


def every_view_with_its_params(state: ClusterState) -> list[tuple[str, dict[str, str]]]:
    """Each view with parameters of the demo; the object page for one object of every kind."""
    node = "demo-worker"
    pending = next(p for p in state.list("Pod") if not p["spec"].get("nodeName"))
    views = [
        ("overview", {}),
        ("hierarchy", {"namespace": "*", "size": "count"}),
        ("hierarchy", {"namespace": "shop", "size": "cpu"}),
        ("pod", {"namespace": "shop", "name": "db-0"}),
        (
            "scheduling",
            {
                "namespace": pending["metadata"]["namespace"],
                "name": pending["metadata"]["name"],
                "node": "*",
            },
        ),
        ("scheduling-history", {}),
        ("node", {"name": node}),
        ("cgroup-tree", {"node": node, "size": "limit"}),
        ("node-volumes", {"name": node}),
        ("events", {"namespace": "*", "object": "*"}),
        ("search", {"q": "web"}),
        ("service-chains", {"node": node, "service": "shop/web"}),
        ("chain-browser", {"node": node, "dump": "auto"}),
        ("corefile", {}),
        ("dns-trace", {"namespace": "shop", "pod": "db-0", "name": "web"}),
        ("network-index", {}),
        ("proxy-mode", {}),
        ("drift", {}),
        ("packet-trace", {"source": "pod:shop/db-0", "destination": "10.96.178.167:80/tcp"}),
        ("storage", {}),
        ("headroom", {}),
        ("headroom-fit", ASK),
        ("headroom-history", {}),
    ]
    for kind in state.kinds():
        obj = next(state.list(kind))
        meta = obj["metadata"]
        views.append(
            ("object", {"kind": kind, "namespace": meta.get("namespace", ""), "name": meta["name"]})
        )
    return views


def model_of(state: ClusterState, name: str, params: dict[str, str]) -> bytes:
    view = VIEWS[name]
    return orjson.dumps(view.build(state, {"cluster": "demo", **params}, view.memo()))
