"""Probes fetch a node's raw facts (iptables-save, ip6tables-save, nft JSON, resolv.conf); they
do not parse them (the state does, once, when the facts are put into it:
explorer/state/parsed_facts.py). The one fact that is not text is the kubepods cgroup tree,
`cgroups`: a JSON-ready `CgroupsFact` of one shape whichever probe read it
(explorer/state/node_facts.py says which).

- `LocalProbe`: on the node itself — the agent, a Celery worker consuming `node.<node>`; with
  `cgroups=True` it also walks the node's cgroupfs, with `storage=True` it reads the node's
  mount table and the kubelet's pod volume directories (`storage_fact.py`);
- `exec_probe.ExecProbe`: agentless, `pods/exec` in the node's kube-proxy pod through the API
  server;
- `proxy_probe.ProxyCgroupProbe`: agentless, the cgroup tree from the kubelet's
  /metrics/cadvisor through `nodes/proxy`; `proxy_probe.ProxyVolumeProbe`: the volumes' usage
  from its /stats/summary;
- `RecordedProbe`: facts recorded in a ClusterState (the demo cluster, a bundle).

Each is a `Probe`: `collect(node) -> NodeFacts` (explorer/state/node_facts.py, where `joined`
makes one collection of two probes': a node's rules by exec, its cgroups by proxy).
`agentless.Agentless` tries the agentless ones in turn for a node whose agent did not answer.
"""

from .local_probe import LocalProbe
from .recorded_probe import RecordedProbe

__all__ = ["LocalProbe", "RecordedProbe"]
