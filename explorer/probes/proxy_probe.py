"""The proxy probes: agentless, through the API server's `nodes/proxy`
(explorer/kube/node_proxy.py). `ProxyCgroupProbe`: the node's cgroup tree from its kubelet's
/metrics/cadvisor (the `id` label of each sample is the cgroup path; the limits are the
`container_spec_*` gauges). `ProxyVolumeProbe`: the volumes' usage from its kubelet's
/stats/summary (each pod's `volume` list; the claim's name in `pvcRef`), kept as the
`volume-usage` fact — the summary's volumes only, not its cpu and memory.

They read the `cgroups` and `volume-usage` facts only (a node's rules come from the exec
probe). A cluster that forbids `nodes/proxy`, a kubelet that does not answer, or an answer
that is not the endpoint's gives the fact's error, one line: reported, never raised. Import
it from `explorer.probes.proxy_probe` (it needs explorer.kube).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from kubernetes.client import ApiClient

from explorer.collectors.cgroups.cadvisor import parse_cadvisor
from explorer.collectors.storage.usage import usage_records, volume_usage
from explorer.kube.node_proxy import read_cadvisor_text, read_summary
from explorer.kube.transport import ApiError
from explorer.state.node_facts import (
    CGROUPS,
    VOLUME_USAGE,
    NodeFacts,
    ProbeName,
    VolumeUsageFact,
    node_facts,
    now,
    one_line,
)

from .cgroup_fact import cgroups_fact

ENDPOINT = "nodes/proxy metrics/cadvisor"
SUMMARY_ENDPOINT = "nodes/proxy stats/summary"


@dataclass(frozen=True)
class ProxyCgroupProbe:
    api_client: ApiClient
    name: ClassVar[ProbeName] = "proxy"

    def collect(self, node: str) -> NodeFacts:
        taken_at = now()
        try:
            tree = parse_cadvisor(read_cadvisor_text(self.api_client, node))
        except (ApiError, ValueError) as error:
            reason = f"{ENDPOINT}: {one_line(str(error)) or type(error).__name__}"
            return node_facts(node, "proxy", {}, {CGROUPS: reason}, taken_at)
        fact = cgroups_fact(tree, "proxy", taken_at)
        return node_facts(node, "proxy", {CGROUPS: fact}, {}, taken_at)


@dataclass(frozen=True)
class ProxyVolumeProbe:
    api_client: ApiClient
    name: ClassVar[ProbeName] = "proxy"

    def collect(self, node: str) -> NodeFacts:
        taken_at = now()
        try:
            usages = volume_usage(read_summary(self.api_client, node))
        except (ApiError, ValueError) as error:
            reason = f"{SUMMARY_ENDPOINT}: {one_line(str(error)) or type(error).__name__}"
            return node_facts(node, "proxy", {}, {VOLUME_USAGE: reason}, taken_at)
        fact = VolumeUsageFact(
            volumes=usage_records(usages), source="stats/summary", probe="proxy", taken_at=taken_at
        )
        return node_facts(node, "proxy", {VOLUME_USAGE: fact}, {}, taken_at)
