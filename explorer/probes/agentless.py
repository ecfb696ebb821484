"""The way to a node without its agent: exec in its kube-proxy pod through the API server, then
the facts recorded for it (demo cluster, bundle). A node neither reaches is unreachable, and
says why each way failed. Its cgroup tree (`cgroups`): the kubelet's /metrics/cadvisor
through `nodes/proxy`, then the recorded tree."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack
from typing import Protocol

from kubernetes.client import ApiClient

from explorer.kube.config import KubeConfigError
from explorer.probes.exec_probe import ExecProbe
from explorer.probes.proxy_probe import ProxyCgroupProbe
from explorer.state.node_facts import (
    CGROUP_FACTS,
    FACTS,
    NodeFacts,
    ProbeName,
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

    def __init__(self, cluster: str) -> None:
        self.cluster = cluster
        self._stack = ExitStack()
        self._client: ApiClient | None = None
        self._unusable = ""

    def __enter__(self) -> Agentless:
        return self

    def __exit__(self, *_: object) -> None:
        self._stack.close()

    def collect(self, node: str, why: str) -> NodeFacts:
        """`why`: why the agent did not answer, the first of the reasons if nothing does."""
        return self._first_reached(node, [why], "exec", ExecProbe, FACTS, blame_recorded=True)

    def cgroups(self, node: str) -> NodeFacts:
        """The node's `cgroups` fact alone (an error for it when neither way reaches it)."""
        return self._first_reached(node, [], "proxy", ProxyCgroupProbe, CGROUP_FACTS)

    def _first_reached(
        self,
        node: str,
        reasons: list[str],
        way: ProbeName,
        probe: Callable[[ApiClient], _Probe],
        facts: tuple[str, ...],
        *,
        blame_recorded: bool = False,
    ) -> NodeFacts:
        """`way` through the API server (`probe`), then the recorded facts; else an unreadable
        node, named after `way` (or the recorded probe, if tried and `blame_recorded`)."""
        client = self._connection()
        if client is None:
            reasons.append(f"{way}: {self._unusable}")
        else:
            collected = probe(client).collect(node)
            if reached(collected):
                return collected
            reasons.append(f"{way}: {_reason(collected)}")
        tried = way
        source = source_of(self.cluster)
        if source.recorded is not None:
            tried = "recorded" if blame_recorded else way
            collected = RecordedProbe(source.recorded(), source.recorded_at, facts).collect(node)
            if reached(collected):
                return collected
            reasons.append(f"recorded: {_reason(collected)}")
        return unreadable(node, tried, "; ".join(reasons), facts)

    def _connection(self) -> ApiClient | None:
        if self._client is None and not self._unusable:
            try:
                self._client = self._stack.enter_context(api_client(self.cluster))
            except (KubeConfigError, OSError) as error:
                self._unusable = one_line(str(error)) or type(error).__name__
        return self._client


def _reason(collected: NodeFacts) -> str:
    return next(iter(collected["errors"].values()), "nothing read")
