"""Pod summaries grouped by node, kept up to date one pod at a time.

What the overview needs to redraw only the nodes a change touches: each pod's summary, the pods
of each node, how many pods are in each state, and how many sectors each level of detail would
draw (distinct (node, namespace, owner) and (node, namespace) keys, counted as pods come and go).

It reads the pods' records (explorer/state/records.py), never the pods: a packed pod would be
unpacked for each read, and a memo holding pods would hold unshared copies of every one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from operator import attrgetter

from explorer.lib.objects import Key
from explorer.state.cluster_state import ClusterState
from explorer.state.records import PodRecord, pod_records_on, record, records

from .pod_summary import PodSummary, SharedWords, states_of, summary_of


class PodIndex:
    def __init__(self) -> None:
        self._clear()

    def _clear(self) -> None:
        # The state makes a new record whenever a pod changes and keeps the same one while it
        # does not, so the record's identity says whether its summary is still right.
        self._held: dict[Key, tuple[PodRecord, PodSummary]] = {}
        self._by_node: dict[str, dict[Key, PodSummary]] = {}
        self.states: Counter[str] = Counter()
        self.owner_groups: Counter[tuple[str, str, str]] = Counter()
        self.namespace_groups: Counter[tuple[str, str]] = Counter()

    def __len__(self) -> int:
        return len(self._held)

    def load(self, state: ClusterState, nodes: list[str] | None = None) -> None:
        """Hold exactly the state's pods (those on `nodes` when given: a run of nodes shown
        alone need not summarise a cluster's), summarising only those not seen before."""
        held = self._held
        self._clear()
        pods = records(state, "Pod") if nodes is None else _on(state, nodes)
        words = SharedWords()
        for pod in pods:
            key = pod.key
            entry = held.get(key)
            if entry is None or entry[0] is not pod:
                entry = (pod, summary_of(pod, words))
            self._held[key] = entry
        # Filed and counted in bulk: Counter over an iterable counts in C, where one `+= 1` a
        # pod (`_add`) took most of the overview's cold build at 165,000 pods.
        by_node = self._by_node
        for key, (_, summary) in self._held.items():
            on_node = by_node.get(summary.node)
            if on_node is None:
                on_node = by_node[summary.node] = {}
            on_node[key] = summary
        summaries = [summary for _, summary in self._held.values()]
        self.states = states_of(summaries)
        self.owner_groups = Counter(map(_owner_group, summaries))
        self.namespace_groups = Counter(map(_NAMESPACE_GROUP, summaries))

    def touch(self, state: ClusterState, namespace: str, name: str) -> set[str]:
        """Bring one pod up to date with the state; the nodes whose pods look different now."""
        key = (namespace, name)
        pod = record(state, "Pod", namespace, name)
        entry = self._held.get(key)
        if entry is not None and entry[0] is pod:
            return set()
        fresh = (pod, summary_of(pod)) if pod is not None else None
        if entry is not None and fresh is not None and entry[1] == fresh[1]:
            self._held[key] = fresh
            return set()
        nodes = set()
        if entry is not None:
            self._remove(key, entry[1])
            nodes.add(entry[1].node)
        if fresh is not None:
            self._add(key, fresh)
            nodes.add(fresh[1].node)
        return nodes

    def nodes(self) -> set[str]:
        """Names of the nodes holding pods ("" for pods not yet scheduled)."""
        return set(self._by_node)

    def counts_on(self, nodes: list[str]) -> tuple[int, int, int]:
        """On `nodes`: their pods, and the sectors each folded level would draw for them
        (distinct (node, namespace, owner) and (node, namespace) keys)."""
        summaries = [pod for node in nodes for pod in self._by_node.get(node, {}).values()]
        owners = {_owner_group(pod) for pod in summaries}
        return len(summaries), len(owners), len({(pod.node, pod.namespace) for pod in summaries})

    def pods_on(self, node: str) -> list[PodSummary]:
        return list(self._by_node.get(node, {}).values())

    def _add(self, key: Key, entry: tuple[PodRecord, PodSummary]) -> None:
        summary = entry[1]
        self._held[key] = entry
        self._by_node.setdefault(summary.node, {})[key] = summary
        self.states[summary.state] += 1
        self.owner_groups[_owner_group(summary)] += 1
        self.namespace_groups[_NAMESPACE_GROUP(summary)] += 1

    def _remove(self, key: Key, summary: PodSummary) -> None:
        del self._held[key]
        on_node = self._by_node[summary.node]
        del on_node[key]
        if not on_node:
            del self._by_node[summary.node]
        _decrement(self.states, summary.state)
        _decrement(self.owner_groups, _owner_group(summary))
        _decrement(self.namespace_groups, _NAMESPACE_GROUP(summary))


def _on(state: ClusterState, nodes: list[str]) -> Iterator[PodRecord]:
    for node in nodes:
        yield from pod_records_on(state, node)


_NAMESPACE_GROUP = attrgetter("node", "namespace")


def _owner_group(pod: PodSummary) -> tuple[str, str, str]:
    return (pod.node, pod.namespace, pod.owner or pod.name)


def _decrement(counter: Counter, key: object) -> None:
    counter[key] -= 1
    if counter[key] <= 0:
        del counter[key]
