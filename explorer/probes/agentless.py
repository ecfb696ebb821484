"""The way to a node without its agent: exec in its kube-proxy pod through the API server, then
the facts recorded for it (demo cluster, bundle). A node neither reaches is unreachable, and
says why each way failed. Its cgroup tree (`cgroups`): the kubelet's /metrics/cadvisor
through `nodes/proxy`, then the recorded tree. Its volumes' usage (`volume-usage`): the
kubelet's /stats/summary through `nodes/proxy`, or nothing. Its mount table and pod
volume directories (`storage`): only the agent on the node reads them, so the recorded ones or
nothing.
through `nodes/proxy`, then the recorded tree. kube-scheduler's configuration
(`scheduler-config`): only from recorded facts (the demo's control plane), under the same
setting as the agent's read of the file.

Exec and nodes/proxy are privileged (explorer/lib/choices.py NODE_ACCESS): each is tried only
when the operator turned it on (`allowed`, from EXPLORER_NODE_ACCESS) or the cluster's node
source does (the demo cluster, for its own API server). The facts say why each probe that was
not used was passed over (`passed_over`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any, Protocol

from kubernetes.client import ApiClient

from explorer.kube.config import KubeConfigError
from explorer.lib.choices import EXEC, NODES_PROXY, SCHEDULER_CONFIG, access_off
from explorer.probes.exec_probe import ExecProbe
from explorer.probes.proxy_probe import ProxyCgroupProbe, ProxyVolumeProbe
from explorer.state.node_facts import (
    CGROUP_FACTS,
    FACTS,
    SCHEDULER_FACTS,
    STORAGE_FACTS,
    VOLUME_USAGE_FACTS,
    NodeFacts,
    ProbeName,
    node_facts,
    one_line,
    reached,
    unreadable,
)

from .node_sources import api_client, source_of
from .recorded_probe import RecordedProbe


class _Probe(Protocol):
    def collect(self, node: str) -> NodeFacts: ...


class Agentless:
    """The agentless probes of one cluster's nodes; one connection for all of them (opened when
    first needed). Use it as a context manager."""

    def __init__(self, cluster: str, allowed: frozenset[str] = frozenset()) -> None:
        self.cluster = cluster
        self.allowed = allowed | source_of(cluster).node_access
        self._stack = ExitStack()
        self._client: ApiClient | None = None
        self._unusable = ""
        self._recorded: Mapping[str, Mapping[str, Any]] | None = None  # read once, when needed

    def __enter__(self) -> Agentless:
        return self

    def __exit__(self, *_: object) -> None:
        self._stack.close()

    def collect(self, node: str, why: str) -> NodeFacts:
        """`why`: why the agent did not answer, the first of the reasons if nothing does."""
        way = _Way("exec", EXEC, ExecProbe)
        return self._first_reached(node, {"local": why}, way, FACTS, blame_recorded=True)

    def cgroups(self, node: str) -> NodeFacts:
        """The node's `cgroups` fact alone (an error for it when neither way reaches it)."""
        way = _Way("proxy", NODES_PROXY, ProxyCgroupProbe)
        return self._first_reached(node, {}, way, CGROUP_FACTS)

    def volume_usage(self, node: str) -> NodeFacts:
        """The node's `volume-usage` fact alone, through `nodes/proxy` only when turned on (never
        recorded: the usage of a node nobody can reach is not known)."""
        collected = self._through_api(node, _Way("proxy", NODES_PROXY, ProxyVolumeProbe))
        if reached(collected):
            return collected
        reason = _reason(collected)
        failed = unreadable(node, "proxy", f"proxy: {reason}", VOLUME_USAGE_FACTS)
        return _passing_over(failed, {"proxy": reason})

    def storage(self, node: str) -> NodeFacts:
        """The node's `storage` fact as recorded: no way through the API server reads a node's
        mount table (its agent does)."""
        source = source_of(self.cluster)
        reason = "only the node's agent reads its mount table"
        if source.recorded is None:
            return unreadable(node, "local", reason, STORAGE_FACTS)
        recorded = RecordedProbe(source.recorded(), source.recorded_at, STORAGE_FACTS)
        collected = recorded.collect(node)
        return _passing_over(collected, {"local": reason}) if reached(collected) else collected

    def scheduler_config(self, node: str) -> NodeFacts:
        """The node's recorded `scheduler-config` fact when the way is on; its error when it is
        off; nothing for a node that has none recorded (not a control-plane node)."""
        source = source_of(self.cluster)
        if self._recorded is None:
            self._recorded = source.recorded() if source.recorded is not None else {}
        entry = self._recorded.get(node) or {}
        if not isinstance(entry.get(SCHEDULER_FACTS[0]), str):
            return node_facts(node, "recorded", {}, {})
        if SCHEDULER_CONFIG not in self.allowed:
            off = {SCHEDULER_FACTS[0]: access_off(SCHEDULER_CONFIG)}
            return node_facts(node, "recorded", {}, off)
        return RecordedProbe(self._recorded, source.recorded_at, SCHEDULER_FACTS).collect(node)

    def _first_reached(
        self,
        node: str,
        passed_over: dict[str, str],
        way: _Way,
        facts: tuple[str, ...],
        *,
        blame_recorded: bool = False,
    ) -> NodeFacts:
        """`way` through the API server, then the recorded facts; else an unreadable node,
        named after `way` (or the recorded probe, if tried and `blame_recorded`)."""
        collected = self._through_api(node, way)
        if reached(collected):
            return _passing_over(collected, passed_over)
        passed_over[way.probe] = _reason(collected)
        tried = way.probe
        source = source_of(self.cluster)
        if source.recorded is not None:
            tried = "recorded" if blame_recorded else way.probe
            collected = RecordedProbe(source.recorded(), source.recorded_at, facts).collect(node)
            if reached(collected):
                return _passing_over(collected, passed_over)
            passed_over["recorded"] = _reason(collected)
        reasons = [w if p == "local" else f"{p}: {w}" for p, w in passed_over.items()]
        return _passing_over(unreadable(node, tried, "; ".join(reasons), facts), passed_over)

    def _through_api(self, node: str, way: _Way) -> NodeFacts:
        if way.access not in self.allowed:
            return unreadable(node, way.probe, access_off(way.access))
        client = self._connection()
        if client is None:
            return unreadable(node, way.probe, self._unusable)
        return way.probe_with(client).collect(node)

    def _connection(self) -> ApiClient | None:
        if self._client is None and not self._unusable:
            try:
                self._client = self._stack.enter_context(api_client(self.cluster))
            except (KubeConfigError, OSError) as error:
                self._unusable = one_line(str(error)) or type(error).__name__
        return self._client


@dataclass(frozen=True)
class _Way:
    """A privileged way to a node through the API server."""

    probe: ProbeName
    access: str  # the NODE_ACCESS that turns it on
    probe_with: Callable[[ApiClient], _Probe]


def _passing_over(collected: NodeFacts, passed_over: dict[str, str]) -> NodeFacts:
    if passed_over:
        collected["passed_over"] = {**passed_over, **collected.get("passed_over", {})}
    return collected


def _reason(collected: NodeFacts) -> str:
    return next(iter(collected["errors"].values()), "nothing read")
