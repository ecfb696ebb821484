"""Where does a pod of this size fit: the headroom page's question, answered by the scheduler's
filters on the cluster as it is (`collectors/scheduling/headroom.py` `where_it_fits`).

Params: `cluster`, `cpu`, `memory` (quantities as the API writes them, `0` for none),
`extended` (`name=quantity` of one extended resource, e.g. `nvidia.com/gpu=1`, or `-`),
`selector` (`key=value` of a nodeSelector label, or `-`) and `tolerate` (a taint key the pod
tolerates, or `-`). The model: `asked` (the pod in words), `error` (what was not understood, else
None), the nodes it fits on (counted; the first `NAMES_SHOWN` named, with links), the scheduler's
message for the rest (`0/N nodes are available: …` when it fits nowhere) and each reason with
its count, and the first `NAMES_SHOWN` rejected nodes with the filter that turned them away.
Every string is plain text.

The filters asked read of a node's pods only how many there are and what they request together:
each node's pods are read by their records and counted as the headroom counts them
(`headroom.py` `sized_on`, `verdict_on_counted`), so no pod is unpacked.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from explorer.collectors.scheduling import resources as res
from explorer.collectors.scheduling.headroom import (
    Counts,
    PodSize,
    Rejection,
    answer_of,
    pod_of_size,
    sized_headroom,
    verdict_on_counted,
)
from explorer.collectors.scheduling.message import CURRENT, fit_error
from explorer.collectors.scheduling.versions import Version
from explorer.lib.objects import name_of, spec_of
from explorer.lib.quantities import QuantityError, parse_quantity
from explorer.state.cluster_state import Change, ClusterState

from ..base import Params, View
from ..links import object_link
from .headroom import sized_on
from .scheduling import cluster_version

NONE = "-"
NAMES_SHOWN = 20
PARAMS = ("cluster", "cpu", "memory", "extended", "selector", "tolerate")


class NotUnderstood(ValueError):
    """A field of the form the model cannot read; str() names it."""


def _quantity(field: str, text: str) -> str:
    try:
        amount = parse_quantity(text)
    except QuantityError:
        raise NotUnderstood(f"{field}: {text!r} is not a quantity") from None
    if amount < 0:
        raise NotUnderstood(f"{field}: {text!r} is negative")
    return text


def _pair(field: str, text: str) -> tuple[str, str]:
    name, equals, value = text.partition("=")
    if not equals or not name.strip():
        raise NotUnderstood(f"{field}: {text!r} is not name=value")
    return name.strip(), value.strip()


def size_of(params: Params) -> PodSize:
    """The pod the form describes; NotUnderstood for a field that cannot be read."""
    requests = {}
    for resource in (res.CPU, res.MEMORY):
        text = params[resource].strip()
        if text not in ("0", NONE):
            requests[resource] = _quantity(resource, text)
    if params["extended"] != NONE:
        name, amount = _pair("extended", params["extended"])
        if not res.is_scalar_resource(name):
            raise NotUnderstood(f"extended: {name!r} is not an extended resource (domain/name)")
        requests[name] = _quantity("extended", amount)
    selector = {}
    if params["selector"] != NONE:
        key, value = _pair("selector", params["selector"])
        selector[key] = value
    tolerate = params["tolerate"].strip() if params["tolerate"] != NONE else ""
    return PodSize(requests, selector, tolerate)


def _asked(size: PodSize) -> str:
    words = ", ".join(f"{name} {amount}" for name, amount in size.requests.items()) or "nothing"
    words = "a pod requesting " + words
    if size.node_selector:
        words += ", nodeSelector " + ", ".join(f"{k}={v}" for k, v in size.node_selector.items())
    if size.tolerates:
        words += f", tolerating the taint {size.tolerates}"
    return words


@dataclass
class FitMemo:
    """A subscription's verdicts, node by node, so that a change is judged again on the nodes
    it touches only."""

    size: PodSize | None = None
    version: Version = CURRENT
    verdicts: dict[str, Rejection | None] = field(default_factory=dict)
    counts: Counts = field(default_factory=Counts)  # per sizing, for the version's rule


def _judge(state: ClusterState, memo: FitMemo, name: str) -> None:
    node = state.get("Node", "", name)
    if node is None or memo.size is None:
        memo.verdicts.pop(name, None)
        return
    pod = pod_of_size(memo.size)
    counted = sized_headroom(node, sized_on(state, name), memo.counts)
    memo.verdicts[name] = verdict_on_counted(pod, node, counted, memo.version)


def headroom_fit(
    state: ClusterState, params: Params, memo: FitMemo | None = None
) -> dict[str, Any]:
    memo = memo if memo is not None else FitMemo()
    memo.size, memo.verdicts = None, {}
    try:
        size = size_of(params)
    except NotUnderstood as error:
        return {"cluster": state.cluster, "error": str(error)}
    memo.size = size
    memo.version, _ = cluster_version(state)
    memo.counts = Counts(pod_level=memo.version >= Version(1, 34))
    for node in state.list("Node"):
        _judge(state, memo, name_of(node))
    return _model(state, memo, size)


def update_fit(
    state: ClusterState, params: Params, memo: FitMemo, changes: Iterable[Change]
) -> dict[str, Any] | None:
    """The answer after `changes`, judged again on the nodes they touch; None before a build."""
    size = memo.size
    if size is None:
        return None
    touched: set[str] = set()
    for change in changes:
        if change.kind == "Node":
            touched.add(change.name)
        elif change.kind == "Pod":
            touched.update(
                n for o in (change.object, change.old) if (n := spec_of(o).get("nodeName"))
            )
    for name in touched:
        _judge(state, memo, name)
    return _model(state, memo, size)


def _model(state: ClusterState, memo: FitMemo, size: PodSize) -> dict[str, Any]:
    answer = answer_of(memo.verdicts)
    nodes = len(memo.verdicts)
    rejected = [r.reasons for r in answer.rejected]
    return {
        "cluster": state.cluster,
        "error": None,
        "asked": _asked(size),
        "version": str(memo.version),
        "nodes": nodes,
        "fits": len(answer.fits),
        "fit_nodes": [
            {"node": name, "link": object_link("Node", "", name)}
            for name in answer.fits[:NAMES_SHOWN]
        ],
        "message": fit_error(nodes, rejected, version=memo.version) if not answer.fits else "",
        "reasons": [{"reason": r, "nodes": n} for r, n in answer.reasons.items()],
        "rejected": [
            {
                "node": r.node,
                "link": object_link("Node", "", r.node),
                "plugin": r.plugin,
                "reasons": list(r.reasons),
            }
            for r in answer.rejected[:NAMES_SHOWN]
        ],
        "rejected_count": len(answer.rejected),
    }


VIEW = View(
    "headroom-fit",
    headroom_fit,
    frozenset({"Node", "Pod"}),
    params=PARAMS,
    memo=FitMemo,
    update=update_fit,
)
