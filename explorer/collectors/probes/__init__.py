"""Probes fetch a node's raw facts (iptables-save, ip6tables-save, nft JSON, resolv.conf); they
do not parse them (explorer.collectors.iptables, .nft, .dns do, in the views). The one fact
that is not text is the kubepods cgroup tree, `cgroups`: a JSON-ready `CgroupsFact` of one
shape whichever probe read it (facts.py says which).

- `LocalProbe`: on the node itself — the agent, a Celery worker consuming `node.<node>`; with
  `cgroups=True` it also walks the node's cgroupfs;
- `exec.ExecProbe`: agentless, `pods/exec` in the node's kube-proxy pod through the API server
  (import it from `explorer.collectors.probes.exec`: it needs explorer.kube, which views, that
  import this package for NODE_FACTS_KIND, may not);
- `proxy.ProxyCgroupProbe`: agentless, the cgroup tree from the kubelet's /metrics/cadvisor
  through `nodes/proxy` (import it from `explorer.collectors.probes.proxy`, for the same reason);
- `RecordedProbe`: facts recorded in a ClusterState (the demo cluster, a bundle).

Each is a `Probe`: `collect(node) -> NodeFacts` (explorer/collectors/probes/facts.py);
`joined` makes one collection of two probes' (a node's rules by exec, its cgroups by proxy).
"""

from .facts import (
    CGROUPS,
    FACTS,
    NODE_FACTS_KIND,
    CgroupsFact,
    NodeFacts,
    Probe,
    joined,
    merged,
    reached,
)
from .local import LocalProbe
from .recorded import RecordedProbe

__all__ = [
    "CGROUPS",
    "FACTS",
    "NODE_FACTS_KIND",
    "CgroupsFact",
    "LocalProbe",
    "NodeFacts",
    "Probe",
    "RecordedProbe",
    "joined",
    "merged",
    "reached",
]
