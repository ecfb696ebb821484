"""The way to a node without its agent: exec in its kube-proxy pod through the API server, then
the facts recorded for it (demo cluster, bundle). A node neither reaches is unreachable, and
says why each way failed. Its cgroup tree (`cgroups`): the kubelet's /metrics/cadvisor
through `nodes/proxy`, then the recorded tree."""

from __future__ import annotations

from contextlib import ExitStack

from kubernetes.client import ApiClient

from explorer.kube.config import KubeConfigError
from explorer.probes.exec_probe import ExecProbe
from explorer.probes.proxy_probe import ProxyCgroupProbe
from explorer.state.node_facts import (
    CGROUP_FACTS,
    NodeFacts,
    ProbeName,
    one_line,
    reached,
    unreadable,
)

from .node_sources import api_client, source_of
from .recorded_probe import RecordedProbe


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
        reasons = [why]
        tried: ProbeName = "exec"
        client = self._connection()
        if client is None:
            reasons.append(f"exec: {self._unusable}")
        else:
            collected = ExecProbe(client).collect(node)
            if reached(collected):
                return collected
            reasons.append(f"exec: {_reason(collected)}")
        source = source_of(self.cluster)
        if source.recorded is not None:
            tried = "recorded"
            collected = RecordedProbe(source.recorded(), source.recorded_at).collect(node)
            if reached(collected):
                return collected
            reasons.append(f"recorded: {_reason(collected)}")
        return unreadable(node, tried, "; ".join(reasons))

    def cgroups(self, node: str) -> NodeFacts:
        """The node's `cgroups` fact alone (an error for it when neither way reaches it)."""
        reasons = []
        client = self._connection()
        if client is None:
            reasons.append(f"proxy: {self._unusable}")
        else:
            collected = ProxyCgroupProbe(client).collect(node)
            if reached(collected):
                return collected
            reasons.append(f"proxy: {_reason(collected)}")
        source = source_of(self.cluster)
        if source.recorded is not None:
            recorded = RecordedProbe(source.recorded(), source.recorded_at, CGROUP_FACTS)
            collected = recorded.collect(node)
            if reached(collected):
                return collected
            reasons.append(f"recorded: {_reason(collected)}")
        return unreadable(node, "proxy", "; ".join(reasons), CGROUP_FACTS)

    def _connection(self) -> ApiClient | None:
        if self._client is None and not self._unusable:
            try:
                self._client = self._stack.enter_context(api_client(self.cluster))
            except (KubeConfigError, OSError) as error:
                self._unusable = one_line(str(error)) or type(error).__name__
        return self._client


def _reason(collected: NodeFacts) -> str:
    return next(iter(collected["errors"].values()), "nothing read")
